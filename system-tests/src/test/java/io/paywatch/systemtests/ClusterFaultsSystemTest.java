package io.paywatch.systemtests;

import io.paywatch.contract.DeadLetter;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.InvoiceIssued;
import io.paywatch.contract.InvoiceRisk;
import io.paywatch.contract.MessageEvent;
import io.paywatch.contract.MessageReceived;
import io.paywatch.contract.Money;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.contract.ClientProfile;
import io.paywatch.contract.SourceSystem;
import io.paywatch.launcher.services.Service;
import io.paywatch.launcher.services.ServiceJars;
import io.paywatch.schemas.ClientKey;
import io.paywatch.schemas.TopicBootstrap;
import io.paywatch.schemas.Topics;
import io.paywatch.testkit.EmbeddedKafkaCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 12: faults on a real replicated cluster, and scale-out, with the stream-processor run from its packaged jar
 * in child JVMs (the launcher's {@code ChildProcess}), on an in-process KRaft cluster of 3 brokers and 1 controller
 * (RF 3, min.insync.replicas 2). Two instances of one application (standby replicas 1, 6 partitions) run from the
 * start. The scenarios run in order on the same cluster, each adding traffic; truth is computed by
 * {@link SyntheticHistory} from what was generated:
 * <ol>
 *   <li>a broker is killed while a batch flows: every event on the input topic once, every expected
 *   INVOICE_OVERDUE exactly once, none for the invoices that must not raise one, no alertId twice;</li>
 *   <li>a poison record on each input topic of the stream-processor goes to dead-letters with its reason, and a good
 *   record after it is processed;</li>
 *   <li>one instance is SIGKILLed while a second batch flows; the other takes over: the same counts;</li>
 *   <li>scale-out: the killed instance comes back with an empty state directory, rebuilds its state from the
 *   changelogs and takes its share; both instances answer the query API and the dashboard's data endpoints for every
 *   client, the same answers, equal to those the survivor gave alone;</li>
 *   <li>a clean run (a fresh application, one instance, no fault) of the same input gives the same profiles.</li>
 * </ol>
 * Figures are printed as {@code [system-tests] ...} lines (and kept in the module README).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ClusterFaultsSystemTest {

    static final String TENANT = "t-faults";
    static final String POISON_TENANT = "t-poison";
    static final int PARTITIONS = 6;
    static final int CLIENTS = 120;
    /** Patience for anything that waits on the services; bounded, generous for a loaded 2-core machine. */
    static final Duration PATIENCE = Duration.ofSeconds(120);

    final String apiKey = "key-" + UUID.randomUUID();
    final String applicationId = "paywatch-faults-" + UUID.randomUUID().toString().substring(0, 8);
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    final Map<String, String> figures = new LinkedHashMap<>();
    final List<ProcessorInstance> instances = new ArrayList<>();

    EmbeddedKafkaCluster cluster;
    Path jar;
    Path runDir;
    ProcessorInstance a;
    ProcessorInstance b;
    KafkaProducer<String, InvoiceEvent> producer;
    TopicCollector<String, PaymentAlert> alerts;
    TopicCollector<String, DeadLetter> deadLetters;
    TopicCollector<String, byte[]> invoiceEvents;
    TopicCollector<String, ClientProfile> profiles;
    TopicCollector<String, InvoiceRisk> risks;
    QueryApi query;
    SyntheticHistory batch1;
    SyntheticHistory batch2;
    QueryApi.Answers survivorAlone;
    volatile List<String> lastDifferences = List.of();

    @BeforeAll
    void startClusterAndTwoInstances() throws Exception {
        Path repo = System.getProperty("paywatch.repo") == null ? null : Path.of(System.getProperty("paywatch.repo"));
        ServiceJars jars = new ServiceJars(repo);
        String module = Service.STREAM_PROCESSOR.module();
        assumeTrue(jars.find(module).isPresent(), "no " + module + " jar under " + jars.roots()
                + ": the system tests run the packaged service (./mvnw verify from the root builds it first); skipping");
        jar = jars.find(module).get();
        runDir = Files.createDirectories(Path.of("target", "system-tests", "run-" + System.currentTimeMillis()))
                .toAbsolutePath();
        long t0 = System.nanoTime();
        cluster = EmbeddedKafkaCluster.start();
        new TopicBootstrap(PARTITIONS, (short) EmbeddedKafkaCluster.BROKERS).ensureTopics(
                Map.of("bootstrap.servers", cluster.bootstrapServers()));
        String bootstrap = cluster.bootstrapServers();
        alerts = new TopicCollector<>(bootstrap, Topics.PAYMENT_ALERTS.name(), PARTITIONS,
                Topics.PAYMENT_ALERTS.keySerde().deserializer(), Topics.PAYMENT_ALERTS.valueSerde().deserializer());
        deadLetters = new TopicCollector<>(bootstrap, Topics.DEAD_LETTERS.name(), PARTITIONS,
                Topics.DEAD_LETTERS.keySerde().deserializer(), Topics.DEAD_LETTERS.valueSerde().deserializer());
        invoiceEvents = new TopicCollector<>(bootstrap, Topics.INVOICE_EVENTS.name(), PARTITIONS,
                // Raw bytes: the poison scenario writes undecodable records here.
                Topics.INVOICE_EVENTS.keySerde().deserializer(), new ByteArrayDeserializer());
        profiles = new TopicCollector<>(bootstrap, Topics.CLIENT_PROFILES.name(), PARTITIONS,
                Topics.CLIENT_PROFILES.keySerde().deserializer(), Topics.CLIENT_PROFILES.valueSerde().deserializer());
        risks = new TopicCollector<>(bootstrap, Topics.INVOICE_RISK.name(), PARTITIONS,
                Topics.INVOICE_RISK.keySerde().deserializer(), Topics.INVOICE_RISK.valueSerde().deserializer());
        producer = producer(Topics.INVOICE_EVENTS.keySerde().serializer(), Topics.INVOICE_EVENTS.valueSerde().serializer());
        query = new QueryApi(http, TENANT, apiKey);

        a = startInstance("processor-a", applicationId, 1);
        b = startInstance("processor-b", applicationId, 1);
        a.awaitHealthy(http, PATIENCE);
        b.awaitHealthy(http, PATIENCE);
        figures.put("start-up (cluster + topics + 2 instances healthy)", seconds(t0));
        Instant now = Instant.now();
        batch1 = new SyntheticHistory(TENANT, "b1", CLIENTS, now);
        batch2 = new SyntheticHistory(TENANT, "b2", CLIENTS, now);
    }

    @AfterAll
    void stop() {
        long t0 = System.nanoTime();
        for (AutoCloseable c : new AutoCloseable[] {producer, alerts, deadLetters, invoiceEvents, profiles, risks}) {
            quietly(c);
        }
        // Services stop before the brokers, or their clients wait for them.
        instances.forEach(ProcessorInstance::requestStop);
        instances.forEach(ProcessorInstance::close);
        quietly(cluster);
        figures.put("shutdown", seconds(t0));
        figures.forEach((k, v) -> System.out.printf("[system-tests] %s: %s%n", k, v));
    }

    // ------------------------------------------------------------------------------------------------ scenarios

    @Test
    @Order(1)
    void aBrokerDiesMidStreamAndNothingIsLostOrDoubled() throws Exception {
        long t0 = System.nanoTime();
        List<ProducerRecord<String, InvoiceEvent>> records = batch1.records();
        int half = records.size() / 2;
        List<Future<?>> acks = new ArrayList<>();
        records.subList(0, half).forEach(r -> acks.add(producer.send(r)));
        producer.flush();
        // The flow is live: the stream-processor is turning the first half into alerts.
        await("first alerts of batch 1").atMost(PATIENCE).until(() -> !overdueOf(batch1).isEmpty());
        int victim = busiestBroker();
        int led = ledBy(victim);
        long killedAt = System.nanoTime();
        cluster.killBroker(victim);
        figures.put("broker killed", "broker " + victim + " (leader of " + led + " of the 12 invoice-events and "
                + "payment-alerts partitions), after "
                + overdueOf(batch1).size() + " of " + batch1.expectedOverdue().size() + " expected alerts had arrived");
        records.subList(half, records.size()).forEach(r -> acks.add(producer.send(r)));
        producer.flush();
        for (Future<?> ack : acks) {
            ack.get(30, TimeUnit.SECONDS);
        }
        awaitProcessed(applicationId);
        await("batch 1 exact").atMost(PATIENCE).untilAsserted(() -> assertBatchExact(batch1, "broker death"));
        figures.put("broker death: time from the kill to every alert", seconds(killedAt));

        long restart = System.nanoTime();
        cluster.restartBroker(victim, allTopics(), PATIENCE);
        figures.put("broker death: restart to full ISR", seconds(restart));
        figures.put("scenario 1, broker dies mid-stream", seconds(t0));
    }

    @Test
    @Order(2)
    void aPoisonRecordOnEachInputTopicIsDeadLetteredAndProcessingContinues() throws Exception {
        long t0 = System.nanoTime();
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        byte[] garbage = "not an Avro single-object record".getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<byte[], byte[]> raw = producer(new ByteArraySerializer(), new ByteArraySerializer());
                KafkaProducer<String, MessageEvent> messages = producer(Topics.MESSAGE_EVENTS.keySerde().serializer(),
                        Topics.MESSAGE_EVENTS.valueSerde().serializer());
                KafkaProducer<String, FreelancerSettings> settings = producer(
                        Topics.FREELANCER_SETTINGS.keySerde().serializer(),
                        Topics.FREELANCER_SETTINGS.valueSerde().serializer())) {
            // invoice-events: undecodable bytes, then a well-formed invoice that breaks the contract (amount 0),
            // then a good overdue invoice of the same client.
            String invoiceKey = ClientKey.of(POISON_TENANT, "p-inv");
            raw.send(new ProducerRecord<>(Topics.INVOICE_EVENTS.name(), bytes(invoiceKey), garbage)).get();
            producer.send(new ProducerRecord<>(Topics.INVOICE_EVENTS.name(), invoiceKey,
                    overdueInvoice(POISON_TENANT, "p-inv", "p-inv-zero", now, 0))).get();
            producer.send(new ProducerRecord<>(Topics.INVOICE_EVENTS.name(), invoiceKey,
                    overdueInvoice(POISON_TENANT, "p-inv", "p-inv-good", now, 10_000))).get();
            // message-events: undecodable bytes, then a client's reply.
            String messageKey = ClientKey.of(POISON_TENANT, "p-msg");
            Instant receivedAt = now.minus(Duration.ofHours(1));
            raw.send(new ProducerRecord<>(Topics.MESSAGE_EVENTS.name(), bytes(messageKey), garbage)).get();
            messages.send(new ProducerRecord<>(Topics.MESSAGE_EVENTS.name(), messageKey, new MessageEvent(
                    MessageReceived.newBuilder().setEventId("msg-" + UUID.randomUUID()).setTenantId(POISON_TENANT)
                            .setClientId("p-msg").setThreadId("thread-1").setReceivedAt(receivedAt).build()))).get();
            // freelancer-settings (the global table): undecodable bytes, then the tenant's settings (grace 1 day,
            // Rome), which the next overdue alert of the tenant must carry.
            raw.send(new ProducerRecord<>(Topics.FREELANCER_SETTINGS.name(), bytes(POISON_TENANT), garbage)).get();
            settings.send(new ProducerRecord<>(Topics.FREELANCER_SETTINGS.name(), POISON_TENANT,
                    FreelancerSettings.newBuilder().setTenantId(POISON_TENANT)
                            .setNotificationEmail("poison@example.test").setTimezone("Europe/Rome")
                            .setOverdueGraceDays(1).setUpdatedAt(now.minus(Duration.ofDays(60))).build())).get();

            await("a dead letter for each input topic").atMost(PATIENCE).untilAsserted(() -> {
                Map<String, List<DeadLetter>> bySource = deadLetters.values().stream()
                        .collect(Collectors.groupingBy(DeadLetter::getSourceTopic));
                assertThat(bySource).containsKeys(Topics.INVOICE_EVENTS.name(), Topics.MESSAGE_EVENTS.name(),
                        Topics.FREELANCER_SETTINGS.name());
                assertThat(bySource.get(Topics.INVOICE_EVENTS.name())).hasSize(2);
            });
            List<DeadLetter> letters = deadLetters.values();
            figures.put("poison: dead letters", letters.stream().map(d -> d.getSourceTopic() + " (" + d.getReason() + ")")
                    .collect(Collectors.joining("; ")));
            for (DeadLetter d : letters) {
                assertThat(d.getReason()).as("reason of %s", d).isNotBlank();
                assertThat(d.getValue()).as("original bytes kept").isNotNull();
            }
            assertThat(letters).filteredOn(d -> d.getSourceTopic().equals(Topics.INVOICE_EVENTS.name()))
                    .anySatisfy(d -> assertThat(d.getReason()).containsIgnoringCase("amount"))
                    .anySatisfy(d -> assertThat(bytesOf(d.getValue())).isEqualTo(garbage));
            assertThat(letters).filteredOn(d -> !d.getSourceTopic().equals(Topics.INVOICE_EVENTS.name()))
                    .allSatisfy(d -> assertThat(bytesOf(d.getValue())).isEqualTo(garbage));

            // The good records after the poison were processed.
            await("the good invoice after the poison alerted").atMost(PATIENCE).until(() ->
                    alertsOf(POISON_TENANT, "INVOICE_OVERDUE").stream()
                            .anyMatch(x -> x.getInvoiceIds().contains("p-inv-good")));
            assertThat(alertsOf(POISON_TENANT, "INVOICE_OVERDUE"))
                    .noneMatch(x -> x.getInvoiceIds().contains("p-inv-zero"));
            await("the reply after the poison is in the client's profile").atMost(PATIENCE).until(() ->
                    profiles.values().stream().anyMatch(p -> p.getClientId().equals("p-msg")
                            && receivedAt.equals(p.getResponsiveness().getLastInboundAt())));
            // The settings after the poison are in force: an overdue invoice now carries grace 1 and Rome.
            String settingsKey = ClientKey.of(POISON_TENANT, "p-set");
            producer.send(new ProducerRecord<>(Topics.INVOICE_EVENTS.name(), settingsKey,
                    overdueInvoice(POISON_TENANT, "p-set", "p-set-good", now, 10_000))).get();
            await("the settings after the poison are used").atMost(PATIENCE).until(() ->
                    alertsOf(POISON_TENANT, "INVOICE_OVERDUE").stream()
                            .anyMatch(x -> x.getInvoiceIds().contains("p-set-good")));
            PaymentAlert withSettings = alertsOf(POISON_TENANT, "INVOICE_OVERDUE").stream()
                    .filter(x -> x.getInvoiceIds().contains("p-set-good")).findFirst().orElseThrow();
            assertThat(withSettings.getFacts()).containsEntry("graceDays", "1").containsEntry("timezone", "Europe/Rome");
        }
        figures.put("scenario 2, poison records", seconds(t0));
    }

    @Test
    @Order(3)
    void aStreamProcessorInstanceIsKilledAndTheOtherTakesOver() throws Exception {
        long t0 = System.nanoTime();
        List<ProducerRecord<String, InvoiceEvent>> records = batch2.records();
        int half = records.size() / 2;
        List<Future<?>> acks = new ArrayList<>();
        records.subList(0, half).forEach(r -> acks.add(producer.send(r)));
        producer.flush();
        await("first alerts of batch 2").atMost(PATIENCE).until(() -> !overdueOf(batch2).isEmpty());
        long killedAt = System.nanoTime();
        b.kill();
        figures.put("instance killed", b.name() + " (SIGKILL) after " + overdueOf(batch2).size() + " of "
                + batch2.expectedOverdue().size() + " expected alerts of batch 2 had arrived");
        records.subList(half, records.size()).forEach(r -> acks.add(producer.send(r)));
        producer.flush();
        for (Future<?> ack : acks) {
            ack.get(30, TimeUnit.SECONDS);
        }
        awaitProcessed(applicationId);
        await("batch 2 exact").atMost(PATIENCE).untilAsserted(() -> assertBatchExact(batch2, "instance death"));
        assertBatchExact(batch1, "instance death (batch 1 again)");
        figures.put("instance death: time from the kill to every alert", seconds(killedAt));

        // The survivor alone now answers for every client; kept to compare after the restart.
        survivorAlone = await("the survivor answers for every client").atMost(PATIENCE)
                .ignoreExceptions().until(() -> query.answers(a), ans -> clientIds(ans).size() == CLIENTS);
        assertFiguresMatchTheTruth(survivorAlone, 2);
        figures.put("scenario 3, instance dies", seconds(t0));
    }

    @Test
    @Order(4)
    void scaleOutBothInstancesGiveTheSameAnswersAndARestartRebuildsState() throws Exception {
        long t0 = System.nanoTime();
        // The killed instance comes back on an empty state directory: everything it serves is rebuilt from the
        // changelogs.
        b = startInstance("processor-b-restarted", applicationId, 1);
        b.awaitHealthy(http, PATIENCE);
        await("both instances own part of the tenant's clients").atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> {
            Set<String> onA = localClients(a);
            Set<String> onB = localClients(b);
            assertThat(onA).isNotEmpty();
            assertThat(onB).isNotEmpty();
            assertThat(onA).doesNotContainAnyElementsOf(onB);
            Set<String> union = new TreeSet<>(onA);
            union.addAll(onB);
            assertThat(union).hasSize(CLIENTS);
        });
        figures.put("scale-out: clients owned", "a " + localClients(a).size() + ", b " + localClients(b).size());
        await("both instances give the survivor's answers").atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> {
            QueryApi.Answers fromA = query.answers(a);
            QueryApi.Answers fromB = query.answers(b);
            assertThat(fromA.clients().get("instances")).isEqualTo(2);
            // The answers are compared without what the query counts from its own clock (see withoutQueryTime):
            // everything the state says, including the figures counted in days up to today, is compared.
            assertThat(clientsWithoutQueryTime(fromB.clients())).isEqualTo(clientsWithoutQueryTime(fromA.clients()));
            assertThat(detailsWithoutQueryTime(fromB.details())).isEqualTo(detailsWithoutQueryTime(fromA.details()));
            assertThat(fromB.alerts()).isEqualTo(fromA.alerts());
            assertThat(clientsWithoutQueryTime(fromA.clients()))
                    .isEqualTo(clientsWithoutQueryTime(survivorAlone.clients()));
            assertThat(detailsWithoutQueryTime(fromA.details()))
                    .isEqualTo(detailsWithoutQueryTime(survivorAlone.details()));
            assertThat(fromA.alerts()).isEqualTo(survivorAlone.alerts());
        });
        figures.put("scenario 4, scale-out and restart", seconds(t0));
    }

    @Test
    @Order(5)
    void aCleanRunOfTheSameInputGivesTheSameProfiles() throws Exception {
        long t0 = System.nanoTime();
        // A fresh application (own group, own changelogs, empty state), one instance, no fault. It also writes to
        // the output topics, which is why it runs last.
        // Everything the faulted application wrote to invoice-risk so far; the clean run's records come after.
        Map<String, List<String>> faultedRisk = riskByInvoice(risks.values());
        int faultedRiskRecords = risks.values().size();
        String cleanId = "paywatch-clean-" + UUID.randomUUID().toString().substring(0, 8);
        ProcessorInstance clean = startInstance("processor-clean", cleanId, 0);
        clean.awaitHealthy(http, PATIENCE);
        awaitProcessed(cleanId);
        QueryApi.Answers faulted = query.answers(a);
        // Profiles are emitted up to one profile-emit interval after the records that changed them: wait for the
        // clean run to settle. asOf is the wall clock of the last live judgement (README, time model), so it
        // differs between two runs; every figure is compared.
        QueryApi.Answers cleanAnswers;
        try {
            cleanAnswers = await("the clean run gives the faulted run's profiles").atMost(PATIENCE)
                .ignoreExceptions().until(() -> query.answers(clean), ans -> {
                    List<String> differences = new ArrayList<>();
                    diff(withoutAsOf(faulted.details()), withoutAsOf(ans.details()), "", differences);
                    lastDifferences = differences;
                    return differences.isEmpty() && alertIds(ans.alerts()).equals(alertIds(faulted.alerts()));
                });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("the clean run's profiles differ: " + lastDifferences, e);
        }
        assertThat(lastDifferences).isEmpty();
        // The risk at issue (invoice-risk) is judged when the watermark passes the issue time, from the settlements
        // and the tenant prior as of then: a function of the events in partition order, faults or not.
        await("the clean run's risk at issue").atMost(PATIENCE).untilAsserted(() -> {
            List<InvoiceRisk> all = risks.values();
            Map<String, List<String>> cleanRisk = riskByInvoice(all.subList(faultedRiskRecords, all.size()));
            assertThat(cleanRisk).isEqualTo(faultedRisk);
        });
        assertThat(faultedRisk.values()).as("one risk at issue per invoice").allMatch(l -> l.size() == 1);
        figures.put("clean run: invoice-risk records compared", Integer.toString(faultedRisk.size()));
        figures.put("clean run: clients compared", cleanAnswers.details().size() + ", alerts in the history "
                + cleanAnswers.alerts().size());
        figures.put("scenario 5, clean run comparison", seconds(t0));
    }

    // ------------------------------------------------------------------------------------------------ checks

    /** Exactly one INVOICE_OVERDUE per expected invoice, none for the others, no alertId twice on the topic. */
    private void assertBatchExact(SyntheticHistory batch, String scenario) {
        Set<String> sent = batch.eventIds();
        Map<String, Long> onTopic = invoiceEvents.values().stream().map(ClusterFaultsSystemTest::eventIdOrNull)
                .filter(sent::contains).collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(onTopic.keySet()).as("every event on invoice-events").isEqualTo(sent);
        assertThat(onTopic.values()).as("no event written twice").allMatch(n -> n == 1);

        List<PaymentAlert> all = alerts.values();
        Map<String, Long> byId = all.stream().collect(Collectors.groupingBy(PaymentAlert::getAlertId,
                Collectors.counting()));
        long duplicates = byId.values().stream().filter(n -> n > 1).mapToLong(n -> n - 1).sum();
        List<PaymentAlert> overdue = overdueOf(batch);
        Map<String, List<PaymentAlert>> byInvoice = overdue.stream()
                .collect(Collectors.groupingBy(x -> x.getInvoiceIds().get(0)));
        figures.put(scenario + ": events sent", Integer.toString(sent.size()));
        figures.put(scenario + ": INVOICE_OVERDUE expected / received / duplicate alertIds (all types)",
                batch.expectedOverdue().size() + " / " + overdue.size() + " / " + duplicates);
        assertThat(byId).as("no alertId twice on payment-alerts").allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
        assertThat(byInvoice.keySet()).as("INVOICE_OVERDUE for exactly the expected invoices")
                .isEqualTo(batch.expectedOverdue());
        assertThat(byInvoice.values()).as("one alert each, step 1").allSatisfy(list -> {
            assertThat(list).hasSize(1);
            assertThat(list.get(0).getFacts()).containsEntry("escalationStep", "1");
        });
        assertThat(alertsOf(TENANT, "OVERDUE_CORRECTED")).as("no alert had to be withdrawn").isEmpty();
    }

    /** Every client's figures after {@code batches} batches: 1 paid and 2 open (1 overdue) per batch. */
    @SuppressWarnings("unchecked")
    private void assertFiguresMatchTheTruth(QueryApi.Answers answers, int batches) {
        for (Object o : (List<Object>) answers.clients().get("clients")) {
            Map<String, Object> c = (Map<String, Object>) o;
            Map<String, Object> payments = (Map<String, Object>) c.get("payments");
            Map<String, Object> receivables = (Map<String, Object>) c.get("receivables");
            assertThat(payments.get("paidInvoices")).as("paid invoices of %s", c.get("clientId")).isEqualTo(batches);
            assertThat(receivables.get("openCount")).as("open invoices of %s", c.get("clientId"))
                    .isEqualTo(2 * batches);
            assertThat(receivables.get("overdueCount")).as("overdue invoices of %s", c.get("clientId"))
                    .isEqualTo(batches);
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private ProcessorInstance startInstance(String name, String appId, int standbys) throws Exception {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("paywatch.topics.partitions", Integer.toString(PARTITIONS));
        props.put("paywatch.topics.replication-factor", Integer.toString(EmbeddedKafkaCluster.BROKERS));
        props.put("paywatch.tenants." + TENANT + ".api-key-sha256", sha256Hex(apiKey));
        // Services may refuse placeholder webhook secrets; these tests deliver nothing.
        props.put("paywatch.security.allow-placeholder-secrets", "true");
        props.put("kafka.streams.default.num.standby.replicas", Integer.toString(standbys));
        // Changelogs and repartition topics as durable as the catalogue's topics.
        props.put("kafka.streams.default.replication.factor", Integer.toString(EmbeddedKafkaCluster.BROKERS));
        // A killed instance leaves the group when its session expires (default 45 s): 10 s keeps the takeover
        // within a test's patience and is still far above the heartbeat (2 s) on a loaded machine.
        props.put("kafka.streams.default.session.timeout.ms", "10000");
        props.put("kafka.streams.default.heartbeat.interval.ms", "2000");
        // The synthetic history is at most 45 days old and is judged live (the wall clock sets the watermark), as
        // an accounting sync feeds it, rather than as a backfill whose watermark is its own newest event.
        props.put("paywatch.processor.replay-lag", "60d");
        props.put("paywatch.processor.wall-clock-scan-interval", "2s");
        ProcessorInstance instance = ProcessorInstance.start(name, jar, runDir, cluster.bootstrapServers(), appId,
                ProcessorInstance.freePort(), runDir.resolve("state").resolve(name), props);
        instances.add(instance);
        return instance;
    }

    /** Waits until the application's committed offsets reach the end of both input topics (EOS: all processed). */
    private void awaitProcessed(String appId) {
        try (Admin admin = cluster.admin()) {
            await(appId + " processed every input record").atMost(PATIENCE).pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions().until(() -> {
                        Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
                        for (String topic : List.of(Topics.INVOICE_EVENTS.name(), Topics.MESSAGE_EVENTS.name())) {
                            for (int p = 0; p < PARTITIONS; p++) {
                                ends.put(new TopicPartition(topic, p), OffsetSpec.latest());
                            }
                        }
                        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end = admin.listOffsets(ends)
                                .all().get(10, TimeUnit.SECONDS);
                        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(appId)
                                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                        return end.entrySet().stream().allMatch(e -> {
                            OffsetAndMetadata c = committed.get(e.getKey());
                            // A transaction marker follows the last record: committed may be end or end - 1 (marker)
                            return e.getValue().offset() == 0 || (c != null && c.offset() >= e.getValue().offset());
                        });
                    });
        }
    }

    private List<PaymentAlert> overdueOf(SyntheticHistory batch) {
        Set<String> invoices = new TreeSet<>(batch.expectedOverdue());
        invoices.addAll(batch.mustNotBeOverdue());
        return alertsOf(TENANT, "INVOICE_OVERDUE").stream()
                .filter(x -> !x.getInvoiceIds().isEmpty() && invoices.contains(x.getInvoiceIds().get(0))).toList();
    }

    private List<PaymentAlert> alertsOf(String tenant, String type) {
        return alerts.values().stream().filter(x -> x.getTenantId().equals(tenant))
                .filter(x -> x.getType().name().equals(type)).toList();
    }

    /** The broker leading the most partitions of the input and alert topics. */
    private int busiestBroker() {
        return cluster.brokerIds().stream().max((x, y) -> Integer.compare(ledBy(x), ledBy(y))).orElseThrow();
    }

    private int ledBy(int broker) {
        return cluster.partitionsLedBy(broker, Topics.INVOICE_EVENTS.name()).size()
                + cluster.partitionsLedBy(broker, Topics.PAYMENT_ALERTS.name()).size();
    }

    private List<String> allTopics() throws Exception {
        try (Admin admin = cluster.admin()) {
            return List.copyOf(admin.listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(true))
                    .names().get(30, TimeUnit.SECONDS));
        }
    }

    @SuppressWarnings("unchecked")
    private Set<String> localClients(ProcessorInstance instance) throws Exception {
        List<Object> list = (List<Object>) query.clients(instance, true).get("clients");
        Set<String> ids = new TreeSet<>();
        list.forEach(c -> ids.add((String) ((Map<String, Object>) c).get("clientId")));
        assertThat(ids).as("each client once in %s's local answer", instance.name()).hasSize(list.size());
        return ids;
    }

    private static Set<String> clientIds(QueryApi.Answers answers) {
        return answers.details().keySet();
    }

    /**
     * The clients list without the number of instances that answered and without what the query counts from its own
     * clock ({@code asOf}, {@code today}; each client as in {@link #withoutQueryTime}).
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> clientsWithoutQueryTime(Map<String, Object> clients) {
        Map<String, Object> copy = new LinkedHashMap<>(clients);
        copy.remove("instances");
        copy.remove("asOf");
        copy.remove("today");
        if (copy.get("clients") instanceof List<?> list) {
            copy.put("clients", list.stream().map(c -> withoutQueryTime((Map<String, Object>) c)).toList());
        }
        return copy;
    }

    private static Map<String, Map<String, Object>> detailsWithoutQueryTime(Map<String, Map<String, Object>> details) {
        Map<String, Map<String, Object>> copy = new LinkedHashMap<>();
        details.forEach((k, v) -> copy.put(k, withoutQueryTime(v)));
        return copy;
    }

    /**
     * One client's answer (a list entry or the full profile) without the fields the query API counts from its own
     * clock at query time (stream-processor {@code QueryController.asOfNow} and {@code ReceivablesAsOf}, the
     * instant from {@code QueryClock}), which differ between any two queries whatever the state:
     * <ul>
     *   <li>{@code today} and {@code receivables.today}: the query instant's date in the tenant's zone;</li>
     *   <li>{@code receivables.asOf}: the query instant itself;</li>
     *   <li>{@code expectedSettleAt} of an invoice past due today, when it is the query instant: such an invoice is
     *   "not settled before now", so the API answers the later of the stored expectation and now; a stored
     *   expectation still in the future is kept and compared.</li>
     * </ul>
     * Everything else is compared, the stored profile's own {@code asOf} included (read from the state store, so
     * equal on every instance; only a different run, scenario 5, judges it at another instant). The figures counted in calendar days up to {@code today} (days past due,
     * aging, overdue count, oldest open age) depend on the query's date only, so they are compared: the API has no
     * "as of" parameter to pin it, and the answers compared are fetched minutes apart (a UTC midnight between them
     * would change those figures; system-tests README, "Noticed").
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> withoutQueryTime(Map<String, Object> client) {
        Map<String, Object> copy = new LinkedHashMap<>(client);
        copy.remove("today");
        if (copy.get("receivables") instanceof Map<?, ?> r) {
            Map<String, Object> receivables = new LinkedHashMap<>((Map<String, Object>) r);
            Object queryInstant = receivables.remove("asOf");
            receivables.remove("today");
            if (receivables.get("invoices") instanceof List<?> invoices) {
                receivables.put("invoices", invoices.stream().map(i -> {
                    Map<String, Object> invoice = new LinkedHashMap<>((Map<String, Object>) i);
                    if (invoice.get("daysPastDue") instanceof Number d && d.intValue() > 0) {
                        Object expected = invoice.get("expectedSettleAt");
                        assertThat(Instant.parse(String.valueOf(expected)))
                                .as("expectedSettleAt of %s, past due: not before the query's now", invoice)
                                .isAfterOrEqualTo(Instant.parse(String.valueOf(queryInstant)));
                        if (expected.equals(queryInstant)) {
                            invoice.remove("expectedSettleAt");
                        }
                    }
                    return invoice;
                }).toList());
            }
            copy.put("receivables", receivables);
        }
        return copy;
    }

    /**
     * The profiles without what depends on when they were emitted rather than on the events: {@code asOf} (the wall
     * clock of the last live judgement, README time model) and each open invoice's current {@code lateProbability}
     * (computed at emission with the partition's tenant prior as it stands then, which other clients' settlements
     * processed before the emission tick have moved: a timing, not a fault; the risk at issue, on invoice-risk, is
     * compared exactly instead); and, as in every comparison of answers, what the query counts from its own clock
     * ({@link #withoutQueryTime}).
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> withoutAsOf(Map<String, Map<String, Object>> details) {
        Map<String, Map<String, Object>> copy = new LinkedHashMap<>();
        details.forEach((k, v) -> {
            Map<String, Object> p = withoutQueryTime(v);
            p.remove("asOf");
            if (p.get("receivables") instanceof Map<?, ?> r) {
                Map<String, Object> receivables = new LinkedHashMap<>((Map<String, Object>) r);
                if (receivables.get("invoices") instanceof List<?> invoices) {
                    receivables.put("invoices", invoices.stream().map(i -> {
                        Map<String, Object> invoice = new LinkedHashMap<>((Map<String, Object>) i);
                        invoice.remove("lateProbability");
                        return invoice;
                    }).toList());
                }
                p.put("receivables", receivables);
            }
            copy.put(k, p);
        });
        return copy;
    }

    private static Map<String, List<String>> riskByInvoice(List<InvoiceRisk> records) {
        return records.stream().filter(r -> r.getTenantId().equals(TENANT)).collect(Collectors.groupingBy(
                InvoiceRisk::getInvoiceId, java.util.TreeMap::new,
                Collectors.mapping(InvoiceRisk::toString, Collectors.toList())));
    }

    /** Paths (with both values) where {@code actual} differs from {@code expected}, at most 30. */
    @SuppressWarnings("unchecked")
    private static void diff(Object expected, Object actual, String path, List<String> out) {
        if (out.size() >= 30) {
            return;
        }
        if (expected instanceof Map<?, ?> e && actual instanceof Map<?, ?> a) {
            Set<Object> keys = new java.util.LinkedHashSet<>(e.keySet());
            keys.addAll(a.keySet());
            for (Object k : keys) {
                diff(e.get(k), a.get(k), path + "/" + k, out);
            }
        } else if (expected instanceof List<?> e && actual instanceof List<?> a && e.size() == a.size()) {
            for (int i = 0; i < e.size(); i++) {
                diff(e.get(i), a.get(i), path + "[" + i + "]", out);
            }
        } else if (!java.util.Objects.equals(expected, actual)) {
            out.add(path + ": faulted run " + expected + ", clean run " + actual);
        }
    }

    @SuppressWarnings("unchecked")
    private static Set<String> alertIds(List<Object> alerts) {
        return alerts.stream().map(x -> (String) ((Map<String, Object>) x).get("alertId"))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private InvoiceEvent overdueInvoice(String tenant, String client, String invoice, Instant now, long amountMinor) {
        Instant issued = now.minus(Duration.ofDays(45));
        return new InvoiceEvent(InvoiceIssued.newBuilder().setEventId("issued-" + tenant + "-" + invoice)
                .setTenantId(tenant).setClientId(client).setClientName("Client " + client).setInvoiceId(invoice)
                .setIssuedAt(issued).setDueAt(issued.plus(Duration.ofDays(30))).setPaymentTermsDays(30)
                .setAmount(new Money(amountMinor, "EUR")).setSource(SourceSystem.DEMO).build());
    }

    private <K, V> KafkaProducer<K, V> producer(Serializer<K> keys, Serializer<V> values) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // Long enough to ride out a leader election after a broker's death.
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        return new KafkaProducer<>(config, keys, values);
    }

    /** The eventId of an invoice-events value, or null for bytes that are not one (the poison records). */
    private static String eventIdOrNull(byte[] value) {
        try {
            return SyntheticHistory.eventId(Topics.INVOICE_EVENTS.valueSerde().deserializer()
                    .deserialize(Topics.INVOICE_EVENTS.name(), value));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static byte[] bytesOf(java.nio.ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String sha256Hex(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes(s)));
    }

    private static String seconds(long startNanos) {
        return String.format("%.1f s", (System.nanoTime() - startNanos) / 1e9);
    }

    private static void quietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            System.out.println("while stopping: " + e);
        }
    }
}
