package io.paywatch.processor;

import io.paywatch.contract.AlertType;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.processor.timemodel.GeneratedHistory;
import io.paywatch.schemas.AlertFacts;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PAYMENT_DRIFT's wording after a client's terms change, through the production topology (norm 30, tolerance 5,
 * grace 7, Europe/Rome): the alert names terms the client's invoices really have, never the smoothed mix of old and
 * new terms the judgement uses.
 */
class DriftWordingAfterTermsChangeTest {

    private static final String T = "t-drift-find";
    private static final Instant START = Instant.parse("2024-02-05T09:00:00Z");

    /**
     * A client on 60-day terms for 8 invoices (paid on day 55, on time) moves to
     * 30-day terms and pays on day 50: 20 days late each time, well beyond the 7-day grace. The PAYMENT_DRIFT is
     * right to fire, but its email says the client pays "over its 40-day payment terms" (the EWMA mix of the old
     * 60-day and new 30-day lines, rounded). This client never had 40-day terms: the invoices it is late on are on
     * 30-day terms, which are the tenant's norm. A freelancer reading "its 40-day payment terms" would think their
     * own terms are wrong in Paywatch. Right wording: the terms of the invoices it is late on, here the 30-day norm
     * ("over your 30-day norm", or "its 30-day payment terms"); a mixed line is a computation detail, not a term.
     */
    @Test
    void theDriftEmailNamesTermsTheClientActuallyHas() {
        List<GeneratedHistory.Event> events = new ArrayList<>();
        record Timed(Instant at, int order, io.paywatch.contract.InvoiceEvent e) {
        }
        List<Timed> timed = new ArrayList<>();
        int n = 14;
        for (int i = 0; i < n; i++) {
            int terms = i < 8 ? 60 : 30;
            int dtp = i < 8 ? 55 : 50;
            Instant issued = START.plus(Duration.ofDays(20L * i));
            Instant paid = issued.plus(Duration.ofDays(dtp));
            String inv = "inv-" + i;
            timed.add(new Timed(issued, 0, Events.issued(T, "switcher", inv, issued, terms, 800_00)));
            timed.add(new Timed(paid, 1, Events.paid(T, "switcher", inv, paid, 800_00)));
        }
        timed.sort(Comparator.comparing(Timed::at).thenComparingInt(Timed::order));
        Instant last = timed.get(timed.size() - 1).at();
        List<PaymentAlert> drift = new ArrayList<>();
        try (TopologyFixture f = new TopologyFixture()) {
            f.pipeSettings(Events.settings(T).setTimezone("Europe/Rome").setPaymentNormDays(30)
                    .setDriftToleranceDays(5).setOverdueGraceDays(7).build());
            for (Timed t : timed) {
                f.pipe(T, "switcher", t.e());
            }
            f.passLateness(last);
            for (PaymentAlert a : f.alerts.readValuesToList()) {
                if (a.getType() == AlertType.PAYMENT_DRIFT) {
                    drift.add(a);
                }
            }
        }
        assertThat(drift).as("truth: 20 days late on 30-day terms, 6 times in a row").hasSize(1);
        // Before the fix: "... over its 40-day payment terms by more than the 7 days grace ...", lineDays 40.
        assertThat(drift.get(0).getFacts()).containsEntry(AlertFacts.LINE_DAYS, "30");
        assertThat(drift.get(0).getSummary()).doesNotContainPattern("its (3[1-9]|4\\d|5\\d)-day payment terms");
        assertThat(drift.get(0).getSummary()).contains("30-day");
    }
}
