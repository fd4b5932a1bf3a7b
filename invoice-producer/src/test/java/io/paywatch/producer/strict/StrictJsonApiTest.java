package io.paywatch.producer.strict;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.paywatch.contract.InvoiceIssued;
import io.paywatch.producer.RunningServiceTest;
import io.paywatch.producer.TestSupport;
import io.paywatch.producer.webhook.Hmac;
import io.paywatch.schemas.Topics;
import io.paywatch.testkit.KafkaTestClients;
import jakarta.inject.Inject;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static io.paywatch.producer.TestSupport.KEY;
import static io.paywatch.producer.TestSupport.NOW;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11 §5, one test per example seen at the API, with the right answer: nothing coerced, nothing wrapped,
 * nothing truncated, and every refusal a problem+json naming the JSON pointer of the field and a reason that
 * never leaks a Java class name.
 */
@MicronautTest
class StrictJsonApiTest extends RunningServiceTest {

    /** What a leaked Java name looks like: a package path, a class-like suffix or one of our record names. */
    static final Pattern JAVA_NAME = Pattern.compile(
            "(java|javax|io\\.micronaut|io\\.paywatch|com\\.fasterxml)\\.|Exception|MoneyJson|EventJson|SettingsJson"
                    + "|JsonNode|\\bLong\\b|\\bInteger\\b|`");

    @Inject
    JsonMapper mapper;

    static String invoice(String eventId, String amountMinorJson) {
        return """
                {"type":"InvoiceIssued","eventId":%s,"clientId":"c-strict","invoiceId":"inv-strict",
                 "issuedAt":"2025-05-01T00:00:00Z","dueAt":"2025-05-31T00:00:00Z",
                 "amount":{"amountMinor":%s,"currency":"EUR"}}""".formatted(eventId, amountMinorJson);
    }

    /** Status, media type and no Java names checked; returns the violations as pointer -> reason. */
    Map<String, String> problem(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("application/problem+json"));
        assertThat(r.body()).as("no Java names in the answer").doesNotContainPattern(JAVA_NAME);
        Map<String, Object> doc;
        try {
            doc = mapper.readValue(r.body(), Argument.mapOf(String.class, Object.class));
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + r.body(), e);
        }
        assertThat(doc).containsEntry("status", status);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> list = (List<Map<String, Object>>) doc.getOrDefault("violations", List.of());
        Map<String, String> byPointer = new java.util.LinkedHashMap<>();
        list.forEach(v -> byPointer.merge(String.valueOf(v.get("pointer")), (String) v.get("reason"),
                (a, b) -> a + "; " + b));
        return byPointer;
    }

    Map<String, String> events(String body) {
        return problem(http.postJson("/v1/events", body, KEY), 400);
    }

    Map<String, String> settings(String body) {
        return problem(http.send("PUT", "/v1/settings", body.getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json", "Authorization", "Bearer " + KEY)), 400);
    }

    // ------------------------------------------------------------------ numbers

    @Test
    void aFractionIsNotMinorUnits() {
        assertThat(events(invoice("\"s-frac\"", "12.5")))
                .containsExactly(Map.entry("/amount/amountMinor",
                        "must be an integer written without fraction or exponent (minor units)"));
        assertThat(events(invoice("\"s-frac2\"", "12.0"))).containsOnlyKeys("/amount/amountMinor");
    }

    @Test
    void aNumberInAStringIsNotANumber() {
        assertThat(events(invoice("\"s-str\"", "\"1250\"")))
                .containsExactly(Map.entry("/amount/amountMinor", "must be an integer"));
    }

    @Test
    void anAmountBeyond64BitsIsRefusedNotWrapped() {
        // 2^64 + 100: wrapped to 64 bits this was stored as 100 (EUR 1.00).
        assertThat(events(invoice("\"s-wrap\"", "18446744073709551716")))
                .containsExactly(Map.entry("/amount/amountMinor",
                        "must be an integer between -9223372036854775808 and 9223372036854775807"));
        assertThat(events(invoice("\"s-wrap2\"", "9223372036854775808"))).containsOnlyKeys("/amount/amountMinor");
    }

    @Test
    void anExponentIsRefusedForWhatItIsNotForBeingZero() {
        Map<String, String> v = events(invoice("\"s-exp\"", "1e40"));
        assertThat(v).containsOnlyKeys("/amount/amountMinor");
        assertThat(v.get("/amount/amountMinor")).contains("integer").doesNotContain("greater than zero");
    }

    @Test
    void garbageInANumberFieldNamesTheFieldNotTheRoot() {
        HttpResponse<String> r = http.postJson("/v1/events", invoice("\"s-abc\"", "\"12abc\""), KEY);
        assertThat(problem(r, 400)).containsExactly(Map.entry("/amount/amountMinor", "must be an integer"));
        assertThat(r.body()).doesNotContain("MoneyJson").contains("\"field\":\"amount.amountMinor\"");
    }

    @Test
    void theLargestAmountIsAcceptedExactly() {
        String body = invoice("\"s-max\"", "9223372036854775807");
        assertThat(http.postJson("/v1/events", body, KEY).statusCode()).isEqualTo(202);
        InvoiceIssued issued = KafkaTestClients.readUntil(Topics.INVOICE_EVENTS.name(), new StringDeserializer(),
                        Topics.INVOICE_EVENTS.valueSerde().deserializer(), Duration.ofSeconds(30),
                        read -> read.stream().anyMatch(x -> x.value().getPayload() instanceof InvoiceIssued i
                                && i.getEventId().equals("s-max")))
                .stream().map(x -> x.value().getPayload()).filter(p -> p instanceof InvoiceIssued i
                        && i.getEventId().equals("s-max")).map(p -> (InvoiceIssued) p).findFirst().orElseThrow();
        assertThat(issued.getAmount().getAmountMinor()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void integersOfOtherFieldsAreStrictToo() {
        String base = invoice("\"s-terms\"", "100").replace("\"dueAt\":\"2025-05-31T00:00:00Z\",", "");
        assertThat(events(base.replace("\"issuedAt\"", "\"paymentTermsDays\":30.0,\"issuedAt\"")))
                .containsOnlyKeys("/paymentTermsDays");
        assertThat(events(base.replace("\"issuedAt\"", "\"paymentTermsDays\":4294967326,\"issuedAt\"")))
                .containsExactly(Map.entry("/paymentTermsDays", "must be an integer between -2147483648 and 2147483647"));
        assertThat(events(base.replace("\"issuedAt\"", "\"paymentTermsDays\":\"30\",\"issuedAt\"")))
                .containsExactly(Map.entry("/paymentTermsDays", "must be an integer"));
    }

    @Test
    void aNumberIsNotABoolean() {
        String msg = """
                {"type":"MessageSent","eventId":"s-bool","clientId":"c","threadId":"t","sentAt":"2025-05-01",
                 "expectsReply":1}""";
        assertThat(events(msg)).containsExactly(Map.entry("/expectsReply", "must be true or false"));
        assertThat(events(msg.replace("1}", "\"true\"}"))).containsOnlyKeys("/expectsReply");
    }

    // ------------------------------------------------------------------ strings, ids and names

    @Test
    void aNumberIsNotAnEventId() {
        assertThat(events(invoice("12345", "100"))).containsExactly(Map.entry("/eventId", "must be a string"));
    }

    @Test
    void lineBreaksAndEscapesInIdsAndNamesAreRefused() {
        for (String bad : List.of("a\\r\\nb", "a\\nINFO forged", "a\\u001b[31mred", "a\\u2028b", "a\\u202eb",
                "a\\u0000b", "a\\u0085b")) {
            String body = """
                    {"type":"InvoiceIssued","eventId":"e-%1$s","clientId":"c-%1$s","invoiceId":"i-%1$s",
                     "clientName":"n-%1$s","issuedAt":"2025-05-01T00:00:00Z","dueAt":"2025-05-31T00:00:00Z",
                     "amount":{"amountMinor":100,"currency":"EUR"}}""".formatted(bad);
            assertThat(events(body)).as(bad).containsOnlyKeys("/eventId", "/clientId", "/invoiceId", "/clientName");
        }
        // Ordinary non-ASCII names are fine: accents, CJK, emoji (a surrogate pair), a joiner.
        String ok = """
                {"type":"InvoiceIssued","eventId":"s-uni","clientId":"c-ü","invoiceId":"i-東京",
                 "clientName":"Zoë 🙂 Ltd \u200d","issuedAt":"2025-05-01T00:00:00Z","dueAt":"2025-05-31T00:00:00Z",
                 "amount":{"amountMinor":100,"currency":"EUR"}}""";
        assertThat(http.postJson("/v1/events", ok, KEY).statusCode()).isEqualTo(202);
    }

    @Test
    void aLoneSurrogateIsRefused() {
        assertThat(events(invoice("\"bad\\ud800\"", "100"))).containsOnlyKeys("/eventId");
    }

    // ------------------------------------------------------------------ shapes

    @Test
    void theNullLiteralIsA400OnEveryEndpoint() {
        assertThat(events("null")).containsOnlyKeys("");
        assertThat(settings("null")).containsOnlyKeys("");
        long t = NOW.getEpochSecond();
        String sig = "t=" + t + ",v1=" + HexFormat.of().formatHex(
                Hmac.sha256(TestSupport.STRIPE_SECRET, (t + ".null").getBytes(StandardCharsets.UTF_8)));
        assertThat(problem(http.send("POST", "/v1/webhooks/stripe/acme", "null".getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json", "Stripe-Signature", sig)), 400)).containsOnlyKeys("");
        assertThat(problem(http.send("POST", "/v1/webhooks/xero/acme", "null".getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json", "x-xero-signature", base64Hmac(TestSupport.XERO_KEY,
                        "null"))), 400)).containsOnlyKeys("");
        assertThat(problem(http.send("POST", "/v1/webhooks/quickbooks/acme", "null".getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json", "intuit-signature",
                        base64Hmac(TestSupport.QUICKBOOKS_TOKEN, "null"))), 400)).containsOnlyKeys("");
    }

    @Test
    void scalarsAndNullInsideABatchAreNamedByIndex() {
        assertThat(events("42")).containsOnlyKeys("");
        assertThat(events("\"x\"")).containsOnlyKeys("");
        assertThat(events("[" + invoice("\"s-b0\"", "100") + ",null," + invoice("\"s-b2\"", "1.5") + "]"))
                .containsOnlyKeys("/1", "/2/amount/amountMinor");
    }

    @Test
    void duplicateKeysAreMalformed() {
        assertThat(events(invoice("\"s-dup\"", "100").replace("\"clientId\"", "\"eventId\":\"other\",\"clientId\"")))
                .containsExactly(Map.entry("/eventId", "has a duplicate key"));
        assertThat(events(invoice("\"s-dup2\"", "100").replace("\"currency\":\"EUR\"",
                "\"currency\":\"EUR\",\"amountMinor\":1")))
                .containsOnlyKeys("/amount/amountMinor");
    }

    @Test
    void deepNestingIsRefusedBeforeBinding() {
        String deep = "[".repeat(500) + "]".repeat(500);
        Map<String, String> v = events(deep);
        assertThat(v.values()).containsExactly("is nested deeper than 32 levels");
    }

    @Test
    void trailingContentIsMalformed() {
        assertThat(events(invoice("\"s-trail\"", "100") + " {}")).containsOnlyKeys("");
    }

    @Test
    void unknownFieldsAreRefusedEverywhereAtTheirPointer() {
        assertThat(events(invoice("\"s-unk\"", "100").replace("\"currency\"", "\"cents\":1,\"currency\"")))
                .containsExactly(Map.entry("/amount/cents", "is not a known field"));
        assertThat(events(invoice("\"s-unk2\"", "100").replace("\"clientId\"", "\"colour\":\"red\",\"clientId\"")))
                .containsExactly(Map.entry("/colour", "is not a field of InvoiceIssued"));
    }

    // ------------------------------------------------------------------ settings

    @Test
    void settingsIntegersOutOfRangeAreRefusedNotWrappedToADefault() {
        assertThat(settings("{\"notificationEmail\":\"me@example.com\",\"paymentNormDays\":4294967326}"))
                .containsExactly(Map.entry("/paymentNormDays", "must be an integer between -2147483648 and 2147483647"));
        assertThat(settings("{\"notificationEmail\":\"me@example.com\",\"paymentNormDays\":4000}"))
                .containsExactly(Map.entry("/paymentNormDays", "must be between 1 and 3650"));
        assertThat(settings("{\"notificationEmail\":\"me@example.com\",\"cooldownHours\":1.5}"))
                .containsOnlyKeys("/cooldownHours");
        assertThat(settings("{\"notificationEmail\":\"me@example.com\",\"workingDays\":[1,\"2\"]}"))
                .containsExactly(Map.entry("/workingDays/1", "must be an integer"));
        assertThat(settings("{\"notificationEmail\":\"me@example.com\",\"atRiskThreshold\":\"0.5\"}"))
                .containsExactly(Map.entry("/atRiskThreshold", "must be a number"));
    }

    @Test
    void unknownSettingsFieldsAreRefusedLikeEventFields() {
        assertThat(settings("{\"notificationEmail\":\"me@example.com\",\"paymentNormDay\":30}"))
                .containsExactly(Map.entry("/paymentNormDay", "is not a known field"));
        assertThat(settings("{\"notificationEmail\":\"me@example.com\",\"alertOptIns\":{\"overdue\":true}}"))
                .containsExactly(Map.entry("/alertOptIns/overdue", "is not a known field"));
        assertThat(settings("{\"notificationEmail\":\"me@example.com\",\"alertOptIns\":{\"ghosting\":\"no\"}}"))
                .containsExactly(Map.entry("/alertOptIns/ghosting", "must be true or false"));
    }

    @Test
    void aHugeWebhookSecretAndALineBreakInTheDisplayNameAreRefused() {
        String big = "s".repeat(100 * 1024);
        assertThat(settings("{\"notificationEmail\":\"me@example.com\",\"webhookUrl\":\"https://hooks.example.com/x\","
                + "\"webhookSecret\":\"" + big + "\"}"))
                .containsExactly(Map.entry("/webhookSecret", "is longer than 256 characters"));
        assertThat(settings("{\"notificationEmail\":\"me@example.com\",\"displayName\":\"Me\\r\\nALERT forged\"}"))
                .containsOnlyKeys("/displayName");
        assertThat(settings("{\"notificationEmail\":\"me\\u001b@example.com\"}")).containsOnlyKeys("/notificationEmail");
    }

    // ------------------------------------------------------------------ webhooks

    static String base64Hmac(String key, String body) {
        return Base64.getEncoder().encodeToString(Hmac.sha256(key, body.getBytes(StandardCharsets.UTF_8)));
    }

    HttpResponse<String> stripe(String body) {
        long t = NOW.getEpochSecond();
        String sig = "t=" + t + ",v1=" + HexFormat.of().formatHex(
                Hmac.sha256(TestSupport.STRIPE_SECRET, (t + "." + body).getBytes(StandardCharsets.UTF_8)));
        return http.send("POST", "/v1/webhooks/stripe/acme", body.getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json", "Stripe-Signature", sig));
    }

    static String stripeInvoice(String amountDueJson, String customerJson) {
        return """
                {"id":"evt_strict","type":"invoice.finalized","created":%d,
                 "data":{"object":{"id":"in_strict","customer":%s,"currency":"eur","amount_due":%s,
                 "created":%d,"status_transitions":{"finalized_at":%d}}}}"""
                .formatted(NOW.getEpochSecond(), customerJson, amountDueJson, NOW.getEpochSecond() - 100,
                        NOW.getEpochSecond() - 100);
    }

    @Test
    void stripeFieldsThatAreReadMustHaveStripesTypes() {
        assertThat(problem(stripe(stripeInvoice("\"1250\"", "\"cus_1\"")), 400))
                .containsExactly(Map.entry("/data/object/amount_due", "must be an integer, not a string"));
        assertThat(problem(stripe(stripeInvoice("12.5", "\"cus_1\"")), 400))
                .containsOnlyKeys("/data/object/amount_due");
        assertThat(problem(stripe(stripeInvoice("18446744073709551716", "\"cus_1\"")), 400))
                .containsOnlyKeys("/data/object/amount_due");
        assertThat(problem(stripe(stripeInvoice("-5", "\"cus_1\"")), 400))
                .containsExactly(Map.entry("/data/object/amount_due", "must not be negative"));
        assertThat(problem(stripe(stripeInvoice("100", "\"cus\\r\\n1\"")), 400))
                .containsOnlyKeys("/data/object/customer");
        assertThat(problem(stripe(stripeInvoice("100", "42")), 400))
                .containsOnlyKeys("/data/object/customer");
        // Fields Stripe always sends are named in Stripe's payload when they are missing.
        assertThat(problem(stripe(stripeInvoice("100", "null").replace("\"currency\":\"eur\",", "")
                .replace("\"amount_due\":100,", "")), 400))
                .containsOnlyKeys("/data/object/customer", "/data/object/currency", "/data/object/amount_due");
        assertThat(problem(stripe(stripeInvoice("100", "\"cus_1\"").replace("\"currency\"",
                "\"currency\":\"usd\",\"currency\"")), 400)).containsOnlyKeys("/data/object/currency");
    }

    @Test
    void xeroAndQuickBooksPayloadsAreTypeChecked() {
        String xero = "{\"events\":[{\"resourceId\":5,\"eventCategory\":\"INVOICE\",\"eventType\":\"UPDATE\"}]}";
        assertThat(problem(http.send("POST", "/v1/webhooks/xero/acme", xero.getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json", "x-xero-signature", base64Hmac(TestSupport.XERO_KEY,
                        xero))), 400)).containsExactly(Map.entry("/events/0/resourceId", "must be a string, not an integer"));
        String qb = "{\"eventNotifications\":[{\"realmId\":\"1\",\"dataChangeEvent\":{\"entities\":[{\"name\":"
                + "\"Invoice\",\"id\":\"1\\n2\",\"operation\":\"Create\"}]}}]}";
        assertThat(problem(http.send("POST", "/v1/webhooks/quickbooks/acme", qb.getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json", "intuit-signature",
                        base64Hmac(TestSupport.QUICKBOOKS_TOKEN, qb))), 400))
                .containsOnlyKeys("/eventNotifications/0/dataChangeEvent/entities/0/id");
    }
}
