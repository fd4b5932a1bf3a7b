package io.paywatch.schemas;

import io.paywatch.contract.AlertDelivery;
import io.paywatch.contract.AlertType;
import io.paywatch.contract.Channel;
import io.paywatch.contract.ClientProfile;
import io.paywatch.contract.DeadLetter;
import io.paywatch.contract.DeliveryStatus;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.InvoiceDueDateChanged;
import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.InvoiceIssued;
import io.paywatch.contract.InvoiceRisk;
import io.paywatch.contract.InvoiceVoided;
import io.paywatch.contract.MessageEvent;
import io.paywatch.contract.MessageReceived;
import io.paywatch.contract.MessageSent;
import io.paywatch.contract.Money;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.contract.PaymentReceived;
import io.paywatch.contract.PaymentStats;
import io.paywatch.contract.ReceivablesStats;
import io.paywatch.contract.ResponsivenessStats;
import io.paywatch.contract.RiskBasis;
import io.paywatch.contract.Severity;
import io.paywatch.contract.SourceSystem;
import io.paywatch.contract.VoidReason;
import io.paywatch.contract.Classification;
import io.paywatch.contract.ClientType;
import org.apache.avro.specific.SpecificRecord;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/** One valid record of every top-level type, for round-trip tests. */
public final class SampleRecords {

    /** A fixed instant so samples are reproducible. */
    public static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");

    private SampleRecords() {
    }

    public static Money eur(long minor) {
        return Money.newBuilder().setAmountMinor(minor).setCurrency("EUR").build();
    }

    public static InvoiceIssued invoiceIssued() {
        return InvoiceIssued.newBuilder().setEventId("evt-1").setTenantId("t1").setClientId("acme")
                .setClientName("Acme Srl").setInvoiceId("INV-1").setIssuedAt(T0)
                .setDueAt(T0.plus(30, ChronoUnit.DAYS)).setPaymentTermsDays(30).setAmount(eur(120_050))
                .setSource(SourceSystem.API).build();
    }

    public static List<InvoiceEvent> invoiceEvents() {
        return List.of(
                InvoiceEvent.newBuilder().setPayload(invoiceIssued()).build(),
                InvoiceEvent.newBuilder().setPayload(PaymentReceived.newBuilder().setEventId("evt-2")
                        .setTenantId("t1").setClientId("acme").setInvoiceId("INV-1")
                        .setPaidAt(T0.plus(35, ChronoUnit.DAYS)).setAmount(eur(120_050)).build()).build(),
                InvoiceEvent.newBuilder().setPayload(InvoiceVoided.newBuilder().setEventId("evt-3")
                        .setTenantId("t1").setClientId("acme").setInvoiceId("INV-2")
                        .setVoidedAt(T0).setReason(VoidReason.WRITTEN_OFF).build()).build(),
                InvoiceEvent.newBuilder().setPayload(InvoiceDueDateChanged.newBuilder().setEventId("evt-4")
                        .setTenantId("t1").setClientId("acme").setInvoiceId("INV-3")
                        .setChangedAt(T0).setNewDueAt(T0.plus(45, ChronoUnit.DAYS)).build()).build());
    }

    public static List<MessageEvent> messageEvents() {
        return List.of(
                MessageEvent.newBuilder().setPayload(MessageSent.newBuilder().setEventId("evt-5")
                        .setTenantId("t1").setClientId("acme").setThreadId("th-1").setSentAt(T0)
                        .setChannel(Channel.EMAIL).setExpectsReply(true).build()).build(),
                MessageEvent.newBuilder().setPayload(MessageReceived.newBuilder().setEventId("evt-6")
                        .setTenantId("t1").setClientId("acme").setThreadId("th-1")
                        .setReceivedAt(T0.plus(2, ChronoUnit.HOURS)).setChannel(Channel.PHONE).build()).build());
    }

    public static FreelancerSettings settings() {
        return FreelancerSettings.newBuilder().setTenantId("t1").setNotificationEmail("me@example.com")
                .setTimezone("Europe/Rome").setUpdatedAt(T0).build();
    }

    public static ClientProfile profile() {
        return ClientProfile.newBuilder().setTenantId("t1").setClientId("acme").setAsOf(T0)
                .setPayments(PaymentStats.newBuilder().setPaidInvoices(3).setMeanDaysToPay(31.5).build())
                .setReceivables(ReceivablesStats.newBuilder().setOpenCount(1).setOutstanding(List.of(eur(500))).build())
                .setResponsiveness(ResponsivenessStats.newBuilder().setUnansweredThreads(1).build())
                .setClassification(Classification.newBuilder().setType(ClientType.SLOW_PAYER).setScore(42).build())
                .build();
    }

    public static InvoiceRisk risk() {
        return InvoiceRisk.newBuilder().setTenantId("t1").setClientId("acme").setInvoiceId("INV-1")
                .setIssuedAt(T0).setDueAt(T0.plus(30, ChronoUnit.DAYS)).setAmount(eur(120_050))
                .setLateProbability(0.8).setExpectedDaysToPay(41.0).setExpectedSettleAt(T0.plus(41, ChronoUnit.DAYS))
                .setBasis(RiskBasis.CLIENT_HISTORY).setBasisInvoices(10).build();
    }

    public static PaymentAlert alert() {
        return PaymentAlert.newBuilder().setAlertId("t1|acme|INVOICE_OVERDUE|INV-1|1").setTenantId("t1")
                .setClientId("acme").setType(AlertType.INVOICE_OVERDUE).setSeverity(Severity.WARNING)
                .setOccurredAt(T0).setInvoiceIds(List.of("INV-1")).setAmounts(List.of(eur(120_050)))
                .setFacts(Map.of("daysPastDue", "4")).setSummary("INV-1 is 4 days past due").build();
    }

    public static DeadLetter deadLetter() {
        return DeadLetter.newBuilder().setSourceTopic("invoice-events").setPartition(0).setOffset(42)
                .setKey(ByteBuffer.wrap("t1|acme".getBytes(StandardCharsets.UTF_8)))
                .setValue(ByteBuffer.wrap(new byte[] {1, 2, 3})).setReason("not Avro")
                .setApplication("stream-processor").setFailedAt(T0).build();
    }

    public static AlertDelivery delivery() {
        return AlertDelivery.newBuilder().setAlertId("a1").setTenantId("t1").setClientId("acme")
                .setType(AlertType.GHOSTING).setStatus(DeliveryStatus.SENT).setAttempts(1).setUpdatedAt(T0).build();
    }

    /** One sample of each top-level type. */
    public static List<SpecificRecord> oneOfEach() {
        return List.of(invoiceEvents().get(0), messageEvents().get(0), settings(), profile(), risk(), alert(),
                deadLetter(), delivery());
    }
}
