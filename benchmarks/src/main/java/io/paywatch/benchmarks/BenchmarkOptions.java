package io.paywatch.benchmarks;

import io.paywatch.processor.StreamsDefaults;
import io.paywatch.processor.TopologyOptions;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Settings of one {@link TopologyThroughput} run, from command-line flags ({@code --events 200000 ...}).
 *
 * @param events           input events of the measured pass (duplicates included)
 * @param clients          distinct clients of the measured pass
 * @param tenants          tenants the clients are spread over
 * @param warmupFraction   size of the warm-up pass relative to the measured one (its own tenants and clients)
 * @param partitions       partitions of every topic (production default: 6)
 * @param threads          stream threads of each Streams app (production default: 1)
 * @param commitIntervalMs commit interval of both apps (production: {@link StreamsDefaults#COMMIT_INTERVAL_MS})
 * @param cacheBytes       statestore.cache.max.bytes (production application.yml: 10 MiB); 0 turns caching off
 * @param latencySamples   end-to-end latency samples taken after the throughput passes (0 skips the probe)
 * @param bootstrapServers an existing broker to use; null starts an embedded KRaft broker in this JVM
 * @param verify           after the run, read client-profiles back and count the clients that got a profile
 * @param seed             seed of the workload generator, so runs are comparable
 * @param streamsOverrides any StreamsConfig keys to set on both apps on top of the production settings
 * @param recentAlertsPerTenant {@link TopologyOptions#recentAlertsPerTenant()} of the topology (production: 200)
 */
public record BenchmarkOptions(int events, int clients, int tenants, double warmupFraction, int partitions,
        int threads, int commitIntervalMs, long cacheBytes, int latencySamples, String bootstrapServers,
        boolean verify, long seed, Map<String, String> streamsOverrides, int recentAlertsPerTenant) {

    /** The defaults: 200k events over 10k clients, production settings, 200 latency samples. */
    public static BenchmarkOptions defaults() {
        return new BenchmarkOptions(200_000, 10_000, 20, 0.25, 6, 1, StreamsDefaults.COMMIT_INTERVAL_MS,
                10L * 1024 * 1024, 200, null, false, 42L, Map.of(),
                TopologyOptions.defaults().recentAlertsPerTenant());
    }

    /**
     * Parses {@code --name value} flags over the defaults; {@code --set key=value} (repeatable) overrides any
     * StreamsConfig key of both apps, e.g. {@code --set poll.ms=10}. {@code --help} throws with the usage.
     */
    public static BenchmarkOptions parse(String... args) {
        BenchmarkOptions d = defaults();
        Map<String, String> flags = new HashMap<>();
        Map<String, String> overrides = new LinkedHashMap<>();
        boolean verify = false;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i].toLowerCase(Locale.ROOT);
            if (flag.equals("--verify")) {
                verify = true;
            } else if (flag.equals("--help") || flag.equals("-h")) {
                throw new IllegalArgumentException(usage());
            } else if (!FLAGS.contains(flag)) {
                throw new IllegalArgumentException("unknown flag " + args[i] + "\n" + usage());
            } else if (i + 1 >= args.length) {
                throw new IllegalArgumentException("flag " + flag + " needs a value\n" + usage());
            } else if (flag.equals("--set")) {
                String kv = args[++i];
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("--set needs key=value, got " + kv);
                }
                overrides.put(kv.substring(0, eq), kv.substring(eq + 1));
            } else {
                flags.put(flag, args[++i]);
            }
        }
        return new BenchmarkOptions(
                intFlag(flags, "--events", d.events), intFlag(flags, "--clients", d.clients),
                intFlag(flags, "--tenants", d.tenants),
                Double.parseDouble(flags.getOrDefault("--warmup-fraction", Double.toString(d.warmupFraction))),
                intFlag(flags, "--partitions", d.partitions), intFlag(flags, "--threads", d.threads),
                intFlag(flags, "--commit-interval-ms", d.commitIntervalMs),
                Long.parseLong(flags.getOrDefault("--cache-bytes", Long.toString(d.cacheBytes))),
                intFlag(flags, "--latency-samples", d.latencySamples), flags.get("--bootstrap"), verify,
                Long.parseLong(flags.getOrDefault("--seed", Long.toString(d.seed))), Map.copyOf(overrides),
                intFlag(flags, "--recent-alerts-per-tenant", d.recentAlertsPerTenant));
    }

    private static final Set<String> FLAGS = Set.of("--events", "--clients", "--tenants", "--warmup-fraction",
            "--partitions", "--threads", "--commit-interval-ms", "--cache-bytes", "--latency-samples", "--bootstrap",
            "--seed", "--set", "--recent-alerts-per-tenant");

    private static int intFlag(Map<String, String> flags, String name, int fallback) {
        String v = flags.get(name);
        try {
            return v == null ? fallback : Integer.parseInt(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, was " + v, e);
        }
    }

    /** The same options with {@code verify} set. */
    public BenchmarkOptions withVerify(boolean value) {
        return new BenchmarkOptions(events, clients, tenants, warmupFraction, partitions, threads, commitIntervalMs,
                cacheBytes, latencySamples, bootstrapServers, value, seed, streamsOverrides, recentAlertsPerTenant);
    }

    /** The same options against an existing broker. */
    public BenchmarkOptions withBootstrapServers(String value) {
        return new BenchmarkOptions(events, clients, tenants, warmupFraction, partitions, threads, commitIntervalMs,
                cacheBytes, latencySamples, value, verify, seed, streamsOverrides, recentAlertsPerTenant);
    }

    /** Flag summary. */
    public static String usage() {
        BenchmarkOptions d = defaults();
        return "flags: --events N (" + d.events + ") --clients N (" + d.clients + ") --tenants N (" + d.tenants
                + ") --warmup-fraction F (" + d.warmupFraction + ") --partitions N (" + d.partitions
                + ") --threads N (" + d.threads + ") --commit-interval-ms N (" + d.commitIntervalMs
                + ") --cache-bytes N (" + d.cacheBytes + ") --latency-samples N (" + d.latencySamples
                + ") --bootstrap HOST:PORT (embedded broker) --seed N (" + d.seed + ") --recent-alerts-per-tenant N ("
                + d.recentAlertsPerTenant + ") --set streams.key=value"
                + " --verify";
    }
}
