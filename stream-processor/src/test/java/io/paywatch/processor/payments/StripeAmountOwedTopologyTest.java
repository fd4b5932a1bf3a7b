package io.paywatch.processor.payments;

import io.paywatch.contract.AlertType;
import io.paywatch.contract.ClientProfile;
import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.InvoiceIssued;
import io.paywatch.contract.Money;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.contract.PaymentReceived;
import io.paywatch.contract.SourceSystem;
import io.paywatch.processor.Events;
import io.paywatch.processor.TopologyFixture;
import io.paywatch.processor.TopologyOptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Stripe invoice whose amount owed drops before it is paid (a pre-payment credit note), fed to the production
 * topology as exactly the records invoice-producer's Stripe mapper publishes for it (ids, amounts and times as
 * its {@code StripeAmountOwedBrokerTest} reads them back from the broker):
 * <ol>
 *   <li>{@code invoice.finalized}: InvoiceIssued {@code stripe:in_cn:issued}, USD 1,200.00;</li>
 *   <li>{@code invoice.updated} after {@code credit_note.created}: InvoiceIssued
 *       {@code stripe:in_cn:issued:100000}, USD 1,000.00, same issue and due dates;</li>
 *   <li>{@code invoice.paid}: the same InvoiceIssued {@code stripe:in_cn:issued:100000} again, then
 *       PaymentReceived {@code stripe:evt_paid} of USD 1,000.00.</li>
 * </ol>
 * The truth is computed here from the story, not read from the topology: the invoice is settled, nothing is
 * outstanding, and no overdue alert is ever raised, however long the wall clock runs on.
 */
class StripeAmountOwedTopologyTest {

    static final String T = "acme";
    static final String C = "cus_42";
    static final String INV = "in_cn";
    static final Instant FINALIZED = Instant.parse("2025-05-01T10:00:00Z");
    static final Instant DUE = Instant.parse("2025-05-31T10:00:00Z");
    static final Instant CREDITED = Instant.parse("2025-05-10T09:00:00Z");
    static final Instant PAID = Instant.parse("2025-05-20T15:30:00Z");

    static InvoiceEvent issued(String eventId, long minor) {
        return new InvoiceEvent(InvoiceIssued.newBuilder().setEventId(eventId).setTenantId(T).setClientId(C)
                .setClientName("Globex").setInvoiceId(INV).setIssuedAt(FINALIZED).setDueAt(DUE)
                .setPaymentTermsDays(30).setAmount(new Money(minor, "USD")).setSource(SourceSystem.STRIPE).build());
    }

    static InvoiceEvent payment(long minor) {
        return new InvoiceEvent(PaymentReceived.newBuilder().setEventId("stripe:evt_paid").setTenantId(T)
                .setClientId(C).setInvoiceId(INV).setPaidAt(PAID).setAmount(new Money(minor, "USD"))
                .setSource(SourceSystem.STRIPE).build());
    }

    static ClientProfile last(TopologyFixture f) {
        f.flushProfiles();
        List<ClientProfile> all = f.profiles.readValuesToList();
        assertThat(all).isNotEmpty();
        return all.get(all.size() - 1);
    }

    static void at(TopologyFixture f, Instant now, Instant target) {
        if (target.isAfter(now)) {
            f.advanceWallClock(Duration.between(now, target));
        }
    }

    @Test
    void creditNoteThenPaymentOfTheRestSettlesTheInvoiceWithNoOverdueAlert() {
        try (TopologyFixture f = new TopologyFixture(TopologyOptions.defaults(), FINALIZED)) {
            f.pipe(T, C, issued("stripe:in_cn:issued", 120_000));
            at(f, FINALIZED, CREDITED);
            f.pipe(T, C, issued("stripe:in_cn:issued:100000", 100_000));
            ClientProfile credited = last(f);
            assertThat(credited.getReceivables().getOutstanding()).containsExactly(new Money(100_000L, "USD"));
            at(f, CREDITED, PAID);
            f.pipe(T, C, issued("stripe:in_cn:issued:100000", 100_000)); // invoice.paid carries it again
            f.pipe(T, C, payment(100_000));
            ClientProfile settled = last(f);
            assertThat(settled.getReceivables().getOpenCount()).isZero();
            assertThat(settled.getReceivables().getOutstanding()).isEmpty();
            assertThat(settled.getPayments().getPaidInvoices()).isEqualTo(1);
            assertThat(settled.getPayments().getHistory().get(0).getDaysToPay()).isEqualTo(19);
            assertThat(settled.getPayments().getHistory().get(0).getDaysLate()).isZero();
            f.advanceWallClock(Duration.ofDays(120));
            assertThat(f.alerts.readValuesToList()).extracting(PaymentAlert::getType)
                    .doesNotContain(AlertType.INVOICE_OVERDUE);
        }
    }

    @Test
    void withoutInvoiceUpdatedThePaidEventAloneCarriesTheNewAmount() {
        try (TopologyFixture f = new TopologyFixture(TopologyOptions.defaults(), FINALIZED)) {
            f.pipe(T, C, issued("stripe:in_cn:issued", 120_000));
            at(f, FINALIZED, PAID);
            f.pipe(T, C, issued("stripe:in_cn:issued:100000", 100_000));
            f.pipe(T, C, payment(100_000));
            // Stripe re-delivers invoice.paid: the same two records change nothing.
            f.pipe(T, C, issued("stripe:in_cn:issued:100000", 100_000));
            f.pipe(T, C, payment(100_000));
            ClientProfile p = last(f);
            assertThat(p.getReceivables().getOpenCount()).isZero();
            assertThat(p.getReceivables().getOutstanding()).isEmpty();
            assertThat(p.getPayments().getPaidInvoices()).isEqualTo(1);
            f.advanceWallClock(Duration.ofDays(120));
            assertThat(f.alerts.readValuesToList()).extracting(PaymentAlert::getType)
                    .doesNotContain(AlertType.INVOICE_OVERDUE);
        }
    }

    @Test
    void aCreditedInvoiceLeftUnpaidGoesOverdueForTheReducedAmount() {
        try (TopologyFixture f = new TopologyFixture(TopologyOptions.defaults(), FINALIZED)) {
            f.pipeSettings(Events.settings(T).build());
            f.pipe(T, C, issued("stripe:in_cn:issued", 120_000));
            at(f, FINALIZED, CREDITED);
            f.pipe(T, C, issued("stripe:in_cn:issued:100000", 100_000));
            f.advanceWallClock(Duration.ofDays(40));
            List<PaymentAlert> overdue = f.alerts.readValuesToList().stream()
                    .filter(a -> a.getType() == AlertType.INVOICE_OVERDUE).toList();
            assertThat(overdue).isNotEmpty();
            assertThat(overdue.get(0).getAmounts()).containsExactly(new Money(100_000L, "USD"));
        }
    }
}
