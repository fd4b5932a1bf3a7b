package io.paywatch.launcher.replay;

import io.paywatch.contract.AlertType;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.processor.PaywatchTopology;
import io.paywatch.processor.StreamsDefaults;
import io.paywatch.processor.TopologyOptions;
import io.paywatch.producer.csv.ImportCommand;
import io.paywatch.schemas.AlertFacts;
import io.paywatch.schemas.TopicBootstrap;
import io.paywatch.schemas.Topics;
import io.paywatch.testkit.KafkaBroker;
import io.paywatch.testkit.KafkaBrokerExtension;
import io.paywatch.testkit.KafkaTestClients;
import io.paywatch.testkit.SharedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 10's acceptance, end to end in one JVM: the real CSV import ({@link ImportCommand}) publishes onto the
 * real kafka-testkit broker, the real stream-processor topology ({@link PaywatchTopology}, exactly_once_v2) reads
 * it, and the alerts are read back from {@code payment-alerts}. Every run starts from fresh topics, a fresh
 * application id and fresh state (a fresh stack). The tenant saved its settings in America/New_York, so the
 * import reads the file's dates there (no {@code --zone}), as the processor counts days.
 *
 * <p>Expected alerts are computed here from the generated truth with the rule of issue 10: a step fires at local
 * midnight of the day the invoice is more than the grace (3 days) past due, then 30, 60 and 90 days past due,
 * only while it is unpaid. The import is a catch-up: the steps its event time passes wait for it to end (a short
 * {@code replayIdle} here, 5 s after the last record), and are then judged as of their own time, with every payment
 * of the file known. Invoices still unpaid today are then judged by the wall clock (today − 3 days of allowed
 * lateness), so their whole ladder fires.
 */
@ExtendWith(KafkaBrokerExtension.class)
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class CsvReplayOrderTest {

    static final String TENANT = "replay";
    static final ZoneId ZONE = ZoneId.of("America/New_York");
    static final int GRACE = 3;
    static final int[] STEP_DAYS = {GRACE + 1, 30, 60, 90};
    static final LocalDate DAY0 = LocalDate.of(2024, 1, 1);
    static final DateTimeFormatter US = DateTimeFormatter.ofPattern("M/d/yyyy");

    /** One INVOICE_OVERDUE (or other) alert as compared across runs. */
    record Seen(String alertId, String type, String invoiceId, String step, String dueDate, Instant occurredAt) {
    }

    @Test
    void theAlternatingCsvOfIssue10GivesNoOverdueForEarlyPayersAndTheExactLadderForLatePayers(KafkaBroker broker,
            @TempDir Path dir) throws Exception {
        StringBuilder csv = new StringBuilder("Customer,Invoice No,Invoice Date,Due Date,Amount,Paid Date\n");
        for (int k = 0; k < 600; k++) {
            csv.append(row("S1", "L-" + k, k, k + 30, "100.00", k + 100));
            csv.append(row("S1", "E-" + k, k + 1, k + 31, "50.00", k + 11));
        }
        long began = System.nanoTime();
        List<Seen> alerts = importAndProcess(broker, dir, csv.toString(), "alternating", 1800);
        System.out.printf("[replay] alternating CSV (1,200 rows): %d alerts in %.1f s%n", alerts.size(),
                (System.nanoTime() - began) / 1e9);

        List<Seen> overdue = alerts.stream().filter(a -> a.type().equals(AlertType.INVOICE_OVERDUE.name())).toList();
        assertThat(overdue).as("INVOICE_OVERDUE for an invoice paid 20 days before its due date")
                .noneMatch(a -> a.invoiceId().startsWith("E-"));
        // Expected, from the file's own dates: L-k is due on day k+30 and paid on day k+100 (70 days past due), so
        // the steps at 4, 30 and 60 days past due fire, the one at 90 does not.
        Set<String> expected = new TreeSet<>();
        for (int k = 0; k < 600; k++) {
            LocalDate due = DAY0.plusDays(k + 30);
            for (int step = 1; step <= 4; step++) {
                if (STEP_DAYS[step - 1] < 70) {
                    expected.add("L-" + k + " step " + step + " due " + due + " at "
                            + due.plusDays(STEP_DAYS[step - 1]).atStartOfDay(ZONE).toInstant());
                }
            }
        }
        Set<String> actual = overdue.stream().map(a -> a.invoiceId() + " step " + a.step() + " due " + a.dueDate()
                + " at " + a.occurredAt()).collect(Collectors.toCollection(TreeSet::new));
        assertThat(actual).hasSize(1800).isEqualTo(expected);
        assertThat(overdue).as("each alert once").hasSize(1800);
    }

    @Test
    void theSameHistoryInThreeRandomRowOrdersGivesIdenticalAlertsEqualToTheTruth(KafkaBroker broker,
            @TempDir Path dir) throws Exception {
        History history = History.generate(60, new Random(20251015));
        List<Set<String>> runs = new ArrayList<>();
        Random shuffle = new Random(42);
        for (int run = 0; run < 3; run++) {
            List<String> rows = new ArrayList<>(history.rows);
            Collections.shuffle(rows, shuffle);
            String csv = "Customer,Invoice No,Invoice Date,Due Date,Amount,Amount Paid,Paid Date\n"
                    + String.join("", rows);
            long began = System.nanoTime();
            List<Seen> alerts = importAndProcess(broker, dir.resolve("run" + run), csv, "history-" + run,
                    history.expectedOverdue.size());
            System.out.printf("[replay] history of %d rows (%d clients), order %d: %d alerts in %.1f s%n",
                    rows.size(), history.clients, run, alerts.size(), (System.nanoTime() - began) / 1e9);
            Set<String> overdue = alerts.stream().filter(a -> a.type().equals(AlertType.INVOICE_OVERDUE.name()))
                    .map(a -> a.invoiceId() + " step " + a.step()).collect(Collectors.toCollection(TreeSet::new));
            assertThat(overdue).as("INVOICE_OVERDUE of order %d against the generated truth", run)
                    .isEqualTo(history.expectedOverdue);
            runs.add(alerts.stream().map(a -> a.alertId() + " " + a.type() + " " + a.step())
                    .collect(Collectors.toCollection(TreeSet::new)));
        }
        assertThat(runs.get(1)).isEqualTo(runs.get(0));
        assertThat(runs.get(2)).isEqualTo(runs.get(0));
    }

    /**
     * A history of {@code clients} clients over about 18 months: invoices on 15-, 30- or 45-day terms (a due date
     * in the file, or none and {@code --terms-days 30}), paid on time, late, partly (an "Amount Paid" below the
     * amount, so the invoice stays open) or never. Paid dates never fall on a step day, where "paid that day" and
     * "step fires at that midnight" coincide. Every client's last invoice is issued on day {@link #END} (July 2025),
     * unpaid: its fourth step (due + 90 days) is in November 2025, so the wall clock has passed all four.
     */
    static final class History {
        static final int END = 560;
        final List<String> rows = new ArrayList<>();
        final Set<String> expectedOverdue = new TreeSet<>();
        int clients;

        static History generate(int clients, Random random) {
            History h = new History();
            h.clients = clients;
            for (int c = 0; c < clients; c++) {
                String client = String.format("client-%02d", c);
                int invoices = 4 + random.nextInt(5);
                for (int i = 0; i < invoices; i++) {
                    String invoice = client + "-" + i;
                    int issued = random.nextInt(401);
                    int terms = new int[] {15, 30, 30, 45}[random.nextInt(4)];
                    boolean dueInFile = terms != 30 || random.nextBoolean();
                    int due = issued + terms;
                    long amount = 100_00 + random.nextInt(5_000_00);
                    int kind = random.nextInt(10);
                    String paidAmount = "";
                    int paidDay = -1;
                    int daysLate; // -1: never settled
                    if (kind < 4) { // on time, up to the grace
                        paidDay = issued + random.nextInt(terms + GRACE + 1);
                        daysLate = Math.max(0, paidDay - due);
                    } else if (kind < 7) { // late
                        do {
                            daysLate = GRACE + 1 + random.nextInt(120);
                        } while (isStepDay(daysLate));
                        paidDay = due + daysLate;
                    } else if (kind < 9) { // partly paid: still open
                        paidDay = issued + random.nextInt(60);
                        paidAmount = quoted(money(amount / 2));
                        daysLate = -1;
                    } else { // never paid
                        daysLate = -1;
                    }
                    h.rows.add(String.join(",", client, invoice, day(issued), dueInFile ? day(due) : "",
                            quoted(money(amount)), paidAmount, paidDay < 0 ? "" : day(paidDay)) + "\n");
                    for (int step = 1; step <= 4; step++) {
                        if (daysLate < 0 || STEP_DAYS[step - 1] < daysLate) {
                            h.expectedOverdue.add(invoice + " step " + step);
                        }
                    }
                }
                h.rows.add(String.join(",", client, client + "-last", day(END), "", quoted(money(50_00)), "", "")
                        + "\n");
                for (int step = 1; step <= 4; step++) {
                    h.expectedOverdue.add(client + "-last step " + step);
                }
            }
            return h;
        }

        static boolean isStepDay(int daysLate) {
            for (int d : STEP_DAYS) {
                if (d == daysLate) {
                    return true;
                }
            }
            return false;
        }
    }

    static String row(String client, String invoice, int issued, int due, String amount, int paid) {
        return String.join(",", client, invoice, day(issued), day(due), amount, day(paid)) + "\n";
    }

    static String day(int k) {
        return DAY0.plusDays(k).format(US);
    }

    static String money(long minor) {
        return String.format(java.util.Locale.ROOT, "%,d.%02d", minor / 100, minor % 100);
    }

    static String quoted(String s) {
        return "\"" + s + "\"";
    }

    /**
     * A fresh stack: fresh topics, the tenant's settings, the CSV imported through the real command, the real
     * topology run until it has consumed every input record, and the tenant's alerts read back.
     */
    static List<Seen> importAndProcess(KafkaBroker broker, Path dir, String csv, String label, int expectedOverdue)
            throws Exception {
        Files.createDirectories(dir);
        freshStack(broker);
        long t0 = System.nanoTime();
        importCsv(dir, csv, label, dir.resolve(label + ".state"));
        long t1 = System.nanoTime();
        // Overdue steps are judged once the catch-up has ended: wait for the expected number, then make sure no more
        // come for a few scans (an extra alert is what this test exists to catch).
        runTopology(dir, label, () -> {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> overdueCount(readAlerts()) >= expectedOverdue);
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500))
                    .until(() -> overdueCount(readAlerts()) == expectedOverdue);
        });
        long t2 = System.nanoTime();
        List<Seen> alerts = readAlerts();
        System.out.printf("[replay] %s: import %.1f s, topology %.1f s, read %.1f s%n", label, (t1 - t0) / 1e9,
                (t2 - t1) / 1e9, (System.nanoTime() - t2) / 1e9);
        return alerts;
    }

    static long overdueCount(List<Seen> alerts) {
        return alerts.stream().filter(a -> a.type().equals(AlertType.INVOICE_OVERDUE.name())).count();
    }

    /** Fresh topics and the tenant's saved settings (America/New_York, 3 days of grace). */
    static void freshStack(KafkaBroker broker) throws Exception {
        broker.resetTopics();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            try (Admin admin = broker.admin()) {
                new TopicBootstrap(3, (short) 1).ensureTopics(admin);
                return true;
            }
        });
        try (KafkaProducer<String, FreelancerSettings> p = KafkaTestClients.producer(new StringSerializer(),
                Topics.FREELANCER_SETTINGS.valueSerde().serializer())) {
            p.send(new ProducerRecord<>(Topics.FREELANCER_SETTINGS.name(), TENANT, FreelancerSettings.newBuilder()
                    .setTenantId(TENANT).setNotificationEmail("me@example.com").setTimezone(ZONE.getId())
                    .setOverdueGraceDays(GRACE).setUpdatedAt(Instant.parse("2024-01-01T00:00:00Z")).build())).get();
        }
    }

    /** The real CSV import of {@code csv}, without --zone (the tenant's saved zone applies). */
    static String importCsv(Path dir, String csv, String label, Path state) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(label + ".csv");
        Files.writeString(file, csv);
        boolean paid = csv.startsWith("Customer,Invoice No,Invoice Date,Due Date,Amount,Amount Paid");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of(file.toString(), "--tenant", TENANT, "--map",
                "clientId=Customer,invoiceId=Invoice No,issuedAt=Invoice Date,dueAt=Due Date,amount=Amount,"
                        + "paidAt=Paid Date" + (paid ? ",paidAmount=Amount Paid" : ""),
                "--date-format", "M/d/yyyy", "--currency", "USD", "--locale", "en-US", "--terms-days", "30",
                "--state", state.toString(), "--transaction-size", "500",
                "--bootstrap-servers", SharedKafka.bootstrapServers(), "--no-progress"));
        int code = ImportCommand.execute(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String summary = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(summary + err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(summary).contains("zone:             America/New_York (the tenant's saved settings)");
        return summary;
    }

    /** The real topology on a fresh application id and state, until it consumed every input record. */
    static void runTopology(Path dir, String label, Runnable beforeClose) throws IOException {
        long t1 = System.nanoTime();
        String appId = "replay-" + label + "-" + UUID.randomUUID();
        Properties props = StreamsDefaults.properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
        props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(dir, "state-").toString());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "1");
        StreamsBuilder builder = new StreamsBuilder();
        TopologyOptions defaults = TopologyOptions.defaults();
        // A scan every second and a catch-up that ends 5 s after its last record (production: 30 s and 2 min).
        PaywatchTopology.buildTopology(builder, new TopologyOptions(Duration.ofSeconds(1),
                Duration.ofDays(1), defaults.maxDuePerScan(), defaults.dedupeTtl(),
                Duration.ofSeconds(5), defaults.replayLag(), defaults.recentAlertsPerTenant()));
        try (KafkaStreams streams = new KafkaStreams(builder.build(props), props)) {
            streams.start();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> streams.state() == KafkaStreams.State.RUNNING);
            long running = System.nanoTime();
            awaitConsumed(appId);
            long consumed = System.nanoTime();
            beforeClose.run();
            streams.close(Duration.ofSeconds(30));
            System.out.printf("[replay] %s: running after %.1f s, consumed after %.1f s more, closed in %.1f s%n", label,
                    (running - t1) / 1e9, (consumed - running) / 1e9, (System.nanoTime() - consumed) / 1e9);
        }
    }

    @Test
    void reimportingTheSameExportTwiceAndThenAnUpdatedOneLeavesTheTrueOutstandingInTheProfile(KafkaBroker broker,
            @TempDir Path dir) throws Exception {
        freshStack(broker);
        Path state = dir.resolve("exports.state");
        String header = "Customer,Invoice No,Invoice Date,Due Date,Amount,Amount Paid,Paid Date\n";
        // Week 1: 400.00 of 1,200.00 paid on 3/20; week 2: 800.00 cumulative, last paid 4/3 (a newer date).
        String week1 = header + "acme,R-1,3/1/2025,3/31/2025,\"1,200.00\",400.00,3/20/2025\n"
                + "acme,R-2,3/2/2025,4/1/2025,300.00,300.00,3/25/2025\n";
        String week2 = header + "acme,R-1,3/1/2025,3/31/2025,\"1,200.00\",800.00,4/3/2025\n"
                + "acme,R-2,3/2/2025,4/1/2025,300.00,300.00,3/25/2025\n";
        importCsv(dir, week1, "week1", state);
        importCsv(dir, week1, "week1-again", state);
        importCsv(dir, week2, "week2", state);
        // Profiles are emitted by wall-clock punctuation: wait for the one as of week 2's payment (3 Apr, New York).
        Instant lastEvent = LocalDate.of(2025, 4, 3).atStartOfDay(ZONE).toInstant();
        runTopology(dir, "reimport", () -> await().atMost(Duration.ofSeconds(30)).until(() -> {
            io.paywatch.contract.ClientProfile p = latestProfile(TENANT + "|acme");
            return p != null && !p.getAsOf().isBefore(lastEvent);
        }));

        // The truth, by hand: R-1 is open with 1,200.00 - 800.00 = 400.00 outstanding; R-2 was paid once, in full.
        io.paywatch.contract.ClientProfile profile = latestProfile(TENANT + "|acme");
        assertThat(profile.getReceivables().getOpenCount()).isEqualTo(1);
        assertThat(profile.getReceivables().getOutstanding()).extracting(m -> m.getAmountMinor(), m -> m.getCurrency())
                .containsExactly(org.assertj.core.groups.Tuple.tuple(40000L, "USD"));
        assertThat(profile.getPayments().getPaidInvoices()).isEqualTo(1);
    }

    /** The last profile of {@code key} on client-profiles (read_committed, to the end), or null. */
    static io.paywatch.contract.ClientProfile latestProfile(String key) {
        io.paywatch.contract.ClientProfile[] last = {null};
        try (KafkaConsumer<String, io.paywatch.contract.ClientProfile> consumer = KafkaTestClients.consumer(
                new StringDeserializer(), Topics.CLIENT_PROFILES.valueSerde().deserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(Topics.CLIENT_PROFILES.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> ends = consumer.endOffsets(parts);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ZERO).until(() -> {
                for (ConsumerRecord<String, io.paywatch.contract.ClientProfile> r : consumer.poll(Duration.ofMillis(100))) {
                    if (r.key().equals(key)) {
                        last[0] = r.value();
                    }
                }
                return parts.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp));
            });
        }
        return last[0];
    }

    /** Until the application's committed offsets cover every record of the input topics (EOS: with its outputs). */
    static void awaitConsumed(String appId) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()))) {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250)).until(() -> {
                Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
                for (String topic : List.of(Topics.INVOICE_EVENTS.name(), Topics.MESSAGE_EVENTS.name())) {
                    admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                            .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
                }
                Map<TopicPartition, Long> ends = admin.listOffsets(latest).all().get().entrySet().stream()
                        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(appId)
                        .partitionsToOffsetAndMetadata().get();
                // A transactional topic ends with a commit marker: an offset one short of the end covers every record.
                return ends.entrySet().stream().allMatch(e -> e.getValue() == 0
                        || committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() >= e.getValue() - 1);
            });
        }
    }

    static List<Seen> readAlerts() {
        List<Seen> alerts = new ArrayList<>();
        try (KafkaConsumer<String, PaymentAlert> consumer = KafkaTestClients.consumer(new StringDeserializer(),
                Topics.PAYMENT_ALERTS.valueSerde().deserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(Topics.PAYMENT_ALERTS.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> ends = consumer.endOffsets(parts);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ZERO).until(() -> {
                for (ConsumerRecord<String, PaymentAlert> r : consumer.poll(Duration.ofMillis(200))) {
                    PaymentAlert a = r.value();
                    if (!a.getTenantId().equals(TENANT)) {
                        continue;
                    }
                    Map<String, String> facts = a.getFacts();
                    alerts.add(new Seen(a.getAlertId(), a.getType().name(),
                            a.getInvoiceIds().isEmpty() ? "" : a.getInvoiceIds().get(0),
                            facts.getOrDefault(AlertFacts.ESCALATION_STEP, ""), facts.getOrDefault(AlertFacts.DUE_DATE, ""),
                            a.getOccurredAt()));
                }
                return parts.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp));
            });
        }
        return alerts;
    }
}
