package io.paywatch.producer.webhook.stripe;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.InvoiceIssued;
import io.paywatch.contract.InvoiceVoided;
import io.paywatch.contract.Money;
import io.paywatch.contract.PaymentReceived;
import io.paywatch.contract.VoidReason;
import io.paywatch.producer.RunningServiceTest;
import io.paywatch.producer.TestSupport;
import io.paywatch.producer.webhook.Hmac;
import io.paywatch.schemas.Topics;
import io.paywatch.testkit.KafkaTestClients;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static io.paywatch.producer.TestSupport.NOW;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stripe money and documents through the real broker: ISK/UGX amounts in ISO minor units, and an invoice whose
 * amount owed drops (a pre-payment credit note) before it is paid. The records read back here are the ones
 * stream-processor's {@code StripeAmountOwedTopologyTest} feeds to the production topology (same ids,
 * amounts and times), where the invoice settles with nothing outstanding and no overdue alert.
 */
@MicronautTest
class StripeAmountOwedBrokerTest extends RunningServiceTest {

    static final long FINALIZED = Instant.parse("2025-05-01T10:00:00Z").getEpochSecond();
    static final long DUE = Instant.parse("2025-05-31T10:00:00Z").getEpochSecond();
    static final long CREDITED = Instant.parse("2025-05-10T09:00:00Z").getEpochSecond();
    static final long PAID = Instant.parse("2025-05-20T15:30:00Z").getEpochSecond();

    HttpResponse<String> post(String body) {
        long t = NOW.getEpochSecond();
        String sig = "t=" + t + ",v1=" + HexFormat.of().formatHex(
                Hmac.sha256(TestSupport.STRIPE_SECRET, (t + "." + body).getBytes(StandardCharsets.UTF_8)));
        return http.send("POST", "/v1/webhooks/stripe/acme", body.getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json", "Stripe-Signature", sig));
    }

    /** An invoice event as Stripe sends it (with fields Paywatch does not read, which must be ignored). */
    static String invoiceEvent(String eventId, String type, String invoiceId, String currency, String status,
            long amountDue, long total, long amountPaid, String transitions, String previous) {
        return """
                {"id":"%s","object":"event","api_version":"2024-06-20","created":%d,"type":"%s",
                 "data":{"object":{"id":"%s","object":"invoice","customer":"cus_42","customer_name":"Globex",
                   "currency":"%s","status":"%s","amount_due":%d,"total":%d,"amount_paid":%d,
                   "amount_remaining":%d,"pre_payment_credit_notes_amount":%d,"created":%d,"due_date":%d,
                   "lines":{"object":"list","data":[]},"some_future_field":{"nested":[1,2,{"x":null}]},
                   "status_transitions":{"finalized_at":%d%s}}%s}}"""
                .formatted(eventId, NOW.getEpochSecond() - 60, type, invoiceId, currency, status, amountDue, total,
                        amountPaid, amountDue - amountPaid, total - amountDue, FINALIZED - 100, DUE, FINALIZED,
                        transitions, previous);
    }

    static String id(InvoiceEvent e) {
        return String.valueOf(((SpecificRecord) e.getPayload()).get(0));
    }

    List<InvoiceEvent> readUntil(String eventId) {
        return KafkaTestClients.readUntil(Topics.INVOICE_EVENTS.name(), new StringDeserializer(),
                        Topics.INVOICE_EVENTS.valueSerde().deserializer(), Duration.ofSeconds(30),
                        read -> read.stream().anyMatch(r -> eventId.equals(id(r.value()))))
                .stream().map(ConsumerRecord::value).toList();
    }

    @Test
    void creditNoteBeforePaymentReissuesTheInvoiceForTheAmountOwed() {
        HttpResponse<String> fin = post(invoiceEvent("evt_fin", "invoice.finalized", "in_cn", "usd", "open",
                120_000, 120_000, 0, "", ""));
        assertThat(fin.statusCode()).as(fin.body()).isEqualTo(200);
        assertThat(fin.body()).contains("\"published\":[\"stripe:in_cn:issued\"]");

        String creditNote = """
                {"id":"evt_cn","object":"event","created":%d,"type":"credit_note.created",
                 "data":{"object":{"id":"cn_1","object":"credit_note","invoice":"in_cn","customer":"cus_42",
                   "amount":20000,"currency":"usd","type":"pre_payment","pre_payment_amount":20000,
                   "status":"issued","created":%d}}}""".formatted(NOW.getEpochSecond() - 60, CREDITED);
        HttpResponse<String> cn = post(creditNote);
        assertThat(cn.statusCode()).as(cn.body()).isEqualTo(200);
        assertThat(cn.body()).doesNotContain("\"published\":[\"").contains("amount_due");

        String updated = invoiceEvent("evt_upd", "invoice.updated", "in_cn", "usd", "open", 100_000, 120_000, 0,
                "", ",\"previous_attributes\":{\"amount_due\":120000,\"amount_remaining\":120000}");
        HttpResponse<String> upd = post(updated);
        assertThat(upd.statusCode()).as(upd.body()).isEqualTo(200);
        assertThat(upd.body()).contains("\"published\":[\"stripe:in_cn:issued:100000\"]");
        // Stripe re-delivers: the same id again, which the processor drops as a duplicate.
        assertThat(post(updated).body()).contains("\"published\":[\"stripe:in_cn:issued:100000\"]");

        HttpResponse<String> paid = post(invoiceEvent("evt_paid", "invoice.paid", "in_cn", "usd", "paid", 100_000,
                120_000, 100_000, ",\"paid_at\":" + PAID, ""));
        assertThat(paid.statusCode()).as(paid.body()).isEqualTo(200);
        assertThat(paid.body()).contains("\"published\":[\"stripe:in_cn:issued:100000\",\"stripe:evt_paid\"]");

        List<InvoiceEvent> read = readUntil("stripe:evt_paid").stream()
                .filter(e -> id(e).startsWith("stripe:in_cn") || id(e).equals("stripe:evt_paid")).toList();
        assertThat(read).extracting(StripeAmountOwedBrokerTest::id).containsExactly("stripe:in_cn:issued",
                "stripe:in_cn:issued:100000", "stripe:in_cn:issued:100000", "stripe:in_cn:issued:100000",
                "stripe:evt_paid");
        List<InvoiceIssued> issued = read.stream().filter(e -> e.getPayload() instanceof InvoiceIssued)
                .map(e -> (InvoiceIssued) e.getPayload()).toList();
        assertThat(issued).extracting(i -> i.getAmount().getAmountMinor())
                .containsExactly(120_000L, 100_000L, 100_000L, 100_000L);
        assertThat(issued).allSatisfy(i -> {
            assertThat(i.getInvoiceId()).isEqualTo("in_cn");
            assertThat(i.getClientId()).isEqualTo("cus_42");
            assertThat(i.getIssuedAt()).isEqualTo(Instant.ofEpochSecond(FINALIZED));
            assertThat(i.getDueAt()).isEqualTo(Instant.ofEpochSecond(DUE));
            assertThat(i.getAmount().getCurrency()).isEqualTo("USD");
        });
        PaymentReceived payment = (PaymentReceived) read.get(4).getPayload();
        assertThat(payment.getAmount()).isEqualTo(new Money(100_000L, "USD"));
        assertThat(payment.getPaidAt()).isEqualTo(Instant.ofEpochSecond(PAID));
    }

    @Test
    void updatesThatDoNotChangeAnOpenInvoicesAmountAreIgnored() {
        HttpResponse<String> noChange = post(invoiceEvent("evt_upd2", "invoice.updated", "in_memo", "usd", "open",
                5_000, 5_000, 0, "", ",\"previous_attributes\":{\"description\":\"old memo\"}"));
        assertThat(noChange.statusCode()).isEqualTo(200);
        assertThat(noChange.body()).doesNotContain("\"published\":[\"").contains("did not change");
        HttpResponse<String> paidInvoice = post(invoiceEvent("evt_upd3", "invoice.updated", "in_memo", "usd",
                "paid", 5_000, 5_000, 5_000, "", ",\"previous_attributes\":{\"amount_due\":6000}"));
        assertThat(paidInvoice.body()).doesNotContain("\"published\":[\"").contains("only an open invoice");
    }

    @Test
    void anInvoiceClosedByCreditNotesAloneIsVoidedNotPaid() {
        HttpResponse<String> r = post(invoiceEvent("evt_zero", "invoice.paid", "in_zero", "eur", "paid", 0, 50_000,
                0, ",\"paid_at\":" + PAID, ""));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"published\":[\"stripe:evt_zero\"]");
        InvoiceVoided voided = readUntil("stripe:evt_zero").stream().filter(e -> id(e).equals("stripe:evt_zero"))
                .map(e -> (InvoiceVoided) e.getPayload()).findFirst().orElseThrow();
        assertThat(voided.getReason()).isEqualTo(VoidReason.VOIDED);
        assertThat(voided.getVoidedAt()).isEqualTo(Instant.ofEpochSecond(PAID));
    }

    @Test
    void iskAndUgxAreStoredInIsoMinorUnitsAndFractionsAreRefused() {
        HttpResponse<String> isk = post(invoiceEvent("evt_isk", "invoice.finalized", "in_isk", "isk", "open",
                1_500_000, 1_500_000, 0, "", ""));
        assertThat(isk.statusCode()).as(isk.body()).isEqualTo(200);
        HttpResponse<String> ugx = post(invoiceEvent("evt_ugx", "invoice.finalized", "in_ugx", "ugx", "open",
                370_000_000, 370_000_000, 0, "", ""));
        assertThat(ugx.statusCode()).as(ugx.body()).isEqualTo(200);
        HttpResponse<String> fraction = post(invoiceEvent("evt_isk_frac", "invoice.finalized", "in_isk_frac", "isk",
                "open", 1_500_050, 1_500_050, 0, "", ""));
        assertThat(fraction.statusCode()).isEqualTo(400);
        assertThat(fraction.headers().firstValue("Content-Type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("application/problem+json"));
        assertThat(fraction.body()).contains("\"pointer\":\"/data/object/amount_due\"")
                .contains("whole multiples of 100").contains("1500050");

        // Published after the refused one, on the same partition: once it is visible, the refused one would be.
        HttpResponse<String> jpy = post(invoiceEvent("evt_jpy", "invoice.finalized", "in_jpy", "jpy", "open",
                50_000, 50_000, 0, "", ""));
        assertThat(jpy.statusCode()).as(jpy.body()).isEqualTo(200);
        List<InvoiceEvent> read = readUntil("stripe:in_jpy:issued");
        Map<String, Money> amounts = new java.util.HashMap<>();
        read.stream().filter(e -> e.getPayload() instanceof InvoiceIssued).map(e -> (InvoiceIssued) e.getPayload())
                .forEach(i -> amounts.put(i.getInvoiceId(), i.getAmount()));
        assertThat(amounts).containsEntry("in_isk", new Money(15_000L, "ISK"))
                .containsEntry("in_ugx", new Money(3_700_000L, "UGX"))
                .containsEntry("in_jpy", new Money(50_000L, "JPY"))
                .doesNotContainKey("in_isk_frac");
    }
}
