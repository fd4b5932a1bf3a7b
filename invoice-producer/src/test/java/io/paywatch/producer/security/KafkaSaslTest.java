package io.paywatch.producer.security;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.InvoiceIssued;
import io.paywatch.producer.RawHttp;
import io.paywatch.producer.TestSupport;
import io.paywatch.schemas.Topics;
import io.paywatch.testkit.EmbeddedKafkaBroker;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The service against a broker whose listener is SASL_PLAINTEXT with the PLAIN mechanism (its own broker, started
 * once for this class): with the right password from {@code kafka.security.protocol} / {@code kafka.sasl.*} the
 * topic bootstrap, the transactional publisher, the settings follower and the health check all connect and an
 * event posted to the API is read back by a SASL consumer; with a wrong password the service refuses to start
 * and says Kafka refused its credentials (never printing the password).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaSaslTest {

    EmbeddedKafkaBroker broker;

    @BeforeAll
    void startSaslBroker() {
        broker = EmbeddedKafkaBroker.startSaslPlain();
    }

    @AfterAll
    void stopSaslBroker() {
        broker.close();
    }

    Map<String, Object> properties(String password) {
        Map<String, Object> p = new HashMap<>(TestSupport.properties());
        p.put("kafka.bootstrap.servers", broker.bootstrapServers());
        EmbeddedKafkaBroker.saslClientConfig(password).forEach((k, v) -> p.put("kafka." + k, v));
        return p;
    }

    @Test
    void publishesAndReadsThroughSaslPlain() {
        try (ApplicationContext context = ApplicationContext.run(properties(EmbeddedKafkaBroker.SASL_PASSWORD))) {
            EmbeddedServer server = context.getBean(EmbeddedServer.class).start();
            RawHttp http = new RawHttp(server.getURL().toString());
            String event = """
                    {"type":"InvoiceIssued","eventId":"sasl-1","clientId":"globex","invoiceId":"S-1",
                     "issuedAt":"2025-05-01T00:00:00Z","amount":{"amountMinor":4200,"currency":"EUR"}}""";
            HttpResponse<String> r = http.postJson("/v1/events", event, TestSupport.KEY);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            assertThat(readInvoiceEvents()).anySatisfy(rec -> {
                assertThat(rec.key()).isEqualTo("acme|globex");
                assertThat(((InvoiceIssued) rec.value().getPayload()).getInvoiceId()).isEqualTo("S-1");
            });
            // micronaut-kafka's health check reads the same kafka.* keys.
            HttpResponse<String> health = http.send("GET", "/health", null,
                    Map.of("Authorization", "Bearer " + TestSupport.OPS_TOKEN));
            assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
            assertThat(health.body()).contains("\"kafka\"");
        }
    }

    @Test
    void aWrongPasswordIsRefusedWithAClearError() {
        assertThatThrownBy(() -> ApplicationContext.run(properties("not-the-password")).close())
                .hasStackTraceContaining("Kafka refused this service's credentials (security.protocol=SASL_PLAINTEXT, "
                        + "sasl.mechanism=PLAIN)")
                .hasStackTraceContaining("Authentication failed")
                .satisfies(e -> assertThat(PlaceholderSecretsTest.stackTrace(e)).doesNotContain("not-the-password"));
    }

    List<ConsumerRecord<String, InvoiceEvent>> readInvoiceEvents() {
        Map<String, Object> config = new HashMap<>(EmbeddedKafkaBroker.saslClientConfig(EmbeddedKafkaBroker.SASL_PASSWORD));
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<String, InvoiceEvent>> read = new ArrayList<>();
        try (KafkaConsumer<String, InvoiceEvent> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                Topics.INVOICE_EVENTS.valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.INVOICE_EVENTS.name()).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
                return !read.isEmpty();
            });
        }
        return read;
    }
}
