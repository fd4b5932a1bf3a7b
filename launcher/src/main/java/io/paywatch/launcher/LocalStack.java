package io.paywatch.launcher;

import io.paywatch.launcher.broker.LocalBroker;
import io.paywatch.launcher.demo.DemoGenerator;
import io.paywatch.launcher.demo.DemoScenario;
import io.paywatch.launcher.mail.OutboxServer;
import io.paywatch.launcher.mail.SmtpCapture;
import io.paywatch.launcher.mail.TenantAddresses;
import io.paywatch.launcher.ops.LocalPrometheus;
import io.paywatch.launcher.services.Service;
import io.paywatch.launcher.services.ServiceJars;
import io.paywatch.schemas.Secrets;
import io.paywatch.schemas.TopicBootstrap;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.security.MessageDigest;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The whole local stack, started in dependency order and stopped in reverse: broker, topics, SMTP capture
 * and its outbox server, the three services (child JVMs), the alert printer and the demo generator.
 */
public final class LocalStack implements AutoCloseable {

    /** Partitions of every topic on the local broker: enough to show the per-key design, light on 2 cores. */
    public static final int LOCAL_PARTITIONS = 3;

    private final StackOptions options;
    private final PrintStream out;
    private final Path home;
    private final AtomicInteger mails = new AtomicInteger();
    private final Map<Service, ChildProcess> services = new EnumMap<>(Service.class);
    /** The tenant the invoice-producer's application.yml declares. */
    static final String DEMO_TENANT = "demo";
    static final Duration SERVICE_GRACE = Duration.ofSeconds(25);
    static final Duration BROKER_GRACE = Duration.ofSeconds(40);
    static final Duration PROMETHEUS_GRACE = Duration.ofSeconds(15);

    private LocalBroker broker;
    private TenantAddresses addresses;
    private LocalPrometheus prometheus;
    private List<Path> ruleRoots = List.of();
    private SmtpCapture smtp;
    private OutboxServer outboxServer;
    private AlertPrinter alerts;
    private DemoGenerator demo;
    private Credentials credentials;
    private volatile boolean closed;

    public LocalStack(StackOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
        this.home = options.home().toAbsolutePath().normalize();
    }

    /** Starts everything; throws with a clear message when something cannot start. */
    public void start() throws Exception {
        Files.createDirectories(home);
        ServiceJars jars = new ServiceJars(options.repoRoot());
        Map<Service, Path> jarByService = new EnumMap<>(Service.class);
        for (Service s : Service.values()) {
            Optional<Path> jar = jars.find(s.module());
            if (jar.isEmpty()) {
                throw new IllegalStateException("no " + s.module() + " jar under " + jars.roots()
                        + ": build the services first with ./mvnw -B -q package -DskipTests, or pass --repo");
            }
            jarByService.put(s, jar.get());
        }
        List<String> tenants = new ArrayList<>();
        tenants.add(options.tenant());
        // The invoice-producer's application.yml always declares the "demo" tenant, with placeholder webhook
        // secrets unless its PAYWATCH_DEMO_* variables are set: it gets generated ones even with --no-demo.
        if (!tenants.contains(DEMO_TENANT)) {
            tenants.add(DEMO_TENANT);
        }
        if (options.demo()) {
            DemoScenario.TENANTS.stream().map(DemoScenario.DemoTenant::id).filter(t -> !tenants.contains(t))
                    .forEach(tenants::add);
        }
        credentials = Credentials.loadOrCreate(home, tenants);
        ruleRoots = jars.roots();

        long t0 = System.nanoTime();
        out.println("Paywatch local stack, data in " + home);
        broker = new LocalBroker(home, options.kafkaPort(), options.controllerPort());
        broker.start(Duration.ofSeconds(90));
        out.printf("  kafka      %s (KRaft, ready in %.1f s, log %s)%n", broker.bootstrapServers(),
                (System.nanoTime() - t0) / 1e9, home.relativize(home.resolve("logs/kafka.log")));
        new TopicBootstrap(LOCAL_PARTITIONS, (short) 1).ensureTopics(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));

        smtp = new SmtpCapture(options.smtpPort(), home.resolve("outbox"), file -> mails.incrementAndGet());
        smtp.start();
        addresses = new TenantAddresses(broker.bootstrapServers());
        outboxServer = new OutboxServer(options.bindAddress(), options.outboxPort(), smtp.outbox(),
                options.processorPort(), new OutboxServer.Access() {
                    @Override
                    public boolean keyMatches(String tenant, String key) {
                        String expected = credentials.key(tenant);
                        // Compared as hashes in constant time: no timing hint about the key.
                        return expected != null && MessageDigest.isEqual(
                                Secrets.sha256Hex(expected).getBytes(StandardCharsets.US_ASCII),
                                Secrets.sha256Hex(key).getBytes(StandardCharsets.US_ASCII));
                    }

                    @Override
                    public Optional<String> emailOf(String tenant) {
                        return addresses.emailOf(tenant);
                    }
                }, options.publicHosts());
        outboxServer.start();
        out.printf("  smtp       localhost:%d, every mail saved to %s%n", options.smtpPort(), smtp.outbox());

        for (Service s : Service.values()) {
            services.put(s, startService(s, jarByService.get(s)));
        }
        alerts = new AlertPrinter(broker.bootstrapServers(), out);
        awaitServices();
        if (options.prometheus()) {
            startPrometheus();
        }
        out.printf("  ready in %.1f s%n%n", (System.nanoTime() - t0) / 1e9);
        printUrls();
        if (options.demo()) {
            demo = new DemoGenerator(broker.bootstrapServers(), home, options.replay(), options.liveInterval(),
                    Clock.systemUTC(), out);
            demo.start();
        }
    }

    private ChildProcess startService(Service s, Path jar) throws IOException {
        int port = port(s);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        env.put(s.portVariable(), Integer.toString(port));
        env.put("PAYWATCH_PARTITIONS", Integer.toString(LOCAL_PARTITIONS));
        env.put("PAYWATCH_REPLICATION_FACTOR", "1");
        env.put("PAYWATCH_SMTP_HOST", "localhost");
        env.put("PAYWATCH_SMTP_PORT", Integer.toString(options.smtpPort()));
        Map<String, String> props = new LinkedHashMap<>();
        props.put("micronaut.server.port", Integer.toString(port));
        props.put("kafka.bootstrap.servers", broker.bootstrapServers());
        props.put("paywatch.topics.partitions", Integer.toString(LOCAL_PARTITIONS));
        // Avro 1.12 only decodes trusted classes; the contract package is ours.
        props.put("org.apache.avro.SERIALIZABLE_PACKAGES", "io.paywatch.contract");
        for (String tenant : credentials.tenants()) {
            props.put("paywatch.tenants." + tenant + ".api-key-sha256", Secrets.sha256Hex(credentials.key(tenant)));
        }
        if (s == Service.STREAM_PROCESSOR) {
            // State survives restarts next to the broker's data; the query API routes by application.server.
            env.put("PAYWATCH_STATE_DIR", home.resolve("state").resolve(s.module()).toString());
            env.put("PAYWATCH_APPLICATION_SERVER", "localhost:" + port);
            // Overdue steps passed during a catch-up are judged when it ends, replay-idle after its last record
            // (production: 2 min, so a sync that posts its invoices, then its payments a minute later, raises no
            // "still unpaid" alert for what it paid). The demo year is published here in one go, so with the demo
            // 20 s is enough and its overdue alerts follow the replay sooner; without it, your own data gets the
            // production value.
            if (options.demo()) {
                props.put("paywatch.processor.replay-idle", "20s");
            }
        }
        // Loopback unless asked: the APIs hold every tenant's data and the ports must not face the network.
        props.put("micronaut.server.host", options.bindAddress());
        if (s == Service.INVOICE_PRODUCER) {
            passWebhookSecrets(env);
        }
        props.putAll(options.serviceProperties());
        List<String> args = new ArrayList<>(List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC",
                // C1 only: these JVMs start faster on a small machine, and the local volume is tiny.
                "-XX:TieredStopAtLevel=1"));
        props.forEach((k, v) -> args.add("-D" + k + "=" + v));
        args.add("-jar");
        args.add(jar.toString());
        ChildProcess child = ChildProcess.startJava(s.module(), args, env, home,
                home.resolve("logs").resolve(s.module() + ".log"));
        out.printf("  %-16s starting on port %d (pid %d, log %s)%n", s.module(), port, child.pid(),
                home.relativize(child.log()));
        return child;
    }

    /**
     * The generated webhook secrets, to the invoice-producer only: the demo tenant's through the variables its
     * application.yml reads (so none of its committed placeholders is ever used), every tenant's through an
     * owner-only properties file named by MICRONAUT_CONFIG_FILES, never on a command line (which any local user
     * can read with ps).
     */
    private void passWebhookSecrets(Map<String, String> env) throws IOException {
        Credentials.TenantSecrets demoSecrets = credentials.secrets(DEMO_TENANT);
        env.put("PAYWATCH_DEMO_API_KEY_SHA256", Secrets.sha256Hex(demoSecrets.apiKey()));
        env.put("PAYWATCH_DEMO_STRIPE_SECRET", demoSecrets.stripeSecret());
        env.put("PAYWATCH_DEMO_QUICKBOOKS_TOKEN", demoSecrets.quickbooksToken());
        env.put("PAYWATCH_DEMO_XERO_KEY", demoSecrets.xeroKey());
        Properties p = new Properties();
        for (String tenant : credentials.tenants()) {
            Credentials.TenantSecrets t = credentials.secrets(tenant);
            String prefix = "paywatch.tenants." + tenant + ".";
            p.setProperty(prefix + "api-key-sha256", Secrets.sha256Hex(t.apiKey()));
            p.setProperty(prefix + "stripe-endpoint-secret", t.stripeSecret());
            p.setProperty(prefix + "quickbooks-verifier-token", t.quickbooksToken());
            p.setProperty(prefix + "xero-webhook-key", t.xeroKey());
        }
        Path dir = home.resolve("secrets");
        Files.createDirectories(dir);
        Path file = dir.resolve("invoice-producer.properties");
        Files.deleteIfExists(file);
        Credentials.writeOwnerOnly(file);
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(w, "Written by the Paywatch launcher on every start from ../credentials.properties");
        }
        env.put("MICRONAUT_CONFIG_FILES", file.toString());
    }

    private void startPrometheus() throws IOException, InterruptedException {
        Optional<Path> binary = LocalPrometheus.findBinary();
        if (binary.isEmpty()) {
            out.println("  prometheus       not found on the PATH (Debian: apt-get install --no-install-recommends "
                    + "prometheus); running without it");
            return;
        }
        List<Path> rules = LocalPrometheus.ruleFiles(ruleRoots);
        List<LocalPrometheus.Target> targets = new ArrayList<>();
        for (Service s : Service.values()) {
            targets.add(new LocalPrometheus.Target(s.module(), port(s)));
        }
        prometheus = new LocalPrometheus(binary.get(), home, options.prometheusPort());
        long began = System.nanoTime();
        prometheus.start(LocalPrometheus.config(reachableHost(), targets, options.scrapeInterval(), rules),
                Duration.ofSeconds(60));
        out.printf("  %-16s ready after %.1f s on 127.0.0.1:%d (pid %d, scraping every %d s, %d rule file(s), "
                + "log logs/prometheus.log)%n", "prometheus", (System.nanoTime() - began) / 1e9,
                options.prometheusPort(), prometheus.process().pid(), options.scrapeInterval().toSeconds(),
                rules.size());
    }

    private int port(Service s) {
        return switch (s) {
            case INVOICE_PRODUCER -> options.producerPort();
            case STREAM_PROCESSOR -> options.processorPort();
            case ALERT_SERVICE -> options.alertPort();
        };
    }

    /** Waits until every service answers /health with 200, in parallel. */
    private void awaitServices() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        List<CompletableFuture<Void>> waits = new ArrayList<>();
        for (Service s : Service.values()) {
            waits.add(CompletableFuture.runAsync(() -> awaitHealth(http, s)));
        }
        CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)).join();
    }

    private void awaitHealth(HttpClient http, Service s) {
        long began = System.nanoTime();
        long deadline = began + options.startTimeout().toNanos();
        URI health = URI.create("http://" + reachableHost() + ":" + port(s) + "/health");
        while (System.nanoTime() < deadline && !closed) {
            ChildProcess child = services.get(s);
            if (!child.isAlive()) {
                throw new IllegalStateException(s.module() + " exited during start-up; see " + child.log());
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(3))
                        .GET().build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    out.printf("  %-16s healthy after %.1f s%n", s.module(), (System.nanoTime() - began) / 1e9);
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (!closed) {
            out.printf("  %-16s not healthy after %d s (still starting? see %s)%n", s.module(),
                    options.startTimeout().toSeconds(), services.get(s).log());
        }
    }

    /** The host name the launcher itself reaches the services by. */
    private String reachableHost() {
        return StackOptions.LOOPBACK.equals(options.bindAddress()) || "0.0.0.0".equals(options.bindAddress())
                || "::".equals(options.bindAddress()) ? "localhost" : options.bindAddress();
    }

    private void printUrls() {
        String tenant = options.tenant();
        out.println("  Ingestion API   " + ingestionUrl() + "   (POST, Authorization: Bearer <API key>)");
        out.println("  Query API       http://localhost:" + options.processorPort() + "/v1/tenants/" + tenant + "/clients");
        out.println("  Dashboard       " + dashboardUrl());
        out.println("  Outbox          " + smtp.outbox() + "   (JSON, this tenant's mails only: " + outboxServer.url()
                + "?tenant=" + enc(tenant) + "&key=<API key>)");
        out.println("  Stripe webhook  " + webhookUrl("stripe", tenant) + "   (signing secret in "
                + home.relativize(credentials.file()) + ", key " + tenant + Credentials.STRIPE + ")");
        if (prometheus != null) {
            out.println("  Prometheus      " + prometheus.url() + "/graph   (alerts: " + prometheus.url() + "/alerts)");
        }
        out.println("  Tenant          " + tenant + "   API key " + credentials.key(tenant));
        for (String other : credentials.tenants()) {
            if (!other.equals(tenant)) {
                out.println("  Tenant          " + other + "   API key " + credentials.key(other));
            }
        }
        for (String made : credentials.created()) {
            // Printed this once, when made; afterwards they are only in the owner-only file.
            Credentials.TenantSecrets t = credentials.secrets(made);
            out.println("  New webhook secrets for tenant " + made + " (shown once; kept in " + credentials.file()
                    + ", mode 600):");
            out.println("    Stripe          " + webhookUrl("stripe", made) + "   secret " + t.stripeSecret());
            out.println("    QuickBooks      " + webhookUrl("quickbooks", made) + "   verifier token "
                    + t.quickbooksToken());
            out.println("    Xero            " + webhookUrl("xero", made) + "   webhook key " + t.xeroKey());
        }
        out.println("  Add a tenant:   java -jar launcher/target/launcher.jar add-tenant <id> [--stripe-secret whsec_...]"
                + (home.equals(Path.of(".paywatch").toAbsolutePath().normalize()) ? "" : " --home " + home)
                + ", then restart");
        out.println("  Ctrl-C stops everything; data stays in " + home + " for the next run.");
        out.println();
    }

    public String ingestionUrl() {
        return "http://localhost:" + options.producerPort() + "/v1/events";
    }

    /** Where {@code source} (stripe, quickbooks, xero) posts {@code tenant}'s webhooks. */
    public String webhookUrl(String source, String tenant) {
        return "http://localhost:" + options.producerPort() + "/v1/webhooks/" + source + "/" + enc(tenant);
    }

    /**
     * The dashboard link; the API key travels in the fragment, which browsers never send to a server. The outbox
     * URL inside it carries the key too: the outbox server shows the tenant's own mails to that key only.
     */
    public String dashboardUrl() {
        String key = credentials.key(options.tenant());
        return "http://localhost:" + options.processorPort() + "/dashboard/#tenant=" + enc(options.tenant())
                + "&key=" + enc(key) + "&outbox=" + enc(outboxServer.url(options.tenant(), key));
    }

    /** The local Prometheus's base URL, or null when it is not running. */
    public String prometheusUrl() {
        return prometheus == null ? null : prometheus.url();
    }

    public String apiKey(String tenant) {
        return credentials.key(tenant);
    }

    public Path outbox() {
        return smtp.outbox();
    }

    public long alertsPrinted() {
        return alerts == null ? 0 : alerts.printed();
    }

    public int mailsCaptured() {
        return mails.get();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /**
     * Stops in reverse order, one at a time, printing each: the demo generator and the launcher's consumers,
     * Prometheus, then invoice-producer (no new input), stream-processor, alert-service (it delivers what the
     * processor committed last), each with SIGTERM, up to {@link #SERVICE_GRACE} to finish, then SIGKILL; the
     * broker only after every service has exited, since a service that loses its broker mid-shutdown waits for
     * it and logs errors; SMTP capture last. Safe to call twice.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        quietly(demo);
        quietly(alerts);
        quietly(addresses);
        if (prometheus != null) {
            report("prometheus", prometheus.process(), PROMETHEUS_GRACE);
        }
        for (Service s : Service.values()) {
            ChildProcess child = services.get(s);
            if (child != null) {
                report(s.module(), child, SERVICE_GRACE);
            }
        }
        if (broker != null && broker.process() != null) {
            report("kafka", broker.process(), BROKER_GRACE);
        }
        quietly(outboxServer);
        quietly(smtp);
    }

    private void report(String name, ChildProcess child, Duration grace) {
        long began = System.nanoTime();
        out.printf("  stopping %-16s (SIGTERM)%n", name);
        ChildProcess.Stop stop = child.stop(grace);
        out.printf("  stopped  %-16s in %.1f s, exit %d%s%n", name, (System.nanoTime() - began) / 1e9,
                stop.exitCode(), stop.killed() ? " (killed after " + grace.toSeconds() + " s)" : "");
    }

    private void quietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            out.println("while stopping: " + e);
        }
    }
}
