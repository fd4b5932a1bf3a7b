package io.paywatch.processor.payments;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link DriftDetector} on settlement sequences (30-day terms, norm 30, tolerance 5, no grace), without the topology.
 * The grace period's effect is pinned by {@link DriftTermsAndGraceTest}.
 */
class DriftDetectorTest {

    private static final long DAY = 86_400_000L;
    private static final int TERMS = 30;
    private static final int NORM = 30;
    private static final int TOLERANCE = 5;
    private static final int GRACE = 0;

    /** Feeds each days-to-pay as a settlement on 30-day terms; returns every outcome. */
    private static List<DriftDetector.Outcome> feed(ClientState s, int... daysToPay) {
        List<DriftDetector.Outcome> out = new ArrayList<>();
        for (int dtp : daysToPay) {
            int n = s.paidInvoices();
            long issued = 1_700_000_000_000L + n * 40L * DAY;
            s.addSettled(new SettledRecord("i" + n, issued, issued + TERMS * DAY, issued + dtp * DAY, dtp,
                    Math.max(0, dtp - TERMS), TERMS, 100_00, "EUR"));
            out.add(DriftDetector.evaluate(s, dtp, NORM, TOLERANCE, GRACE));
        }
        return out;
    }

    private static long count(List<DriftDetector.Outcome> outcomes, DriftDetector.Transition t) {
        return outcomes.stream().filter(o -> o.transition() == t).count();
    }

    @Test
    void aShiftFromFiveToTenDaysOnThirtyDayTermsIsNotNews() {
        ClientState s = new ClientState();
        List<DriftDetector.Outcome> outcomes = feed(s, 5, 5, 6, 4, 5, 5, 10, 10, 11, 9, 10, 10, 10, 12, 10, 10);
        assertThat(count(outcomes, DriftDetector.Transition.DRIFT_STARTED)).isZero();
        // The harmless shift became the client's new usual: the baseline moved towards it.
        assertThat(s.baselineMean()).isGreaterThan(7.0);
    }

    @Test
    void aShiftPastTheTermsAgainstTheOwnBaselineFiresOnceAndRecoversToTheUsualDays() {
        ClientState s = new ClientState();
        List<DriftDetector.Outcome> outcomes = feed(s, 12, 11, 13, 12, 12, 12, 42, 44);
        assertThat(outcomes.get(6).transition()).as("one late payment").isEqualTo(DriftDetector.Transition.NONE);
        assertThat(outcomes.get(7).transition()).isEqualTo(DriftDetector.Transition.DRIFT_STARTED);
        assertThat(s.driftReason).isEqualTo(DriftDetector.REASON_BASELINE);
        List<DriftDetector.Outcome> back = feed(s, 12, 13, 12);
        assertThat(back.get(2)).isEqualTo(
                new DriftDetector.Outcome(DriftDetector.Transition.RECOVERED, DriftDetector.RecoveryKind.BASELINE));
        assertThat(DriftDetector.summary(s, back.get(2), NORM, TOLERANCE, GRACE))
                .startsWith("Client is back to its usual 12 days to pay");
    }

    @Test
    void oneNoisyPaymentNeverFiresHoweverLate() {
        ClientState s = new ClientState();
        List<DriftDetector.Outcome> outcomes = feed(s, 10, 10, 10, 10, 10, 10, 90, 10, 10, 10, 80, 10);
        assertThat(count(outcomes, DriftDetector.Transition.DRIFT_STARTED)).isZero();
    }

    @Test
    void twoLatePaymentsFromAnEarlyHabitAreNotEnoughWhileTheTypicalPaymentIsStillEarly() {
        ClientState s = new ClientState();
        // Usually 5 days, then 32 and 33: late, but the smoothed lateness is still well before the due date.
        List<DriftDetector.Outcome> outcomes = feed(s, 5, 5, 5, 5, 5, 5, 32, 33, 5, 5);
        assertThat(count(outcomes, DriftDetector.Transition.DRIFT_STARTED)).isZero();
    }

    @Test
    void aNormEpisodeRecoversUnderTheNormAndSaysSo() {
        ClientState s = new ClientState();
        List<DriftDetector.Outcome> outcomes = feed(s, 44, 46);
        assertThat(outcomes.get(1).transition()).isEqualTo(DriftDetector.Transition.DRIFT_STARTED);
        assertThat(s.driftReason).isEqualTo(DriftDetector.REASON_NORM);
        List<DriftDetector.Outcome> back = feed(s, 10, 10, 10, 10, 10);
        DriftDetector.Outcome recovered = back.stream()
                .filter(o -> o.transition() == DriftDetector.Transition.RECOVERED).findFirst().orElseThrow();
        assertThat(recovered.recoveryKind()).isEqualTo(DriftDetector.RecoveryKind.NORM);
        assertThat(count(back, DriftDetector.Transition.RECOVERED)).isEqualTo(1);
        assertThat(DriftDetector.summary(s, recovered, NORM, TOLERANCE, GRACE))
                .startsWith("Client is back under the 30-day norm");
    }

    @Test
    void aBaselineEpisodeThatSettlesInsideTheTermsEndsAsTermsAndCanDriftAgain() {
        ClientState s = new ClientState();
        List<DriftDetector.Outcome> first = feed(s, 5, 5, 5, 5, 5, 40, 42, 41);
        assertThat(count(first, DriftDetector.Transition.DRIFT_STARTED)).isEqualTo(1);
        List<DriftDetector.Outcome> steady = feed(s, 20, 21, 20, 20, 19, 20, 21, 20, 20, 20, 20, 21);
        assertThat(steady.stream().filter(o -> o.transition() == DriftDetector.Transition.RECOVERED)
                .map(DriftDetector.Outcome::recoveryKind)).containsExactly(DriftDetector.RecoveryKind.TERMS);
        assertThat(s.drifting()).isFalse();
    }

    @Test
    void noRecoveryWithoutADriftAndEpisodesAlternate() {
        Random rnd = new Random(7);
        for (int client = 0; client < 300; client++) {
            ClientState s = new ClientState();
            double mean = 5 + rnd.nextDouble() * 50;
            boolean drifting = false;
            for (int i = 0; i < 60; i++) {
                double mu = mean + (i > 30 ? (rnd.nextBoolean() ? 20 : -20) : 0);
                int dtp = (int) Math.max(0, Math.round(mu + rnd.nextGaussian() * 6));
                DriftDetector.Outcome o = feed(s, dtp).get(0);
                if (o.transition() == DriftDetector.Transition.RECOVERED) {
                    assertThat(drifting).as("RECOVERED only inside an episode").isTrue();
                    drifting = false;
                } else if (o.transition() == DriftDetector.Transition.DRIFT_STARTED) {
                    assertThat(drifting).isFalse();
                    drifting = true;
                }
                assertThat(s.drifting()).isEqualTo(drifting);
            }
        }
    }
}
