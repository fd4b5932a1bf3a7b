package io.paywatch.alerts.delivery;

import io.paywatch.schemas.ClientKey;
import io.paywatch.schemas.Topics;
import io.paywatch.testkit.KafkaBrokerExtension;
import io.paywatch.testkit.KafkaTestClients;
import io.paywatch.testkit.SharedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue #12: the instance that releases a parked alert is the one the producer's partitioner sends that client's
 * alerts to. Checked against where a real producer with the default partitioner actually put each record on the real
 * broker (a throw-away topic with the same key serde, so payment-alerts is not touched), for 300 client keys.
 */
@ExtendWith(KafkaBrokerExtension.class)
class PartitionOwnershipTest {

    @ParameterizedTest(name = "{0} partitions")
    @ValueSource(ints = {3, 6, 7})
    void ownershipAgreesWithWhereTheProducerPutsEachClientsAlerts(int partitions) throws Exception {
        String topic = "ownership-check-" + partitions + "-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
            // A new topic's partitions can be without a leader for a moment; a producer that sends then waits on
            // a stale metadata view, so start only once every partition has one.
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> admin.describeTopics(List.of(topic))
                    .allTopicNames().get().get(topic).partitions().stream()
                    .filter(p -> p.leader() != null && !p.leader().isEmpty()).count() == partitions);
        }
        PartitionOwnership ownership = new PartitionOwnership(Set::of);
        ownership.partitions(partitions);
        List<String[]> clients = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            // Ids as the apps produce them, including non-ASCII and the separator inside a client id.
            clients.add(new String[] {"tenant-" + (i % 7), i % 11 == 0 ? "Società|" + i : "client-" + i});
        }
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<String, String> producer = KafkaTestClients.producer(
                Topics.PAYMENT_ALERTS.keySerde().serializer(), new StringSerializer())) {
            for (String[] c : clients) {
                sent.add(producer.send(new ProducerRecord<>(topic, ClientKey.of(c[0], c[1]), "x")));
            }
            producer.flush();
        }
        for (int i = 0; i < clients.size(); i++) {
            String[] c = clients.get(i);
            assertThat(ownership.partitionFor(c[0], c[1])).as("%s|%s", c[0], c[1])
                    .isEqualTo(sent.get(i).get(30, TimeUnit.SECONDS).partition());
        }
    }

    @ParameterizedTest(name = "partition {0} of 3")
    @ValueSource(ints = {0, 1, 2})
    void anInstanceOwnsExactlyTheKeysOfItsAssignedPartitions(int assigned) {
        PartitionOwnership ownership = new PartitionOwnership(
                () -> Set.of(new TopicPartition(Topics.PAYMENT_ALERTS.name(), assigned)));
        ownership.partitions(3);
        for (int i = 0; i < 100; i++) {
            String key = ClientKey.of("t", "client-" + i);
            assertThat(ownership.owns(key)).isEqualTo(ownership.partitionFor(key) == assigned);
        }
    }
}
