package io.paywatch.launcher.ops;

import io.paywatch.launcher.ChildProcess;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A real Prometheus (the {@code prometheus} binary, Debian's 2.42 or any 2.x/3.x) on 127.0.0.1, scraping the
 * three services' {@code /prometheus} with the same job names as {@code ops/prometheus/prometheus.yml}, so the
 * Grafana dashboard's queries and the alerting rules of {@code ops/prometheus/rules/} work unchanged. Its data
 * lives in {@code <home>/prometheus/data}.
 */
public final class LocalPrometheus implements AutoCloseable {

    /** The scrape jobs: job name and port, in the services' order. */
    public record Target(String job, int port) {
    }

    private final Path binary;
    private final Path home;
    private final int port;
    private ChildProcess process;

    public LocalPrometheus(Path binary, Path home, int port) {
        this.binary = binary;
        this.home = home;
        this.port = port;
    }

    /** {@code prometheus} on the PATH (or /usr/bin), if installed. */
    public static Optional<Path> findBinary() {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin")
                .split(File.pathSeparator)) {
            if (!dir.isBlank() && Files.isExecutable(Path.of(dir, "prometheus"))) {
                return Optional.of(Path.of(dir, "prometheus"));
            }
        }
        return Optional.empty();
    }

    /** The rule files of {@code ops/prometheus/rules/} in the first of {@code roots} that has them. */
    public static List<Path> ruleFiles(List<Path> roots) {
        for (Path root : roots) {
            Path dir = root.resolve("ops/prometheus/rules");
            if (Files.isDirectory(dir)) {
                try (var files = Files.list(dir)) {
                    return files.filter(p -> p.getFileName().toString().endsWith("-rules.yml")).sorted().toList();
                } catch (IOException e) {
                    return List.of();
                }
            }
        }
        return List.of();
    }

    /** The configuration: scrape every {@code interval}, the three services on {@code host}, the rules. */
    public static String config(String host, List<Target> targets, Duration interval, List<Path> rules) {
        StringBuilder y = new StringBuilder();
        y.append("# Written by the Paywatch launcher on every start (--with-prometheus); edit the launcher instead.\n");
        y.append("global:\n  scrape_interval: ").append(interval.toSeconds()).append("s\n")
                .append("  evaluation_interval: ").append(interval.toSeconds()).append("s\n");
        if (!rules.isEmpty()) {
            y.append("rule_files:\n");
            rules.forEach(r -> y.append("  - \"").append(r.toAbsolutePath()).append("\"\n"));
        }
        y.append("scrape_configs:\n");
        for (Target t : targets) {
            y.append("  - job_name: ").append(t.job()).append('\n')
                    .append("    metrics_path: /prometheus\n")
                    .append("    static_configs:\n")
                    .append("      - targets: [\"").append(host).append(':').append(t.port()).append("\"]\n")
                    .append("        labels:\n")
                    .append("          service: ").append(t.job()).append('\n');
        }
        return y.toString();
    }

    /** Writes the configuration, starts Prometheus and waits until it is ready. */
    public void start(String config, Duration timeout) throws IOException, InterruptedException {
        Path dir = home.resolve("prometheus");
        Files.createDirectories(dir.resolve("data"));
        Path file = dir.resolve("prometheus.yml");
        Files.writeString(file, config);
        Path log = home.resolve("logs").resolve("prometheus.log");
        process = ChildProcess.start("prometheus", List.of(binary.toString(),
                "--config.file=" + file,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--storage.tsdb.retention.time=15d",
                "--web.listen-address=127.0.0.1:" + port), Map.of(), home, log);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("prometheus exited during start-up; see " + log);
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/-/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            }
            Thread.sleep(250);
        }
        throw new IOException("prometheus was not ready within " + timeout + "; see " + log);
    }

    /** Its base URL. */
    public String url() {
        return "http://localhost:" + port;
    }

    public ChildProcess process() {
        return process;
    }

    @Override
    public void close() {
        if (process != null) {
            process.stop(Duration.ofSeconds(15));
        }
    }
}
