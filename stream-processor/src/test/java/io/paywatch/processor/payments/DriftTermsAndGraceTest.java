package io.paywatch.processor.payments;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link DriftDetector} judges a client against its invoices' own payment terms and the tenant's grace period: the
 * line of a settled invoice is max(norm, its terms), the margin max(tolerance, grace), and materiality counts only
 * lateness beyond the grace. Tenant settings here: norm 30, tolerance 5, and the grace each test says.
 */
class DriftTermsAndGraceTest {

    private static final long DAY = 86_400_000L;
    private static final int NORM = 30;
    private static final int TOLERANCE = 5;

    /** A client fed settlements one by one, as the processor feeds them. */
    private static final class Client {

        final ClientState s = new ClientState();
        final int grace;
        final List<DriftDetector.Outcome> outcomes = new ArrayList<>();

        Client(int grace) {
            this.grace = grace;
        }

        /** Settles one invoice of {@code terms} days, paid {@code dtp} days after issue; returns the outcome. */
        DriftDetector.Outcome pay(int terms, int dtp) {
            int n = s.paidInvoices();
            long issued = 1_700_000_000_000L + n * 70L * DAY;
            s.addSettled(new SettledRecord("i" + n, issued, issued + terms * DAY, issued + dtp * DAY, dtp,
                    Math.max(0, dtp - terms), terms, 100_00, "EUR"));
            DriftDetector.Outcome o = DriftDetector.evaluate(s, dtp, NORM, TOLERANCE, grace);
            outcomes.add(o);
            return o;
        }

        List<DriftDetector.Outcome> pay(int terms, int... dtps) {
            List<DriftDetector.Outcome> out = new ArrayList<>();
            for (int dtp : dtps) {
                out.add(pay(terms, dtp));
            }
            return out;
        }

        long count(DriftDetector.Transition t) {
            return outcomes.stream().filter(o -> o.transition() == t).count();
        }

        DriftDetector.Outcome first(DriftDetector.Transition t) {
            return outcomes.stream().filter(o -> o.transition() == t).findFirst().orElseThrow();
        }

        String summary(DriftDetector.Outcome o) {
            return DriftDetector.summary(s, o, NORM, TOLERANCE, grace);
        }
    }

    @Test
    void aClientOnFortyFiveDayTermsPayingOnDayFortyToFortyFourNeverDrifts() {
        Random rnd = new Random(45);
        for (int grace : new int[] {0, 3, 7}) {
            Client c = new Client(grace);
            for (int i = 0; i < 40; i++) {
                c.pay(45, 40 + rnd.nextInt(5));
            }
            // Its EWMA (about 42) is far over norm 30 + tolerance 5, and it pays on time every time.
            assertThat(c.s.ewma()).isGreaterThan(NORM + TOLERANCE);
            assertThat(c.count(DriftDetector.Transition.DRIFT_STARTED)).as("grace %d", grace).isZero();
            assertThat(DriftDetector.lineDays(c.s.history(), NORM)).isEqualTo(45);
        }
    }

    @Test
    void theSameClientPayingOnDaySixtyOrLaterDriftsAgainstItsTerms() {
        Client c = new Client(3);
        c.pay(45, 42, 41, 44, 43, 42, 40);
        List<DriftDetector.Outcome> late = c.pay(45, 60, 62, 61, 63);
        assertThat(c.count(DriftDetector.Transition.DRIFT_STARTED)).isEqualTo(1);
        DriftDetector.Outcome started = c.first(DriftDetector.Transition.DRIFT_STARTED);
        assertThat(late).contains(started);
        assertThat(c.s.driftReason).isIn(DriftDetector.REASON_NORM, DriftDetector.REASON_BASELINE);

        // Late from the start: the line rule, worded against the terms.
        Client always = new Client(3);
        List<DriftDetector.Outcome> o = always.pay(45, 61, 64, 62);
        assertThat(o.get(0).transition()).isEqualTo(DriftDetector.Transition.NONE);
        assertThat(o.get(1).transition()).isEqualTo(DriftDetector.Transition.DRIFT_STARTED);
        assertThat(always.s.driftReason).isEqualTo(DriftDetector.REASON_NORM);
        assertThat(always.summary(o.get(1))).isEqualTo("Client now pays in 62 days on average (EWMA), over its "
                + "45-day payment terms by more than the 5 days tolerance; its usual was 63 days");
    }

    @Test
    void aClientWithNoTermsBeyondTheNormPayingOnDayFortyDriftsAgainstTheNorm() {
        for (int terms : new int[] {0, 14, 30}) {
            Client c = new Client(3);
            List<DriftDetector.Outcome> o = c.pay(terms, 40, 40);
            assertThat(o.get(1).transition()).as("terms %d", terms).isEqualTo(DriftDetector.Transition.DRIFT_STARTED);
            assertThat(c.s.driftReason).isEqualTo(DriftDetector.REASON_NORM);
            assertThat(DriftDetector.lineDays(c.s.history(), NORM)).isEqualTo(NORM);
            assertThat(c.summary(o.get(1))).contains("over your 30-day norm by more than the 5 days tolerance");
        }
    }

    @Test
    void theMarginIsTheLargerOfToleranceAndGrace() {
        assertThat(DriftDetector.margin(5, 3)).isEqualTo(5);
        assertThat(DriftDetector.margin(5, 10)).isEqualTo(10);
        // 30-day terms, paid on day 38-40: 8-10 days late. Over norm + tolerance (35), not over norm + grace 10.
        int[] days = {38, 40, 39, 40, 38, 39, 40, 40, 39, 38, 40, 39};
        Client lenient = new Client(10);
        lenient.pay(30, days);
        assertThat(lenient.count(DriftDetector.Transition.DRIFT_STARTED)).isZero();
        Client usual = new Client(3);
        usual.pay(30, days);
        assertThat(usual.count(DriftDetector.Transition.DRIFT_STARTED)).isEqualTo(1);
        // Over the line by more than the grace: the grace is what the summary names.
        Client worse = new Client(10);
        List<DriftDetector.Outcome> o = worse.pay(30, 42, 43);
        assertThat(o.get(1).transition()).isEqualTo(DriftDetector.Transition.DRIFT_STARTED);
        assertThat(worse.summary(o.get(1))).contains("over your 30-day norm by more than the 10 days grace");
    }

    @Test
    void aLineEpisodeRecoversAgainstTheSameLineAndSaysWhichLine() {
        Client c = new Client(3);
        c.pay(45, 62, 64, 63);
        assertThat(c.s.drifting()).isTrue();
        assertThat(c.s.driftReason).isEqualTo(DriftDetector.REASON_NORM);
        // 40 days on 45-day terms is on time: the episode ends, though 40 is over the 30-day norm.
        List<DriftDetector.Outcome> back = c.pay(45, 40, 41, 40, 42, 40, 41, 40, 41);
        assertThat(back.stream().filter(o -> o.transition() == DriftDetector.Transition.RECOVERED).count())
                .isEqualTo(1);
        DriftDetector.Outcome recovered = c.first(DriftDetector.Transition.RECOVERED);
        assertThat(recovered.recoveryKind()).isEqualTo(DriftDetector.RecoveryKind.NORM);
        assertThat(c.s.ewma()).isGreaterThan(NORM).isLessThanOrEqualTo(45);
        assertThat(c.summary(recovered)).startsWith("Client is back within its 45-day payment terms: EWMA ");

        // Paying 48 days on 45-day terms is within the margin but not back within the terms: no recovery yet.
        Client slow = new Client(3);
        slow.pay(45, 62, 64, 63);
        slow.pay(45, 48, 48, 48, 48, 48, 48, 48, 48);
        assertThat(slow.count(DriftDetector.Transition.RECOVERED)).isZero();
        assertThat(slow.s.drifting()).isTrue();

        // On the norm's line the wording names the norm.
        Client norm = new Client(3);
        norm.pay(30, 44, 46, 10, 10, 10, 10, 10);
        DriftDetector.Outcome back30 = norm.first(DriftDetector.Transition.RECOVERED);
        assertThat(norm.summary(back30)).startsWith("Client is back under the 30-day norm: EWMA ");
    }

    @Test
    void aClientMovingToShorterTermsIsNotJudgedByItsOldPaymentsAgainstItsNewTerms() {
        // 60-day terms paid on day 55, then 30-day terms paid on day 28: on time throughout. The line follows the
        // invoices as the EWMA does, so the EWMA's memory of 55 meets a line that still remembers 60.
        Client c = new Client(3);
        c.pay(60, 55, 56, 55, 54, 55, 56, 55, 55);
        c.pay(30, 28, 27, 28, 29, 28);
        // Half-way the line is a mix of both terms (30 + 30 x 0.7^5 = 35.0 days).
        assertThat(DriftDetector.lineDays(c.s.history(), NORM)).isEqualTo(35);
        c.pay(30, 28, 27, 28, 28, 29, 28, 28, 27, 28);
        assertThat(c.count(DriftDetector.Transition.DRIFT_STARTED)).isZero();
        assertThat(DriftDetector.lineDays(c.s.history(), NORM)).isEqualTo(30);
        // The line of the settlements so far, weighted as the EWMA weighs them.
        List<SettledRecord> h = c.s.history();
        double expected = 60;
        for (int i = 1; i < h.size(); i++) {
            expected = 0.3 * Math.max(NORM, h.get(i).termsDays()) + 0.7 * expected;
        }
        assertThat(DriftDetector.line(h, NORM)).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void materialityCountsOnlyLatenessBeyondTheGrace() {
        // Day 2 to day 40 of 45-day terms: a large shift, and still before the due date. Not material, no drift.
        Client c = new Client(3);
        c.pay(45, 2, 3, 2, 2, 3, 2, 40, 41, 40, 42, 40, 41, 40, 41, 42, 40);
        assertThat(c.count(DriftDetector.Transition.DRIFT_STARTED)).isZero();
        assertThat(DriftDetector.isMaterial(c.s.history(), 3)).isFalse();

        // 30-day terms, paid 2-3 days late: late, but within a 3-day grace.
        List<SettledRecord> slightly = records(30, 32, 33, 33);
        assertThat(DriftDetector.isMaterial(slightly, 3)).isFalse();
        assertThat(DriftDetector.isMaterial(slightly, 0)).isTrue();
        // 4-6 days late: beyond a 3-day grace, within a 7-day one.
        List<SettledRecord> later = records(30, 34, 35, 36);
        assertThat(DriftDetector.isMaterial(later, 3)).isTrue();
        assertThat(DriftDetector.isMaterial(later, 7)).isFalse();
        // Two of the last three beyond the grace, but the newest within it: not material.
        assertThat(DriftDetector.isMaterial(records(30, 40, 40, 32), 3)).isFalse();
        // Mean beyond the grace must be positive: 4 and 4 days beyond with grace 3 (1 + 1) against 25 days (-8).
        assertThat(DriftDetector.isMaterial(records(30, 25, 34, 34), 3)).isFalse();

        // Through the detector: 5 days, then 34-35 on 30-day terms. Grace 3: material, drifts; grace 7: nothing.
        int[] days = {5, 5, 6, 5, 4, 5, 34, 35, 34, 35, 34, 35};
        Client tight = new Client(3);
        tight.pay(30, days);
        assertThat(tight.count(DriftDetector.Transition.DRIFT_STARTED)).isEqualTo(1);
        assertThat(tight.s.driftReason).isEqualTo(DriftDetector.REASON_BASELINE);
        Client lenient = new Client(7);
        lenient.pay(30, days);
        assertThat(lenient.count(DriftDetector.Transition.DRIFT_STARTED)).isZero();

        // 12 days, then 42, 44, 43 on 30-day terms. Without a grace the second late payment fires (the mean of the
        // last three is past due: -18 + 12 + 14); with the default 3-day grace it is not yet past due + grace
        // (-21 + 9 + 11), and the third late payment fires.
        Client noGrace = new Client(0);
        List<DriftDetector.Outcome> a = noGrace.pay(30, 12, 11, 13, 12, 12, 12, 42, 44, 43);
        Client defaultGrace = new Client(3);
        List<DriftDetector.Outcome> b = defaultGrace.pay(30, 12, 11, 13, 12, 12, 12, 42, 44, 43);
        assertThat(a.indexOf(noGrace.first(DriftDetector.Transition.DRIFT_STARTED))).isEqualTo(7);
        assertThat(b.indexOf(defaultGrace.first(DriftDetector.Transition.DRIFT_STARTED))).isEqualTo(8);
        assertThat(defaultGrace.s.driftReason).isEqualTo(DriftDetector.REASON_BASELINE);
    }

    /** Settled records of {@code terms}-day invoices paid after {@code dtps} days, oldest first. */
    private static List<SettledRecord> records(int terms, int... dtps) {
        List<SettledRecord> out = new ArrayList<>();
        for (int i = 0; i < dtps.length; i++) {
            long issued = 1_700_000_000_000L + i * 40L * DAY;
            out.add(new SettledRecord("r" + i, issued, issued + terms * DAY, issued + dtps[i] * DAY, dtps[i],
                    Math.max(0, dtps[i] - terms), terms, 100_00, "EUR"));
        }
        return out;
    }
}
