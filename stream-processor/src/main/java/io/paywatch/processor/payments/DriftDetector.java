package io.paywatch.processor.payments;

/**
 * Decides when a client's payments drift, and when they recover, from each new settlement.
 *
 * <p>Two entry rules:
 * <ol>
 *   <li><b>Norm:</b> the EWMA of days to pay (alpha {@value #EWMA_ALPHA}) is above the tenant's norm + tolerance
 *       on two consecutive settlements. The confirmation stops one very late payment from pushing the EWMA over
 *       the line and raising an alert on its own.</li>
 *   <li><b>Change vs own baseline (CUSUM):</b> a client that always paid in 10 days and now pays in 25 is
 *       drifting even under a 30-day norm. The baseline (mean and variance of DTP) is learnt from the first
 *       {@value #BASELINE_WARMUP} settlements and then follows slowly (alpha {@value #BASELINE_ALPHA}) while the
 *       client behaves normally; it is frozen during a drift episode. Each settlement adds
 *       z = (DTP - mean) / sd, clipped to [{@value #Z_MIN}, {@value #Z_MAX}], to a one-sided CUSUM
 *       S = max(0, S + z - {@value #K}); drift is declared when S &gt; {@value #H}. CUSUM was chosen over a plain
 *       z-score because it accumulates evidence of a sustained shift: since one settlement adds at most
 *       {@value #Z_MAX} - {@value #K} = 2 &lt; {@value #H}, a single noisy payment can never fire it; two clearly
 *       late payments in a row can. sd has a floor of {@value #SD_FLOOR} days so a very regular client is not
 *       alarmed by a one-day wobble.</li>
 * </ol>
 * <p>Recovery (hysteresis): the EWMA must be back at or under the norm itself (tolerance days below the entry
 * line) and the last {@value #RECOVERY_RUN} settlements must each be normal (DTP within one sd of the baseline,
 * or within the norm while there is no baseline). Entry and exit thresholds differ, so alerts do not flap.
 */
public final class DriftDetector {

    /** Smoothing of the days-to-pay EWMA. */
    public static final double EWMA_ALPHA = 0.3;
    static final int BASELINE_WARMUP = 5;
    static final double BASELINE_ALPHA = 0.1;
    static final double SD_FLOOR = 2.0;
    static final double K = 0.5;
    static final double H = 3.5;
    static final double Z_MIN = -3.0;
    static final double Z_MAX = 2.5;
    static final int NORM_CONFIRMATIONS = 2;
    static final int RECOVERY_RUN = 3;

    /** {@code driftReason} of a drift entered by the norm rule (the AlertFacts.DRIFT_REASON value). */
    public static final String REASON_NORM = "norm";
    /** {@code driftReason} of a drift entered by the change detector against the client's own baseline. */
    public static final String REASON_BASELINE = "baseline";

    /** What a settlement did to the drift state. */
    public enum Transition { NONE, DRIFT_STARTED, RECOVERED }

    private DriftDetector() {
    }

    /** Updates {@code s} with a settlement of {@code daysToPay} days, and says whether a drift started or ended. */
    public static Transition update(ClientState s, int daysToPay, int normDays, int toleranceDays) {
        double x = daysToPay;
        s.ewma = Double.isNaN(s.ewma) ? x : EWMA_ALPHA * x + (1 - EWMA_ALPHA) * s.ewma;
        boolean baselineReady = s.baselineN >= BASELINE_WARMUP;
        double sd = Math.max(SD_FLOOR, Math.sqrt(Math.max(0, s.baselineVar)));
        double z = baselineReady ? (x - s.baselineMean) / sd : 0;
        if (baselineReady) {
            s.cusum = Math.max(0, s.cusum + Math.max(Z_MIN, Math.min(Z_MAX, z)) - K);
        }
        s.aboveNormStreak = s.ewma > normDays + toleranceDays ? s.aboveNormStreak + 1 : 0;
        boolean normal = baselineReady ? z <= 1.0 : x <= normDays;
        s.consecutiveNormal = normal ? s.consecutiveNormal + 1 : 0;

        if (!s.drifting) {
            learnBaseline(s, x, baselineReady, z);
            boolean normRule = s.aboveNormStreak >= NORM_CONFIRMATIONS;
            boolean changeRule = baselineReady && s.cusum > H;
            if (normRule || changeRule) {
                s.drifting = true;
                s.driftEpisode++;
                s.driftReason = normRule ? REASON_NORM : REASON_BASELINE;
                s.consecutiveNormal = 0;
                return Transition.DRIFT_STARTED;
            }
            return Transition.NONE;
        }
        if (s.ewma <= normDays && s.consecutiveNormal >= RECOVERY_RUN) {
            s.drifting = false;
            s.cusum = 0;
            s.aboveNormStreak = 0;
            return Transition.RECOVERED;
        }
        return Transition.NONE;
    }

    private static void learnBaseline(ClientState s, double x, boolean baselineReady, double z) {
        if (!baselineReady) {
            // Welford's running mean and variance over the warm-up settlements.
            s.baselineN++;
            double delta = x - s.baselineMean;
            s.baselineMean += delta / s.baselineN;
            double m2 = s.baselineVar * Math.max(0, s.baselineN - 2) + delta * (x - s.baselineMean);
            s.baselineVar = s.baselineN > 1 ? m2 / (s.baselineN - 1) : 0;
        } else if (z <= K) {
            // Follow slow, benign change only; a suspicious settlement must not drag the baseline with it.
            double delta = x - s.baselineMean;
            s.baselineMean += BASELINE_ALPHA * delta;
            s.baselineVar = (1 - BASELINE_ALPHA) * (s.baselineVar + BASELINE_ALPHA * delta * delta);
            s.baselineN++;
        }
    }
}
