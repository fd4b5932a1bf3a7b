package io.paywatch.processor.timemodel;

import io.paywatch.contract.AlertType;
import io.paywatch.contract.ClientProfile;
import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.contract.SettledInvoice;
import io.paywatch.contract.VoidReason;
import io.paywatch.processor.TopologyFixture;
import io.paywatch.processor.TopologyOptions;
import io.paywatch.processor.payments.ExtraFacts;
import io.paywatch.schemas.AlertFacts;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static io.paywatch.processor.Events.dueChanged;
import static io.paywatch.processor.Events.issued;
import static io.paywatch.processor.Events.paid;
import static io.paywatch.processor.Events.voided;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live side of the time model (issue 10 items 3 and 5, "A live late fact corrects itself") and lifecycle events
 * that arrive before their invoice (issue 11 item 2), through the production topology with a pinned wall clock.
 * The default settings: UTC, grace 3 days, so step 1 fires at local midnight 4 days after the due date.
 */
class LateFactsTest {

    private static final String T = "t1";
    private static final String C = "c1";
    private static final Duration L = TopologyOptions.ALLOWED_LATENESS;
    /** 08:00 UTC on 1 June 2026. */
    private static final Instant NOW = TopologyFixture.WALL_START;

    private static List<PaymentAlert> overdue(List<PaymentAlert> alerts) {
        return alerts.stream().filter(a -> a.getType() == AlertType.INVOICE_OVERDUE).toList();
    }

    /** An alert the alert-service would email: an INVOICE_OVERDUE that does not say the invoice was settled. */
    private static boolean openLooking(PaymentAlert a) {
        return a.getType() == AlertType.INVOICE_OVERDUE && !a.getFacts().containsKey(AlertFacts.SETTLED_DATE);
    }

    @Test
    void aSilentClientsInvoiceGoesOverdueByTheWallClockTheAllowedLatenessAfterItsStep() {
        try (TopologyFixture f = new TopologyFixture()) {
            f.pipe(T, C, issued(T, C, "inv-1", NOW, 10, 500_00)); // due 11 June: step 1 at 15 June 00:00
            Instant step = Instant.parse("2026-06-15T00:00:00Z");
            f.advanceWallClock(Duration.between(NOW, step.plus(L)).minusMinutes(1));
            assertThat(overdue(f.alerts.readValuesToList())).as("one minute before step + L").isEmpty();
            f.advanceWallClock(Duration.ofMinutes(1));
            List<PaymentAlert> raised = overdue(f.alerts.readValuesToList());
            assertThat(raised).singleElement().satisfies(a -> {
                assertThat(a.getOccurredAt()).isEqualTo(step);
                assertThat(a.getFacts()).containsEntry(AlertFacts.ESCALATION_STEP, "1")
                        .doesNotContainKey(AlertFacts.SETTLED_DATE);
            });
        }
    }

    @Test
    void aSyncPostingAnOldInvoiceThenItsPaymentASecondLaterRaisesNothingWorthAnEmail() {
        try (TopologyFixture f = new TopologyFixture()) {
            // Issued 60 days ago (due 30 days ago), paid 15 days ago when it was 15 days late; a wall-clock scan
            // runs between the two deliveries.
            f.pipe(T, C, issued(T, C, "inv-1", NOW.minus(Duration.ofDays(60)), 30, 100_00));
            f.advanceWallClock(Duration.ofSeconds(30));
            f.pipe(T, C, paid(T, C, "inv-1", NOW.minus(Duration.ofDays(15)), 100_00));
            List<PaymentAlert> alerts = new ArrayList<>(f.alerts.readValuesToList());
            f.advanceWallClock(Duration.ofDays(40)); // the sync is over; the wall clock judges everything left
            alerts.addAll(f.alerts.readValuesToList());
            assertThat(alerts).noneMatch(LateFactsTest::openLooking);
            // It really was 4 days past due before it was paid: that is history, and says so.
            assertThat(overdue(alerts)).singleElement().satisfies(a -> assertThat(a.getFacts())
                    .containsEntry(AlertFacts.SETTLED_DATE, LocalDate.ofInstant(NOW.minus(Duration.ofDays(15)),
                            ZoneOffset.UTC).toString()).containsEntry(AlertFacts.ESCALATION_STEP, "1"));
            assertThat(f.storedProfile(T, C).getPayments().getPaidInvoices()).isEqualTo(1);
        }
    }

    /**
     * A new user's sync: another client's recent history first (the catch-up's watermark moves near today), then an
     * old invoice and its payment in one request. The watermark had already passed the invoice's steps when it
     * arrived, so judging them at once raised "still unpaid" for an invoice paid before its first step, and then a
     * correction. Steps the watermark passed during a catch-up wait for the catch-up to end.
     */
    @Test
    void anOldInvoiceAndItsPaymentPostedAfterOtherClientsRecentHistoryRaiseNothingWorthAnEmail() {
        try (TopologyFixture f = new TopologyFixture()) {
            // Client c2's invoice of yesterday: 32 hours behind the wall clock, so a catch-up, whose max is yesterday.
            f.pipe(T, "c2", issued(T, "c2", "other-1", NOW.minus(Duration.ofHours(32)), 30, 50_00));
            // c1: issued 41 days ago, due 11 days ago (step 1 seven days ago, before W = yesterday - 3 days), paid
            // 9 days ago, 2 days late and before its first step; part-paid c1/inv-2 also due 11 days ago.
            Instant issued = NOW.minus(Duration.ofDays(41));
            f.pipe(T, C, issued(T, C, "inv-1", issued, 30, 1_500_00));
            f.pipe(T, C, paid(T, C, "inv-1", NOW.minus(Duration.ofDays(9)), 1_500_00));
            f.pipe(T, C, issued(T, C, "inv-2", issued, 30, 2_000_00));
            f.pipe(T, C, paid(T, C, "inv-2", NOW.minus(Duration.ofDays(20)), 500_00));
            List<PaymentAlert> alerts = new ArrayList<>(f.alerts.readValuesToList());
            assertThat(overdue(alerts)).as("nothing judged while the sync is still arriving").isEmpty();
            f.advanceWallClock(TopologyOptions.defaults().replayIdle().plusMinutes(1)); // the catch-up has ended
            alerts.addAll(f.alerts.readValuesToList());
            // Truth by hand: due = issued + 30 days = NOW - 11 days; step 1 = local midnight of due + 4 days.
            assertThat(alerts).filteredOn(a -> a.getInvoiceIds().contains("inv-1"))
                    .noneMatch(LateFactsTest::openLooking);
            // inv-2 really is overdue (1,500.00 of 2,000.00 unpaid since before its due date): it must fire, and
            // say what was unpaid on that day, the part-payment of 20 days ago deducted.
            assertThat(overdue(alerts)).filteredOn(a -> a.getInvoiceIds().contains("inv-2")).isNotEmpty()
                    .allSatisfy(a -> {
                        assertThat(openLooking(a)).isTrue();
                        assertThat(a.getFacts()).containsEntry(ExtraFacts.OUTSTANDING_MINOR, "150000");
                    });
            assertThat(alerts).noneMatch(a -> a.getType() == AlertType.OVERDUE_CORRECTED);
        }
    }

    /**
     * A partition that never stops receiving behind records (other tenants' syncs posting date-only events, a day
     * "behind" the wall clock) is a catch-up that never ends. Overdue steps parked in it must not wait forever: after
     * 5 replayIdles (10 min) they are released and judged by the catch-up's own watermark.
     */
    @Test
    void anOverdueStepParkedInACatchUpThatNeverEndsIsJudgedAfterFiveReplayIdles() {
        try (TopologyFixture f = new TopologyFixture()) {
            // c1: due 11 days ago, unpaid: step 1 (7 days ago) is well behind any catch-up watermark below.
            f.pipe(T, C, issued(T, C, "inv-1", NOW.minus(Duration.ofDays(41)), 30, 1_500_00));
            Duration idle = TopologyOptions.defaults().replayIdle();
            Instant wall = NOW;
            List<PaymentAlert> beforeBound = new ArrayList<>();
            List<PaymentAlert> afterBound = new ArrayList<>();
            for (int i = 0; i < 26; i++) { // a behind record every 30 s for 13 minutes: the catch-up never idles
                f.advanceWallClock(Duration.ofSeconds(30));
                wall = wall.plusSeconds(30);
                f.pipe(T, "c2", issued(T, "c2", "sync-" + i, wall.minus(Duration.ofDays(1)), 30, 10_00));
                boolean withinBound = Duration.between(NOW, wall).compareTo(idle.multipliedBy(5)) < 0;
                (withinBound ? beforeBound : afterBound).addAll(overdue(f.alerts.readValuesToList()));
            }
            assertThat(beforeBound).as("parked while the catch-up may still bring its payment").isEmpty();
            assertThat(afterBound).as("released after 5 replayIdles, judged by the catch-up's watermark")
                    .filteredOn(a -> a.getInvoiceIds().contains("inv-1")).isNotEmpty()
                    .allSatisfy(a -> assertThat(openLooking(a)).isTrue());
        }
    }

    @Test
    void aPaymentArrivingOnTheDayOfAStepNeverRaisesAnOpenLookingOverdue() {
        Instant issuedAt = Instant.parse("2026-04-28T09:00:00Z"); // due 28 May: step 1 at 1 June 00:00, today
        try (TopologyFixture f = new TopologyFixture(TopologyOptions.defaults(), issuedAt)) {
            f.pipe(T, C, issued(T, C, "inv-1", issuedAt, 30, 100_00));
            f.advanceWallClock(Duration.between(issuedAt, NOW)); // 1 June 08:00
            assertThat(f.alerts.readValuesToList()).isEmpty();
            f.pipe(T, C, paid(T, C, "inv-1", NOW, 100_00)); // paid now, 8 hours after the step
            List<PaymentAlert> alerts = new ArrayList<>(f.alerts.readValuesToList());
            f.advanceWallClock(Duration.ofDays(30));
            alerts.addAll(f.alerts.readValuesToList());
            assertThat(alerts).noneMatch(LateFactsTest::openLooking);
            ClientProfile p = f.storedProfile(T, C);
            assertThat(p.getReceivables().getOpenCount()).isZero();
            assertThat(p.getPayments().getHistory().get(0).getDaysLate()).isEqualTo(4);
        }
    }

    @Test
    void aPaymentDatedBeforeAnAlertedStepArrivingLaterThanTheLatenessCorrectsIt() {
        Instant issuedAt = Instant.parse("2026-04-01T09:00:00Z"); // due 1 May: step 1 at 5 May 00:00
        try (TopologyFixture f = new TopologyFixture(TopologyOptions.defaults(), issuedAt)) {
            f.pipe(T, C, issued(T, C, "inv-1", issuedAt, 30, 100_00));
            f.advanceWallClock(Duration.between(issuedAt, Instant.parse("2026-05-09T12:00:00Z")));
            PaymentAlert wrong = overdue(f.alerts.readValuesToList()).get(0);
            assertThat(wrong.getFacts()).containsEntry(AlertFacts.DAYS_PAST_DUE, "4");
            // The bank feed delivers, 5 days late, a payment made on 3 May: 2 days late, never 4.
            f.pipe(T, C, paid(T, C, "inv-1", Instant.parse("2026-05-03T10:00:00Z"), 100_00));
            List<PaymentAlert> after = f.alerts.readValuesToList();
            assertThat(after).singleElement().satisfies(a -> {
                assertThat(a.getType()).isEqualTo(AlertType.OVERDUE_CORRECTED);
                TopologyFixture.assertCarriesRequiredFacts(a);
                assertThat(a.getFacts()).containsEntry(AlertFacts.DUE_DATE, "2026-05-01")
                        .containsEntry(AlertFacts.SETTLED_DATE, "2026-05-03")
                        .containsEntry(AlertFacts.DAYS_PAST_DUE, "4")
                        .containsEntry(ExtraFacts.WITHDRAWN_ALERT_IDS, wrong.getAlertId());
                assertThat(a.getSummary()).isEqualTo("Invoice inv-1 was paid on 2026-05-03, before it was 4 days "
                        + "past due: our alert of 2026-05-05 was wrong");
                assertThat(a.getInvoiceIds()).containsExactly("inv-1");
            });
            ClientProfile p = f.storedProfile(T, C);
            assertThat(p.getReceivables().getOpenCount()).isZero();
            assertThat(p.getReceivables().getOverdueCount()).isZero();
            SettledInvoice s = p.getPayments().getHistory().get(0);
            assertThat(s.getDaysToPay()).isEqualTo(32);
            assertThat(s.getDaysLate()).isEqualTo(2);
            f.advanceWallClock(Duration.ofDays(100));
            assertThat(f.alerts.readValuesToList()).as("nothing more for a paid invoice").isEmpty();
        }
    }

    @Test
    void aHistoryBackfilledIntoARunningSystemRaisesNoFalseOverdue() {
        try (TopologyFixture f = new TopologyFixture()) {
            // Live first: an invoice of today, and the wall-clock scans run for a while.
            f.pipe(T, "live", issued(T, "live", "now-1", NOW, 10, 100_00));
            f.advanceWallClock(Duration.ofMinutes(10));
            assertThat(f.alerts.readValuesToList()).isEmpty();
            // Then a 2013 history arrives in event-time order: 200 invoices, 30-day terms; even ones paid on day 20
            // (early), odd ones on day 50 (20 days late).
            List<InvoiceEvent> history = new ArrayList<>();
            List<Instant> at = new ArrayList<>();
            Instant start = Instant.parse("2013-01-02T10:00:00Z");
            for (int i = 0; i < 200; i++) {
                Instant issuedAt = start.plus(Duration.ofDays(i));
                history.add(issued(T, "old", "h-" + i, issuedAt, 30, 100_00));
                at.add(issuedAt);
                Instant paidAt = issuedAt.plus(Duration.ofDays(i % 2 == 0 ? 20 : 50));
                history.add(paid(T, "old", "h-" + i, paidAt, 100_00));
                at.add(paidAt);
            }
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < history.size(); i++) {
                order.add(i);
            }
            order.sort((a, b) -> at.get(a).compareTo(at.get(b)));
            for (int i : order) {
                f.pipe(T, "old", history.get(i));
                f.advanceWallClock(Duration.ofMillis(50)); // a backfill takes wall-clock time; scans keep ticking
            }
            f.advanceWallClock(Duration.ofMinutes(5)); // the backfill is over
            List<PaymentAlert> alerts = overdue(f.alerts.readValuesToList());
            // Odd invoices: due day 30, paid day 50: steps at 4 and... 30 days past due is day 60, after the payment.
            assertThat(alerts).extracting(a -> a.getInvoiceIds().get(0))
                    .allSatisfy(id -> assertThat(Integer.parseInt(id.substring(2)) % 2).isEqualTo(1))
                    .hasSize(100);
            assertThat(alerts).allSatisfy(a -> assertThat(a.getFacts())
                    .containsEntry(AlertFacts.ESCALATION_STEP, "1"));
            assertThat(f.storedProfile(T, "old").getPayments().getPaidInvoices()).isEqualTo(200);
            // The live invoice still goes overdue (15 June, judged 18 June) once the backfill is over.
            f.advanceWallClock(Duration.ofDays(18));
            assertThat(overdue(f.alerts.readValuesToList())).extracting(a -> a.getInvoiceIds().get(0))
                    .containsExactly("now-1");
        }
    }

    /**
     * Issue 11, item 2: a Stripe invoice finalized on 1 March, marked uncollectible (written off) on 20 March and
     * paid with a new card on 8 April: 1 paid invoice, 38 days to pay, 8 days late (net 30), in every arrival
     * order. The write-off ends overdue alerts (step 1 would be 4 April), and the payment reopens it. Orders that
     * deliver the write-off after the payment displace it by 19 days, more than the allowed lateness: step 1 may then
     * be raised, but only as history (with the settled date), never as news.
     */
    @Test
    void aWrittenOffInvoicePaidLaterIsOnePaidInvoice38DaysToPay8DaysLateInAnyOrder() {
        InvoiceEvent finalized = issued(T, C, "in_1", Instant.parse("2026-03-01T10:00:00Z"), 30, 1_200_00);
        InvoiceEvent writtenOff = voided(T, C, "in_1", Instant.parse("2026-03-20T10:00:00Z"), VoidReason.WRITTEN_OFF);
        InvoiceEvent paidLater = paid(T, C, "in_1", Instant.parse("2026-04-08T10:00:00Z"), 1_200_00);
        List<List<InvoiceEvent>> orders = List.of(List.of(finalized, writtenOff, paidLater),
                List.of(finalized, paidLater, writtenOff), List.of(writtenOff, finalized, paidLater),
                List.of(paidLater, writtenOff, finalized), List.of(writtenOff, paidLater, finalized));
        for (List<InvoiceEvent> order : orders) {
            try (TopologyFixture f = TopologyFixture.replay()) {
                order.forEach(e -> f.pipe(T, C, e));
                f.advanceWallClock(Duration.ofMinutes(3));
                ClientProfile p = f.storedProfile(T, C);
                assertThat(p.getPayments().getPaidInvoices()).isEqualTo(1);
                assertThat(p.getPayments().getHistory().get(0).getDaysToPay()).isEqualTo(38);
                assertThat(p.getPayments().getHistory().get(0).getDaysLate()).isEqualTo(8);
                assertThat(p.getReceivables().getOpenCount()).isZero();
                List<PaymentAlert> alerts = f.alerts.readValuesToList();
                assertThat(alerts).noneMatch(LateFactsTest::openLooking);
                if (order.equals(orders.get(0)) || order.get(0) == writtenOff) {
                    // The write-off known before the watermark passes 4 April: no overdue step at all.
                    assertThat(alerts).extracting(PaymentAlert::getType)
                            .doesNotContain(AlertType.INVOICE_OVERDUE, AlertType.OVERDUE_CORRECTED);
                }
            }
        }
    }

    @Test
    void aVoidedInvoiceIsNotReopenedByAPayment() {
        try (TopologyFixture f = TopologyFixture.replay()) {
            f.pipe(T, C, issued(T, C, "inv-1", Instant.parse("2026-03-01T10:00:00Z"), 30, 100_00));
            f.pipe(T, C, voided(T, C, "inv-1", Instant.parse("2026-03-10T10:00:00Z"), VoidReason.VOIDED));
            f.pipe(T, C, paid(T, C, "inv-1", Instant.parse("2026-04-08T10:00:00Z"), 100_00));
            f.advanceWallClock(Duration.ofMinutes(3));
            ClientProfile p = f.storedProfile(T, C);
            assertThat(p.getPayments().getPaidInvoices()).isZero();
            assertThat(p.getReceivables().getOpenCount()).isZero();
            assertThat(overdue(f.alerts.readValuesToList())).isEmpty();
        }
    }

    @Test
    void aWriteOffEndsTheOverdueLadderFromItsDateAndStepsBeforeItAreHistory() {
        try (TopologyFixture f = TopologyFixture.replay()) {
            // Due 31 March; step 1 on 4 April fires (still owed), step 2 on 30 April does not (written off 20 April).
            f.pipe(T, C, issued(T, C, "inv-1", Instant.parse("2026-03-01T10:00:00Z"), 30, 100_00));
            f.pipe(T, C, voided(T, C, "inv-1", Instant.parse("2026-04-20T10:00:00Z"), VoidReason.WRITTEN_OFF));
            f.advanceWallClock(Duration.ofMinutes(3));
            assertThat(overdue(f.alerts.readValuesToList())).singleElement().satisfies(a -> assertThat(a.getFacts())
                    .containsEntry(AlertFacts.ESCALATION_STEP, "1")
                    .containsEntry(AlertFacts.SETTLED_DATE, "2026-04-20"));
            assertThat(f.storedProfile(T, C).getReceivables().getOpenCount()).as("written off: not receivable")
                    .isZero();
        }
    }

    @Test
    void aDueDateChangeThatArrivesBeforeItsInvoiceIsHeldAndApplies() {
        for (boolean changeFirst : new boolean[] {true, false}) {
            try (TopologyFixture f = TopologyFixture.replay()) {
                InvoiceEvent issue = issued(T, C, "inv-1", Instant.parse("2026-03-01T10:00:00Z"), 30, 100_00);
                InvoiceEvent change = dueChanged(T, C, "inv-1", Instant.parse("2026-03-05T10:00:00Z"),
                        Instant.parse("2026-04-30T10:00:00Z"));
                if (changeFirst) {
                    f.pipe(T, C, change);
                    f.pipe(T, C, issue);
                } else {
                    f.pipe(T, C, issue);
                    f.pipe(T, C, change);
                }
                f.pipe(T, C, paid(T, C, "inv-1", Instant.parse("2026-04-20T10:00:00Z"), 100_00));
                f.advanceWallClock(Duration.ofMinutes(3));
                // Paid 20 April, before the new due date of 30 April: on time, and never overdue (the old due date
                // of 31 March would have made it 20 days late with an alert on 4 April).
                assertThat(overdue(f.alerts.readValuesToList())).as("change first: %s", changeFirst).isEmpty();
                SettledInvoice s = f.storedProfile(T, C).getPayments().getHistory().get(0);
                assertThat(s.getDaysLate()).isZero();
                assertThat(s.getDueAt()).isEqualTo(Instant.parse("2026-04-30T10:00:00Z"));
            }
        }
    }
}
