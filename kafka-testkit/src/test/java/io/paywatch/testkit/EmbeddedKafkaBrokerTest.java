package io.paywatch.testkit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(KafkaBrokerExtension.class)
class EmbeddedKafkaBrokerTest {

    @Test
    void sharedBrokerCarriesRecordsAndResetGivesFreshTopics(KafkaBroker broker) throws Exception {
        assertThat(broker).isSameAs(SharedKafka.broker());
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic("kit-check", 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, String> producer = KafkaTestClients.producer(new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>("kit-check", "k", "v")).get(30, TimeUnit.SECONDS);
        }
        List<ConsumerRecord<String, String>> read = KafkaTestClients.readAtLeast("kit-check",
                new StringDeserializer(), new StringDeserializer(), 1, Duration.ofSeconds(30));
        assertThat(read).extracting(ConsumerRecord::value).containsExactly("v");

        broker.resetTopics();
        try (Admin admin = broker.admin()) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain("kit-check");
        }
    }
}
