package io.paywatch.processor;

import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.InvoiceDueDateChanged;
import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.InvoiceIssued;
import io.paywatch.contract.InvoiceVoided;
import io.paywatch.contract.Money;
import io.paywatch.contract.PaymentReceived;
import io.paywatch.contract.SourceSystem;

import java.time.Duration;
import java.time.Instant;

/** Builders of input events for tests; event ids are derived from what the event says, so they are stable. */
public final class Events {

    private Events() {
    }

    /** An invoice of {@code amountMinor} EUR cents issued at {@code issuedAt}, due {@code termsDays} later. */
    public static InvoiceEvent issued(String tenant, String client, String invoice, Instant issuedAt, int termsDays,
            long amountMinor) {
        return issued(tenant, client, invoice, issuedAt, termsDays, amountMinor, "EUR");
    }

    public static InvoiceEvent issued(String tenant, String client, String invoice, Instant issuedAt, int termsDays,
            long amountMinor, String currency) {
        return new InvoiceEvent(InvoiceIssued.newBuilder()
                .setEventId("issued-" + tenant + "-" + client + "-" + invoice)
                .setTenantId(tenant).setClientId(client).setClientName("Client " + client).setInvoiceId(invoice)
                .setIssuedAt(issuedAt).setDueAt(issuedAt.plus(Duration.ofDays(termsDays)))
                .setPaymentTermsDays(termsDays).setAmount(new Money(amountMinor, currency))
                .setSource(SourceSystem.DEMO).build());
    }

    public static InvoiceEvent paid(String tenant, String client, String invoice, Instant paidAt, long amountMinor) {
        return paid(tenant, client, invoice, paidAt, amountMinor, "EUR");
    }

    public static InvoiceEvent paid(String tenant, String client, String invoice, Instant paidAt, long amountMinor,
            String currency) {
        return new InvoiceEvent(PaymentReceived.newBuilder()
                .setEventId("paid-" + tenant + "-" + client + "-" + invoice + "-" + paidAt.toEpochMilli() + "-"
                        + amountMinor)
                .setTenantId(tenant).setClientId(client).setInvoiceId(invoice).setPaidAt(paidAt)
                .setAmount(new Money(amountMinor, currency)).setSource(SourceSystem.DEMO).build());
    }

    public static InvoiceEvent voided(String tenant, String client, String invoice, Instant voidedAt) {
        return new InvoiceEvent(InvoiceVoided.newBuilder()
                .setEventId("voided-" + tenant + "-" + client + "-" + invoice)
                .setTenantId(tenant).setClientId(client).setInvoiceId(invoice).setVoidedAt(voidedAt).build());
    }

    /** A void with a reason (WRITTEN_OFF is what Stripe's "marked uncollectible" maps to). */
    public static InvoiceEvent voided(String tenant, String client, String invoice, Instant voidedAt,
            io.paywatch.contract.VoidReason reason) {
        return new InvoiceEvent(InvoiceVoided.newBuilder()
                .setEventId("voided-" + reason + "-" + tenant + "-" + client + "-" + invoice + "-"
                        + voidedAt.toEpochMilli())
                .setTenantId(tenant).setClientId(client).setInvoiceId(invoice).setVoidedAt(voidedAt)
                .setReason(reason).setSource(SourceSystem.DEMO).build());
    }

    public static InvoiceEvent dueChanged(String tenant, String client, String invoice, Instant changedAt,
            Instant newDueAt) {
        return new InvoiceEvent(InvoiceDueDateChanged.newBuilder()
                .setEventId("due-" + tenant + "-" + client + "-" + invoice + "-" + newDueAt.toEpochMilli())
                .setTenantId(tenant).setClientId(client).setInvoiceId(invoice).setChangedAt(changedAt)
                .setNewDueAt(newDueAt).build());
    }

    /** Settings with contract defaults, as a builder to tweak. */
    public static FreelancerSettings.Builder settings(String tenant) {
        return FreelancerSettings.newBuilder().setTenantId(tenant).setNotificationEmail(tenant + "@example.test")
                .setUpdatedAt(Instant.parse("2025-01-01T00:00:00Z"));
    }
}
