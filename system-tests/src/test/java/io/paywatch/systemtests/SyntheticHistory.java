package io.paywatch.systemtests;

import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.InvoiceIssued;
import io.paywatch.contract.Money;
import io.paywatch.contract.PaymentReceived;
import io.paywatch.contract.SourceSystem;
import io.paywatch.schemas.ClientKey;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The invoices of one batch, and the truth about them computed here, from what was generated (never from what the
 * topology says). Every client of the tenant gets three invoices per batch, each of one kind:
 * <ul>
 *   <li><b>overdue</b>: issued 45 days before {@code now} on 30-day terms, never paid: due 15 days ago, so step 1
 *   (grace 3 + 1 = 4 days past due, at local midnight) is 11 days behind {@code now} and behind the watermark
 *   (now − the 3-day allowed lateness) whether the record is judged live or as a catch-up; step 2 (30 days past
 *   due) is 15 days ahead. Exactly one INVOICE_OVERDUE (step 1) each.</li>
 *   <li><b>paid</b>: issued 20 days ago on 30-day terms, paid in full 10 days ago: never past due, no
 *   INVOICE_OVERDUE.</li>
 *   <li><b>not due</b>: issued 5 days ago on 30-day terms: no INVOICE_OVERDUE.</li>
 * </ul>
 * The tenant has no settings record: the contract defaults apply (UTC, grace 3 days, norm 30 days). Each client's
 * events are in event-time order; every batch adds the same figures to every client: one paid invoice (10 days to
 * pay), two open invoices, one of them overdue.
 */
final class SyntheticHistory {

    enum Kind { OVERDUE, PAID, NOT_DUE }

    /** One generated invoice. */
    record Invoice(String clientId, String invoiceId, Kind kind) {
    }

    private final String tenant;
    private final String batch;
    private final int clients;
    private final Instant now;
    private final List<Invoice> invoices = new ArrayList<>();
    private final List<ProducerRecord<String, InvoiceEvent>> records = new ArrayList<>();

    /**
     * @param now the wall clock the services will judge by (to the second); every date is relative to it
     */
    SyntheticHistory(String tenant, String batch, int clients, Instant now) {
        this.tenant = tenant;
        this.batch = batch;
        this.clients = clients;
        this.now = now.truncatedTo(ChronoUnit.SECONDS);
        for (int c = 0; c < clients; c++) {
            String client = clientId(c);
            String key = ClientKey.of(tenant, client);
            Invoice overdue = new Invoice(client, batch + "-" + client + "-overdue", Kind.OVERDUE);
            Invoice paid = new Invoice(client, batch + "-" + client + "-paid", Kind.PAID);
            Invoice notDue = new Invoice(client, batch + "-" + client + "-open", Kind.NOT_DUE);
            invoices.add(overdue);
            invoices.add(paid);
            invoices.add(notDue);
            // Event-time order within the client.
            records.add(record(key, issued(client, overdue.invoiceId(), daysAgo(45), 30, 120_000)));
            records.add(record(key, issued(client, paid.invoiceId(), daysAgo(20), 30, 80_000)));
            records.add(record(key, paid(client, paid.invoiceId(), daysAgo(10), 80_000)));
            records.add(record(key, issued(client, notDue.invoiceId(), daysAgo(5), 30, 50_000)));
        }
    }

    static String clientId(int c) {
        return String.format("c%03d", c);
    }

    String tenant() {
        return tenant;
    }

    int clients() {
        return clients;
    }

    List<Invoice> invoices() {
        return invoices;
    }

    /** The records to send, in order. */
    List<ProducerRecord<String, InvoiceEvent>> records() {
        return records;
    }

    /** The eventIds of {@link #records()}. */
    Set<String> eventIds() {
        Set<String> ids = new LinkedHashSet<>();
        records.forEach(r -> ids.add(eventId(r.value())));
        return ids;
    }

    /** Invoice ids that must raise exactly one INVOICE_OVERDUE (step 1), and no other step. */
    Set<String> expectedOverdue() {
        Set<String> ids = new LinkedHashSet<>();
        invoices.stream().filter(i -> i.kind() == Kind.OVERDUE).forEach(i -> ids.add(i.invoiceId()));
        return ids;
    }

    /** Invoice ids that must never raise INVOICE_OVERDUE. */
    Set<String> mustNotBeOverdue() {
        Set<String> ids = new LinkedHashSet<>();
        invoices.stream().filter(i -> i.kind() != Kind.OVERDUE).forEach(i -> ids.add(i.invoiceId()));
        return ids;
    }

    static String eventId(InvoiceEvent e) {
        Object p = e.getPayload();
        if (p instanceof InvoiceIssued i) {
            return i.getEventId();
        }
        if (p instanceof PaymentReceived r) {
            return r.getEventId();
        }
        throw new IllegalArgumentException("unexpected payload " + p.getClass().getSimpleName());
    }

    private Instant daysAgo(int days) {
        return now.minus(Duration.ofDays(days));
    }

    private ProducerRecord<String, InvoiceEvent> record(String key, InvoiceEvent event) {
        return new ProducerRecord<>(io.paywatch.schemas.Topics.INVOICE_EVENTS.name(), key, event);
    }

    private InvoiceEvent issued(String client, String invoice, Instant issuedAt, int terms, long amountMinor) {
        return new InvoiceEvent(InvoiceIssued.newBuilder()
                .setEventId("issued-" + tenant + "-" + invoice)
                .setTenantId(tenant).setClientId(client).setClientName("Client " + client).setInvoiceId(invoice)
                .setIssuedAt(issuedAt).setDueAt(issuedAt.plus(Duration.ofDays(terms)))
                .setPaymentTermsDays(terms).setAmount(new Money(amountMinor, "EUR"))
                .setSource(SourceSystem.DEMO).build());
    }

    private InvoiceEvent paid(String client, String invoice, Instant paidAt, long amountMinor) {
        return new InvoiceEvent(PaymentReceived.newBuilder()
                .setEventId("paid-" + tenant + "-" + invoice)
                .setTenantId(tenant).setClientId(client).setInvoiceId(invoice).setPaidAt(paidAt)
                .setAmount(new Money(amountMinor, "EUR")).setSource(SourceSystem.DEMO).build());
    }

    @Override
    public String toString() {
        return "batch " + batch + ": " + clients + " clients, " + invoices.size() + " invoices, " + records.size()
                + " events";
    }
}
