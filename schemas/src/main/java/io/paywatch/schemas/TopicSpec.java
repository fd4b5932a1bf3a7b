package io.paywatch.schemas;

import org.apache.kafka.common.serialization.Serde;

import java.time.Duration;
import java.util.Map;

/**
 * One topic of the catalogue: its name, its serdes and how long Kafka keeps it.
 *
 * @param name        kebab-case topic name
 * @param keySerde    serde of the record key
 * @param valueSerde  serde of the record value
 * @param compacted   true for latest-value-per-key topics (profiles, settings, delivery log)
 * @param retention   time retention for event topics; ignored for compacted topics
 * @param doc         what flows on the topic, for the README and logs
 */
public record TopicSpec<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, boolean compacted,
        Duration retention, String doc) {

    /**
     * How far ahead of the broker's clock a record timestamp may be. Paywatch stamps derived records with event
     * time, and the ingestion API accepts event times up to a day ahead (clock skew, time zones); Kafka 4's
     * default of one hour would make the broker reject such a record and stop the stream thread.
     */
    public static final Duration MAX_FUTURE_TIMESTAMP = Duration.ofDays(2);

    /** Topic config key of {@link #MAX_FUTURE_TIMESTAMP}. */
    public static final String TIMESTAMP_AFTER_MAX_MS = "message.timestamp.after.max.ms";

    /** Topic configs that {@link TopicBootstrap} applies at creation. */
    public Map<String, String> configs() {
        String future = Long.toString(MAX_FUTURE_TIMESTAMP.toMillis());
        if (compacted) {
            return Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "60000",
                    TIMESTAMP_AFTER_MAX_MS, future);
        }
        return Map.of("cleanup.policy", "delete", "retention.ms", Long.toString(retention.toMillis()),
                TIMESTAMP_AFTER_MAX_MS, future);
    }
}
