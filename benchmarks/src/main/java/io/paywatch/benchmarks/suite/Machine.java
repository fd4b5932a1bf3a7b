package io.paywatch.benchmarks.suite;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the machine looked like during a run: the numbers of these suites are only comparable within one run,
 * because the machine is shared, so every run prints its cores and load average and stores them with the results.
 */
public final class Machine {

    private Machine() {
    }

    /** The 1, 5 and 15 minute load averages from {@code /proc/loadavg}, or "n/a" off Linux. */
    public static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    public static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** One line: Java, cores, load average. */
    public static void print(PrintStream out, String suite) {
        out.printf(Locale.ROOT, "[%s] machine: Java %s, %d cores, load average %s (shared machine: compare ratios "
                + "within one run, not absolute rates)%n", suite, Runtime.version(), cores(), loadAverage());
    }

    /** The machine block of results.json. */
    public static Map<String, Object> describe(String loadAtStart) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("java", Runtime.version().toString());
        m.put("cores", cores());
        m.put("loadAverageAtStart", loadAtStart);
        m.put("loadAverageAtEnd", loadAverage());
        return m;
    }

    /**
     * The resident set size of a process in MiB ({@code VmRSS} of {@code /proc/<pid>/status}), empty when the
     * process is gone or this is not Linux.
     */
    public static Optional<Double> rssMiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Optional.of(Long.parseLong(parts[0]) / 1024.0);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Gone or not Linux.
        }
        return Optional.empty();
    }

    /**
     * The benchmarks module's {@code target/} directory: {@code ./target} when run from the module (surefire),
     * {@code ./benchmarks/target} when run from the repository root (exec:java).
     */
    public static Path targetDir() {
        Path cwd = Path.of("").toAbsolutePath();
        if (Files.isDirectory(cwd.resolve("benchmarks").resolve("src"))) {
            return cwd.resolve("benchmarks").resolve("target");
        }
        return cwd.resolve("target");
    }

    /** The repository root: the nearest directory at or above the working directory holding invoice-producer/. */
    public static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (int i = 0; i < 5 && dir != null; i++, dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("invoice-producer")) && Files.isDirectory(dir.resolve("benchmarks"))) {
                return dir;
            }
        }
        throw new IllegalStateException("run from the repository root or the benchmarks module: no invoice-producer/"
                + " found at or above " + Path.of("").toAbsolutePath());
    }

    /** Minimal JSON writer for the results file (maps, lists, strings, numbers, booleans, null). */
    public static String toJson(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 0);
        return sb.append('\n').toString();
    }

    private static void write(StringBuilder sb, Object v, int indent) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof Map<?, ?> map) {
            sb.append("{");
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                sb.append(first ? "\n" : ",\n").append("  ".repeat(indent + 1));
                first = false;
                string(sb, String.valueOf(e.getKey()));
                sb.append(": ");
                write(sb, e.getValue(), indent + 1);
            }
            sb.append(first ? "}" : "\n" + "  ".repeat(indent) + "}");
        } else if (v instanceof List<?> list) {
            sb.append("[");
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                write(sb, list.get(i), indent + 1);
            }
            sb.append("]");
        } else if (v instanceof Double d) {
            sb.append(d.isNaN() || d.isInfinite() ? "null" : String.format(Locale.ROOT, "%.3f", d));
        } else if (v instanceof Number || v instanceof Boolean) {
            sb.append(v);
        } else {
            string(sb, v.toString());
        }
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /** Writes {@code results.json} (the latest run) and {@code results-<suite>.json} into the module's target/. */
    public static Path writeResults(String suite, Map<String, Object> results, PrintStream out) throws IOException {
        Path dir = targetDir();
        Files.createDirectories(dir);
        String json = toJson(results);
        Files.writeString(dir.resolve("results-" + suite + ".json"), json);
        Path file = dir.resolve("results.json");
        Files.writeString(file, json);
        out.printf(Locale.ROOT, "[%s] results written to %s%n", suite, file);
        return file;
    }
}
