package io.paywatch.producer.zones;

import io.paywatch.contract.FreelancerSettings;
import io.paywatch.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
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
        Map<String, Object> config = new HashMap<>(security);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return new KafkaConsumer<>(config, new StringDeserializer(),
                Topics.FREELANCER_SETTINGS.valueSerde().deserializer());
    }

    /**
     * Assigns every partition of the settings topic from the beginning and returns the end offsets at that moment
     * (empty when the topic does not exist yet).
     */
    public static Map<TopicPartition, Long> assignAll(KafkaConsumer<String, FreelancerSettings> consumer) {
        List<PartitionInfo> partitions = consumer.partitionsFor(Topics.FREELANCER_SETTINGS.name(),
                Duration.ofSeconds(5));
        if (partitions == null || partitions.isEmpty()) {
            return Map.of();
        }
        List<TopicPartition> tps = partitions.stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
        return consumer.endOffsets(tps, Duration.ofSeconds(10));
    }

    /** Whether the consumer has read up to {@code ends} on every partition. */
    public static boolean caughtUp(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (consumer.position(end.getKey(), Duration.ofSeconds(10)) < end.getValue()) {
                return false;
            }
        }
        return true;
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
