package io.paywatch.processor;

import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.paywatch.contract.AlertType;
import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.processor.payments.ExtraFacts;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole service against the real test broker under exactly_once_v2: invoice events on invoice-events become
 * INVOICE_OVERDUE alerts on payment-alerts (read with read_committed), and /health reports Kafka Streams.
 */
@ExtendWith(KafkaBrokerExtension.class)
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamProcessorIntegrationTest implements TestPropertyProvider {

    @Inject
    @Client("/")
    HttpClient http;

    @Inject
    KafkaStreams streams;

    @Override
    public Map<String, String> getProperties() {
        try {
            return Map.of(
                    "kafka.bootstrap.servers", SharedKafka.bootstrapServers(),
                    "paywatch.topics.partitions", "3",
                    "kafka.streams.default.state.dir",
                    Files.createTempDirectory("paywatch-it-").toString(),
                    "micronaut.server.port", "-1",
                    "paywatch.security.ops-token-sha256",
                    io.paywatch.schemas.Secrets.sha256Hex("ops-token-of-the-integration-test"),
                    // Live mode within a test's patience: tick every 200 ms, treat 500 ms of silence as live.
                    "paywatch.processor.wall-clock-scan-interval", "200ms",
                    "paywatch.processor.replay-idle", "500ms");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Events/s through the real service (EOS, commit 100 ms): printed, never asserted. */
    private void measureThroughput() {
        int clients = 500;
        int invoices = 10;
        Instant start = Instant.now().minus(Duration.ofDays(5));
        long began = System.nanoTime();
        try (KafkaProducer<String, InvoiceEvent> producer = KafkaTestClients.producer(new StringSerializer(),
                Topics.INVOICE_EVENTS.valueSerde().serializer())) {
            for (int i = 0; i < invoices; i++) {
                for (int c = 0; c < clients; c++) {
                    String client = "p" + c;
                    String k = ClientKey.of("t-perf", client);
                    Instant issuedAt = start.plusSeconds(i * 60L + c);
                    producer.send(new ProducerRecord<>(Topics.INVOICE_EVENTS.name(), k,
                            Events.issued("t-perf", client, "i" + i, issuedAt, 30, 100_00)));
                    producer.send(new ProducerRecord<>(Topics.INVOICE_EVENTS.name(), k,
                            Events.paid("t-perf", client, "i" + i, issuedAt.plusSeconds(30), 100_00)));
                }
            }
            producer.flush();
        }
        int events = clients * invoices * 2;
        List<ConsumerRecord<String, io.paywatch.contract.ClientProfile>> profiles = KafkaTestClients.readUntil(
                Topics.CLIENT_PROFILES.name(), new StringDeserializer(),
                Topics.CLIENT_PROFILES.valueSerde().deserializer(), Duration.ofSeconds(180),
                // Distinct clients: a client's profile can be emitted again with the same figures (its settlements
                // reach the drift detector once the watermark passes them).
                read -> read.stream().filter(r -> r.key().startsWith("t-perf|")
                        && r.value().getPayments().getPaidInvoices() == invoices).map(ConsumerRecord::key)
                        .distinct().count() == clients);
        double seconds = (System.nanoTime() - began) / 1e9;
        System.out.printf("[throughput] broker, exactly_once_v2, 1 thread, 3 partitions: %d events over %d clients"
                + " processed in %.1f s = %.0f events/s (%d profiles read; cold JVM; load average %.1f on %d cores)%n",
                events, clients, seconds, events / seconds, profiles.size(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors());
    }

    @Test
    void overdueInvoiceOnTheInputTopicBecomesAnAlertUnderExactlyOnce() {
        await().atMost(Duration.ofSeconds(60)).until(() -> streams.state() == KafkaStreams.State.RUNNING);
        assertThat(streams.toString()).isNotNull();

        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String key = ClientKey.of("t-it", "c-it");
        try (KafkaProducer<String, InvoiceEvent> producer = KafkaTestClients.producer(new StringSerializer(),
                Topics.INVOICE_EVENTS.valueSerde().serializer())) {
            // Post-dated by 20 hours (the ingestion API accepts up to a day ahead): its changelog records carry
            // that event time, which Kafka 4's default one-hour limit would reject and so stop the stream thread.
            producer.send(new ProducerRecord<>(Topics.INVOICE_EVENTS.name(), ClientKey.of("t-it", "c-postdated"),
                    Events.issued("t-it", "c-postdated", "inv-postdated", now.plus(Duration.ofHours(20)), 30, 10_00)));
            // Issued 50 days ago on 30-day terms: 20 days past due, beyond the 3-day grace.
            producer.send(new ProducerRecord<>(Topics.INVOICE_EVENTS.name(), key,
                    Events.issued("t-it", "c-it", "inv-late", now.minus(Duration.ofDays(50)), 30, 250_00)));
            // Issued yesterday: not due, must not alert.
            producer.send(new ProducerRecord<>(Topics.INVOICE_EVENTS.name(), key,
                    Events.issued("t-it", "c-it", "inv-fresh", now.minus(Duration.ofDays(1)), 30, 90_00)));
            producer.flush();
        }
        byte[] garbage = "definitely not avro".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (KafkaProducer<String, byte[]> raw = KafkaTestClients.producer(new StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(Topics.INVOICE_EVENTS.name(), key, garbage));
            raw.flush();
        }

        // The broker is shared by the module's test classes: read this test's client only.
        List<ConsumerRecord<String, PaymentAlert>> read = KafkaTestClients.readUntil(Topics.PAYMENT_ALERTS.name(),
                new StringDeserializer(), Topics.PAYMENT_ALERTS.valueSerde().deserializer(), Duration.ofSeconds(60),
                all -> all.stream().anyMatch(r -> r.key().equals(key))).stream()
                .filter(r -> r.key().startsWith("t-it|")).toList();
        PaymentAlert alert = read.get(0).value();
        assertThat(read.get(0).key()).isEqualTo(key);
        assertThat(alert.getType()).isEqualTo(AlertType.INVOICE_OVERDUE);
        assertThat(alert.getInvoiceIds()).containsExactly("inv-late");
        assertThat(alert.getFacts()).containsEntry(AlertFacts.DAYS_PAST_DUE, "4")
                .containsEntry(ExtraFacts.OUTSTANDING_MINOR, "25000");
        TopologyFixture.assertCarriesRequiredFacts(alert);
        assertThat(read).allSatisfy(r -> assertThat(r.value().getInvoiceIds()).doesNotContain("inv-fresh"));

        List<ConsumerRecord<String, io.paywatch.contract.DeadLetter>> letters = KafkaTestClients.readAtLeast(
                Topics.DEAD_LETTERS.name(), new StringDeserializer(), Topics.DEAD_LETTERS.valueSerde().deserializer(),
                1, Duration.ofSeconds(60));
        assertThat(letters.get(0).value().getValue().array()).isEqualTo(garbage);
        assertThat(letters.get(0).key()).startsWith("invoice-events/");
        assertThat(letters.get(0).value().getReason()).contains("not Avro");

        measureThroughput();

        // Details (which indicators, their state) only for a tenant key or the ops token (issue #12).
        assertThat(http.toBlocking().retrieve("/health")).isEqualTo("{\"status\":\"UP\"}");
        String health = http.toBlocking().retrieve(io.micronaut.http.HttpRequest.GET("/health")
                .bearerAuth("ops-token-of-the-integration-test"));
        assertThat(health).contains("\"status\":\"UP\"").contains("kafkaStreams");
        String metrics = http.toBlocking().retrieve("/prometheus");
        assertThat(metrics).contains("paywatch_alerts_raised_total{type=\"INVOICE_OVERDUE\"")
                .contains("kafka_stream");
    }
}
