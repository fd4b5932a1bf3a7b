package io.paywatch.processor.hosting;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.configuration.kafka.streams.ConfiguredStreamBuilder;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.paywatch.processor.PaywatchTopology;
import io.paywatch.processor.StreamsDefaults;
import io.paywatch.processor.ops.ProcessorMetrics;
import io.paywatch.schemas.TopicBootstrap;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.kstream.KStream;

import java.util.Map;
import java.util.Properties;

/**
 * Gives micronaut-kafka-streams' {@code default} stream builder the Paywatch topology. Micronaut then builds the
 * {@code KafkaStreams} bean from it (health indicator {@code kafkaStreams}, Micrometer binding, interactive
 * queries for the query API) and starts it.
 */
@Factory
public class StreamsFactory {

    /** Name of micronaut-kafka-streams' default stream, configured under {@code kafka.streams.default}. */
    public static final String STREAM = "default";

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StreamsFactory.class);
    private static final int BOOTSTRAP_ATTEMPTS = 5;
    private static final long BOOTSTRAP_BACKOFF_MS = 500;

    /**
     * Creates the topics first (Streams goes to ERROR when a source topic is missing), completes the builder's
     * configuration with {@link StreamsDefaults} where application.yml is silent, and adds the topology.
     */
    @Singleton
    @Named(STREAM)
    KStream<String, Object> paywatchStream(@Named(STREAM) ConfiguredStreamBuilder builder, TopicsConfiguration topics,
            ProcessorConfiguration processor, MeterRegistry registry,
            @Value("${kafka.bootstrap.servers}") String bootstrapServers) {
        ensureTopics(topics, bootstrapServers);
        Properties config = builder.getConfiguration();
        StreamsDefaults.properties().forEach(config::putIfAbsent);
        config.put(ProcessorMetrics.CONFIG_KEY, new ProcessorMetrics(registry));
        return PaywatchTopology.buildTopology(builder, processor.options());
    }

    /**
     * Topic creation can race with metadata propagation (a topic just created, or just deleted by another
     * service's reset, is briefly unknown to the broker): retry a few times before giving up on start-up.
     */
    private static void ensureTopics(TopicsConfiguration topics, String bootstrapServers) {
        TopicBootstrap bootstrap = new TopicBootstrap(topics.partitions(), topics.replicationFactor());
        for (int attempt = 1; ; attempt++) {
            try {
                bootstrap.ensureTopics(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
                return;
            } catch (IllegalStateException e) {
                if (attempt >= BOOTSTRAP_ATTEMPTS) {
                    throw e;
                }
                LOG.warn("Topic bootstrap attempt {} failed ({}); retrying", attempt, e.getMessage());
                try {
                    Thread.sleep(BOOTSTRAP_BACKOFF_MS * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
