package io.paywatch.processor;

import io.paywatch.processor.ops.DeadLetterDeserializationHandler;
import io.paywatch.processor.ops.DeadLetterProcessingHandler;
import io.paywatch.processor.ops.EventTimeExtractor;
import io.paywatch.schemas.TopicSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;

import java.util.Properties;

/**
 * The streams settings the topology relies on, declared once: the Micronaut factory and the tests both start
 * from these. Deployment-specific values (bootstrap servers, state dir, standby replicas, threads,
 * application.server) come from application.yml.
 */
public final class StreamsDefaults {

    /** Default application id (the consumer group and the prefix of changelog topics). */
    public static final String APPLICATION_ID = "paywatch-stream-processor";

    /**
     * Commit interval. Under exactly_once_v2 outputs become visible to read_committed consumers only at commit, so
     * it sets the end-to-end latency floor (p50 ~ interval/2 + 10-15 ms, measured): 100 ms keeps an alert within
     * about a quarter of a second, while each commit (a transaction) costs a few ms, i.e. under 5% of a thread.
     */
    public static final int COMMIT_INTERVAL_MS = 100;

    private StreamsDefaults() {
    }

    /** The settings every deployment of the topology needs. */
    public static Properties properties() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Integer.toString(COMMIT_INTERVAL_MS));
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                DeadLetterDeserializationHandler.class.getName());
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class.getName());
        // Also for the settings global table (the default from Kafka 5.0 on).
        p.put("processing.exception.handler.global.enabled", "true");
        p.put(StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG, EventTimeExtractor.class.getName());
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class.getName());
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
        // Changelog and sink producers: acks=all with idempotence is implied by EOS; stated for the reader.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.ACKS_CONFIG), "all");
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG), "read_committed");
        // Changelog records carry event time; allow them as far ahead as the catalogue's topics do (a post-dated
        // invoice would otherwise be rejected by the broker and stop the stream thread).
        p.put(StreamsConfig.topicPrefix(TopicSpec.TIMESTAMP_AFTER_MAX_MS),
                Long.toString(TopicSpec.MAX_FUTURE_TIMESTAMP.toMillis()));
        return p;
    }
}
