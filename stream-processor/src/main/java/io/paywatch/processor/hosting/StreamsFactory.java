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

    /**
     * Creates the topics first (Streams goes to ERROR when a source topic is missing), completes the builder's
     * configuration with {@link StreamsDefaults} where application.yml is silent, and adds the topology.
     */
    @Singleton
    @Named(STREAM)
    KStream<String, Object> paywatchStream(@Named(STREAM) ConfiguredStreamBuilder builder, TopicsConfiguration topics,
            ProcessorConfiguration processor, MeterRegistry registry,
            @Value("${kafka.bootstrap.servers}") String bootstrapServers) {
        new TopicBootstrap(topics.partitions(), topics.replicationFactor())
                .ensureTopics(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        Properties config = builder.getConfiguration();
        StreamsDefaults.properties().forEach(config::putIfAbsent);
        config.put(ProcessorMetrics.CONFIG_KEY, new ProcessorMetrics(registry));
        return PaywatchTopology.buildTopology(builder, processor.options());
    }
}
