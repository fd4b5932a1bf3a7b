package io.paywatch.producer;

import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.MessageEvent;
import io.paywatch.producer.auth.ApiKeyHash;
import io.paywatch.schemas.Topics;
import io.paywatch.testkit.KafkaTestClients;
import io.paywatch.testkit.SharedKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Shared test configuration: two tenants with known keys, a pinned clock and the shared broker. */
public final class TestSupport {

    /** The pinned "now" of every test context. */
    public static final Instant NOW = Instant.parse("2025-06-02T12:00:00Z");
    public static final String TENANT = "acme";
    public static final String KEY = "acme-test-key";
    public static final String OTHER_TENANT = "other";
    public static final String OTHER_KEY = "other-test-key";
    public static final String STRIPE_SECRET = "whsec_test_secret";
    public static final String QUICKBOOKS_TOKEN = "qb-verifier-token";
    public static final String XERO_KEY = "xero-webhook-key";
    /** The demo tenant's key in tests (application.yml's own demo secrets are placeholders). */
    public static final String DEMO_KEY = "demo-test-key-" + UUID.randomUUID();
    /** The ops token that shows /health details. */
    public static final String OPS_TOKEN = "ops-test-token-" + UUID.randomUUID();

    private TestSupport() {
    }

    /** Properties for a context against the shared broker. */
    public static Map<String, String> properties() {
        Map<String, String> p = new HashMap<>();
        p.put("kafka.bootstrap.servers", SharedKafka.bootstrapServers());
        p.put("paywatch.topics.partitions", "3");
        p.put("micronaut.server.port", "-1");
        // Distinct per context so that contexts of different test classes never fence each other.
        p.put("paywatch.producer.transactional-id-prefix", "test-" + UUID.randomUUID());
        p.put("paywatch.test.fixed-clock", NOW.toString());
        p.put("paywatch.tenants.acme.api-key-sha256", ApiKeyHash.of(KEY));
        p.put("paywatch.tenants.acme.default-terms-days", "14");
        p.put("paywatch.tenants.acme.stripe-endpoint-secret", STRIPE_SECRET);
        p.put("paywatch.tenants.acme.quickbooks-verifier-token", QUICKBOOKS_TOKEN);
        p.put("paywatch.tenants.acme.xero-webhook-key", XERO_KEY);
        p.put("paywatch.tenants.other.api-key-sha256", ApiKeyHash.of(OTHER_KEY));
        // application.yml's demo tenant carries placeholder secrets, which the service refuses at start-up
        // (PlaceholderSecretsCheck): tests give it secrets of their own instead of allowing placeholders.
        p.put("paywatch.tenants.demo.api-key-sha256", ApiKeyHash.of(DEMO_KEY));
        p.put("paywatch.tenants.demo.stripe-endpoint-secret", "whsec_" + UUID.randomUUID());
        p.put("paywatch.tenants.demo.quickbooks-verifier-token", UUID.randomUUID().toString());
        p.put("paywatch.tenants.demo.xero-webhook-key", UUID.randomUUID().toString());
        p.put("paywatch.security.ops-token-sha256", ApiKeyHash.of(OPS_TOKEN));
        return p;
    }

    /** Reads invoice-events until {@code count} records arrived. */
    public static List<ConsumerRecord<String, InvoiceEvent>> invoiceEvents(int count) {
        return KafkaTestClients.readAtLeast(Topics.INVOICE_EVENTS.name(), new StringDeserializer(),
                Topics.INVOICE_EVENTS.valueSerde().deserializer(), count, Duration.ofSeconds(30));
    }

    /** Reads message-events until {@code count} records arrived. */
    public static List<ConsumerRecord<String, MessageEvent>> messageEvents(int count) {
        return KafkaTestClients.readAtLeast(Topics.MESSAGE_EVENTS.name(), new StringDeserializer(),
                Topics.MESSAGE_EVENTS.valueSerde().deserializer(), count, Duration.ofSeconds(30));
    }
}
