package io.paywatch.launcher.broker;

import io.paywatch.launcher.ChildProcess;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

import java.io.File;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node KRaft broker (combined broker + controller) in a child JVM, from the kafka_2.13 classes
 * on the launcher's own classpath. Its data lives under {@code <home>/kafka} and survives restarts: the
 * storage is formatted only on the first run.
 */
public final class LocalBroker implements AutoCloseable {

    private final Path home;
    private final int port;
    private final int controllerPort;
    private ChildProcess process;

    public LocalBroker(Path home, int port, int controllerPort) {
        this.home = home;
        this.port = port;
        this.controllerPort = controllerPort;
    }

    public String bootstrapServers() {
        return "localhost:" + port;
    }

    /** Formats the storage on the first run, starts the broker and waits until it answers. */
    public void start(Duration timeout) throws IOException, InterruptedException {
        Path dir = home.resolve("kafka");
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        Path config = dir.resolve("server.properties");
        writeConfig(config, data);
        Path log = home.resolve("logs").resolve("kafka.log");
        if (!Files.exists(data.resolve("meta.properties"))) {
            String clusterId = Uuid.randomUuid().toString();
            int rc = ChildProcess.runJava("kafka-storage-format", jvm(List.of("kafka.tools.StorageTool", "format",
                    "-t", clusterId, "-c", config.toString(), "--standalone")), home, log, Duration.ofSeconds(60));
            if (rc != 0) {
                throw new IOException("formatting the Kafka storage failed (exit " + rc + "); see " + log);
            }
        }
        process = ChildProcess.startJava("kafka", jvm(List.of("kafka.Kafka", config.toString())), Map.of(),
                home, log);
        awaitReady(timeout, log);
    }

    private List<String> jvm(List<String> main) {
        List<String> args = new ArrayList<>(List.of("-Xms128m", "-Xmx512m", "-XX:+UseParallelGC",
                "-Dpaywatch.log.level=INFO", "-Dpaywatch.kafka.log.level=INFO",
                "-cp", LauncherClasspath.current()));
        args.addAll(main);
        return args;
    }

    private void writeConfig(Path config, Path data) throws IOException {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.bootstrap.servers", "localhost:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://localhost:" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        p.setProperty("log.dirs", data.toAbsolutePath().toString());
        // One broker: every internal topic must have replication factor 1, or consumers never get offsets.
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "6");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "6");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("auto.create.topics.enable", "false");
        p.setProperty("num.partitions", "3");
        try (Writer w = Files.newBufferedWriter(config)) {
            p.store(w, "Written by the Paywatch launcher on every start; edit the launcher options instead.");
        }
    }

    private void awaitReady(Duration timeout, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> admin = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("the Kafka broker exited during start-up; see " + log);
            }
            try (Admin client = Admin.create(admin)) {
                if (!client.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                    return;
                }
            } catch (Exception notYet) {
                // Still starting: try again until the deadline.
            }
            Thread.sleep(250);
        }
        throw new IOException("the Kafka broker did not become ready within " + timeout + "; see " + log);
    }

    /** The broker's process, null before {@link #start}. */
    public ChildProcess process() {
        return process;
    }

    @Override
    public void close() {
        if (process != null) {
            // A clean shutdown writes a checkpoint, which makes the next start fast.
            process.stop(Duration.ofSeconds(40));
        }
    }

    /** Helpers for the child classpath. */
    static final class LauncherClasspath {
        private LauncherClasspath() {
        }

        /** The launcher's own classpath, with absolute paths so children may run from any directory. */
        static String current() {
            List<String> out = new ArrayList<>();
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    out.add(Path.of(entry).toAbsolutePath().toString());
                }
            }
            return String.join(File.pathSeparator, out);
        }
    }
}
