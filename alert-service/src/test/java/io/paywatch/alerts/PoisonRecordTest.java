package io.paywatch.alerts;

import io.micrometer.core.instrument.MeterRegistry;
import io.paywatch.alerts.delivery.DeliveryMetrics;
import io.paywatch.contract.AlertType;
import io.paywatch.contract.DeadLetter;
import io.paywatch.contract.Language;
import io.paywatch.schemas.TopicBootstrap;
import io.paywatch.schemas.Topics;
import io.paywatch.testkit.SharedKafka;
import io.paywatch.testkit.KafkaTestClients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #12, "nothing lost" on bad input: an undecodable record on each input topic of the alert service
 * (payment-alerts, freelancer-settings, alert-deliveries) goes to dead-letters with its original bytes and the
 * reason, keyed {@code topic/partition/offset}, and processing continues: the alerts after it are emailed.
 */
class PoisonRecordTest extends AlertServiceHarness {

    @Test
    void aPoisonRecordOnEveryInputTopicIsDeadLetteredWithItsReasonAndProcessingContinues() throws Exception {
        byte[] poison = "{not: avro}".getBytes(StandardCharsets.UTF_8);
        Map<String, RecordMetadata> written = new HashMap<>();
        // Each test class gets fresh topics; create them now, before the service's own start-up bootstrap.
        new TopicBootstrap(3, (short) 1).ensureTopics(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()));
        try (KafkaProducer<String, byte[]> raw = KafkaTestClients.producer(new StringSerializer(),
                new ByteArraySerializer())) {
            // Before the service starts: the compacted inputs are read from the beginning at start.
            written.put(Topics.FREELANCER_SETTINGS.name(), raw.send(new ProducerRecord<>(
                    Topics.FREELANCER_SETTINGS.name(), "poison-tenant", poison)).get(30, TimeUnit.SECONDS));
            written.put(Topics.ALERT_DELIVERIES.name(), raw.send(new ProducerRecord<>(
                    Topics.ALERT_DELIVERIES.name(), "poison-alert", poison)).get(30, TimeUnit.SECONDS));
            startContext();
            // While it runs: the alert partition must move on past it.
            written.put(Topics.PAYMENT_ALERTS.name(), raw.send(new ProducerRecord<>(
                    Topics.PAYMENT_ALERTS.name(), "poison|client", poison)).get(30, TimeUnit.SECONDS));
        }
        String to = "after-poison@example.com";
        publish(Fixtures.settings("after-poison", to, Language.EN).build());
        publish(Fixtures.alert("after-poison-1", "after-poison", "client", "Client", AlertType.GHOSTING).build());
        // (The harness's typed log reader would stop at the poison in alert-deliveries; the mailbox is the proof.)
        assertThat(awaitMail(to, 1)).hasSize(1);
        awaitAllAlertsCommitted();

        Map<String, String> expectedReason = Map.of(
                Topics.PAYMENT_ALERTS.name(), "PaymentAlert could not be decoded",
                Topics.FREELANCER_SETTINGS.name(), "FreelancerSettings could not be decoded",
                Topics.ALERT_DELIVERIES.name(), "AlertDelivery could not be decoded");
        Map<String, String> dlqKeys = new HashMap<>();
        written.forEach((topic, meta) -> dlqKeys.put(topic, topic + "/" + meta.partition() + "/" + meta.offset()));
        Map<String, DeadLetter> letters = new HashMap<>();
        KafkaTestClients.readUntil(Topics.DEAD_LETTERS.name(), Topics.DEAD_LETTERS.keySerde().deserializer(),
                Topics.DEAD_LETTERS.valueSerde().deserializer(), WAIT,
                (List<ConsumerRecord<String, DeadLetter>> read) -> {
                    read.stream().filter(r -> dlqKeys.containsValue(r.key()))
                            .forEach(r -> letters.put(r.value().getSourceTopic(), r.value()));
                    return letters.keySet().containsAll(dlqKeys.keySet());
                });
        for (String topic : dlqKeys.keySet()) {
            DeadLetter letter = letters.get(topic);
            assertThat(letter.getReason()).as(topic).startsWith(expectedReason.get(topic) + ": ");
            assertThat(letter.getOffset()).as(topic).isEqualTo(written.get(topic).offset());
            assertThat(letter.getPartition()).as(topic).isEqualTo(written.get(topic).partition());
            assertThat(StandardCharsets.UTF_8.decode(letter.getValue()).toString()).as(topic).isEqualTo("{not: avro}");
            assertThat(letter.getApplication()).as(topic).isEqualTo("alert-service");
            assertThat(letter.getExceptionClass()).as(topic).isNotBlank();
        }
        assertThat(context.getBean(MeterRegistry.class).counter(DeliveryMetrics.DEAD_LETTERED).count())
                .isGreaterThanOrEqualTo(3.0);
    }
}
