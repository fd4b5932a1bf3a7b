package io.paywatch.benchmarks.suite;

import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.paywatch.schemas.TopicBootstrap;
import io.paywatch.testkit.EmbeddedKafkaBroker;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * {@code --suite e2e}: the latency a freelancer feels. The three services run from their packaged jars in child
 * JVMs, as in production, against an embedded KRaft broker, and the alert service emails a real SMTP server
 * (GreenMail, in this JVM). For each of N clients the probe posts the {@code PaymentReceived} that makes the client
 * drift (PAYMENT_DRIFT by the norm rule: a second settlement in a row far above the 30-day norm) and measures from
 * that request's 202 to the moment GreenMail accepted the email about that client ({@link StoredMessage}'s received
 * date: the end of the SMTP DATA exchange).
 *
 * <p><b>Allowed lateness.</b> The stream processor feeds a settlement to the drift detector only once its watermark
 * (wall clock − allowed lateness L, 3 days in production) has passed the payment's date, so in production a drift
 * alert is emailed L after the payment by design. To measure the pipeline rather than L, this suite runs the
 * processor with {@code allowed-lateness} 1 s ({@code --allowed-lateness}) and dates each payment L + 1 s before it
 * is posted. The history of each client (two invoices issued about 60 days ago and the first payment) is posted
 * before the measurement; its invoices are a catch-up (dated more than 6 h ago), so the suite also shortens
 * {@code replay-idle} (2 min in production) to 10 s and waits until a canary client's drift email shows that the
 * catch-up has ended. Every other setting is production's: commit.interval.ms 100, 6 partitions, one stream
 * thread, exactly_once_v2.
 *
 * <p><b>Alerts that must not fire.</b> Control clients with the same shape of history but paid within terms get
 * their second payment in the same stream; the suite counts any drift email about them (there must be none).
 */
public final class EndToEndSuite {

    static final String SUITE = "e2e";
    /** Not the ingest suite's tenant: both may run against one broker (the smoke tests share one). */
    static final String TENANT = "benche2e";

    /** Options, from {@code --flag value} arguments. */
    public record Options(int alerts, int controls, int warmup, long intervalMs, String allowedLateness,
            String replayIdle, String wallClockScan, String serviceJvm, Map<String, String> processorProps,
            String bootstrap, Duration emailTimeout) {

        public static Options parse(String[] args) {
            int alerts = 1000;
            int controls = -1;
            int warmup = 20;
            long interval = 20;
            String lateness = "1s";
            String replayIdle = "10s";
            String scan = "30s";
            String jvm = ServiceProcess.DEFAULT_JVM_FLAGS;
            String bootstrap = null;
            long emailTimeoutS = 120;
            Map<String, String> props = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                String v = i + 1 < args.length ? args[i + 1] : null;
                switch (a) {
                    case "--suite" -> i++;
                    case "--help", "-h" -> throw new IllegalArgumentException(HELP);
                    case "--alerts" -> { alerts = Integer.parseInt(v); i++; }
                    case "--controls" -> { controls = Integer.parseInt(v); i++; }
                    case "--warmup" -> { warmup = Integer.parseInt(v); i++; }
                    case "--interval-ms" -> { interval = Long.parseLong(v); i++; }
                    case "--allowed-lateness" -> { lateness = v; i++; }
                    case "--replay-idle" -> { replayIdle = v; i++; }
                    case "--wall-clock-scan" -> { scan = v; i++; }
                    case "--service-jvm" -> { jvm = v; i++; }
                    case "--bootstrap" -> { bootstrap = v; i++; }
                    case "--email-timeout-s" -> { emailTimeoutS = Long.parseLong(v); i++; }
                    case "--processor-prop" -> {
                        int eq = v.indexOf('=');
                        props.put(v.substring(0, eq), v.substring(eq + 1));
                        i++;
                    }
                    default -> throw new IllegalArgumentException("unknown flag " + a + "\n" + HELP);
                }
            }
            if (alerts < 1) {
                throw new IllegalArgumentException("--alerts must be at least 1");
            }
            return new Options(alerts, controls < 0 ? Math.max(1, alerts / 10) : controls, Math.max(1, warmup),
                    interval, lateness, replayIdle, scan, jvm, Map.copyOf(props), bootstrap,
                    Duration.ofSeconds(emailTimeoutS));
        }
    }

    static final String HELP = """
            --suite e2e flags [defaults]:
              --alerts N             measured PAYMENT_DRIFT alerts, one client each [1000]
              --controls N           clients paid within terms whose second payment must raise nothing [alerts/10]
              --warmup N             drift alerts sent and awaited before measuring [20]
              --interval-ms N        pause between two measured payments (one client at a time) [20]
              --allowed-lateness D   the processor's allowed lateness (production 3d; see the README) [1s]
              --replay-idle D        the processor's replay-idle, ends the history's catch-up (production 2m) [10s]
              --wall-clock-scan D    the processor's wall-clock scan interval (production 30s) [30s]
              --processor-prop k=v   any other -D property of the stream processor (repeatable)
              --service-jvm "..."    JVM flags of the three services [%s]
              --email-timeout-s N    how long to wait for the last email [120]
              --bootstrap h:p        an existing broker instead of the embedded one
            """.formatted(ServiceProcess.DEFAULT_JVM_FLAGS);

    /** What one run measured; latencies in milliseconds, ascending. */
    public record Result(List<Long> latenciesMs, int missing, int controlDriftEmails, int duplicateDriftEmails,
            double p50, double p99, double max, Map<String, Double> peakRssMiB, Map<String, Object> json) {
    }

    private final Options options;
    private final PrintStream out;
    private final String runId = UUID.randomUUID().toString().substring(0, 6);
    private final String apiKey = "bench-" + UUID.randomUUID();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Duration lateness;
    private int eventSeq;
    private String bootstrap;

    EndToEndSuite(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
        this.lateness = parseDuration(options.allowedLateness());
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (RuntimeException e) {
            System.out.println(e.getMessage());
            return;
        }
        if (options.bootstrap() != null) {
            run(options, options.bootstrap(), System.out);
            return;
        }
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            run(options, broker.bootstrapServers(), System.out);
        }
    }

    public static Result run(Options options, String bootstrap, PrintStream out) throws Exception {
        return new EndToEndSuite(options, out).execute(bootstrap);
    }

    private Result execute(String bootstrap) throws Exception {
        this.bootstrap = bootstrap;
        String loadAtStart = Machine.loadAverage();
        Machine.print(out, SUITE);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            new TopicBootstrap(6, (short) 1).ensureTopics(admin);
        }
        int smtpPort = ServiceProcess.freePort();
        GreenMail smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        Path logDir = Machine.targetDir().resolve("suite-logs").resolve(SUITE + "-" + runId);
        List<ServiceProcess> services = new ArrayList<>();
        try {
            long t0 = System.nanoTime();
            int producerPort = ServiceProcess.freePort();
            int processorPort = ServiceProcess.freePort();
            int alertsPort = ServiceProcess.freePort();
            Map<String, String> common = new LinkedHashMap<>();
            common.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
            common.put("PAYWATCH_PARTITIONS", "6");
            common.put("PAYWATCH_REPLICATION_FACTOR", "1");
            common.put("PAYWATCH_DEMO_API_KEY_SHA256", IngestSuite.sha256Hex("unused-" + UUID.randomUUID()));
            Map<String, String> commonProps = new LinkedHashMap<>();
            commonProps.put("micronaut.server.host", "127.0.0.1");
            commonProps.put("paywatch.tenants." + TENANT + ".api-key-sha256", IngestSuite.sha256Hex(apiKey));
            commonProps.put("org.apache.avro.SERIALIZABLE_PACKAGES", "io.paywatch.contract");

            Map<String, String> env = new LinkedHashMap<>(common);
            env.put("PAYWATCH_PRODUCER_PORT", Integer.toString(producerPort));
            env.put("PAYWATCH_PRODUCER_TXN_PREFIX", "bench-" + runId);
            env.put("PAYWATCH_DEMO_STRIPE_SECRET", "whsec_unused_" + runId);
            env.put("PAYWATCH_DEMO_QUICKBOOKS_TOKEN", "unused-" + UUID.randomUUID());
            env.put("PAYWATCH_DEMO_XERO_KEY", "unused-" + UUID.randomUUID());
            ServiceProcess producer = ServiceProcess.start("invoice-producer", producerPort, options.serviceJvm(), env,
                    commonProps, logDir);
            services.add(producer);

            env = new LinkedHashMap<>(common);
            env.put("PAYWATCH_PROCESSOR_PORT", Integer.toString(processorPort));
            env.put("PAYWATCH_STATE_DIR", logDir.resolve("state").toString());
            env.put("PAYWATCH_APPLICATION_SERVER", "127.0.0.1:" + processorPort);
            // Own consumer groups per run, so a shared broker (the smoke tests) never mixes two runs' state.
            env.put("PAYWATCH_STREAMS_APPLICATION_ID", "bench-e2e-sp-" + runId);
            Map<String, String> props = new LinkedHashMap<>(commonProps);
            props.put("paywatch.processor.allowed-lateness", options.allowedLateness());
            props.put("paywatch.processor.replay-idle", options.replayIdle());
            props.put("paywatch.processor.wall-clock-scan-interval", options.wallClockScan());
            props.putAll(options.processorProps());
            ServiceProcess processor = ServiceProcess.start("stream-processor", processorPort, options.serviceJvm(),
                    env, props, logDir);
            services.add(processor);

            env = new LinkedHashMap<>(common);
            env.put("PAYWATCH_ALERTS_PORT", Integer.toString(alertsPort));
            env.put("PAYWATCH_SMTP_HOST", "127.0.0.1");
            env.put("PAYWATCH_SMTP_PORT", Integer.toString(smtpPort));
            env.put("PAYWATCH_ALERTS_GROUP", "bench-e2e-as-" + runId);
            ServiceProcess alerts = ServiceProcess.start("alert-service", alertsPort, options.serviceJvm(), env,
                    commonProps, logDir);
            services.add(alerts);
            for (ServiceProcess s : services) {
                s.awaitHealthy(Duration.ofSeconds(600));
            }
            out.printf(Locale.ROOT, "[e2e] invoice-producer, stream-processor, alert-service healthy after %.1f s "
                            + "(%s; processor allowed-lateness %s, replay-idle %s); logs in %s%n",
                    IngestSuite.secondsSince(t0), options.serviceJvm(), options.allowedLateness(),
                    options.replayIdle(), logDir);
            return measure(smtp, producer, services, loadAtStart);
        } finally {
            // Processor first, so its last transaction does not wait on a closing broker; SMTP last.
            for (int i = services.size() - 1; i >= 0; i--) {
                services.get(i).close();
            }
            smtp.stop();
        }
    }

    private Result measure(GreenMail smtp, ServiceProcess producer, List<ServiceProcess> services,
            String loadAtStart) throws Exception {
        putSettings(producer);
        int n = options.alerts();
        int controls = options.controls();
        // Canaries (warm-up) and measured drifting clients, then controls; all histories go in before any trigger.
        int canaries = options.warmup() + 20;
        List<String> drifting = new ArrayList<>();
        for (int i = 0; i < canaries + n; i++) {
            drifting.add(String.format(Locale.ROOT, "E2E%s d%05d", runId, i));
        }
        List<String> control = new ArrayList<>();
        for (int i = 0; i < controls; i++) {
            control.add(String.format(Locale.ROOT, "E2E%s k%05d", runId, i));
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        long t0 = System.nanoTime();
        List<String> history = new ArrayList<>();
        for (String c : drifting) {
            // Two invoices on 14-day terms issued ~60 days ago; the first paid 10 minutes ago (60 days to pay).
            history.add(issued(c, "A", now.minus(Duration.ofDays(60)), 14));
            history.add(issued(c, "B", now.minus(Duration.ofDays(59)), 14));
            history.add(paid(c, "A", now.minus(Duration.ofMinutes(10))));
        }
        for (String c : control) {
            // Same shape, paid within terms: A paid 10 days after issue, B issued 10 days ago and paid now.
            history.add(issued(c, "A", now.minus(Duration.ofDays(60)), 14));
            history.add(paid(c, "A", now.minus(Duration.ofDays(50))));
            history.add(issued(c, "B", now.minus(Duration.ofDays(10)), 14));
        }
        for (int i = 0; i < history.size(); i += 1000) {
            postBatch(producer, history.subList(i, Math.min(history.size(), i + 1000)));
        }
        out.printf(Locale.ROOT, "[e2e] history of %,d drifting and %,d control clients posted (%,d events) in %.1f s%n",
                drifting.size(), control.size(), history.size(), IngestSuite.secondsSince(t0));

        // Canaries until one drift email arrives: the history's catch-up has then ended.
        Map<String, Long> sentAt = new HashMap<>();
        long canaryStart = System.nanoTime();
        int canary = 0;
        boolean live = false;
        while (!live && canary < 20) {
            String c = drifting.get(canary++);
            sentAt.put(c, postTrigger(producer, c));
            long deadline = System.nanoTime() + parseDuration(options.replayIdle()).toNanos()
                    + Duration.ofSeconds(15).toNanos();
            while (System.nanoTime() < deadline && !live) {
                live = driftEmails(smtp).keySet().stream().anyMatch(sentAt::containsKey);
                Thread.sleep(200);
            }
        }
        if (!live) {
            throw new IllegalStateException("no drift email for any of " + canary + " canaries; logs:\n"
                    + services.get(1).tail() + "\n" + services.get(2).tail());
        }
        out.printf(Locale.ROOT, "[e2e] first canary drift email after %.1f s (catch-up over)%n",
                IngestSuite.secondsSince(canaryStart));
        // Warm-up: the rest of the canaries, awaited.
        List<String> warm = drifting.subList(20, canaries);
        for (String c : warm) {
            sentAt.put(c, postTrigger(producer, c));
            pause();
        }
        awaitEmails(smtp, warm);

        // Measured: one payment at a time, controls interleaved every 10th.
        for (ServiceProcess s : services) {
            s.resetPeak();
        }
        List<String> measured = drifting.subList(canaries, canaries + n);
        long m0 = System.nanoTime();
        int k = 0;
        for (int i = 0; i < n; i++) {
            String c = measured.get(i);
            sentAt.put(c, postTrigger(producer, c));
            if (i % 10 == 9 && k < control.size()) {
                postBatch(producer, List.of(paid(control.get(k++), "B", Instant.now().minus(lateness)
                        .minusSeconds(1))));
            }
            pause();
        }
        while (k < control.size()) {
            postBatch(producer, List.of(paid(control.get(k++), "B", Instant.now().minus(lateness).minusSeconds(1))));
        }
        double sendSeconds = IngestSuite.secondsSince(m0);
        Map<String, List<Long>> emails = awaitEmails(smtp, measured);
        // A control's (wrong) email must have had every chance to arrive: wait until the processor has consumed
        // every payment and the alert service every alert (it commits after delivering), then read again.
        awaitCaughtUp("bench-e2e-sp-" + runId, "invoice-events");
        awaitCaughtUp("bench-e2e-as-" + runId, "payment-alerts");
        Map<String, Double> peaks = new LinkedHashMap<>();
        for (ServiceProcess s : services) {
            peaks.put(s.module(), s.peakRssMiB());
        }
        emails = driftEmails(smtp);

        List<Long> latencies = new ArrayList<>();
        int missing = 0;
        int duplicates = 0;
        for (String c : measured) {
            List<Long> accepted = emails.get(c);
            if (accepted == null) {
                missing++;
                continue;
            }
            duplicates += accepted.size() - 1;
            latencies.add(accepted.get(0) - sentAt.get(c));
        }
        int controlEmails = 0;
        for (String c : control) {
            controlEmails += emails.getOrDefault(c, List.of()).size();
        }
        Collections.sort(latencies);
        double p50 = percentile(latencies, 50);
        double p99 = percentile(latencies, 99);
        double max = latencies.isEmpty() ? Double.NaN : latencies.get(latencies.size() - 1);
        long allEmails = smtp.getManagers().getImapHostManager().getAllMessages().size();

        out.println("[e2e] ---------------------------------------------------------------- summary");
        Machine.print(out, SUITE);
        out.printf(Locale.ROOT, "[e2e] %,d PAYMENT_DRIFT alerts, one client each, one payment every %d ms "
                + "(%.1f s of sending); %,d control clients%n", n, options.intervalMs(), sendSeconds, control.size());
        out.printf(Locale.ROOT, "[e2e] 202 of the PaymentReceived -> SMTP accept: p50 %.0f ms, p99 %.0f ms, max %.0f ms"
                + " (target p99 <= 500 ms at commit.interval.ms 100: %s)%n", p50, p99, max,
                p99 <= 500 ? "met" : "MISSED");
        out.printf(Locale.ROOT, "[e2e] drift emails missing %d, duplicated %d; drift emails about control clients %d"
                + " (must be 0); emails accepted in all %,d%n", missing, duplicates, controlEmails, allEmails);
        peaks.forEach((module, mib) -> out.printf(Locale.ROOT, "[e2e] %-16s RSS peak %.1f MiB (target <= 384: %s)%n",
                module, mib, mib <= 384 ? "met" : "MISSED"));

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("suite", SUITE);
        json.put("at", Instant.now().toString());
        json.put("machine", Machine.describe(loadAtStart));
        json.put("serviceJvmFlags", options.serviceJvm());
        json.put("allowedLateness", options.allowedLateness());
        json.put("replayIdle", options.replayIdle());
        json.put("commitIntervalMs", 100);
        json.put("alerts", n);
        json.put("intervalMs", options.intervalMs());
        json.put("p50Ms", p50);
        json.put("p99Ms", p99);
        json.put("maxMs", max);
        json.put("p99TargetMs", 500);
        json.put("missing", missing);
        json.put("duplicates", duplicates);
        json.put("controlClients", control.size());
        json.put("controlDriftEmails", controlEmails);
        json.put("rssPeakMiB", new LinkedHashMap<>(peaks));
        Machine.writeResults(SUITE, json, out);
        return new Result(latencies, missing, controlEmails, duplicates, p50, p99, max, peaks, json);
    }

    private void pause() throws InterruptedException {
        if (options.intervalMs() > 0) {
            Thread.sleep(options.intervalMs());
        }
    }

    /** Waits until every one of {@code clients} has a drift email, or the timeout; returns all drift emails. */
    private Map<String, List<Long>> awaitEmails(GreenMail smtp, List<String> clients) throws InterruptedException {
        long deadline = System.nanoTime() + options.emailTimeout().toNanos();
        Map<String, List<Long>> emails = driftEmails(smtp);
        while (System.nanoTime() < deadline && !emails.keySet().containsAll(clients)) {
            Thread.sleep(200);
            emails = driftEmails(smtp);
        }
        return emails;
    }

    /**
     * Drift emails accepted so far, by client name, with the accept times (epoch ms). The English subject of
     * PAYMENT_DRIFT is "{client} now pays later than …" (alert-service templates).
     */
    static Map<String, List<Long>> driftEmails(GreenMail smtp) {
        Map<String, List<Long>> byClient = new HashMap<>();
        for (StoredMessage m : smtp.getManagers().getImapHostManager().getAllMessages()) {
            try {
                String subject = m.getMimeMessage().getSubject();
                int at = subject == null ? -1 : subject.indexOf(" now pays later");
                if (at > 0) {
                    byClient.computeIfAbsent(subject.substring(0, at), x -> new ArrayList<>())
                            .add(m.getReceivedDate().getTime());
                }
            } catch (jakarta.mail.MessagingException e) {
                // An unreadable message is not a drift email.
            }
        }
        byClient.values().forEach(Collections::sort);
        return byClient;
    }

    private void putSettings(ServiceProcess producer) throws Exception {
        // UTC, no quiet hours (equal start and end), immediate delivery: the email is not held for the night.
        String body = "{\"notificationEmail\":\"freelancer@bench.example\",\"timezone\":\"UTC\","
                + "\"quietHoursStartMinute\":0,\"quietHoursEndMinute\":0}";
        HttpResponse<String> r = Retry503.send(http, HttpRequest.newBuilder(URI.create(producer.baseUrl()
                + "/v1/settings")).header("Authorization", "Bearer " + apiKey).header("Content-Type",
                "application/json").timeout(Duration.ofSeconds(60)).PUT(HttpRequest.BodyPublishers.ofString(body))
                .build(), null);
        if (r.statusCode() != 202) {
            throw new IllegalStateException("PUT /v1/settings answered " + r.statusCode() + ": " + r.body());
        }
    }

    /** Posts the drifting payment of {@code client}'s invoice B; returns the epoch ms its 202 arrived. */
    private long postTrigger(ServiceProcess producer, String client) throws Exception {
        postBatch(producer, List.of(paid(client, "B", Instant.now().minus(lateness).minusSeconds(1))));
        return System.currentTimeMillis();
    }

    private void postBatch(ServiceProcess producer, List<String> events) throws Exception {
        String body = events.size() == 1 ? events.get(0) : "[" + String.join(",", events) + "]";
        HttpResponse<String> r = Retry503.send(http, HttpRequest.newBuilder(URI.create(producer.baseUrl()
                + "/v1/events")).header("Authorization", "Bearer " + apiKey).header("Content-Type",
                "application/json").timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), null);
        if (r.statusCode() != 202) {
            throw new IllegalStateException("POST /v1/events answered " + r.statusCode() + ": "
                    + IngestSuite.abbreviate(r.body()));
        }
    }

    private String issued(String client, String invoice, Instant at, int terms) {
        return "{\"type\":\"InvoiceIssued\",\"eventId\":\"" + id(client, "iss-" + invoice) + "\",\"clientId\":\""
                + clientId(client) + "\",\"clientName\":\"" + client + "\",\"invoiceId\":\""
                + invoiceId(client, invoice)
                + "\",\"issuedAt\":\"" + at + "\",\"paymentTermsDays\":" + terms
                + ",\"amount\":{\"amountMinor\":100000,\"currency\":\"EUR\"}}";
    }

    private String paid(String client, String invoice, Instant at) {
        return "{\"type\":\"PaymentReceived\",\"eventId\":\"" + id(client, "pay-" + invoice) + "\",\"clientId\":\""
                + clientId(client) + "\",\"invoiceId\":\"" + invoiceId(client, invoice) + "\",\"paidAt\":\"" + at
                + "\",\"amount\":{\"amountMinor\":100000,\"currency\":\"EUR\"}}";
    }

    /** Invoice ids are unique within the tenant (the contract), so each client's "A" and "B" are its own. */
    private static String invoiceId(String client, String invoice) {
        return clientId(client) + "-" + invoice;
    }

    private static String clientId(String name) {
        return name.replace(' ', '-');
    }

    private String id(String client, String what) {
        return clientId(client) + "-" + what + "-" + (eventSeq++);
    }

    static double percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int idx = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, idx)));
    }

    /** {@code 1s}, {@code 250ms}, {@code 2m}, {@code 3d}: Micronaut's duration forms this suite passes on. */
    static Duration parseDuration(String s) {
        String t = s.trim();
        if (t.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
        }
        long v = Long.parseLong(t.substring(0, t.length() - 1));
        return switch (t.charAt(t.length() - 1)) {
            case 's' -> Duration.ofSeconds(v);
            case 'm' -> Duration.ofMinutes(v);
            case 'h' -> Duration.ofHours(v);
            case 'd' -> Duration.ofDays(v);
            default -> throw new IllegalArgumentException("duration like 1s, 250ms, 2m, 3d: " + s);
        };
    }

    /**
     * Waits (at most the email timeout) until consumer group {@code group} has committed, on every partition of
     * {@code topic}, an offset within one of the end (a transaction's commit marker may follow the last record).
     */
    private void awaitCaughtUp(String group, String topic) throws Exception {
        long deadline = System.nanoTime() + options.emailTimeout().toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                     Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new ByteArrayDeserializer(),
                     new ByteArrayDeserializer())) {
            List<TopicPartition> tps = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
            while (System.nanoTime() < deadline) {
                var committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                boolean caughtUp = tps.stream().allMatch(tp -> {
                    var c = committed.get(tp);
                    long end = ends.get(tp);
                    return end == 0 || (c != null && c.offset() >= end - 1);
                });
                if (caughtUp) {
                    return;
                }
                Thread.sleep(200);
            }
        }
        out.printf(Locale.ROOT, "[e2e] warning: group %s had not consumed all of %s within %s%n", group, topic,
                options.emailTimeout());
    }

    /** Records on every partition of {@code topic} (end offsets; transactional markers included). */
    static long countRecords(String bootstrap, String topic) {
        Map<String, Object> c = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> tps = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            return consumer.endOffsets(tps).values().stream().mapToLong(Long::longValue).sum();
        }
    }
}
