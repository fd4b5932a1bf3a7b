package io.paywatch.testkit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The three-broker cluster: replicated topics, a broker killed under an acks=all producer, and its restart. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EmbeddedKafkaClusterTest {

    static EmbeddedKafkaCluster cluster;

    @BeforeAll
    static void start() {
        cluster = EmbeddedKafkaCluster.start();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void topicsAreReplicatedThreeTimesWithTwoInSyncRequired() throws Exception {
        try (Admin admin = cluster.admin()) {
            admin.createTopics(List.of(new NewTopic("replicated", 3, (short) 3))).all().get(30, TimeUnit.SECONDS);
            cluster.awaitFullIsr(List.of("replicated"), Duration.ofSeconds(30));
            var config = admin.describeConfigs(List.of(new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, "replicated")))
                    .all().get(30, TimeUnit.SECONDS).values().iterator().next();
            assertThat(config.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value()).isEqualTo("2");
        }
        assertThat(cluster.brokerIds()).hasSize(3);
    }

    @Test
    void aKilledBrokerLosesNoAcknowledgedRecordAndRejoinsAfterRestart() throws Exception {
        String topic = "kill-" + UUID.randomUUID();
        try (Admin admin = cluster.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 3))).all().get(30, TimeUnit.SECONDS);
        }
        cluster.awaitFullIsr(List.of(topic), Duration.ofSeconds(30));
        int victim = cluster.brokerIds().stream().filter(id -> !cluster.partitionsLedBy(id, topic).isEmpty())
                .findFirst().orElseThrow();

        List<Future<?>> acks = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 300; i++) {
                acks.add(producer.send(new ProducerRecord<>(topic, "k" + (i % 30), "v" + i)));
                if (i == 150) {
                    producer.flush();
                    cluster.killBroker(victim);
                }
            }
            producer.flush();
        }
        for (Future<?> ack : acks) {
            ack.get(10, TimeUnit.SECONDS); // every record acknowledged despite the dead broker
        }
        assertThat(cluster.isRunning(victim)).isFalse();

        Set<String> values = new HashSet<>();
        List<ConsumerRecord<String, String>> read = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "read-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    read.add(r);
                    values.add(r.value());
                });
                return values.size() >= 300;
            });
        }
        assertThat(values).hasSize(300);
        assertThat(read).hasSize(300); // idempotence: no record written twice by the retries

        cluster.restartBroker(victim, List.of(topic), Duration.ofSeconds(90));
        assertThat(cluster.isRunning(victim)).isTrue();
    }
}
