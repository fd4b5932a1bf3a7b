package io.paywatch.benchmarks;

import io.paywatch.processor.StreamsDefaults;

import java.util.Locale;

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
 */
public record BenchmarkOptions(int events, int clients, int tenants, double warmupFraction, int partitions,
        int threads, int commitIntervalMs, long cacheBytes, int latencySamples, String bootstrapServers,
        boolean verify, long seed) {

    /** The defaults: 200k events over 10k clients, production settings, 200 latency samples. */
    public static BenchmarkOptions defaults() {
        return new BenchmarkOptions(200_000, 10_000, 20, 0.25, 6, 1, StreamsDefaults.COMMIT_INTERVAL_MS,
                10L * 1024 * 1024, 200, null, false, 42L);
    }

    /** Parses {@code --name value} flags over the defaults; {@code --help} prints them. */
    public static BenchmarkOptions parse(String... args) {
        BenchmarkOptions o = defaults();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--verify")) {
                o = o.withVerify(true);
                continue;
            }
            if (flag.equals("--help") || flag.equals("-h")) {
                throw new IllegalArgumentException(usage());
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("flag " + flag + " needs a value\n" + usage());
            }
            String v = args[++i];
            o = switch (flag.toLowerCase(Locale.ROOT)) {
                case "--events" -> new BenchmarkOptions(Integer.parseInt(v), o.clients, o.tenants, o.warmupFraction,
                        o.partitions, o.threads, o.commitIntervalMs, o.cacheBytes, o.latencySamples,
                        o.bootstrapServers, o.verify, o.seed);
                case "--clients" -> new BenchmarkOptions(o.events, Integer.parseInt(v), o.tenants, o.warmupFraction,
                        o.partitions, o.threads, o.commitIntervalMs, o.cacheBytes, o.latencySamples,
                        o.bootstrapServers, o.verify, o.seed);
                case "--tenants" -> new BenchmarkOptions(o.events, o.clients, Integer.parseInt(v), o.warmupFraction,
                        o.partitions, o.threads, o.commitIntervalMs, o.cacheBytes, o.latencySamples,
                        o.bootstrapServers, o.verify, o.seed);
                case "--warmup-fraction" -> new BenchmarkOptions(o.events, o.clients, o.tenants,
                        Double.parseDouble(v), o.partitions, o.threads, o.commitIntervalMs, o.cacheBytes,
                        o.latencySamples, o.bootstrapServers, o.verify, o.seed);
                case "--partitions" -> new BenchmarkOptions(o.events, o.clients, o.tenants, o.warmupFraction,
                        Integer.parseInt(v), o.threads, o.commitIntervalMs, o.cacheBytes, o.latencySamples,
                        o.bootstrapServers, o.verify, o.seed);
                case "--threads" -> new BenchmarkOptions(o.events, o.clients, o.tenants, o.warmupFraction,
                        o.partitions, Integer.parseInt(v), o.commitIntervalMs, o.cacheBytes, o.latencySamples,
                        o.bootstrapServers, o.verify, o.seed);
                case "--commit-interval-ms" -> new BenchmarkOptions(o.events, o.clients, o.tenants,
                        o.warmupFraction, o.partitions, o.threads, Integer.parseInt(v), o.cacheBytes,
                        o.latencySamples, o.bootstrapServers, o.verify, o.seed);
                case "--cache-bytes" -> new BenchmarkOptions(o.events, o.clients, o.tenants, o.warmupFraction,
                        o.partitions, o.threads, o.commitIntervalMs, Long.parseLong(v), o.latencySamples,
                        o.bootstrapServers, o.verify, o.seed);
                case "--latency-samples" -> new BenchmarkOptions(o.events, o.clients, o.tenants, o.warmupFraction,
                        o.partitions, o.threads, o.commitIntervalMs, o.cacheBytes, Integer.parseInt(v),
                        o.bootstrapServers, o.verify, o.seed);
                case "--bootstrap" -> new BenchmarkOptions(o.events, o.clients, o.tenants, o.warmupFraction,
                        o.partitions, o.threads, o.commitIntervalMs, o.cacheBytes, o.latencySamples, v, o.verify,
                        o.seed);
                case "--seed" -> new BenchmarkOptions(o.events, o.clients, o.tenants, o.warmupFraction,
                        o.partitions, o.threads, o.commitIntervalMs, o.cacheBytes, o.latencySamples,
                        o.bootstrapServers, o.verify, Long.parseLong(v));
                default -> throw new IllegalArgumentException("unknown flag " + flag + "\n" + usage());
            };
        }
        return o;
    }

    /** The same options with {@code verify} set. */
    public BenchmarkOptions withVerify(boolean value) {
        return new BenchmarkOptions(events, clients, tenants, warmupFraction, partitions, threads, commitIntervalMs,
                cacheBytes, latencySamples, bootstrapServers, value, seed);
    }

    /** The same options against an existing broker. */
    public BenchmarkOptions withBootstrapServers(String value) {
        return new BenchmarkOptions(events, clients, tenants, warmupFraction, partitions, threads, commitIntervalMs,
                cacheBytes, latencySamples, value, verify, seed);
    }

    /** Flag summary. */
    public static String usage() {
        BenchmarkOptions d = defaults();
        return "flags: --events N (" + d.events + ") --clients N (" + d.clients + ") --tenants N (" + d.tenants
                + ") --warmup-fraction F (" + d.warmupFraction + ") --partitions N (" + d.partitions
                + ") --threads N (" + d.threads + ") --commit-interval-ms N (" + d.commitIntervalMs
                + ") --cache-bytes N (" + d.cacheBytes + ") --latency-samples N (" + d.latencySamples
                + ") --bootstrap HOST:PORT (embedded broker) --seed N (" + d.seed + ") --verify";
    }
}
