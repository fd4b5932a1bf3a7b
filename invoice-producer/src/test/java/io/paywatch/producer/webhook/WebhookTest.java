package io.paywatch.producer.webhook;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.InvoiceIssued;
import io.paywatch.contract.InvoiceVoided;
import io.paywatch.contract.PaymentReceived;
import io.paywatch.contract.SourceSystem;
import io.paywatch.contract.VoidReason;
import io.paywatch.producer.RunningServiceTest;
import io.paywatch.producer.TestSupport;
import io.paywatch.schemas.Topics;
import io.paywatch.testkit.KafkaTestClients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

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
@MicronautTest
class WebhookTest extends RunningServiceTest {

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
        // 401 (was 400 before issue #12): an unverifiable request is unauthenticated, like a bad API key.
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("Stripe-Signature").contains("no v1 signature matches");
        // Signed with the wrong secret: rejected too.
        assertThat(postStripe("acme", body, stripeSignature(NOW.getEpochSecond(), body, "whsec_other"))
                .statusCode()).isEqualTo(401);
        // The signed timestamp altered to look fresh: the signature no longer matches.
        String stale = stripeSignature(NOW.getEpochSecond() - 600, body, TestSupport.STRIPE_SECRET);
        assertThat(postStripe("acme", body, stale.replace("t=" + (NOW.getEpochSecond() - 600),
                "t=" + NOW.getEpochSecond())).statusCode()).isEqualTo(401);
    }

    @Test
    void staleTimestampIsRejectedAsAReplay() {
        String body = stripeEvent("evt_stale", "invoice.finalized", "in_s", Long.toString(DUE), "");
        HttpResponse<String> r = postStripe("acme", body,
                stripeSignature(NOW.getEpochSecond() - 301, body, TestSupport.STRIPE_SECRET));
        assertThat(r.statusCode()).isEqualTo(401);
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

    /**
     * A tenant without a secret (or no tenant at all) is answered exactly like a tenant with one and a wrong
     * signature (401 before issue #12 made it so; it was 404), so the webhooks do not reveal which tenants exist.
     */
    @Test
    void tenantWithoutSecretIsAnsweredLikeABadSignature() {
        String body = stripeEvent("evt_probe", "invoice.finalized", "in_p", Long.toString(DUE), "");
        String sig = stripeSignature(NOW.getEpochSecond(), body, "whsec_guess");
        HttpResponse<String> withSecret = postStripe("acme", body, sig);
        for (String tenant : List.of("other", "no-such-tenant")) {
            HttpResponse<String> r = postStripe(tenant, body, sig);
            assertThat(r.statusCode()).isEqualTo(401).isEqualTo(withSecret.statusCode());
            assertThat(r.body()).isEqualTo(withSecret.body());
        }
        String qb = quickBooksBody("2025-06-02T11:00:00.000Z");
        HttpResponse<String> qbWithSecret = postQuickBooks("acme", qb, base64Hmac("wrong-token", qb));
        HttpResponse<String> xeroWithSecret = postXero("acme", XERO_INTENT, base64Hmac("nope", XERO_INTENT));
        for (String tenant : List.of("other", "no-such-tenant")) {
            HttpResponse<String> r = postQuickBooks(tenant, qb, base64Hmac("wrong-token", qb));
            assertThat(r.statusCode()).isEqualTo(401).isEqualTo(qbWithSecret.statusCode());
            assertThat(r.body()).isEqualTo(qbWithSecret.body());
            HttpResponse<String> x = postXero(tenant, XERO_INTENT, base64Hmac("nope", XERO_INTENT));
            assertThat(x.statusCode()).isEqualTo(401).isEqualTo(xeroWithSecret.statusCode());
            assertThat(x.body()).isEqualTo(xeroWithSecret.body()).isEmpty();
        }
    }

    static final String XERO_INTENT =
            "{\"events\":[],\"firstEventSequence\":0,\"lastEventSequence\":0,\"entropy\":\"S0MEENTROPY\"}";

    static String quickBooksBody(String lastUpdated) {
        return """
                {"eventNotifications":[{"realmId":"1185883450","dataChangeEvent":{"entities":[
                  {"name":"Invoice","id":"140","operation":"Update","lastUpdated":"%s"}]}}]}""".formatted(lastUpdated);
    }

    static String xeroBody(String eventDateUtc) {
        return """
                {"events":[{"resourceUrl":"https://api.xero.com/api.xro/2.0/Invoices/r-9","resourceId":"r-9",
                  "eventDateUtc":"%s","eventType":"UPDATE","eventCategory":"INVOICE","tenantId":"t-1",
                  "tenantType":"ORGANISATION"}],"firstEventSequence":1,"lastEventSequence":1,"entropy":"E"}"""
                .formatted(eventDateUtc);
    }

    HttpResponse<String> postQuickBooks(String tenant, String body, String signature) {
        return http.send("POST", "/v1/webhooks/quickbooks/" + tenant, body.getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json", "intuit-signature", signature));
    }

    HttpResponse<String> postXero(String tenant, String body, String signature) {
        return http.send("POST", "/v1/webhooks/xero/" + tenant, body.getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json", "x-xero-signature", signature));
    }

    @Test
    void quickBooksTamperedOrReplayedAfterTheWindowIs401() {
        // NOW is 2025-06-02T12:00Z; the window is 3 h.
        String fresh = quickBooksBody("2025-06-02T09:00:01.000Z");
        assertThat(postQuickBooks("acme", fresh, base64Hmac(TestSupport.QUICKBOOKS_TOKEN, fresh)).statusCode())
                .isEqualTo(200);
        HttpResponse<String> tampered = postQuickBooks("acme", fresh.replace("\"140\"", "\"141\""),
                base64Hmac(TestSupport.QUICKBOOKS_TOKEN, fresh));
        assertThat(tampered.statusCode()).isEqualTo(401);
        String old = quickBooksBody("2025-06-02T08:59:59.000Z");
        HttpResponse<String> replayed = postQuickBooks("acme", old, base64Hmac(TestSupport.QUICKBOOKS_TOKEN, old));
        assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(401);
        assertThat(replayed.body()).contains("replay window").contains("10801 s old");
        String undated = quickBooksBody("x").replace(",\"lastUpdated\":\"x\"", "");
        assertThat(postQuickBooks("acme", undated, base64Hmac(TestSupport.QUICKBOOKS_TOKEN, undated)).statusCode())
                .isEqualTo(401);
    }

    @Test
    void xeroTamperedOrReplayedAfterTheWindowIs401() {
        // Xero's eventDateUtc carries no offset and is UTC; the window is 25 h.
        String fresh = xeroBody("2025-06-01T11:00:01.000");
        assertThat(postXero("acme", fresh, base64Hmac(TestSupport.XERO_KEY, fresh)).statusCode()).isEqualTo(200);
        HttpResponse<String> tampered = postXero("acme", fresh.replace("r-9\"", "r-8\""),
                base64Hmac(TestSupport.XERO_KEY, fresh));
        assertThat(tampered.statusCode()).isEqualTo(401);
        assertThat(tampered.body()).isEmpty();
        String old = xeroBody("2025-06-01T10:59:59.000");
        HttpResponse<String> replayed = postXero("acme", old, base64Hmac(TestSupport.XERO_KEY, old));
        assertThat(replayed.statusCode()).isEqualTo(401);
        assertThat(replayed.body()).isEmpty();
    }

    static String base64Hmac(String key, String body) {
        return Base64.getEncoder().encodeToString(Hmac.sha256(key, body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void quickBooksSignatureIsVerifiedAndIdsReported() {
        String body = """
                {"eventNotifications":[{"realmId":"1185883450","dataChangeEvent":{"entities":[
                  {"name":"Invoice","id":"130","operation":"Emailed","lastUpdated":"2025-06-02T11:00:00.000Z"},
                  {"name":"Payment","id":"131","operation":"Create","lastUpdated":"2025-06-02T11:00:00.000Z"}]}}]}""";
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
