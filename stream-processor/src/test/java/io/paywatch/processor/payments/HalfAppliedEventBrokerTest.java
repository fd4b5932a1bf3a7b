package io.paywatch.processor.payments;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.paywatch.contract.ClientProfile;
import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.InvoiceRisk;
import io.paywatch.contract.PaymentReceived;
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
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.paywatch.processor.Events.issued;
import static io.paywatch.processor.Events.paid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 12 on a real broker under exactly_once_v2: a payment that fails half-way (injected through
 * {@link ApplyProbe}) fails the task (the processing exception handler answers FAIL for a bug), the client stops
 * (Kafka Streams' default uncaught-exception handler), the transaction aborts and nothing is dead-lettered. The next
 * run of the same application, from the committed offsets and changelogs into an empty state directory, applies the
 * payment once: the client's profile shows one paid invoice, never two, and the invoice's risk was committed once.
 */
@ExtendWith(KafkaBrokerExtension.class)
class HalfAppliedEventBrokerTest {

    private static final String TENANT = "t-eos-retry";
    private static final String CLIENT = "c1";
    private static final String KEY = ClientKey.of(TENANT, CLIENT);

    @Test
    void aBugHalfWayThroughAPaymentAbortsTheTransactionAndTheNextRunAppliesItOnce() throws Exception {
        new TopicBootstrap(1, (short) 1).ensureTopics(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedKafka.bootstrapServers()));
        try (Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedKafka.bootstrapServers()))) {
            List<String> names = Topics.ALL.stream().map(t -> t.name()).toList();
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> admin.describeTopics(names)
                    .allTopicNames().get().values().stream().allMatch(d -> !d.partitions().isEmpty()
                            && d.partitions().stream().allMatch(p -> p.leader() != null)));
        }
        String applicationId = "eos-retry-" + UUID.randomUUID();
        Instant issuedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(2));
        AtomicBoolean armed = new AtomicBoolean(true);
        ApplyProbe failPayments = (clientKey, event) -> {
            if (armed.get() && event instanceof PaymentReceived) {
                throw new IllegalStateException("injected failure half-way through a payment");
            }
        };

        SimpleMeterRegistry firstRegistry = new SimpleMeterRegistry();
        KafkaStreams first = start(applicationId, failPayments, firstRegistry);
        try (KafkaProducer<String, InvoiceEvent> producer = KafkaTestClients.producer(new StringSerializer(),
                Topics.INVOICE_EVENTS.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(Topics.INVOICE_EVENTS.name(), KEY,
                    issued(TENANT, CLIENT, "inv-1", issuedAt, 30, 250_00))).get();
            producer.send(new ProducerRecord<>(Topics.INVOICE_EVENTS.name(), KEY,
                    paid(TENANT, CLIENT, "inv-1", issuedAt.plus(Duration.ofDays(1)), 250_00))).get();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> first.state() == KafkaStreams.State.ERROR
                || first.state() == KafkaStreams.State.NOT_RUNNING);
        first.close(Duration.ofSeconds(30));
        assertThat(firstRegistry.counter(ProcessorMetrics.PROCESSING_FAILED, "topic", "invoice-events").count())
                .isEqualTo(1.0);
        assertThat(firstRegistry.find(ProcessorMetrics.DEAD_LETTERED).counters()).as("a bug is not dead-lettered")
                .isEmpty();

        armed.set(false);
        KafkaStreams next = start(applicationId, failPayments, new SimpleMeterRegistry());
        try {
            List<ConsumerRecord<String, ClientProfile>> profiles = KafkaTestClients.readUntil(
                    Topics.CLIENT_PROFILES.name(), new StringDeserializer(),
                    Topics.CLIENT_PROFILES.valueSerde().deserializer(), Duration.ofSeconds(90),
                    read -> read.stream().anyMatch(r -> r.key().equals(KEY)
                            && r.value().getPayments().getPaidInvoices() == 1));
            List<ClientProfile> mine = profiles.stream().filter(r -> r.key().equals(KEY))
                    .map(ConsumerRecord::value).toList();
            assertThat(mine).allSatisfy(p -> assertThat(p.getPayments().getPaidInvoices()).isLessThanOrEqualTo(1));
            assertThat(mine.get(mine.size() - 1).getReceivables().getOpenCount()).isZero();
            List<ConsumerRecord<String, InvoiceRisk>> risks = KafkaTestClients.readUntil(Topics.INVOICE_RISK.name(),
                    new StringDeserializer(), Topics.INVOICE_RISK.valueSerde().deserializer(), Duration.ofSeconds(30),
                    read -> read.stream().anyMatch(r -> r.key().equals(KEY)));
            assertThat(risks.stream().filter(r -> r.key().equals(KEY))).as("risk at issue committed once").hasSize(1);
        } finally {
            next.close(Duration.ofSeconds(60));
        }
    }

    private static KafkaStreams start(String applicationId, ApplyProbe probe, SimpleMeterRegistry registry)
            throws Exception {
        Properties props = StreamsDefaults.properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
        props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("paywatch-eos-retry-").toString());
        props.put(ProcessorMetrics.CONFIG_KEY, new ProcessorMetrics(registry));
        // The failed client does not leave its group: with the broker's minimum session timeout, the next run gets
        // the partitions after 6 s rather than the default 45 s.
        props.put(StreamsConfig.consumerPrefix("session.timeout.ms"), "6000");
        props.put(StreamsConfig.consumerPrefix("heartbeat.interval.ms"), "1000");
        // Live records (replay lag of a week), and 1 ms of allowed lateness: the risk at issue is judged at once.
        TopologyOptions d = TopologyOptions.defaults();
        TopologyOptions options = new TopologyOptions(d.wallClockScanInterval(), d.streamTimeScanInterval(),
                d.maxDuePerScan(), d.dedupeTtl(), d.replayIdle(), Duration.ofDays(7), d.recentAlertsPerTenant(),
                d.profileEmitInterval(), Duration.ofMillis(1));
        StreamsBuilder builder = new StreamsBuilder();
        PaywatchTopology.buildTopology(builder, options, probe);
        KafkaStreams streams = new KafkaStreams(builder.build(props), props);
        streams.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> streams.state() == KafkaStreams.State.RUNNING
                || streams.state() == KafkaStreams.State.ERROR);
        return streams;
    }
}
