package io.paywatch.benchmarks.suite;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * One Paywatch service run as in production: {@code java <flags> -jar <module>/target/<module>-<version>.jar} in a
 * child JVM, configured by environment and {@code -D} properties, output in a log file. Its resident set size is
 * sampled every 200 ms from {@code /proc/<pid>/status} while it runs.
 */
public final class ServiceProcess implements AutoCloseable {

    /**
     * The service JVM flags of the launcher ({@code launcher/README.md}: {@code -Xmx384m -XX:+UseSerialGC}) without
     * its {@code -XX:TieredStopAtLevel=1}: C1 only is the launcher's start-up trade-off for a tiny demo volume, and
     * would measure an interpreter-grade service here. {@code --service-jvm} replaces them.
     */
    public static final String DEFAULT_JVM_FLAGS = "-Xms64m -Xmx384m -XX:+UseSerialGC";

    private final String module;
    private final Process process;
    private final Path log;
    private final int port;
    private final ScheduledExecutorService sampler;
    private final AtomicLong peakRssKiB = new AtomicLong();
    private volatile double lastRssMiB;
    /** Stops the child when this JVM is stopped (Ctrl-C, a killed test fork) before {@link #close} ran. */
    private final Thread stopOnExit;

    private ServiceProcess(String module, Process process, Path log, int port) {
        this.module = module;
        this.process = process;
        this.log = log;
        this.port = port;
        this.sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rss-" + module);
            t.setDaemon(true);
            return t;
        });
        sampler.scheduleAtFixedRate(this::sample, 0, 200, TimeUnit.MILLISECONDS);
        stopOnExit = new Thread(process::destroy, "stop-" + module);
        Runtime.getRuntime().addShutdownHook(stopOnExit);
    }

    /** The newest runnable jar of {@code module} under {@code <root>/<module>/target}. */
    public static Path findJar(String module) {
        Path target = Machine.repositoryRoot().resolve(module).resolve("target");
        try (Stream<Path> files = Files.list(target)) {
            Optional<Path> jar = files.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(module + "-") && n.endsWith(".jar") && !n.endsWith("-sources.jar")
                        && !n.endsWith("-tests.jar") && !n.endsWith("-javadoc.jar") && !n.startsWith("original-");
            }).max(Comparator.comparing(p -> p.toFile().lastModified()));
            return jar.orElseThrow(() -> new IllegalStateException(noJar(module)));
        } catch (IOException e) {
            throw new IllegalStateException(noJar(module), e);
        }
    }

    private static String noJar(String module) {
        return "no packaged jar of " + module + ": run ./mvnw -B -q -pl benchmarks -am package -DskipTests first";
    }

    /**
     * Starts the service and returns once it runs (not once it is ready: see {@link #awaitHealthy}).
     *
     * @param jvmFlags   JVM flags, space-separated
     * @param properties {@code -D} system properties (Micronaut reads them as configuration)
     */
    public static ServiceProcess start(String module, int port, String jvmFlags, Map<String, String> env,
            Map<String, String> properties, Path logDir) throws IOException {
        Path jar = findJar(module);
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String f : jvmFlags.trim().split("\\s+")) {
            if (!f.isEmpty()) {
                cmd.add(f);
            }
        }
        properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-jar");
        cmd.add(jar.toString());
        Files.createDirectories(logDir);
        Path log = logDir.resolve(module + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        pb.environment().putAll(env);
        return new ServiceProcess(module, pb.start(), log, port);
    }

    /** Waits until {@code GET /health} answers 200, or fails with the end of the log. */
    public void awaitHealthy(Duration timeout) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(module + " exited with " + process.exitValue() + ":\n" + tail());
            }
            try {
                HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            }
            // Production code, not a test: a plain poll interval is the simplest readiness wait here.
            Thread.sleep(100);
        }
        throw new IllegalStateException(module + " not healthy within " + timeout + ":\n" + tail());
    }

    private void sample() {
        Machine.rssMiB(process.pid()).ifPresent(mib -> {
            lastRssMiB = mib;
            peakRssKiB.accumulateAndGet((long) (mib * 1024), Math::max);
        });
    }

    /** Forgets the peak so far: the next {@link #peakRssMiB} covers only what follows (the measured run). */
    public void resetPeak() {
        peakRssKiB.set(0);
        sample();
    }

    public double peakRssMiB() {
        sample();
        return peakRssKiB.get() / 1024.0;
    }

    public double lastRssMiB() {
        return lastRssMiB;
    }

    public long pid() {
        return process.pid();
    }

    public String module() {
        return module;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public Path log() {
        return log;
    }

    /** The last 40 lines of the log, for failures. */
    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** SIGTERM, then SIGKILL after 20 s. */
    @Override
    public void close() {
        sampler.shutdownNow();
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running or has run: it stops the child itself.
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** A free TCP port on loopback. */
    public static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
