package io.paywatch.producer.zones;

import io.paywatch.contract.FreelancerSettings;
import io.paywatch.producer.follow.CompactedTopicFollower;
import io.paywatch.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the tenants' saved time zones from the compacted {@code freelancer-settings} topic: the same records the
 * stream processor's settings store holds, so the producer and the processor agree on which zone a tenant's
 * calendar dates are in. Used by the service ({@link TenantZones}) and by the CSV import's {@code --zone} default.
 */
public final class SettingsZones {

    private SettingsZones() {
    }

    /** A read_committed consumer of the settings topic, without a group (partitions are assigned, not subscribed). */
    public static KafkaConsumer<String, FreelancerSettings> consumer(String bootstrapServers) {
        return consumer(bootstrapServers, Map.of());
    }

    /** The same, with connection-security settings ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}). */
    public static KafkaConsumer<String, FreelancerSettings> consumer(String bootstrapServers,
            Map<String, Object> security) {
        return CompactedTopicFollower.consumer(Topics.FREELANCER_SETTINGS, bootstrapServers, security);
    }

    /**
     * Assigns every partition of the settings topic from the beginning and returns the end offsets at that moment
     * (empty when the topic does not exist yet).
     */
    public static Map<TopicPartition, Long> assignAll(KafkaConsumer<String, FreelancerSettings> consumer) {
        return CompactedTopicFollower.assignAll(consumer, Topics.FREELANCER_SETTINGS);
    }

    /** Whether the consumer has read up to {@code ends} on every partition. */
    public static boolean caughtUp(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> ends) {
        return CompactedTopicFollower.caughtUp(consumer, ends);
    }

    /** The zone of a settings record, or empty when it names none or an unknown one (the processor reads UTC). */
    public static Optional<ZoneId> zoneOf(ConsumerRecord<String, FreelancerSettings> record) {
        if (record.value() == null) {
            return Optional.empty();
        }
        return parse(record.value().getTimezone());
    }

    /** An IANA zone id, or empty when blank or unknown. */
    public static Optional<ZoneId> parse(String id) {
        if (id == null || id.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(ZoneId.of(id));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The saved zone of one tenant, reading the whole settings topic once (it is compacted: one record per tenant).
     *
     * @return empty when the tenant saved no settings
     * @throws RuntimeException when Kafka cannot be read within about {@code timeout}
     */
    public static Optional<ZoneId> readOnce(String bootstrapServers, String tenantId, Duration timeout) {
        try (KafkaConsumer<String, FreelancerSettings> consumer = consumer(bootstrapServers)) {
            Map<TopicPartition, Long> ends = assignAll(consumer);
            Optional<ZoneId> zone = Optional.empty();
            boolean saved = false;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!caughtUp(consumer, ends)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("settings topic not read within " + timeout);
                }
                for (ConsumerRecord<String, FreelancerSettings> r : consumer.poll(Duration.ofMillis(200))) {
                    if (tenantId.equals(r.key())) {
                        saved = r.value() != null;
                        zone = saved ? Optional.of(zoneOf(r).orElse(java.time.ZoneOffset.UTC)) : Optional.empty();
                    }
                }
            }
            return saved ? zone : Optional.empty();
        }
    }
}
