package io.paywatch.producer.api;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.paywatch.contract.InvoiceIssued;
import io.paywatch.contract.PaymentReceived;
import io.paywatch.producer.RunningServiceTest;
import io.paywatch.producer.TestSupport;
import io.paywatch.schemas.Topics;
import io.paywatch.testkit.KafkaTestClients;
import jakarta.inject.Inject;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.paywatch.producer.TestSupport.KEY;
import static org.assertj.core.api.Assertions.assertThat;

/** Every bad-input class: exact status, problem+json, and the field at fault. */
@MicronautTest
class ValidationApiTest extends RunningServiceTest {

    @Inject
    JsonMapper mapper;

    static String invoice(String eventId, String clientId, String invoiceId, long amount, String currency,
            String issuedAt, String dueAt) {
        return """
                {"type":"InvoiceIssued","eventId":"%s","clientId":"%s","invoiceId":"%s","issuedAt":"%s",
                 "dueAt":"%s","amount":{"amountMinor":%d,"currency":"%s"}}"""
                .formatted(eventId, clientId, invoiceId, issuedAt, dueAt, amount, currency);
    }

    static String okInvoice(String eventId) {
        return invoice(eventId, "c1", "inv-" + eventId, 1000, "EUR", "2025-05-01T00:00:00Z", "2025-05-31T00:00:00Z");
    }

    static String payment(String eventId, String paidAt) {
        return """
                {"type":"PaymentReceived","eventId":"%s","clientId":"c1","invoiceId":"inv-1","paidAt":"%s",
                 "amount":{"amountMinor":1000,"currency":"EUR"}}""".formatted(eventId, paidAt);
    }

    /** Posts and returns the violations as field -> reason, after checking status and media type. */
    Map<String, String> rejected(String body, int status) {
        return violations(http.postJson("/v1/events", body, KEY), status);
    }

    Map<String, String> violations(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("application/problem+json"));
        Map<String, Object> problem = parse(r.body());
        assertThat(problem).containsEntry("status", status).containsKey("title");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> list = (List<Map<String, Object>>) problem.getOrDefault("violations", List.of());
        return list.stream().collect(Collectors.toMap(v -> (String) v.get("field"), v -> (String) v.get("reason"),
                (a, b) -> a + "; " + b));
    }

    Map<String, Object> parse(String body) {
        try {
            return mapper.readValue(body, Argument.mapOf(String.class, Object.class));
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    @Test
    void missingIdsAreEachNamed() {
        String body = """
                {"type":"InvoiceIssued","issuedAt":"2025-05-01T00:00:00Z","amount":{"amountMinor":1,"currency":"EUR"}}""";
        assertThat(rejected(body, 400)).containsOnlyKeys("eventId", "clientId", "invoiceId")
                .containsEntry("eventId", "is required");
    }

    @Test
    void tooLongIdsAreRejected() {
        String longId = "x".repeat(129);
        Map<String, String> v = rejected(invoice("e1", longId, longId, 1, "EUR", "2025-05-01", "2025-05-02"), 400);
        assertThat(v).containsOnlyKeys("clientId", "invoiceId")
                .containsEntry("clientId", "is longer than 128 characters");
    }

    @Test
    void zeroAmountIsRejected() {
        assertThat(rejected(invoice("e1", "c", "i", 0, "EUR", "2025-05-01", "2025-05-02"), 400))
                .containsExactly(Map.entry("amount.amountMinor", "must be greater than zero"));
    }

    @Test
    void negativeAmountIsRejected() {
        assertThat(rejected(invoice("e1", "c", "i", -5, "EUR", "2025-05-01", "2025-05-02"), 400))
                .containsExactly(Map.entry("amount.amountMinor", "must be greater than zero"));
    }

    @Test
    void unknownCurrencyIsRejected() {
        assertThat(rejected(invoice("e1", "c", "i", 5, "XYZ", "2025-05-01", "2025-05-02"), 400))
                .containsOnlyKeys("amount.currency");
        assertThat(rejected(invoice("e1", "c", "i", 5, "eur", "2025-05-01", "2025-05-02"), 400))
                .containsOnlyKeys("amount.currency");
    }

    @Test
    void paidAtBefore2000IsRejected() {
        assertThat(rejected(payment("p1", "1999-12-31T23:59:59Z"), 400))
                .containsExactly(Map.entry("paidAt", "is before 2000-01-01T00:00:00Z"));
    }

    @Test
    void issuedAtMoreThanADayAheadIsRejectedButWithinADayIsAccepted() {
        String tooFar = TestSupport.NOW.plus(Duration.ofHours(25)).toString();
        assertThat(rejected(invoice("e1", "c", "i", 5, "EUR", tooFar, "2025-08-01"), 400))
                .containsExactly(Map.entry("issuedAt", "is more than 24 hours in the future"));
        String justAhead = TestSupport.NOW.plus(Duration.ofHours(23)).toString();
        assertThat(http.postJson("/v1/events", invoice("ahead-ok", "c", "i", 5, "EUR", justAhead, "2025-08-01"), KEY)
                .statusCode()).isEqualTo(202);
    }

    @Test
    void dueAtBeforeIssuedAtIsRejected() {
        assertThat(rejected(invoice("e1", "c", "i", 5, "EUR", "2025-05-10", "2025-05-09"), 400))
                .containsExactly(Map.entry("dueAt", "is before issuedAt"));
    }

    @Test
    void unparsableTimestampNamesTheField() {
        assertThat(rejected(payment("p1", "31/12/2024"), 400)).containsOnlyKeys("paidAt");
    }

    @Test
    void everyViolationOfAnEventIsListed() {
        assertThat(rejected(invoice("", "c", "i", 0, "ABC", "1990-01-01", "1989-01-01"), 400))
                .containsOnlyKeys("eventId", "amount.amountMinor", "amount.currency", "issuedAt", "dueAt");
    }

    @Test
    void unknownTypeAndUnknownFieldAreRejected() {
        assertThat(rejected("{\"type\":\"InvoicePaid\",\"eventId\":\"e\",\"clientId\":\"c\"}", 400))
                .containsOnlyKeys("type");
        assertThat(rejected(okInvoice("e1").replace("\"dueAt\"", "\"dueDate\""), 400))
                .containsEntry("dueDate", "is not a field of InvoiceIssued");
    }

    @Test
    void wronglyTypedFieldIs400() {
        // The field itself is named (it used to be "$", with a Java class name in the reason).
        assertThat(rejected(okInvoice("e1").replace("\"amountMinor\":1000", "\"amountMinor\":\"lots\""), 400))
                .containsExactly(Map.entry("amount.amountMinor", "must be an integer"));
    }

    @Test
    void malformedJsonIs400() {
        Map<String, String> v = rejected("{\"type\":\"InvoiceIssued\",", 400);
        assertThat(v).containsKey("$");
    }

    @Test
    void bodyOverTheLimitIs413() {
        byte[] big = ("[" + "\"x\",".repeat(700_000) + "\"x\"]").getBytes(StandardCharsets.UTF_8);
        assertThat(big.length).isGreaterThan(2 * 1024 * 1024);
        HttpResponse<String> r = http.send("POST", "/v1/events", big,
                Map.of("Content-Type", "application/json", "Authorization", "Bearer " + KEY));
        violations(r, 413);
    }

    @Test
    void wrongContentTypeIs415() {
        HttpResponse<String> r = http.send("POST", "/v1/events", okInvoice("e1").getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "text/plain", "Authorization", "Bearer " + KEY));
        violations(r, 415);
    }

    @Test
    void batchOverAThousandIsRejected() {
        String batch = IntStream.range(0, 1001).mapToObj(i -> okInvoice("big-" + i))
                .collect(Collectors.joining(",", "[", "]"));
        assertThat(rejected(batch, 400)).containsOnlyKeys("$");
    }

    /**
     * A payment in another currency than its invoice, or for another client, sent in the same request: refused with
     * the field at fault (it used to get a 202 and be dead-lettered later, the invoice then reported overdue).
     */
    @Test
    void aPaymentInconsistentWithItsInvoiceInTheSameRequestIsRefused() {
        String eurInvoice = invoice("mix-1", "c1", "inv-mix", 1000, "EUR", "2025-05-01", "2025-05-31");
        String usdPayment = """
                {"type":"PaymentReceived","eventId":"mix-2","clientId":"c1","invoiceId":"inv-mix",
                 "paidAt":"2025-05-20","amount":{"amountMinor":1000,"currency":"USD"}}""";
        String otherClient = """
                {"type":"PaymentReceived","eventId":"mix-3","clientId":"c2","invoiceId":"inv-mix",
                 "paidAt":"2025-05-21","amount":{"amountMinor":1000,"currency":"EUR"}}""";
        Map<String, String> v = rejected("[" + usdPayment + "," + eurInvoice + "," + otherClient + "]", 400);
        assertThat(v).containsOnlyKeys("[0].amount.currency", "[2].clientId");
        assertThat(v.get("[0].amount.currency")).isEqualTo(
                "is USD, but invoice inv-mix is in EUR (this request ([1])); send the payment in the invoice's currency");
        assertThat(v.get("[2].clientId")).contains("invoice inv-mix is issued to client 'c1'");
        // The same payment in the invoice's currency and client is accepted.
        String eurPayment = usdPayment.replace("USD", "EUR").replace("mix-2", "mix-4");
        assertThat(http.postJson("/v1/events", "[" + eurInvoice.replace("mix-1", "mix-5") + "," + eurPayment + "]",
                KEY).statusCode()).isEqualTo(202);
    }

    @Test
    void oneBadEventRefusesTheWholeBatchAndNothingIsPublished() {
        String batch = "[" + okInvoice("half-1") + ","
                + invoice("half-2", "c1", "inv-x", 1000, "EURO", "2025-05-01", "2025-05-31") + ","
                + payment("half-3", "2025-05-20T00:00:00Z") + "]";
        assertThat(rejected(batch, 400)).containsOnlyKeys("[1].amount.currency");

        // A marker published afterwards on the same partition (same key): once it is visible, anything of the
        // refused batch would be visible too.
        assertThat(http.postJson("/v1/events", okInvoice("marker"), KEY).statusCode()).isEqualTo(202);
        List<String> ids = KafkaTestClients.readUntil(Topics.INVOICE_EVENTS.name(), new StringDeserializer(),
                        Topics.INVOICE_EVENTS.valueSerde().deserializer(), Duration.ofSeconds(30),
                        read -> read.stream().anyMatch(r -> eventId(r.value().getPayload()).equals("marker")))
                .stream().map(r -> eventId(r.value().getPayload())).toList();
        assertThat(ids).contains("marker").doesNotContain("half-1", "half-2", "half-3");
    }

    private static String eventId(Object payload) {
        if (payload instanceof InvoiceIssued i) {
            return i.getEventId();
        }
        if (payload instanceof PaymentReceived p) {
            return p.getEventId();
        }
        return String.valueOf(((SpecificRecord) payload).get(0));
    }
}
