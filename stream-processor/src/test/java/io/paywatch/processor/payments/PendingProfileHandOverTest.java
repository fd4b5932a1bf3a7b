package io.paywatch.processor.payments;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.paywatch.contract.ClientProfile;
import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.InvoiceRisk;
import io.paywatch.processor.PaywatchTopology;
import io.paywatch.processor.StreamsDefaults;
import io.paywatch.processor.TopologyOptions;
import io.paywatch.processor.ops.ProcessorMetrics;
import io.paywatch.schemas.ClientKey;
import io.paywatch.schemas.TopicBootstrap;
import io.paywatch.schemas.Topics;
import io.paywatch.testkit.KafkaBrokerExtension;
import io.paywatch.testkit.KafkaTestClients;
import io.paywatch.testkit.SharedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static io.paywatch.processor.Events.issued;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Profiles are emitted once per profile interval, so a task can be handed over (rebalance, shutdown) after a change
 * was committed but before its profile was emitted. The pending set is changelogged: the next owner, restoring from
 * the changelog into an empty state directory, emits the profile. Real test broker, exactly_once_v2.
 */
@ExtendWith(KafkaBrokerExtension.class)
class PendingProfileHandOverTest {

    private static final String TENANT = "t-handover";
    private static final String CLIENT = "c1";

    @Test
    void aProfileNotYetEmittedWhenTheTaskMovesIsEmittedByItsNextOwner() throws Exception {
        new TopicBootstrap(1, (short) 1).ensureTopics(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedKafka.bootstrapServers()));
        // The previous test class's topics may still be being deleted: wait until the new ones have leaders, or the
        // global store can find no partition of freelancer-settings at start-up (seen when this class ran straight
        // after StreamProcessorIntegrationTest's reset).
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()))) {
            List<String> names = Topics.ALL.stream().map(t -> t.name()).toList();
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> admin.describeTopics(names)
                    .allTopicNames().get().values().stream().allMatch(d -> !d.partitions().isEmpty()
                            && d.partitions().stream().allMatch(p -> p.leader() != null)));
        }
        String applicationId = "handover-" + UUID.randomUUID();
        // Issued yesterday, due in 29 days: no deadline scan touches this client, so only the pending set can emit
        // its profile. (Not in the future: changelog records carry the event time, and the broker rejects
        // timestamps more than an hour ahead.)
        Instant issuedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(1));

        // First owner: its profile interval never elapses, so it commits the change without emitting the profile.
        // The risk at issue waits for the watermark: with a replay lag of a week this invoice of yesterday is live,
        // and with 1 ms of allowed lateness the wall clock passes its issue time at once.
        TopologyOptions d = TopologyOptions.defaults();
        KafkaStreams first = start(applicationId, new TopologyOptions(d.wallClockScanInterval(),
                d.streamTimeScanInterval(), d.maxDuePerScan(), d.dedupeTtl(), d.replayIdle(), Duration.ofDays(7),
                d.recentAlertsPerTenant(), Duration.ofHours(1), Duration.ofMillis(1)));
        try (KafkaProducer<String, InvoiceEvent> producer = KafkaTestClients.producer(new StringSerializer(),
                Topics.INVOICE_EVENTS.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(Topics.INVOICE_EVENTS.name(), ClientKey.of(TENANT, CLIENT),
                    issued(TENANT, CLIENT, "inv-1", issuedAt, 30, 250_00))).get();
        }
        // Once the risk is readable (read_committed), the change is committed.
        List<ConsumerRecord<String, InvoiceRisk>> risk = KafkaTestClients.readUntil(Topics.INVOICE_RISK.name(),
                new StringDeserializer(), Topics.INVOICE_RISK.valueSerde().deserializer(), Duration.ofSeconds(60),
                read -> read.stream().anyMatch(r -> r.key().equals(ClientKey.of(TENANT, CLIENT))));
        assertThat(risk).isNotEmpty();
        first.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(60)));

        // Next owner: an empty state directory, so everything comes from the changelogs.
        KafkaStreams next = start(applicationId, TopologyOptions.defaults());
        try {
            List<ConsumerRecord<String, ClientProfile>> profiles = KafkaTestClients.readUntil(
                    Topics.CLIENT_PROFILES.name(), new StringDeserializer(),
                    Topics.CLIENT_PROFILES.valueSerde().deserializer(), Duration.ofSeconds(90),
                    read -> read.stream().anyMatch(r -> r.key().equals(ClientKey.of(TENANT, CLIENT))));
            List<ClientProfile> mine = profiles.stream().filter(r -> r.key().equals(ClientKey.of(TENANT, CLIENT)))
                    .map(ConsumerRecord::value).toList();
            assertThat(mine).singleElement().satisfies(p -> {
                assertThat(p.getAsOf()).isEqualTo(issuedAt);
                assertThat(p.getReceivables().getOpenCount()).isEqualTo(1);
                assertThat(p.getReceivables().getInvoices().get(0).getInvoiceId()).isEqualTo("inv-1");
            });
        } finally {
            next.close(Duration.ofSeconds(60));
        }
    }

    private static KafkaStreams start(String applicationId, TopologyOptions options) throws Exception {
        Path stateDir = Files.createTempDirectory("paywatch-handover-");
        Properties props = StreamsDefaults.properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(ProcessorMetrics.CONFIG_KEY, new ProcessorMetrics(new SimpleMeterRegistry()));
        StreamsBuilder builder = new StreamsBuilder();
        PaywatchTopology.buildTopology(builder, options);
        KafkaStreams streams = new KafkaStreams(builder.build(props), props);
        streams.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> streams.state() == KafkaStreams.State.RUNNING);
        return streams;
    }
}
