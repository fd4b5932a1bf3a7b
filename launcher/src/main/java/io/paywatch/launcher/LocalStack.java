package io.paywatch.launcher;

import io.paywatch.launcher.broker.LocalBroker;
import io.paywatch.launcher.demo.DemoGenerator;
import io.paywatch.launcher.demo.DemoScenario;
import io.paywatch.launcher.mail.OutboxServer;
import io.paywatch.launcher.mail.SmtpCapture;
import io.paywatch.launcher.services.Service;
import io.paywatch.launcher.services.ServiceJars;
import io.paywatch.schemas.TopicBootstrap;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.io.IOException;
import java.io.PrintStream;
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
    private LocalBroker broker;
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
        if (options.demo()) {
            DemoScenario.TENANTS.stream().map(DemoScenario.DemoTenant::id).filter(t -> !tenants.contains(t))
                    .forEach(tenants::add);
        }
        credentials = Credentials.loadOrCreate(home, tenants);

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
        outboxServer = new OutboxServer(options.outboxPort(), smtp.outbox(), options.processorPort());
        outboxServer.start();
        out.printf("  smtp       localhost:%d, every mail saved to %s%n", options.smtpPort(), smtp.outbox());

        for (Service s : Service.values()) {
            services.put(s, startService(s, jarByService.get(s)));
        }
        alerts = new AlertPrinter(broker.bootstrapServers(), out);
        awaitServices();
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
            props.put("paywatch.tenants." + tenant + ".api-key-sha256", Credentials.sha256Hex(credentials.key(tenant)));
        }
        if (s == Service.STREAM_PROCESSOR) {
            // State survives restarts next to the broker's data; the query API routes by application.server.
            env.put("PAYWATCH_STATE_DIR", home.resolve("state").resolve(s.module()).toString());
            env.put("PAYWATCH_APPLICATION_SERVER", "localhost:" + port);
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
        URI health = URI.create("http://localhost:" + port(s) + "/health");
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

    private void printUrls() {
        String tenant = options.tenant();
        out.println("  Ingestion API   " + ingestionUrl() + "   (POST, Authorization: Bearer <API key>)");
        out.println("  Query API       http://localhost:" + options.processorPort() + "/v1/tenants/" + tenant + "/clients");
        out.println("  Dashboard       " + dashboardUrl());
        out.println("  Outbox          " + smtp.outbox() + "   (JSON: " + outboxServer.url() + ")");
        out.println("  Tenant          " + tenant + "   API key " + credentials.key(tenant));
        for (String other : credentials.tenants()) {
            if (!other.equals(tenant)) {
                out.println("  Tenant          " + other + "   API key " + credentials.key(other));
            }
        }
        out.println("  Ctrl-C stops everything; data stays in " + home + " for the next run.");
        out.println();
    }

    public String ingestionUrl() {
        return "http://localhost:" + options.producerPort() + "/v1/events";
    }

    /** The dashboard link; the API key travels in the fragment, which browsers never send to a server. */
    public String dashboardUrl() {
        return "http://localhost:" + options.processorPort() + "/dashboard/#tenant=" + enc(options.tenant())
                + "&key=" + enc(credentials.key(options.tenant())) + "&outbox=" + enc(outboxServer.url());
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

    /** Stops in reverse order: demo, alert printer, services (in parallel), broker, SMTP. Safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        quietly(demo);
        quietly(alerts);
        services.values().forEach(ChildProcess::requestStop);
        // Services stop before the broker, or their Kafka clients wait for it for a long time.
        services.values().forEach(c -> c.awaitStop(Duration.ofSeconds(25)));
        quietly(broker);
        quietly(outboxServer);
        quietly(smtp);
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
