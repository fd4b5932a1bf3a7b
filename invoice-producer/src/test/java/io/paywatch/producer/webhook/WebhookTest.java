package io.paywatch.producer.webhook;

import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.InvoiceIssued;
import io.paywatch.contract.InvoiceVoided;
import io.paywatch.contract.PaymentReceived;
import io.paywatch.contract.SourceSystem;
import io.paywatch.contract.VoidReason;
import io.paywatch.producer.RawHttp;
import io.paywatch.producer.TestSupport;
import io.paywatch.schemas.Topics;
import io.paywatch.testkit.KafkaBrokerExtension;
import io.paywatch.testkit.KafkaTestClients;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static io.paywatch.producer.TestSupport.NOW;
import static org.assertj.core.api.Assertions.assertThat;

/** Stripe, QuickBooks and Xero webhooks: signatures verified against known secrets, with a pinned clock. */
@ExtendWith(KafkaBrokerExtension.class)
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookTest implements TestPropertyProvider {

    @Inject
    EmbeddedServer server;

    RawHttp http;

    @Override
    public Map<String, String> getProperties() {
        return TestSupport.properties();
    }

    @BeforeAll
    void client() {
        http = new RawHttp(server.getURL().toString());
    }

    static final long ISSUED = Instant.parse("2025-05-01T10:00:00Z").getEpochSecond();
    static final long DUE = Instant.parse("2025-05-31T10:00:00Z").getEpochSecond();
    static final long PAID = Instant.parse("2025-05-28T15:30:00Z").getEpochSecond();

    static String stripeEvent(String eventId, String type, String invoiceId, String dueDate, String extraTransitions) {
        return """
                {"id":"%s","object":"event","api_version":"2024-06-20","created":%d,"type":"%s",
                 "data":{"object":{"id":"%s","object":"invoice","customer":"cus_42","customer_name":"Globex",
                   "currency":"eur","amount_due":50000,"amount_paid":50000,"amount_remaining":0,"created":%d,
                   "due_date":%s,"status":"paid","some_future_field":{"nested":true},
                   "status_transitions":{"finalized_at":%d%s}}}}"""
                .formatted(eventId, NOW.getEpochSecond() - 60, type, invoiceId, ISSUED - 100, dueDate, ISSUED,
                        extraTransitions);
    }

    static String stripeSignature(long t, String body, String secret) {
        byte[] mac = Hmac.sha256(secret, (t + "." + body).getBytes(StandardCharsets.UTF_8));
        return "t=" + t + ",v1=" + HexFormat.of().formatHex(mac);
    }

    HttpResponse<String> postStripe(String tenant, String body, String signature) {
        return http.send("POST", "/v1/webhooks/stripe/" + tenant, body.getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json; charset=utf-8", "Stripe-Signature", signature));
    }

    List<ConsumerRecord<String, InvoiceEvent>> readUntilEventId(String eventId) {
        return KafkaTestClients.readUntil(Topics.INVOICE_EVENTS.name(), new StringDeserializer(),
                Topics.INVOICE_EVENTS.valueSerde().deserializer(), Duration.ofSeconds(30),
                read -> read.stream().anyMatch(r -> eventId.equals(id(r.value()))));
    }

    static String id(InvoiceEvent e) {
        return (String) ((org.apache.avro.specific.SpecificRecord) e.getPayload()).get(0);
    }

    @Test
    void signedFinalizedInvoiceLandsAsInvoiceIssued() {
        String body = stripeEvent("evt_fin_1", "invoice.finalized", "in_1", Long.toString(DUE), "");
        HttpResponse<String> r = postStripe("acme", body, stripeSignature(NOW.getEpochSecond() - 10, body,
                TestSupport.STRIPE_SECRET));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("stripe:in_1:issued");

        ConsumerRecord<String, InvoiceEvent> rec = readUntilEventId("stripe:in_1:issued").stream()
                .filter(x -> id(x.value()).equals("stripe:in_1:issued")).findFirst().orElseThrow();
        assertThat(rec.key()).isEqualTo("acme|cus_42");
        InvoiceIssued issued = (InvoiceIssued) rec.value().getPayload();
        assertThat(issued.getIssuedAt()).isEqualTo(Instant.ofEpochSecond(ISSUED));
        assertThat(issued.getDueAt()).isEqualTo(Instant.ofEpochSecond(DUE));
        assertThat(issued.getAmount().getAmountMinor()).isEqualTo(50000L);
        assertThat(issued.getAmount().getCurrency()).isEqualTo("EUR");
        assertThat(issued.getClientName()).isEqualTo("Globex");
        assertThat(issued.getSource()).isEqualTo(SourceSystem.STRIPE);
    }

    @Test
    void finalizedWithoutDueDateUsesTenantTerms() {
        String body = stripeEvent("evt_fin_2", "invoice.finalized", "in_2", "null", "");
        assertThat(postStripe("acme", body, stripeSignature(NOW.getEpochSecond(), body, TestSupport.STRIPE_SECRET))
                .statusCode()).isEqualTo(200);
        InvoiceIssued issued = readUntilEventId("stripe:in_2:issued").stream().map(ConsumerRecord::value)
                .filter(v -> id(v).equals("stripe:in_2:issued")).map(v -> (InvoiceIssued) v.getPayload())
                .findFirst().orElseThrow();
        assertThat(issued.getDueAt()).isEqualTo(Instant.ofEpochSecond(ISSUED).plus(Duration.ofDays(14)));
        assertThat(issued.getPaymentTermsDays()).isEqualTo(14);
    }

    @Test
    void paidInvoiceYieldsIssuedThenPaymentAtPaidAt() {
        String body = stripeEvent("evt_paid_3", "invoice.paid", "in_3", Long.toString(DUE), ",\"paid_at\":" + PAID);
        // Several v1 entries (secret roll-over): one matching is enough.
        String sig = stripeSignature(NOW.getEpochSecond(), body, TestSupport.STRIPE_SECRET);
        sig = sig.replace(",v1=", ",v1=" + "0".repeat(64) + ",v1=");
        HttpResponse<String> r = postStripe("acme", body, sig);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);

        List<Object> payloads = readUntilEventId("stripe:evt_paid_3").stream()
                .filter(x -> x.key().equals("acme|cus_42")).map(x -> x.value().getPayload())
                .filter(p -> ((org.apache.avro.specific.SpecificRecord) p).get(0).toString().contains("3")).toList();
        assertThat(payloads).hasSize(2);
        assertThat(payloads.get(0)).isInstanceOf(InvoiceIssued.class);
        PaymentReceived paid = (PaymentReceived) payloads.get(1);
        assertThat(paid.getEventId()).isEqualTo("stripe:evt_paid_3");
        assertThat(paid.getPaidAt()).isEqualTo(Instant.ofEpochSecond(PAID));
        assertThat(paid.getAmount().getAmountMinor()).isEqualTo(50000L);
        assertThat(paid.getInvoiceId()).isEqualTo("in_3");
    }

    @Test
    void markedUncollectibleIsAWriteOff() {
        String body = stripeEvent("evt_unc_4", "invoice.marked_uncollectible", "in_4", Long.toString(DUE),
                ",\"marked_uncollectible_at\":" + PAID);
        assertThat(postStripe("acme", body, stripeSignature(NOW.getEpochSecond(), body, TestSupport.STRIPE_SECRET))
                .statusCode()).isEqualTo(200);
        InvoiceVoided voided = readUntilEventId("stripe:evt_unc_4").stream().map(ConsumerRecord::value)
                .filter(v -> id(v).equals("stripe:evt_unc_4")).map(v -> (InvoiceVoided) v.getPayload())
                .findFirst().orElseThrow();
        assertThat(voided.getReason()).isEqualTo(VoidReason.WRITTEN_OFF);
        assertThat(voided.getVoidedAt()).isEqualTo(Instant.ofEpochSecond(PAID));
    }

    @Test
    void tamperedPayloadIsRejectedAndNotPublished() {
        String body = stripeEvent("evt_tamper", "invoice.finalized", "in_t", Long.toString(DUE), "");
        String sig = stripeSignature(NOW.getEpochSecond(), body, TestSupport.STRIPE_SECRET);
        HttpResponse<String> r = postStripe("acme", body.replace("50000", "5"), sig);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("Stripe-Signature").contains("no v1 signature matches");
        // Signed with the wrong secret: rejected too.
        assertThat(postStripe("acme", body, stripeSignature(NOW.getEpochSecond(), body, "whsec_other"))
                .statusCode()).isEqualTo(400);
    }

    @Test
    void staleTimestampIsRejectedAsAReplay() {
        String body = stripeEvent("evt_stale", "invoice.finalized", "in_s", Long.toString(DUE), "");
        HttpResponse<String> r = postStripe("acme", body,
                stripeSignature(NOW.getEpochSecond() - 301, body, TestSupport.STRIPE_SECRET));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("301 s old");
        // Just inside the tolerance is fine.
        assertThat(postStripe("acme", body, stripeSignature(NOW.getEpochSecond() - 299, body,
                TestSupport.STRIPE_SECRET)).statusCode()).isEqualTo(200);
    }

    @Test
    void ignoredStripeTypesGet200() {
        String body = "{\"id\":\"evt_c\",\"type\":\"customer.created\",\"data\":{\"object\":{\"id\":\"cus_1\"}}}";
        HttpResponse<String> r = postStripe("acme", body, stripeSignature(NOW.getEpochSecond(), body,
                TestSupport.STRIPE_SECRET));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"ignored\":\"event type customer.created is not used\"");
    }

    @Test
    void tenantWithoutStripeSecretIs404() {
        String body = "{}";
        assertThat(postStripe("other", body, stripeSignature(NOW.getEpochSecond(), body, "x")).statusCode())
                .isEqualTo(404);
    }

    static String base64Hmac(String key, String body) {
        return Base64.getEncoder().encodeToString(Hmac.sha256(key, body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void quickBooksSignatureIsVerifiedAndIdsReported() {
        String body = """
                {"eventNotifications":[{"realmId":"1185883450","dataChangeEvent":{"entities":[
                  {"name":"Invoice","id":"130","operation":"Emailed","lastUpdated":"2025-06-01T10:00:00.000Z"},
                  {"name":"Payment","id":"131","operation":"Create","lastUpdated":"2025-06-01T10:00:00.000Z"}]}}]}""";
        HttpResponse<String> ok = http.send("POST", "/v1/webhooks/quickbooks/acme",
                body.getBytes(StandardCharsets.UTF_8), Map.of("Content-Type", "application/json",
                        "intuit-signature", base64Hmac(TestSupport.QUICKBOOKS_TOKEN, body)));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(ok.body()).contains("\"notifications\":2", "\"operation\":\"Emailed\"");
        HttpResponse<String> bad = http.send("POST", "/v1/webhooks/quickbooks/acme",
                body.getBytes(StandardCharsets.UTF_8), Map.of("Content-Type", "application/json",
                        "intuit-signature", base64Hmac("wrong-token", body)));
        assertThat(bad.statusCode()).isEqualTo(401);
    }

    @Test
    void xeroIntentToReceiveGets200ForValidAnd401ForInvalidSignature() {
        String body = "{\"events\":[],\"firstEventSequence\":0,\"lastEventSequence\":0,\"entropy\":\"S0MEENTROPY\"}";
        HttpResponse<String> ok = http.send("POST", "/v1/webhooks/xero/acme", body.getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json", "x-xero-signature", base64Hmac(TestSupport.XERO_KEY, body)));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEmpty();
        HttpResponse<String> bad = http.send("POST", "/v1/webhooks/xero/acme", body.getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json", "x-xero-signature", base64Hmac("nope", body)));
        assertThat(bad.statusCode()).isEqualTo(401);
        assertThat(bad.body()).isEmpty();
    }
}
