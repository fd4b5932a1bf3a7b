package io.paywatch.processor.hosting;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.configuration.kafka.streams.ConfiguredStreamBuilder;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.paywatch.processor.PaywatchTopology;
import io.paywatch.processor.StreamsDefaults;
import io.paywatch.processor.ops.ProcessorMetrics;
import io.paywatch.processor.security.KafkaClientSecurity;
import io.paywatch.schemas.KafkaSecurity;
import io.paywatch.schemas.TopicBootstrap;
import io.paywatch.schemas.Topics;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.kstream.KStream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Gives micronaut-kafka-streams' {@code default} stream builder the Paywatch topology. Micronaut then builds the
 * {@code KafkaStreams} bean from it (health indicator {@code kafkaStreams}, Micrometer binding, interactive
 * queries for the query API) and starts it.
 */
@Factory
public class StreamsFactory {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsFactory.class);
    /** How long start-up waits for the created topics to be visible (see {@link #awaitPartitionsVisible}). */
    static final Duration TOPICS_VISIBLE_TIMEOUT = Duration.ofSeconds(30);

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
            @Value("${kafka.bootstrap.servers}") String bootstrapServers, KafkaClientSecurity security) {
        Map<String, Object> admin = KafkaSecurity.with(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers), security.settings());
        new TopicBootstrap(topics.partitions(), topics.replicationFactor()).ensureTopics(admin);
        awaitPartitionsVisible(admin);
        Properties config = builder.getConfiguration();
        StreamsDefaults.properties().forEach(config::putIfAbsent);
        config.put(ProcessorMetrics.CONFIG_KEY, new ProcessorMetrics(registry));
        return PaywatchTopology.buildTopology(builder, processor.options());
    }

    /**
     * Waits (at most {@link #TOPICS_VISIBLE_TIMEOUT}) until every catalogue topic has all its partitions with a leader
     * in the broker's metadata. A topic just created is not at once visible to every client: the global store then
     * fails with "no partitions available for topic freelancer-settings" and the stream goes to ERROR (seen in the
     * broker tests on a loaded machine, right after the topics were deleted and created again).
     */
    private static void awaitPartitionsVisible(Map<String, Object> adminConfig) {
        List<String> names = Topics.ALL.stream().map(t -> t.name()).toList();
        long deadline = System.nanoTime() + TOPICS_VISIBLE_TIMEOUT.toNanos();
        try (Admin admin = Admin.create(adminConfig)) {
            while (true) {
                try {
                    boolean ready = admin.describeTopics(names).allTopicNames().get(5, TimeUnit.SECONDS).values()
                            .stream().allMatch(d -> !d.partitions().isEmpty()
                                    && d.partitions().stream().allMatch(p -> p.leader() != null));
                    if (ready) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    // not visible yet (UnknownTopicOrPartition) or slow: try again until the deadline
                }
                if (System.nanoTime() > deadline) {
                    LOG.warn("Topics not all visible with leaders after {}; starting the stream anyway",
                            TOPICS_VISIBLE_TIMEOUT);
                    return;
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
