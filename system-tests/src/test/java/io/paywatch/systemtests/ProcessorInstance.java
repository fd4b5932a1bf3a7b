package io.paywatch.systemtests;

import io.paywatch.launcher.ChildProcess;
import io.paywatch.launcher.services.Service;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * One stream-processor instance: the service's packaged jar in a child JVM, started with the launcher's
 * {@link ChildProcess}. Its log is {@code <run dir>/logs/<name>.log}.
 *
 * <p>{@link #kill()} is SIGKILL ({@link ProcessHandle#destroyForcibly()}): no shutdown hook runs, Kafka Streams
 * neither commits nor closes, its open transaction is left for the coordinator to abort, its consumer never leaves
 * the group. That is what a crashed host or an OOM kill looks like to the rest of the system.
 */
final class ProcessorInstance implements AutoCloseable {

    private final String name;
    private final int port;
    private final Path stateDir;
    private final ChildProcess child;

    private ProcessorInstance(String name, int port, Path stateDir, ChildProcess child) {
        this.name = name;
        this.port = port;
        this.stateDir = stateDir;
        this.child = child;
    }

    /**
     * Starts an instance of application {@code applicationId} on {@code port} with its state in {@code stateDir}.
     *
     * @param properties extra system properties (Micronaut configuration) passed to the child JVM
     */
    static ProcessorInstance start(String name, Path jar, Path runDir, String bootstrapServers, String applicationId,
            int port, Path stateDir, Map<String, String> properties) throws IOException {
        Files.createDirectories(stateDir);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        env.put(Service.STREAM_PROCESSOR.portVariable(), Integer.toString(port));
        env.put("PAYWATCH_STREAMS_APPLICATION_ID", applicationId);
        env.put("PAYWATCH_APPLICATION_SERVER", "localhost:" + port);
        env.put("PAYWATCH_STATE_DIR", stateDir.toString());
        Map<String, String> props = new LinkedHashMap<>();
        props.put("micronaut.server.port", Integer.toString(port));
        props.put("kafka.bootstrap.servers", bootstrapServers);
        // Avro 1.12 only decodes trusted classes; the contract package is ours.
        props.put("org.apache.avro.SERIALIZABLE_PACKAGES", "io.paywatch.contract");
        props.putAll(properties);
        List<String> args = new ArrayList<>(List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC",
                // C1 only, as the launcher runs them: faster start on a small machine, the volume is small.
                "-XX:TieredStopAtLevel=1"));
        props.forEach((k, v) -> args.add("-D" + k + "=" + v));
        args.add("-jar");
        args.add(jar.toString());
        ChildProcess child = ChildProcess.startJava(name, args, env, runDir, runDir.resolve("logs").resolve(name + ".log"));
        return new ProcessorInstance(name, port, stateDir, child);
    }

    String name() {
        return name;
    }

    int port() {
        return port;
    }

    Path stateDir() {
        return stateDir;
    }

    Path log() {
        return child.log();
    }

    boolean isAlive() {
        return child.isAlive();
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://localhost:" + port + pathAndQuery);
    }

    /** Waits until {@code /health} answers 200 (Kafka Streams RUNNING, broker reachable). */
    void awaitHealthy(HttpClient http, Duration timeout) {
        await(name + " healthy (log " + child.log() + ")").atMost(timeout).pollInterval(Duration.ofMillis(500))
                .ignoreExceptionsInstanceOf(IOException.class)
                .until(() -> {
                    if (!child.isAlive()) {
                        throw new IllegalStateException(name + " exited; see " + child.log());
                    }
                    HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri("/health"))
                            .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.discarding());
                    return r.statusCode() == 200;
                });
    }

    /** SIGKILL, no clean close; returns once the process is gone. */
    void kill() {
        ProcessHandle.of(child.pid()).ifPresent(ProcessHandle::destroyForcibly);
        await(name + " gone").atMost(Duration.ofSeconds(30)).until(() -> !child.isAlive());
    }

    /** SIGTERM without waiting, so several instances stop in parallel. */
    void requestStop() {
        if (child.isAlive()) {
            child.requestStop();
        }
    }

    /** SIGTERM, then SIGKILL after 25 s. */
    @Override
    public void close() {
        requestStop();
        child.awaitStop(Duration.ofSeconds(25));
    }

    /** A free local port for an instance. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
