package io.paywatch.benchmarks;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.paywatch.contract.ClientProfile;
import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.InvoiceIssued;
import io.paywatch.contract.Money;
import io.paywatch.contract.SourceSystem;
import io.paywatch.processor.PaywatchTopology;
import io.paywatch.processor.StreamsDefaults;
import io.paywatch.processor.TopologyOptions;
import io.paywatch.processor.ops.ProcessorMetrics;
import io.paywatch.schemas.ClientKey;
import io.paywatch.schemas.TopicBootstrap;
import io.paywatch.schemas.TopicSpec;
import io.paywatch.schemas.Topics;
import io.paywatch.testkit.EmbeddedKafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Throughput of the real Paywatch topology against an exactly-once pass-through on the same broker, and the
 * end-to-end latency of one exactly-once hop. Prints numbers; asserts nothing about time (the machine is shared).
 *
 * <p>Order: produce a warm-up input and run both apps over it (the JIT, RocksDB and the broker warm up in this JVM),
 * then produce the measured input (raw producer rate), run the pass-through and the topology over it with the
 * same application ids (they resume at their committed offsets), probe latency while the topology still runs,
 * close it and measure its state directory.
 */
public final class TopologyThroughput {

    /** Benchmark-only sink of the pass-through app; declared here because it is not part of the product. */
    static final TopicSpec<String, byte[]> PASS_THROUGH = new TopicSpec<>("bench-pass-through", Serdes.String(),
            Serdes.ByteArray(), false, Duration.ofDays(1), "Sink of the benchmark's EOS pass-through app.");

    /** Tenant of the latency probe's events. */
    static final String LATENCY_TENANT = "latency";

    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(15);

    /** Throughput of one app over one input. */
    public record Pass(String app, long records, double seconds, double startSeconds, double streamCpuSeconds,
            double processCpuSeconds) {
        /** Records per second from RUNNING to every input offset committed. */
        public double rate() {
            return records / seconds;
        }

        /**
         * Records per CPU-second of the stream threads: what one thread can do when it has a core to itself, which a
         * loaded shared machine hides from the wall-clock rate.
         */
        public double ratePerStreamCpuSecond() {
            return streamCpuSeconds > 0 ? records / streamCpuSeconds : Double.NaN;
        }
    }

    /** Everything one run measured. */
    public record Result(long produced, double producerRate, Pass passThrough, Pass topology, long[] latencyMicros,
            long stateBytes, Map<String, Long> stateBytesByStore, int clientsInState, Map<String, Double> alerts,
            double deadLettered, int clientsWithProfile, int expectedClients) {

        /** Topology records/s over pass-through records/s. */
        public double ratio() {
            return topology.rate() / passThrough.rate();
        }

        /** The {@code q} quantile (0..1) of the latency samples in microseconds, or -1 when none were taken. */
        public long latencyQuantile(double q) {
            if (latencyMicros.length == 0) {
                return -1;
            }
            long[] sorted = latencyMicros.clone();
            Arrays.sort(sorted);
            return sorted[(int) Math.max(0, Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1))];
        }
    }

    private final BenchmarkOptions options;
    private final PrintStream out;
    private final String bootstrapServers;
    private final String runId = Long.toString(System.currentTimeMillis(), 36);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final long runStart = System.nanoTime();

    private TopologyThroughput(BenchmarkOptions options, String bootstrapServers, PrintStream out) {
        this.options = options;
        this.bootstrapServers = bootstrapServers;
        this.out = out;
    }

    /** Runs the benchmark with flags (see {@link BenchmarkOptions#usage()}), on an embedded broker by default. */
    public static void main(String[] args) throws Exception {
        // --suite ingest | e2e | topology (the default): one documented command for every suite (README).
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--suite")) {
                switch (args[i + 1]) {
                    case "ingest" -> io.paywatch.benchmarks.suite.IngestSuite.main(args);
                    case "e2e" -> io.paywatch.benchmarks.suite.EndToEndSuite.main(args);
                    case "topology" -> {
                        List<String> rest = new ArrayList<>(List.of(args));
                        rest.remove(i + 1);
                        rest.remove(i);
                        main(rest.toArray(String[]::new));
                    }
                    default -> System.out.println("--suite is one of topology, ingest, e2e; was " + args[i + 1]);
                }
                return;
            }
        }
        BenchmarkOptions options;
        try {
            options = BenchmarkOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.out.println(e.getMessage());
            return;
        }
        if (options.bootstrapServers() != null) {
            run(options, System.out);
            return;
        }
        long start = System.nanoTime();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            System.out.printf(Locale.ROOT, "[bench] embedded KRaft broker up in %.1f s at %s%n",
                    seconds(start), broker.bootstrapServers());
            run(options.withBootstrapServers(broker.bootstrapServers()), System.out);
        }
    }

    /** Runs the benchmark against {@code options.bootstrapServers()} and prints as it goes. */
    public static Result run(BenchmarkOptions options, PrintStream out) throws Exception {
        if (options.bootstrapServers() == null) {
            throw new IllegalArgumentException("bootstrapServers is required");
        }
        return new TopologyThroughput(options, options.bootstrapServers(), out).execute();
    }

    private Result execute() throws Exception {
        out.printf(Locale.ROOT, "[bench] %s; %d cores; load average %s; max heap %d MiB%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors(), loadAverage(), Runtime.getRuntime().maxMemory() >> 20);
        out.printf(Locale.ROOT, "[bench] %d events over %d clients in %d tenants; %d partitions, %d stream thread(s),"
                        + " exactly_once_v2, commit.interval.ms=%d, statestore.cache.max.bytes=%d%n",
                options.events(), options.clients(), options.tenants(), options.partitions(), options.threads(),
                options.commitIntervalMs(), options.cacheBytes());
        if (options.recentAlertsPerTenant() != TopologyOptions.defaults().recentAlertsPerTenant()) {
            out.printf(Locale.ROOT, "[bench] topology option recentAlertsPerTenant=%d (production %d)%n",
                    options.recentAlertsPerTenant(), TopologyOptions.defaults().recentAlertsPerTenant());
        }
        if (!options.streamsOverrides().isEmpty()) {
            out.printf(Locale.ROOT, "[bench] streams overrides: %s%n", options.streamsOverrides());
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            TopicBootstrap bootstrap = new TopicBootstrap(options.partitions(), (short) 1);
            bootstrap.ensureTopics(admin);
            bootstrap.ensure(admin, List.of(PASS_THROUGH));

            // A warm-up of its own tenants and clients; a fraction of 0 skips it (the smoke test).
            boolean warmUp = options.warmupFraction() > 0;
            int warmEvents = Math.max(options.tenants(), (int) (options.events() * options.warmupFraction()));
            int warmClients = Math.max(options.tenants(), Math.min(warmEvents,
                    (int) (options.clients() * options.warmupFraction())));
            Workload warm = warmUp ? Workload.generate("warm-" + runId + "-", warmEvents, warmClients,
                    options.tenants(), options.seed() + 1) : null;
            Workload measured = Workload.generate("t-" + runId + "-", options.events(), options.clients(),
                    options.tenants(), options.seed());
            out.printf(Locale.ROOT, "[bench] measured input: %s%n", measured.mix());
            List<String> tenants = new ArrayList<>(warmUp ? warm.tenants() : List.of());
            tenants.addAll(measured.tenants());
            tenants.add(LATENCY_TENANT);
            produceSettings(tenants);

            String passApp = "paywatch-bench-pass-through-" + runId;
            String topoApp = "paywatch-bench-topology-" + runId;
            Path stateDir = Files.createTempDirectory("paywatch-bench-state-");

            // Warm-up: same apps, same JVM, its own tenants; numbers printed but labelled cold.
            if (warmUp) {
                produce(warm, "warm-up");
                KafkaStreams warmPass = passThrough(passApp, stateDir);
                try {
                    report("warm-up (cold JVM)", runUntilConsumed(warmPass, passApp, admin, "pass-through"));
                } finally {
                    closeLeavingGroup(warmPass);
                }
                KafkaStreams warmTopo = topology(topoApp, stateDir);
                try {
                    report("warm-up (cold JVM)", runUntilConsumed(warmTopo, topoApp, admin, "topology"));
                } finally {
                    closeLeavingGroup(warmTopo);
                }
            }

            double producerRate = produce(measured, "measured");
            String phase = warmUp ? "measured (warm)" : "measured (cold)";
            Pass pass;
            KafkaStreams measuredPass = passThrough(passApp, stateDir);
            try {
                pass = runUntilConsumed(measuredPass, passApp, admin, "pass-through");
                report(phase, pass);
            } finally {
                closeLeavingGroup(measuredPass);
            }
            Pass topo;
            long[] latencies;
            KafkaStreams s = topology(topoApp, stateDir);
            try {
                topo = runUntilConsumed(s, topoApp, admin, "topology");
                report(phase, topo);
                latencies = probeLatency();
            } finally {
                closeLeavingGroup(s);
            }
            Map<String, Long> byStore = stateSize(stateDir.resolve(topoApp));
            long stateBytes = byStore.values().stream().mapToLong(Long::longValue).sum();
            int clientsInState = (warmUp ? warm.clientKeys().size() : 0) + measured.clientKeys().size() + latencies.length;

            Set<String> expected = new HashSet<>(measured.clientKeys());
            int withProfile = options.verify() ? clientsWithProfile(expected) : -1;

            Result result = new Result(measured.events().size(), producerRate, pass, topo, latencies, stateBytes,
                    byStore, clientsInState, alerts(), deadLettered(), withProfile, expected.size());
            summary(result);
            deleteRecursively(stateDir);
            return result;
        }
    }

    // ---------------------------------------------------------------- the two apps

    /** The production settings ({@link StreamsDefaults}) with this run's deployment knobs. */
    private Properties streamsConfig(String applicationId, Path stateDir) {
        Properties p = StreamsDefaults.properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString(options.threads()));
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Integer.toString(options.commitIntervalMs()));
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, Long.toString(options.cacheBytes()));
        p.put(ProcessorMetrics.CONFIG_KEY, new ProcessorMetrics(meters));
        p.putAll(options.streamsOverrides());
        return p;
    }

    /** Source to sink, bytes untouched: the exactly-once ceiling of this broker and machine. */
    private KafkaStreams passThrough(String applicationId, Path stateDir) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(List.of(Topics.INVOICE_EVENTS.name(), Topics.MESSAGE_EVENTS.name()),
                        Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .to(PASS_THROUGH.name(), Produced.with(Serdes.String(), Serdes.ByteArray()));
        return streams(builder.build(), applicationId, stateDir);
    }

    /** The production topology, built by the same method the service uses. */
    private KafkaStreams topology(String applicationId, Path stateDir) {
        StreamsBuilder builder = new StreamsBuilder();
        TopologyOptions d = TopologyOptions.defaults();
        PaywatchTopology.buildTopology(builder, new TopologyOptions(d.wallClockScanInterval(),
                d.streamTimeScanInterval(), d.maxDuePerScan(), d.dedupeTtl(), d.replayIdle(), d.replayLag(),
                options.recentAlertsPerTenant()));
        return streams(builder.build(), applicationId, stateDir);
    }

    /**
     * Closes and leaves the group: Streams members stay in the group on a plain close, so the next start with the
     * same application id would wait for the old member's session to expire before it gets its tasks.
     */
    private void closeLeavingGroup(KafkaStreams streams) {
        long start = System.nanoTime();
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(60)));
        out.printf(Locale.ROOT, "[bench] closed in %.2f s (%.1f s since start)%n", seconds(start), seconds(runStart));
    }

    private KafkaStreams streams(Topology topology, String applicationId, Path stateDir) {
        return new KafkaStreams(topology, streamsConfig(applicationId, stateDir));
    }

    /**
     * Starts {@code streams} and waits until the group has committed the end offset of every input partition.
     * Throughput is counted from RUNNING (tasks assigned, stores restored) to that moment.
     */
    private Pass runUntilConsumed(KafkaStreams streams, String group, Admin admin, String label) throws Exception {
        Map<TopicPartition, Long> target = endOffsets(admin);
        Map<TopicPartition, OffsetAndMetadata> before = committed(admin, group);
        long records = 0;
        for (Map.Entry<TopicPartition, Long> e : target.entrySet()) {
            OffsetAndMetadata from = before.get(e.getKey());
            records += e.getValue() - (from == null ? 0 : from.offset());
        }
        AtomicLong runningAt = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        streams.setStateListener((now, old) -> {
            if (now == KafkaStreams.State.RUNNING) {
                runningAt.compareAndSet(0, System.nanoTime());
            }
        });
        streams.setUncaughtExceptionHandler(e -> {
            failure.set(e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        long start = System.nanoTime();
        streams.start();
        long deadline = start + RUN_TIMEOUT.toNanos();
        long threadCpuAtRunning = -1;
        long processCpuAtRunning = -1;
        while (!caughtUp(committed(admin, group), target)) {
            if (threadCpuAtRunning < 0 && runningAt.get() != 0) {
                threadCpuAtRunning = streamThreadCpuNanos(group);
                processCpuAtRunning = processCpuNanos();
            }
            if (failure.get() != null) {
                throw new IllegalStateException(label + " failed", failure.get());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(label + " did not consume its input within " + RUN_TIMEOUT);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        long done = System.nanoTime();
        long threadCpu = streamThreadCpuNanos(group) - Math.max(0, threadCpuAtRunning);
        long processCpu = processCpuAtRunning < 0 ? -1 : processCpuNanos() - processCpuAtRunning;
        long running = runningAt.get() == 0 ? start : runningAt.get();
        return new Pass(label, records, (done - running) / 1e9, (running - start) / 1e9, threadCpu / 1e9,
                processCpu / 1e9);
    }

    /** CPU time used so far by the stream threads of {@code applicationId} in this JVM. */
    private static long streamThreadCpuNanos(String applicationId) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long total = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(applicationId) && t.getName().contains("-StreamThread-")) {
                total += Math.max(0, threads.getThreadCpuTime(t.getId()));
            }
        }
        return total;
    }

    /** CPU time of this whole process so far: broker, clients and Streams when the broker is embedded. */
    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    private static boolean caughtUp(Map<TopicPartition, OffsetAndMetadata> committed,
            Map<TopicPartition, Long> target) {
        for (Map.Entry<TopicPartition, Long> e : target.entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            if (e.getValue() > 0 && (c == null || c.offset() < e.getValue())) {
                return false;
            }
        }
        return true;
    }

    private Map<TopicPartition, Long> endOffsets(Admin admin) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new TreeMap<>(
                java.util.Comparator.comparing(TopicPartition::toString));
        for (String topic : List.of(Topics.INVOICE_EVENTS.name(), Topics.MESSAGE_EVENTS.name())) {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topic).partitions().size();
            for (int p = 0; p < partitions; p++) {
                request.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
        }
        Map<TopicPartition, Long> ends = new java.util.HashMap<>();
        admin.listOffsets(request).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(Admin admin, String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetAndMetadata> present = new java.util.HashMap<>();
        offsets.forEach((tp, o) -> {
            if (o != null) {
                present.put(tp, o);
            }
        });
        return present;
    }

    // ---------------------------------------------------------------- input

    private Properties producerConfig(int lingerMs) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(lingerMs));
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        return p;
    }

    /** Produces the workload as fast as an idempotent acks=all producer can; returns records/s. */
    private double produce(Workload workload, String label) throws Exception {
        AtomicReference<Exception> failure = new AtomicReference<>();
        long bytes = 0;
        long start = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig(5), new StringSerializer(),
                new ByteArraySerializer())) {
            for (Workload.Event e : workload.events()) {
                bytes += e.value().length + e.key().length();
                producer.send(new ProducerRecord<>(e.topic(), e.key(), e.value()), (m, ex) -> {
                    if (ex != null) {
                        failure.compareAndSet(null, ex);
                    }
                });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("producing the " + label + " input failed", failure.get());
        }
        double secs = seconds(start);
        double rate = workload.events().size() / secs;
        out.printf(Locale.ROOT, "[bench] producer, %s input: %,d records (%.1f MB, avg %d B) in %.2f s = %,.0f"
                        + " records/s (idempotent, acks=all, lz4, linger 5 ms, batch 256 KiB)%n", label,
                workload.events().size(), bytes / 1e6, bytes / Math.max(1, workload.events().size()), secs, rate);
        return rate;
    }

    private void produceSettings(List<String> tenants) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig(5), new StringSerializer(),
                new ByteArraySerializer())) {
            for (String tenant : tenants) {
                producer.send(new ProducerRecord<>(Topics.FREELANCER_SETTINGS.name(), tenant,
                        Topics.FREELANCER_SETTINGS.valueSerde().serializer()
                                .serialize(Topics.FREELANCER_SETTINGS.name(), Workload.settings(tenant)))).get();
            }
        }
    }

    // ---------------------------------------------------------------- latency

    /**
     * One exactly-once hop: an invoice for a fresh client is produced, and the clock stops when that client's
     * profile is readable on client-profiles by a read_committed consumer. A random pause before each sample keeps
     * the probe from locking onto the commit cadence (which would always measure a full interval).
     */
    private long[] probeLatency() {
        int warmup = Math.min(10, options.latencySamples());
        int samples = options.latencySamples();
        if (samples == 0) {
            return new long[0];
        }
        Properties consumerConfig = new Properties();
        consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        long[] micros = new long[samples];
        Instant eventTime = Workload.YEAR_START.plus(Duration.ofDays(366));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig(0), new StringSerializer(),
                new ByteArraySerializer());
             KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(),
                     new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.CLIENT_PROFILES.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            for (int i = -warmup; i < samples; i++) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(
                        ThreadLocalRandom.current().nextInt(Math.max(1, options.commitIntervalMs()))));
                String client = "p" + runId + "-" + (i + warmup);
                String key = ClientKey.of(LATENCY_TENANT, client);
                Instant at = eventTime.plusSeconds(60L * (i + warmup));
                byte[] value = Topics.INVOICE_EVENTS.valueSerde().serializer().serialize(
                        Topics.INVOICE_EVENTS.name(), new InvoiceEvent(InvoiceIssued.newBuilder()
                                .setEventId("lat-" + key).setTenantId(LATENCY_TENANT).setClientId(client)
                                .setInvoiceId(client + "-i0").setIssuedAt(at).setDueAt(at.plus(Duration.ofDays(30)))
                                .setPaymentTermsDays(30).setAmount(new Money(100_00L, "EUR"))
                                .setSource(SourceSystem.DEMO).build()));
                long start = System.nanoTime();
                producer.send(new ProducerRecord<>(Topics.INVOICE_EVENTS.name(), key, value));
                long deadline = start + TimeUnit.SECONDS.toNanos(30);
                boolean seen = false;
                while (!seen) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("no profile for " + key + " within 30 s");
                    }
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(2))) {
                        seen |= key.equals(r.key());
                    }
                }
                if (i >= 0) {
                    micros[i] = (System.nanoTime() - start) / 1_000;
                }
            }
        }
        return micros;
    }

    // ---------------------------------------------------------------- results

    /** Bytes on disk under the app's state directory, by store (summed over tasks). */
    static Map<String, Long> stateSize(Path appDir) throws IOException {
        Map<String, Long> sizes = new TreeMap<>();
        if (!Files.isDirectory(appDir)) {
            return sizes;
        }
        try (Stream<Path> files = Files.walk(appDir)) {
            files.filter(Files::isRegularFile).forEach(f -> {
                Path rel = appDir.relativize(f);
                // <task>/rocksdb/<store>/..., <task>/<segmented store>/..., or a checkpoint/lock file.
                String store = rel.getNameCount() >= 3 && rel.getName(1).toString().equals("rocksdb")
                        ? rel.getName(2).toString()
                        : rel.getNameCount() >= 3 ? rel.getName(1).toString() : "(checkpoints)";
                try {
                    sizes.merge(store, Files.size(f), Long::sum);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return sizes;
    }

    /** Reads client-profiles (read_committed) and counts the expected clients that have a profile. */
    private int clientsWithProfile(Set<String> expected) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        Set<String> seen = new HashSet<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.CLIENT_PROFILES.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            var serde = Topics.CLIENT_PROFILES.valueSerde().deserializer();
            while (System.nanoTime() < deadline
                    && partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (expected.contains(r.key())) {
                        ClientProfile profile = serde.deserialize(r.topic(), r.value());
                        // The profile must be about the client it is keyed by.
                        if (ClientKey.of(profile.getTenantId(), profile.getClientId()).equals(r.key())) {
                            seen.add(r.key());
                        }
                    }
                }
            }
        }
        return seen.size();
    }

    private Map<String, Double> alerts() {
        Map<String, Double> byType = new TreeMap<>();
        meters.find(ProcessorMetrics.ALERTS_RAISED).counters()
                .forEach(c -> byType.merge(c.getId().getTag("type"), c.count(), Double::sum));
        return byType;
    }

    private double deadLettered() {
        return meters.find(ProcessorMetrics.DEAD_LETTERED).counters().stream().mapToDouble(Counter::count).sum();
    }

    private void report(String phase, Pass pass) {
        out.printf(Locale.ROOT, "[bench] %-12s %-18s %,9d records in %6.2f s = %,8.0f records/s"
                        + " (start-up to RUNNING %.2f s)%n", pass.app(), phase, pass.records(), pass.seconds(),
                pass.rate(), pass.startSeconds());
        out.printf(Locale.ROOT, "[bench] %-12s %-18s stream thread CPU %.2f s = %,.0f records per CPU-second;"
                        + " whole process CPU %.2f s%n", pass.app(), "", pass.streamCpuSeconds(),
                pass.ratePerStreamCpuSecond(), pass.processCpuSeconds());
    }

    private void summary(Result r) {
        out.println("[bench] ---------------------------------------------------------------- summary");
        out.printf(Locale.ROOT, "[bench] raw producer           %,10.0f records/s%n", r.producerRate());
        out.printf(Locale.ROOT, "[bench] EOS pass-through       %,10.0f records/s%n", r.passThrough().rate());
        out.printf(Locale.ROOT, "[bench] Paywatch topology      %,10.0f records/s%n", r.topology().rate());
        out.printf(Locale.ROOT, "[bench] ratio topology/pass    %10.3f%n", r.ratio());
        out.printf(Locale.ROOT, "[bench] per stream-thread CPU-s pass-through %,.0f, topology %,.0f records"
                        + " (ratio %.3f)%n", r.passThrough().ratePerStreamCpuSecond(),
                r.topology().ratePerStreamCpuSecond(),
                r.topology().ratePerStreamCpuSecond() / r.passThrough().ratePerStreamCpuSecond());
        if (r.latencyMicros().length > 0) {
            out.printf(Locale.ROOT, "[bench] EOS hop latency        p50 %.1f ms, p99 %.1f ms, max %.1f ms"
                            + " (%d samples, commit.interval.ms=%d)%n", r.latencyQuantile(0.50) / 1e3,
                    r.latencyQuantile(0.99) / 1e3, r.latencyQuantile(1.0) / 1e3, r.latencyMicros().length,
                    options.commitIntervalMs());
        }
        out.printf(Locale.ROOT, "[bench] state on disk          %.1f MB for %,d clients = %,.0f B per client%n",
                r.stateBytes() / 1e6, r.clientsInState(), (double) r.stateBytes() / Math.max(1, r.clientsInState()));
        r.stateBytesByStore().forEach((store, bytes) -> out.printf(Locale.ROOT,
                "[bench]   %-28s %,12d B  %,8.0f B/client%n", store, bytes,
                (double) bytes / Math.max(1, r.clientsInState())));
        out.printf(Locale.ROOT, "[bench] alerts raised          %s; dead-lettered %.0f%n", r.alerts(),
                r.deadLettered());
        if (r.clientsWithProfile() >= 0) {
            out.printf(Locale.ROOT, "[bench] verify: %,d of %,d measured clients have a profile on client-profiles%n",
                    r.clientsWithProfile(), r.expectedClients());
        }
        out.printf(Locale.ROOT, "[bench] load average at end: %s; whole run %.1f s%n", loadAverage(),
                seconds(runStart));
    }

    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
