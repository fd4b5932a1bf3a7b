package io.paywatch.testkit;

import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.JaasUtils;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

/** One combined KRaft broker and controller in this JVM, built from the Maven Central Kafka artifacts. */
public final class EmbeddedKafkaBroker implements KafkaBroker {

    private final KafkaClusterTestKit cluster;

    private EmbeddedKafkaBroker(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /** A user the {@link #startSaslPlain() SASL broker} accepts (SASL/PLAIN). */
    public static final String SASL_USER = JaasUtils.KAFKA_PLAIN_USER1;
    /** The password of {@link #SASL_USER}. */
    public static final String SASL_PASSWORD = JaasUtils.KAFKA_PLAIN_USER1_PASSWORD;

    /** Formats, starts and waits for a single-node KRaft cluster. */
    public static EmbeddedKafkaBroker start() {
        return start(SecurityProtocol.PLAINTEXT);
    }

    /**
     * A single-node cluster whose client listener is SASL_PLAINTEXT with the PLAIN mechanism: it accepts
     * {@link #SASL_USER} / {@link #SASL_PASSWORD} and refuses anyone else. Its own instance, not the shared broker:
     * start it once per test class and close it. The test kit points the JVM-wide
     * {@code java.security.auth.login.config} at the broker's JAAS file; clients give their own
     * {@code sasl.jaas.config}, which takes precedence, and PLAINTEXT clients never read it.
     */
    public static EmbeddedKafkaBroker startSaslPlain() {
        return start(SecurityProtocol.SASL_PLAINTEXT);
    }

    /** The client settings of {@link #SASL_USER} with {@code password} (give a wrong one to see a refusal). */
    public static java.util.Map<String, Object> saslClientConfig(String password) {
        return java.util.Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                        + SASL_USER + "\" password=\"" + password + "\";");
    }

    private static EmbeddedKafkaBroker start(SecurityProtocol protocol) {
        try {
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setBrokerSecurityProtocol(protocol)
                    // With SASL the kit installs an authorizer whose super user is its admin: the controller
                    // listener must authenticate too, or the broker cannot even register.
                    .setControllerSecurityProtocol(protocol)
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                    .build();
            KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes)
                    // Without these single-node values __consumer_offsets and the transaction log are never created.
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("offsets.topic.num.partitions", "3")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("transaction.state.log.num.partitions", "3")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("auto.create.topics.enable", "false")
                    .setConfigProp("log.flush.interval.messages", Long.toString(Long.MAX_VALUE))
                    // The kit's SASL set-up adds an authorizer; without ACLs, every authenticated user may act.
                    .setConfigProp("allow.everyone.if.no.acl.found", "true")
                    .build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new EmbeddedKafkaBroker(cluster);
        } catch (Exception e) {
            throw new IllegalStateException("could not start the embedded KRaft broker", e);
        }
    }

    @Override
    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    @Override
    public String describe() {
        return "embedded KRaft broker (KafkaClusterTestKit) at " + bootstrapServers();
    }

    @Override
    public void close() {
        try {
            cluster.close();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop the embedded broker", e);
        }
    }
}
