package io.paywatch.producer.security;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.InvoiceIssued;
import io.paywatch.producer.RawHttp;
import io.paywatch.producer.TestSupport;
import io.paywatch.schemas.Topics;
import io.paywatch.producer.webhook.Hmac;
import io.paywatch.testkit.EmbeddedKafkaBroker;
import io.paywatch.testkit.LogCapture;
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
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
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
 * and says Kafka refused its credentials (never printing the password). The first run is also the check that no
 * secret reaches the logs.
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

    /**
     * Also the no-secrets-in-logs check of a full run: every log event from start to shutdown is captured, with
     * Paywatch's loggers and the Kafka/Micronaut configuration loggers at DEBUG, while the API, settings and all
     * three webhooks are used; no API key, ops token, webhook secret or SASL password may appear, and every
     * Paywatch log message stays on one line even when a request carries CR/LF.
     */
    @Test
    void publishesAndReadsThroughSaslPlain() {
        Map<String, Object> properties = properties(EmbeddedKafkaBroker.SASL_PASSWORD);
        LogCapture logs = LogCapture.begin();
        try (logs; ApplicationContext context = ApplicationContext.run(properties)) {
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
            useEveryEndpoint(http);
        }
        List<String> secrets = new ArrayList<>(List.of(TestSupport.KEY, TestSupport.OTHER_KEY, TestSupport.DEMO_KEY,
                TestSupport.OPS_TOKEN, TestSupport.STRIPE_SECRET, TestSupport.QUICKBOOKS_TOKEN, TestSupport.XERO_KEY,
                EmbeddedKafkaBroker.SASL_PASSWORD));
        properties.forEach((k, v) -> {
            if (k.endsWith("-secret") || k.endsWith("-token") || k.endsWith("webhook-key")) {
                secrets.add(String.valueOf(v));
            }
        });
        List<String> text = logs.text();
        assertThat(String.join("\n", text)).as("the capture saw the Kafka client configuration")
                .contains("sasl.jaas.config = [hidden]").contains("Stripe webhook for");
        for (String secret : secrets) {
            assertThat(text).as("log lines containing a secret").noneMatch(line -> line.contains(secret));
        }
        assertThat(logs.messages("io.paywatch")).as("Paywatch log messages are one line each")
                .noneMatch(m -> m.contains("\n") || m.contains("\r"));
        assertThat(logs.messages("io.paywatch")).anyMatch(m -> m.contains("evil\\r\\nALERT forged"));
    }

    /** Settings, the three webhooks (valid and forged), and a tenant path carrying CR/LF. */
    private static void useEveryEndpoint(RawHttp http) {
        assertThat(http.send("PUT", "/v1/settings", "{\"notificationEmail\":\"me@example.com\"}"
                .getBytes(StandardCharsets.UTF_8), Map.of("Content-Type", "application/json",
                "Authorization", "Bearer " + TestSupport.KEY)).statusCode()).isEqualTo(202);
        String stripe = "{\"id\":\"evt_log\",\"type\":\"customer.created\",\"data\":{\"object\":{\"id\":\"c\"}}}";
        long t = TestSupport.NOW.getEpochSecond();
        String sig = "t=" + t + ",v1=" + HexFormat.of().formatHex(Hmac.sha256(TestSupport.STRIPE_SECRET,
                (t + "." + stripe).getBytes(StandardCharsets.UTF_8)));
        Map<String, String> json = Map.of("Content-Type", "application/json");
        for (String tenant : List.of("acme", "other", "evil%0D%0AALERT%20forged")) {
            http.send("POST", "/v1/webhooks/stripe/" + tenant, stripe.getBytes(StandardCharsets.UTF_8),
                    with(json, "Stripe-Signature", sig));
        }
        String qb = "{\"eventNotifications\":[{\"realmId\":\"1\",\"dataChangeEvent\":{\"entities\":[{\"name\":"
                + "\"Invoice\",\"id\":\"7\",\"operation\":\"Update\",\"lastUpdated\":\"2025-06-02T11:00:00Z\"}]}}]}";
        http.send("POST", "/v1/webhooks/quickbooks/acme", qb.getBytes(StandardCharsets.UTF_8),
                with(json, "intuit-signature", RouteIsolationTest.base64Hmac(TestSupport.QUICKBOOKS_TOKEN, qb)));
        String xero = "{\"events\":[{\"resourceId\":\"r\",\"eventCategory\":\"INVOICE\",\"eventType\":\"UPDATE\","
                + "\"eventDateUtc\":\"2025-06-02T11:00:00\"}]}";
        http.send("POST", "/v1/webhooks/xero/acme", xero.getBytes(StandardCharsets.UTF_8),
                with(json, "x-xero-signature", RouteIsolationTest.base64Hmac(TestSupport.XERO_KEY, xero)));
        http.send("POST", "/v1/webhooks/xero/acme", xero.getBytes(StandardCharsets.UTF_8),
                with(json, "x-xero-signature", "forged"));
    }

    private static Map<String, String> with(Map<String, String> headers, String name, String value) {
        Map<String, String> out = new HashMap<>(headers);
        out.put(name, value);
        return out;
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
