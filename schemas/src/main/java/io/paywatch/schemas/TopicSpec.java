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

    /** Topic configs that {@link TopicBootstrap} applies at creation. */
    public Map<String, String> configs() {
        if (compacted) {
            return Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "60000");
        }
        return Map.of("cleanup.policy", "delete", "retention.ms", Long.toString(retention.toMillis()));
    }
}
