package io.paywatch.launcher.mail;

import io.paywatch.contract.FreelancerSettings;
import io.paywatch.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which address each tenant's alert emails go to, read from the compacted {@code freelancer-settings} topic
 * (from its start, committed records only) and kept current while the stack runs. The outbox server shows a
 * tenant only the captured mails addressed to its notification email, the same address the alert service
 * sends that tenant's alerts to.
 */
public final class TenantAddresses implements AutoCloseable {

    private final Map<String, String> emailByTenant = new ConcurrentHashMap<>();
    private final KafkaConsumer<String, FreelancerSettings> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    public TenantAddresses(String bootstrapServers) {
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, "paywatch-launcher-tenant-addresses"),
                Topics.FREELANCER_SETTINGS.keySerde().deserializer(),
                Topics.FREELANCER_SETTINGS.valueSerde().deserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.FREELANCER_SETTINGS.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        this.thread = new Thread(this::run, "tenant-addresses");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** The tenant's current notification email, lower-cased, if its settings were seen. */
    public Optional<String> emailOf(String tenant) {
        return Optional.ofNullable(emailByTenant.get(tenant));
    }

    private void run() {
        try {
            while (running) {
                ConsumerRecords<String, FreelancerSettings> records;
                try {
                    records = consumer.poll(Duration.ofMillis(500));
                } catch (RecordDeserializationException e) {
                    // Not a settings record: skip it; the stream processor dead-letters it.
                    consumer.seek(e.topicPartition(), e.offset() + 1);
                    continue;
                }
                for (ConsumerRecord<String, FreelancerSettings> r : records) {
                    if (r.value() == null) {
                        emailByTenant.remove(r.key());
                    } else if (r.value().getNotificationEmail() != null) {
                        emailByTenant.put(r.key(), r.value().getNotificationEmail().toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (WakeupException e) {
            // close() was called.
        } catch (RuntimeException e) {
            // Broker gone for good (the stack is stopping): the outbox then shows nothing, never too much.
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
