package io.paywatch.schemas;

import io.paywatch.contract.FreelancerSettings;
import io.paywatch.testkit.KafkaBroker;
import io.paywatch.testkit.KafkaBrokerExtension;
import io.paywatch.testkit.KafkaTestClients;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Produces every schema's records through a real KRaft broker and reads them back equal. */
@ExtendWith(KafkaBrokerExtension.class)
class BrokerRoundTripTest {

    @BeforeAll
    static void createTopics(KafkaBroker broker) {
        try (Admin admin = broker.admin()) {
            List<String> created = new TopicBootstrap(3, (short) 1).ensureTopics(admin);
            assertThat(created).hasSize(Topics.ALL.size());
        }
    }

    @Test
    void topicBootstrapIsIdempotentAndAppliesTheCatalogueConfigs(KafkaBroker broker) throws Exception {
        try (Admin admin = broker.admin()) {
            assertThat(new TopicBootstrap(3, (short) 1).ensureTopics(admin)).isEmpty();
            var resource = new ConfigResource(ConfigResource.Type.TOPIC, Topics.CLIENT_PROFILES.name());
            Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
            var events = new ConfigResource(ConfigResource.Type.TOPIC, Topics.INVOICE_EVENTS.name());
            Config eventConfig = admin.describeConfigs(List.of(events)).all().get(30, TimeUnit.SECONDS).get(events);
            assertThat(eventConfig.get("retention.ms").value())
                    .isEqualTo(Long.toString(Topics.EVENT_RETENTION.toMillis()));
        }
    }

    @Test
    void everyTopicCarriesItsRecordsThroughTheBroker() {
        assertRoundTrip(Topics.INVOICE_EVENTS, new ArrayList<>(SampleRecords.invoiceEvents()));
        assertRoundTrip(Topics.MESSAGE_EVENTS, new ArrayList<>(SampleRecords.messageEvents()));
        assertRoundTrip(Topics.CLIENT_PROFILES, List.of(SampleRecords.profile()));
        assertRoundTrip(Topics.INVOICE_RISK, List.of(SampleRecords.risk()));
        assertRoundTrip(Topics.PAYMENT_ALERTS, List.of(SampleRecords.alert()));
        assertRoundTrip(Topics.DEAD_LETTERS, List.of(SampleRecords.deadLetter()));
        assertRoundTrip(Topics.ALERT_DELIVERIES, List.of(SampleRecords.delivery()));
    }

    @Test
    void aRecordFromAnOlderProducerIsReadByTheNewerConsumer() {
        try (KafkaProducer<String, byte[]> old = KafkaTestClients.producer(new StringSerializer(),
                new ByteArraySerializer());
             KafkaProducer<String, FreelancerSettings> current = KafkaTestClients.producer(new StringSerializer(),
                     Topics.FREELANCER_SETTINGS.valueSerde().serializer())) {
            old.send(new ProducerRecord<>(Topics.FREELANCER_SETTINGS.name(), AvroSerdeTest.SettingsV1.TENANT,
                    AvroSerdeTest.writeWithFirstRelease(AvroSerdeTest.SettingsV1.TENANT)));
            current.send(new ProducerRecord<>(Topics.FREELANCER_SETTINGS.name(), "t1", SampleRecords.settings()));
        }
        List<ConsumerRecord<String, FreelancerSettings>> read = KafkaTestClients.readAtLeast(
                Topics.FREELANCER_SETTINGS.name(), Topics.FREELANCER_SETTINGS.keySerde().deserializer(),
                Topics.FREELANCER_SETTINGS.valueSerde().deserializer(), 2, Duration.ofSeconds(30));
        Map<String, FreelancerSettings> byKey = new java.util.HashMap<>();
        read.forEach(r -> byKey.put(r.key(), r.value()));
        assertThat(byKey.get(AvroSerdeTest.SettingsV1.TENANT).getNotificationEmail()).isEqualTo("old@example.com");
        assertThat(byKey.get(AvroSerdeTest.SettingsV1.TENANT).getWebhookUrl()).isNull();
        assertThat(byKey.get("t1")).isEqualTo(SampleRecords.settings());
    }

    private static <V extends SpecificRecord> void assertRoundTrip(TopicSpec<String, V> topic, List<V> records) {
        try (KafkaProducer<String, V> producer = KafkaTestClients.producer(topic.keySerde().serializer(),
                topic.valueSerde().serializer())) {
            records.forEach(r -> producer.send(new ProducerRecord<>(topic.name(), ClientKey.of("t1", "acme"), r)));
        }
        List<ConsumerRecord<String, V>> read = KafkaTestClients.readAtLeast(topic.name(),
                topic.keySerde().deserializer(), topic.valueSerde().deserializer(), records.size(),
                Duration.ofSeconds(30));
        assertThat(read).extracting(ConsumerRecord::value).containsExactlyElementsOf(records);
        assertThat(read).extracting(ConsumerRecord::key).containsOnly("t1|acme");
    }
}
