package io.paywatch.producer.api;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.paywatch.contract.InvoiceDueDateChanged;
import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.InvoiceIssued;
import io.paywatch.contract.InvoiceVoided;
import io.paywatch.contract.MessageEvent;
import io.paywatch.contract.MessageReceived;
import io.paywatch.contract.MessageSent;
import io.paywatch.contract.PaymentReceived;
import io.paywatch.contract.SourceSystem;
import io.paywatch.producer.RunningServiceTest;
import io.paywatch.producer.TestSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;

import static io.paywatch.producer.TestSupport.KEY;
import static io.paywatch.producer.TestSupport.OTHER_KEY;
import static org.assertj.core.api.Assertions.assertThat;

@MicronautTest
class EventsApiTest extends RunningServiceTest {

    static String issued(String eventId, String client, String invoice) {
        return """
                {"type":"InvoiceIssued","eventId":"%s","clientId":"%s","clientName":"Client %s","invoiceId":"%s",
                 "issuedAt":"2025-05-01T09:00:00Z","dueAt":"2025-05-31T09:00:00Z",
                 "amount":{"amountMinor":120050,"currency":"EUR"}}""".formatted(eventId, client, client, invoice);
    }

    @Test
    void singleInvoiceLandsKeyedByTenantAndClientWithIngestTimestamp() {
        long before = System.currentTimeMillis();
        HttpResponse<String> r = http.postJson("/v1/events", issued("single-1", "c1", "inv-1"), KEY);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(r.body()).contains("\"accepted\":1").contains("single-1");

        ConsumerRecord<String, InvoiceEvent> rec = TestSupport.invoiceEvents(1).stream()
                .filter(c -> ((InvoiceIssued) c.value().getPayload()).getEventId().equals("single-1"))
                .findFirst().orElseThrow();
        assertThat(rec.key()).isEqualTo("acme|c1");
        InvoiceIssued p = (InvoiceIssued) rec.value().getPayload();
        assertThat(p.getTenantId()).isEqualTo("acme");
        assertThat(p.getClientName()).isEqualTo("Client c1");
        assertThat(p.getIssuedAt()).isEqualTo(Instant.parse("2025-05-01T09:00:00Z"));
        assertThat(p.getPaymentTermsDays()).isEqualTo(30);
        assertThat(p.getAmount().getAmountMinor()).isEqualTo(120050L);
        assertThat(p.getSource()).isEqualTo(SourceSystem.API);
        // Record time is ingest time, not the event time in the payload: retention never drops a backfill.
        assertThat(rec.timestamp()).isGreaterThanOrEqualTo(before);
    }

    @Test
    void batchOfAllSixTypesIsPublishedInOrderPerClient() {
        String batch = """
                [%s,
                 {"type":"InvoiceDueDateChanged","eventId":"b-2","clientId":"c2","invoiceId":"inv-2",
                  "changedAt":"2025-05-10T10:00:00Z","newDueAt":"2025-06-15T00:00:00Z"},
                 {"type":"PaymentReceived","eventId":"b-3","clientId":"c2","invoiceId":"inv-2",
                  "paidAt":"2025-05-20T10:00:00+02:00","amount":{"amountMinor":120050,"currency":"EUR"}},
                 {"type":"InvoiceVoided","eventId":"b-4","clientId":"c2","invoiceId":"inv-3",
                  "voidedAt":"2025-05-21","reason":"WRITTEN_OFF"},
                 {"type":"MessageSent","eventId":"b-5","clientId":"c2","threadId":"t-1",
                  "sentAt":"2025-05-22T08:00:00Z","channel":"EMAIL"},
                 {"type":"MessageReceived","eventId":"b-6","clientId":"c2","threadId":"t-1",
                  "receivedAt":"2025-05-23T08:00:00Z","channel":"PHONE"}]
                """.formatted(issued("b-1", "c2", "inv-2"));
        HttpResponse<String> r = http.postJson("/v1/events", batch, KEY);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(r.body()).contains("\"accepted\":6");

        List<Object> invoice = TestSupport.invoiceEvents(5).stream()
                .filter(c -> c.key().equals("acme|c2")).map(c -> c.value().getPayload()).toList();
        assertThat(invoice).hasSize(4);
        assertThat(invoice.get(0)).isInstanceOf(InvoiceIssued.class);
        assertThat(invoice.get(1)).isInstanceOfSatisfying(InvoiceDueDateChanged.class,
                d -> assertThat(d.getNewDueAt()).isEqualTo(Instant.parse("2025-06-15T00:00:00Z")));
        assertThat(invoice.get(2)).isInstanceOfSatisfying(PaymentReceived.class,
                p -> assertThat(p.getPaidAt()).isEqualTo(Instant.parse("2025-05-20T08:00:00Z")));
        assertThat(invoice.get(3)).isInstanceOfSatisfying(InvoiceVoided.class,
                v -> assertThat(v.getReason().name()).isEqualTo("WRITTEN_OFF"));

        List<ConsumerRecord<String, MessageEvent>> messages = TestSupport.messageEvents(2);
        assertThat(messages).extracting(ConsumerRecord::key).containsOnly("acme|c2");
        assertThat(messages.get(0).value().getPayload()).isInstanceOfSatisfying(MessageSent.class,
                m -> assertThat(m.getExpectsReply()).isTrue());
        assertThat(messages.get(1).value().getPayload()).isInstanceOfSatisfying(MessageReceived.class,
                m -> assertThat(m.getChannel().name()).isEqualTo("PHONE"));
    }

    @Test
    void missingDueDateUsesTermsThenTenantDefault() {
        String body = """
                [{"type":"InvoiceIssued","eventId":"t-1","clientId":"c3","invoiceId":"i-1",
                  "issuedAt":"2025-05-01T00:00:00Z","paymentTermsDays":45,"amount":{"amountMinor":1,"currency":"JPY"}},
                 {"type":"InvoiceIssued","eventId":"t-2","clientId":"c3","invoiceId":"i-2",
                  "issuedAt":"2025-05-01T00:00:00Z","amount":{"amountMinor":1,"currency":"JPY"}}]""";
        assertThat(http.postJson("/v1/events", body, KEY).statusCode()).isEqualTo(202);
        List<InvoiceIssued> issued = TestSupport.invoiceEvents(2).stream().filter(c -> c.key().equals("acme|c3"))
                .map(c -> (InvoiceIssued) c.value().getPayload()).toList();
        assertThat(issued).extracting(InvoiceIssued::getDueAt).containsExactly(
                Instant.parse("2025-06-15T00:00:00Z"), Instant.parse("2025-05-15T00:00:00Z"));
        assertThat(issued).extracting(InvoiceIssued::getPaymentTermsDays).containsExactly(45, 14);
    }

    @Test
    void missingKeyIs401() {
        HttpResponse<String> r = http.postJson("/v1/events", issued("x", "c", "i"), null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("application/problem+json"));
        assertThat(r.headers().firstValue("WWW-Authenticate")).contains("Bearer");
    }

    @Test
    void unknownKeyIs401() {
        HttpResponse<String> r = http.postJson("/v1/events", issued("x", "c", "i"), "not-a-key");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("unknown API key").doesNotContain("not-a-key");
    }

    @Test
    void eventOfAnotherTenantIs403() {
        String body = issued("x", "c", "i").replace("\"eventId\"", "\"tenantId\":\"acme\",\"eventId\"");
        HttpResponse<String> r = http.postJson("/v1/events", body, OTHER_KEY);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
        assertThat(r.body()).contains("\"field\":\"tenantId\"");
    }
}
