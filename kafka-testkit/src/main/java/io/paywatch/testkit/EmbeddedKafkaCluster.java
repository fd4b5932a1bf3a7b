package io.paywatch.testkit;

import kafka.server.BrokerServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A replicated KRaft cluster in this JVM: {@value #BROKERS} brokers and one separate controller
 * ({@link KafkaClusterTestKit}), for tests where a broker dies. Every topic defaults to replication factor
 * {@value #BROKERS} and {@code min.insync.replicas=}{@value #MIN_INSYNC}, the internal topics too
 * ({@code __consumer_offsets}, {@code __transaction_state}), so an {@code acks=all} producer and an exactly-once
 * Streams application keep working with one broker down, and fail (rather than lose data) with two down.
 *
 * <p>Not the {@link SharedKafka} broker: a test class starts its own cluster once ({@link #start()}) and closes it.
 * Start-up takes about 5 s on the 2-core CI machine. Three combined controllers made {@code close()} hang for
 * minutes (see VERSIONS.md), hence one dedicated controller.
 *
 * <p>Broker ids are 0, 1 and 2 ({@link #brokerIds()}). A broker can be {@linkplain #stopBroker stopped}
 * (controlled shutdown: its leaderships move first), {@linkplain #killBroker killed} (no controlled shutdown:
 * clients lose it mid-request, and its partitions stay led by it until the controller fences it when its session
 * expires after {@value #BROKER_SESSION_TIMEOUT_MS} ms) and {@linkplain #restartBroker restarted} on its own log
 * directories, after which it catches up and rejoins the ISR.
 */
public final class EmbeddedKafkaCluster implements KafkaBroker {

    /** Brokers in the cluster. */
    public static final int BROKERS = 3;
    /** {@code min.insync.replicas} of every topic: one broker may be down without stopping acks=all producers. */
    public static final int MIN_INSYNC = 2;
    /**
     * How long the controller waits for a silent broker's heartbeat before fencing it (the Kafka default is 9 s).
     * Shorter, so a killed broker's partitions are failed over within a test's patience; long enough that a loaded
     * 2-core machine does not fence a live broker.
     */
    public static final int BROKER_SESSION_TIMEOUT_MS = 6_000;

    private final KafkaClusterTestKit cluster;

    private EmbeddedKafkaCluster(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /** Formats, starts and waits for {@value #BROKERS} brokers and one controller. */
    public static EmbeddedKafkaCluster start() {
        long began = System.nanoTime();
        try {
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setCombined(false)
                    .setNumBrokerNodes(BROKERS)
                    .setNumControllerNodes(1)
                    .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                    .build();
            String rf = Integer.toString(BROKERS);
            String isr = Integer.toString(MIN_INSYNC);
            KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes)
                    .setConfigProp("default.replication.factor", rf)
                    .setConfigProp("min.insync.replicas", isr)
                    .setConfigProp("offsets.topic.replication.factor", rf)
                    .setConfigProp("offsets.topic.num.partitions", "3")
                    .setConfigProp("transaction.state.log.replication.factor", rf)
                    .setConfigProp("transaction.state.log.min.isr", isr)
                    .setConfigProp("transaction.state.log.num.partitions", "3")
                    .setConfigProp("unclean.leader.election.enable", "false")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("auto.create.topics.enable", "false")
                    .setConfigProp("broker.session.timeout.ms", Integer.toString(BROKER_SESSION_TIMEOUT_MS))
                    .setConfigProp("broker.heartbeat.interval.ms", "1000")
                    .setConfigProp("log.flush.interval.messages", Long.toString(Long.MAX_VALUE))
                    .build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            EmbeddedKafkaCluster started = new EmbeddedKafkaCluster(cluster);
            System.out.printf("[kafka-testkit] %s started in %d ms%n", started.describe(),
                    (System.nanoTime() - began) / 1_000_000);
            return started;
        } catch (Exception e) {
            throw new IllegalStateException("could not start the embedded KRaft cluster", e);
        }
    }

    /** Every broker's address, so a client still bootstraps when one broker is down. */
    @Override
    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    @Override
    public String describe() {
        return "embedded KRaft cluster (KafkaClusterTestKit, " + BROKERS + " brokers + 1 controller, RF " + BROKERS
                + ", min.insync.replicas " + MIN_INSYNC + ") at " + bootstrapServers();
    }

    /** The broker ids, ascending. */
    public Set<Integer> brokerIds() {
        return new TreeSet<>(cluster.brokers().keySet());
    }

    /** Whether broker {@code id} is running. */
    public boolean isRunning(int id) {
        return !broker(id).isShutdown();
    }

    /**
     * Stops broker {@code id} cleanly: it asks the controller for a controlled shutdown and waits (at most 30 s)
     * until its leaderships have moved, as a rolling restart does.
     */
    public void stopBroker(int id) {
        BrokerServer broker = broker(id);
        broker.shutdown(Duration.ofSeconds(30));
        broker.awaitShutdown();
    }

    /**
     * Kills broker {@code id} as near to a crash as an in-process broker allows: it does not wait for a
     * controlled shutdown (timeout zero), closes its sockets under the clients' in-flight requests and stops
     * heartbeating. Its partitions' leadership moves when the controller fences it. Returns once it is down.
     */
    public void killBroker(int id) {
        BrokerServer broker = broker(id);
        broker.shutdown(Duration.ZERO);
        broker.awaitShutdown();
    }

    /**
     * Starts broker {@code id} again on its own log directories and waits (at most {@code timeout}) until it
     * is back in the ISR of every partition of {@code topics} it replicates, so the cluster is whole again.
     */
    public void restartBroker(int id, Collection<String> topics, Duration timeout) {
        broker(id).startup();
        awaitFullIsr(topics, timeout);
    }

    /**
     * Waits until every partition of {@code topics} has a leader and all {@value #BROKERS} replicas in sync.
     */
    public void awaitFullIsr(Collection<String> topics, Duration timeout) {
        try (Admin admin = admin()) {
            await("full ISR of " + topics).atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> {
                Map<String, TopicDescription> described = admin.describeTopics(List.copyOf(topics))
                        .allTopicNames().get(10, TimeUnit.SECONDS);
                return described.values().stream().flatMap(d -> d.partitions().stream())
                        .allMatch(p -> p.leader() != null && !p.leader().isEmpty() && p.isr().size() == BROKERS);
            });
        }
    }

    /**
     * The partitions of {@code topic} led by broker {@code id} right now (from the controller's metadata), for
     * choosing a broker whose death matters.
     */
    public List<Integer> partitionsLedBy(int id, String topic) {
        try (Admin admin = admin()) {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
                    .get(topic);
            return d.partitions().stream().filter(p -> leaderId(p) == id).map(TopicPartitionInfo::partition)
                    .toList();
        } catch (Exception e) {
            throw new IllegalStateException("could not describe " + topic, e);
        }
    }

    private static int leaderId(TopicPartitionInfo p) {
        Node leader = p.leader();
        return leader == null || leader.isEmpty() ? -1 : leader.id();
    }

    @Override
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
    }

    private BrokerServer broker(int id) {
        BrokerServer broker = cluster.brokers().get(id);
        if (broker == null) {
            throw new IllegalArgumentException("no broker " + id + "; brokers are " + brokerIds());
        }
        return broker;
    }

    @Override
    public void close() {
        long began = System.nanoTime();
        try {
            cluster.close();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop the embedded cluster", e);
        }
        System.out.printf("[kafka-testkit] embedded KRaft cluster closed in %d ms%n",
                (System.nanoTime() - began) / 1_000_000);
    }
}
