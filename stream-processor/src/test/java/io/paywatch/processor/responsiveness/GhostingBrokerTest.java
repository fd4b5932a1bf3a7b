package io.paywatch.processor.responsiveness;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.paywatch.contract.AlertType;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.MessageEvent;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.contract.Severity;
import io.paywatch.processor.ProcessorStores;
import io.paywatch.schemas.AlertFacts;
import io.paywatch.schemas.ClientKey;
import io.paywatch.schemas.Topics;
import io.paywatch.testkit.KafkaBrokerExtension;
import io.paywatch.testkit.KafkaTestClients;
import io.paywatch.testkit.SharedKafka;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole stream-processor app on the real test broker under exactly_once_v2: tenant settings with a
 * one-business-day threshold on freelancer-settings, then an unanswered message on message-events sent three
 * days ago; the wall-clock scanner notices the silence (no further event) and a GHOSTING alert reaches
 * payment-alerts (read with read_committed).
 */
@ExtendWith(KafkaBrokerExtension.class)
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GhostingBrokerTest implements TestPropertyProvider {

    private static final String TENANT = "t-ghost-it";
    private static final String CLIENT = "c-silent";

    @Inject
    KafkaStreams streams;

    @Override
    public Map<String, String> getProperties() {
        try {
            return Map.of(
                    "kafka.bootstrap.servers", SharedKafka.bootstrapServers(),
                    "paywatch.topics.partitions", "3",
                    // Own consumer group and state: independent of other app tests in the same JVM.
                    "kafka.streams.default.application.id", "ghosting-it-" + UUID.randomUUID(),
                    "kafka.streams.default.state.dir", Files.createTempDirectory("paywatch-ghost-it-").toString(),
                    "micronaut.server.port", "-1",
                    // Live mode within a test's patience: tick every 200 ms, treat 500 ms of silence as live.
                    "paywatch.processor.wall-clock-scan-interval", "200ms",
                    "paywatch.processor.replay-idle", "500ms");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void anUnansweredMessageBecomesAGhostingAlertWithNoFurtherEvent() {
        await().atMost(Duration.ofSeconds(60)).until(() -> streams.state() == KafkaStreams.State.RUNNING);
        FreelancerSettings settings = TestSettings.defaults(TENANT).setGhostingThresholdBusinessDays(1)
                .setWorkingDays(List.of(1, 2, 3, 4, 5, 6, 7)).build();
        try (KafkaProducer<String, FreelancerSettings> producer = KafkaTestClients.producer(new StringSerializer(),
                Topics.FREELANCER_SETTINGS.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(Topics.FREELANCER_SETTINGS.name(), TENANT, settings));
        }
        // The settings reach the processor through a global store: wait for them before the message.
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            ReadOnlyKeyValueStore<String, FreelancerSettings> store = streams.store(StoreQueryParameters
                    .fromNameAndType(ProcessorStores.SETTINGS, QueryableStoreTypes.keyValueStore()));
            return store.get(TENANT) != null;
        });

        Instant sentAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(3));
        String key = ClientKey.of(TENANT, CLIENT);
        try (KafkaProducer<String, MessageEvent> producer = KafkaTestClients.producer(new StringSerializer(),
                Topics.MESSAGE_EVENTS.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(Topics.MESSAGE_EVENTS.name(), key,
                    TrackerHarness.sent(TENANT, CLIENT, "th-quote", sentAt.toString(), true)));
        }

        List<ConsumerRecord<String, PaymentAlert>> read = KafkaTestClients.readUntil(Topics.PAYMENT_ALERTS.name(),
                new StringDeserializer(), Topics.PAYMENT_ALERTS.valueSerde().deserializer(), Duration.ofSeconds(60),
                records -> records.stream().anyMatch(r -> r.value().getType() == AlertType.GHOSTING));
        List<ConsumerRecord<String, PaymentAlert>> ghosting = read.stream()
                .filter(r -> r.value().getType() == AlertType.GHOSTING).toList();
        assertThat(ghosting).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo(key);
            PaymentAlert alert = r.value();
            assertThat(alert.getAlertId()).isEqualTo(TENANT + "|" + CLIENT + "|GHOSTING|thread|th-quote|"
                    + sentAt.toEpochMilli());
            assertThat(alert.getOccurredAt()).isEqualTo(sentAt.plus(Duration.ofDays(1)));
            assertThat(alert.getSeverity()).isEqualTo(Severity.WARNING);
            assertThat(alert.getFacts())
                    .containsKeys(AlertFacts.REQUIRED.get(alert.getType()).toArray(String[]::new))
                    .containsEntry(ResponsivenessTracker.FACT_THRESHOLD_DAYS, "1")
                    .containsEntry(AlertFacts.BUSINESS_DAYS_SILENT, "1")
                    .containsEntry(AlertFacts.THREAD_ID, "th-quote");
        });
    }
}
