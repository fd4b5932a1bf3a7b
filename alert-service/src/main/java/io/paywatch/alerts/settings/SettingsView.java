package io.paywatch.alerts.settings;

import io.paywatch.alerts.DeadLetterSink;
import io.paywatch.alerts.TopicTail;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Every tenant's latest settings, rebuilt from the compacted freelancer-settings topic and kept current.
 * Owned by the delivery worker's thread.
 */
public final class SettingsView implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SettingsView.class);

    private final Map<String, FreelancerSettings> byTenant = new HashMap<>();
    private final Deserializer<FreelancerSettings> serde = Topics.FREELANCER_SETTINGS.valueSerde().deserializer();
    private final DeadLetterSink deadLetters;
    private final TopicTail tail;

    public SettingsView(String bootstrapServers, Map<String, Object> kafkaSecurity, String clientId,
            DeadLetterSink deadLetters) {
        this.deadLetters = deadLetters;
        this.tail = new TopicTail(bootstrapServers, kafkaSecurity, Topics.FREELANCER_SETTINGS.name(), clientId,
                this::apply);
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            byTenant.remove(record.key());
            return;
        }
        try {
            FreelancerSettings settings = serde.deserialize(record.topic(), record.value());
            byTenant.put(settings.getTenantId(), settings);
        } catch (SerializationException e) {
            // Keep the previous settings: a bad record must not silence a tenant. The record goes to dead-letters
            // with the reason, so it is visible and can be fixed upstream.
            LOG.error("Unreadable settings at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    e.getMessage());
            try {
                deadLetters.deadLetter(record, "FreelancerSettings could not be decoded", e);
            } catch (IllegalStateException dlq) {
                // Still in freelancer-settings (compacted, kept until the tenant's next update): retried next start.
                LOG.error("Could not dead-letter settings record: {}", dlq.getMessage());
            }
        }
    }

    /** The tenant's settings, or null when none were published yet. */
    public FreelancerSettings get(String tenantId) {
        return byTenant.get(tenantId);
    }

    /** Reads the topic to its current end. */
    public void catchUp(Duration timeout) {
        tail.catchUp(timeout);
    }

    /** Applies already-fetched updates without waiting. */
    public void pollNow() {
        tail.pollNow();
    }

    @Override
    public void close() {
        tail.close();
    }
}
