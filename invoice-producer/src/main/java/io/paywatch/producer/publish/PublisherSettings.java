package io.paywatch.producer.publish;

import java.time.Duration;
import java.util.Map;

/**
 * How the transactional publisher talks to Kafka. Plain values so the CLI can build one without Micronaut.
 *
 * @param bootstrapServers      Kafka bootstrap servers
 * @param transactionalIdPrefix prefix of the producers' transactional.id; distinct per running instance
 * @param poolSize              producers kept; each runs one transaction at a time
 * @param compression           compression.type (lz4 or zstd)
 * @param linger                linger.ms: small, the request waits for the ack anyway
 * @param maxBlock              max.block.ms: bounds metadata and coordinator waits, so an unreachable broker
 *                              fails a request in seconds
 * @param deliveryTimeout       delivery.timeout.ms: bounds how long a record may wait for its ack
 * @param extra                 any further producer properties (security settings, for example)
 */
public record PublisherSettings(String bootstrapServers, String transactionalIdPrefix, int poolSize,
        String compression, Duration linger, Duration maxBlock, Duration deliveryTimeout, Map<String, String> extra) {
}
