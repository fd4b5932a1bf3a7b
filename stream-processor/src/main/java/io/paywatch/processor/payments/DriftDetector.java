package io.paywatch.processor.payments;

import java.util.List;

/**
 * Decides when a client's payments drift, and when they recover, from each new settlement. A drift alert must mean
 * "this client now pays late in a way that costs you", not merely "slower than before".
 *
 * <p>Two entry rules:
 * <ol>
 *   <li><b>Norm (the line):</b> the EWMA of days to pay (alpha {@value #EWMA_ALPHA}) is above the client's
 *       <b>line</b> plus the <b>margin</b> on two consecutive settlements. The line of one settled invoice is
 *       max(tenant's norm, that invoice's terms in days): a client on 45-day terms paying on day 44 pays on time,
 *       whatever the tenant's 30-day norm. The client's line ({@link #line}) is the EWMA of its settled invoices'
 *       lines with the same alpha and in the same order as the days to pay, so EWMA &gt; line + margin is exactly
 *       "the smoothed days beyond each invoice's own line exceed the margin", and a client whose terms change (60 to
 *       30 days) is not judged by its old payments against its new terms. The margin is max(drift tolerance,
 *       overdue grace): a payment inside the grace period the tenant allows is not late. The confirmation stops one
 *       very late payment from pushing the EWMA over the line and raising an alert on its own. The line is the
 *       tenant's own line of what is acceptable (or the client's agreed terms), so crossing it by the margin is
 *       material by definition.</li>
 *   <li><b>Change vs own baseline (CUSUM), when material:</b> a client that always paid in 10 days and now pays in
 *       45 on 30-day terms is drifting before its average crosses the norm. The baseline (mean and variance of
 *       DTP) is learnt from the first {@value #BASELINE_WARMUP} settlements and then follows slowly (alpha
 *       {@value #BASELINE_ALPHA}) while the client behaves normally; it is frozen during a drift episode. Each
 *       settlement adds z = (DTP - mean) / sd, clipped to [{@value #Z_MIN}, {@value #Z_MAX}], to a one-sided
 *       CUSUM S = min({@value #S_MAX}, max(0, S + z - {@value #K})); a shift is significant when S &gt; {@value #H}.
 *       sd has a floor of {@value #SD_FLOOR} days so a very regular client is not alarmed by a one-day wobble.
 *       <br>A significant shift raises PAYMENT_DRIFT only if it is also <b>material</b> ({@link #isMaterial}),
 *       counting lateness only beyond the tenant's grace period (days beyond terms minus grace): the settlement
 *       that tips it was paid more than the grace after its due date, at least {@value #MATERIAL_LATE} of the last
 *       {@value #MATERIAL_RUN} settlements were, and those last {@value #MATERIAL_RUN} settlements were on average
 *       more than the grace past their due dates (mean of DTP - terms - grace &gt; 0).
 *       <br><i>Why this rule:</i> what a slower payment costs a freelancer is cash that arrives after the date they
 *       planned around, and that date is the invoice's due date. A client moving from 5 to 10 days on 30-day
 *       terms still pays three weeks before the money is due, so nothing the freelancer planned is touched: that
 *       is statistics, not news. Requiring two late payments in the last three (not one) keeps the statistical
 *       guard: one noisy payment can never fire, however late it is. Requiring the mean of the last three past
 *       due stops a habitually early client with two slightly late payments from being alarmed: its recent
 *       typical payment must have moved past the due date. Terms are each invoice's own, so mixed terms are
 *       judged correctly.</li>
 * </ol>
 * A significant but immaterial shift (5 to 10 days) is accepted as the client's new usual: while S is above
 * {@value #H} and the shift is not material, the baseline's mean follows every settlement (alpha
 * {@value #BASELINE_ALPHA}) instead of only the normal ones, so it moves to the new level and S falls back; S is
 * capped at {@value #S_MAX} so that it does not store up an unbounded alarm. A shift that later becomes material
 * still fires, because the baseline follows slowly (a client going from 12 to 42, 44, 43 days on 30-day terms is
 * alerted on its second late payment without a grace, on its third with the default 3-day grace).
 *
 * <p><b>Recovery</b> (hysteresis) ends an episode with one RECOVERED, and says what was recovered
 * ({@link RecoveryKind}):
 * <ul>
 *   <li>a <b>norm</b> episode recovers when the EWMA is back at or under the line itself (margin days below the
 *       entry threshold) and the last {@value #RECOVERY_RUN} settlements each took at most their own invoice's line:
 *       "back under the 30-day norm" when the line is the norm, "back within its 45-day payment terms" when the
 *       client's terms make it longer;</li>
 *   <li>a <b>baseline</b> episode recovers when the last {@value #RECOVERY_RUN} settlements each took at most the
 *       (frozen) baseline + 2 sd days and the EWMA is at most max(line, baseline + 2 sd): "back to your usual 12
 *       days"; or, when the client settles inside its terms again without returning to its old usual, when the
 *       last {@value #RECOVERY_RUN} settlements were all paid by their due dates: "paying within terms again" (kind
 *       {@code terms}). Without that second exit a client that went from 5 to 40 days and then to a steady 20
 *       would stay in its episode for ever, and a later real drift could never be reported.</li>
 * </ul>
 * Entry and exit thresholds differ, so alerts do not flap.
 *
 * <p>The detector reads the client's settlements up to the one being evaluated, oldest first, that one last
 * ({@code ClientProcessor} feeds them in event-time order as the watermark passes them).
 */
public final class DriftDetector {

    /** Smoothing of the days-to-pay EWMA. */
    public static final double EWMA_ALPHA = 0.3;
    static final int BASELINE_WARMUP = 5;
    static final double BASELINE_ALPHA = 0.1;
    static final double SD_FLOOR = 2.0;
    static final double K = 0.5;
    static final double H = 3.5;
    /** Cap of the CUSUM: H plus one settlement's largest step, so a stored-up alarm drains in a few settlements. */
    static final double S_MAX = H + 2.0;
    static final double Z_MIN = -3.0;
    static final double Z_MAX = 2.5;
    static final int NORM_CONFIRMATIONS = 2;
    static final int RECOVERY_RUN = 3;
    /** Settlements the materiality rule looks at. */
    static final int MATERIAL_RUN = 3;
    /** Of the last {@link #MATERIAL_RUN} settlements, how many must have been paid after their due dates. */
    static final int MATERIAL_LATE = 2;

    /** {@code driftReason} of a drift entered by the norm rule (the AlertFacts.DRIFT_REASON value). */
    public static final String REASON_NORM = "norm";
    /** {@code driftReason} of a drift entered by the change detector against the client's own baseline. */
    public static final String REASON_BASELINE = "baseline";

    /** What a settlement did to the drift state. */
    public enum Transition { NONE, DRIFT_STARTED, RECOVERED }

    /**
     * What a RECOVERED alert says was recovered; {@link #fact()} is the AlertFacts.RECOVERY_KIND value.
     */
    public enum RecoveryKind {
        /** A norm episode ended: the EWMA is back at or under the tenant's norm. */
        NORM("norm"),
        /** A baseline episode ended: the client pays in its usual days again. */
        BASELINE("baseline"),
        /** A baseline episode ended: the client pays by the due date again, though not back at its old usual. */
        TERMS("terms");

        private final String fact;

        RecoveryKind(String fact) {
            this.fact = fact;
        }

        /** The fact value: {@code norm}, {@code baseline} or {@code terms}. */
        public String fact() {
            return fact;
        }
    }

    /**
     * The result of one settlement: the transition and, for {@link Transition#RECOVERED}, what was recovered
     * (null otherwise).
     */
    public record Outcome(Transition transition, RecoveryKind recoveryKind) {

        static final Outcome NONE = new Outcome(Transition.NONE, null);
        static final Outcome STARTED = new Outcome(Transition.DRIFT_STARTED, null);
    }

    private DriftDetector() {
    }

    /**
     * Updates {@code s} with a settlement of {@code daysToPay} days (the newest record of {@code s.history()}), and
     * says whether a drift started or ended, and what a recovery recovered.
     *
     * @param normDays      the tenant's payment norm, days
     * @param toleranceDays the tenant's drift tolerance, days above the line
     * @param graceDays     the tenant's overdue grace period, days after the due date
     */
    public static Outcome evaluate(ClientState s, int daysToPay, int normDays, int toleranceDays, int graceDays) {
        return evaluate(s, s.history(), daysToPay, normDays, toleranceDays, graceDays);
    }

    /**
     * As {@link #evaluate(ClientState, int, int, int, int)}, reading the recent settlements from {@code historyUpTo}
     * (oldest first, the settlement being evaluated last) instead of the client's whole history. The processor feeds
     * settlements in event-time order while later ones may already be in the history (they arrived early, within
     * the allowed lateness); judging materiality and recovery only on what was settled by then keeps the outcome
     * independent of the arrival order.
     */
    public static Outcome evaluate(ClientState s, List<SettledRecord> historyUpTo, int daysToPay, int normDays,
            int toleranceDays, int graceDays) {
        List<SettledRecord> h = historyUpTo;
        double line = line(h, normDays);
        double x = daysToPay;
        s.ewma = Double.isNaN(s.ewma) ? x : EWMA_ALPHA * x + (1 - EWMA_ALPHA) * s.ewma;
        boolean baselineReady = s.baselineN >= BASELINE_WARMUP;
        double sd = sd(s);
        double z = baselineReady ? (x - s.baselineMean) / sd : 0;
        if (baselineReady) {
            s.cusum = Math.min(S_MAX, Math.max(0, s.cusum + Math.max(Z_MIN, Math.min(Z_MAX, z)) - K));
        }
        s.aboveNormStreak = s.ewma > line + margin(toleranceDays, graceDays) ? s.aboveNormStreak + 1 : 0;

        if (!s.drifting) {
            boolean normRule = s.aboveNormStreak >= NORM_CONFIRMATIONS;
            boolean shift = baselineReady && s.cusum > H;
            boolean changeRule = shift && isMaterial(h, graceDays);
            learnBaseline(s, x, baselineReady, z, shift && !changeRule);
            if (normRule || changeRule) {
                s.drifting = true;
                s.driftEpisode++;
                s.driftReason = normRule ? REASON_NORM : REASON_BASELINE;
                return Outcome.STARTED;
            }
            return Outcome.NONE;
        }
        RecoveryKind kind = recovery(s, h, line, normDays);
        if (kind != null) {
            s.drifting = false;
            s.cusum = 0;
            s.aboveNormStreak = 0;
            return new Outcome(Transition.RECOVERED, kind);
        }
        return Outcome.NONE;
    }

    /**
     * The one-line English summary of a drift transition, from the state right after {@link #evaluate}: what the
     * client does now, against what (the norm, its payment terms or its usual days), and for a recovery what was
     * recovered, e.g. "Client is back to its usual 12 days to pay (EWMA 13 days)", "Client is back under the 30-day
     * norm: EWMA 24 days to pay" or "Client is back within its 45-day payment terms: EWMA 43 days to pay". Numbers
     * are rounded to whole days.
     */
    public static String summary(ClientState s, Outcome outcome, int normDays, int toleranceDays, int graceDays) {
        return summary(s, outcome, s.history(), normDays, toleranceDays, graceDays);
    }

    /**
     * As {@link #summary(ClientState, Outcome, int, int, int)}, about the settlements {@code historyUpTo} that were
     * evaluated (oldest first, the settlement evaluated last).
     */
    public static String summary(ClientState s, Outcome outcome, List<SettledRecord> historyUpTo, int normDays,
            int toleranceDays, int graceDays) {
        SettledRecord last = historyUpTo.isEmpty() ? null : historyUpTo.get(historyUpTo.size() - 1);
        int terms = last == null ? normDays : last.termsDays();
        int lineDays = wordingLineDays(historyUpTo, normDays, s.ewma, margin(toleranceDays, graceDays),
                outcome.transition() == Transition.RECOVERED);
        String line = lineDays > normDays ? String.format(java.util.Locale.ROOT, "its %d-day payment terms",
                lineDays) : String.format(java.util.Locale.ROOT, "your %d-day norm", normDays);
        if (outcome.transition() == Transition.DRIFT_STARTED) {
            if (REASON_NORM.equals(s.driftReason)) {
                String margin = graceDays > toleranceDays
                        ? String.format(java.util.Locale.ROOT, "the %d days grace", graceDays)
                        : String.format(java.util.Locale.ROOT, "the %d days tolerance", toleranceDays);
                return String.format(java.util.Locale.ROOT, "Client now pays in %.0f days on average (EWMA), over "
                        + "%s by more than %s; its usual was %.0f days", s.ewma, line, margin, s.baselineMean);
            }
            return String.format(java.util.Locale.ROOT, "Client now pays late: %d days to pay on %d-day terms, "
                    + "against its usual %.0f days (EWMA %.0f days)", last == null ? 0 : last.daysToPay(), terms,
                    s.baselineMean, s.ewma);
        }
        if (outcome.transition() != Transition.RECOVERED) {
            return "";
        }
        return switch (outcome.recoveryKind()) {
            case NORM -> lineDays > normDays
                    ? String.format(java.util.Locale.ROOT,
                            "Client is back within its %d-day payment terms: EWMA %.0f days to pay", lineDays, s.ewma)
                    : String.format(java.util.Locale.ROOT,
                            "Client is back under the %d-day norm: EWMA %.0f days to pay", normDays, s.ewma);
            case BASELINE -> String.format(java.util.Locale.ROOT,
                    "Client is back to its usual %.0f days to pay (EWMA %.0f days)", s.baselineMean, s.ewma);
            case TERMS -> String.format(java.util.Locale.ROOT, "Client pays within terms again: its last %d invoices "
                    + "were paid by their due dates (EWMA %.0f days to pay)", RECOVERY_RUN, s.ewma);
        };
    }

    /** The recovery the state shows now, or null while the episode goes on. */
    private static RecoveryKind recovery(ClientState s, List<SettledRecord> h, double line, int normDays) {
        if (!REASON_BASELINE.equals(s.driftReason)) {
            return s.ewma <= line && lastRunWithinOwnLine(h, normDays) ? RecoveryKind.NORM : null;
        }
        double sd = sd(s);
        double usual = s.baselineMean + 2 * sd;
        if (lastRunWithin(h, usual) && s.ewma <= Math.max(line, usual)) {
            return RecoveryKind.BASELINE;
        }
        if (lastRunOnTime(h)) {
            return RecoveryKind.TERMS;
        }
        return null;
    }

    /**
     * Whether the client's recent payments are late in a way that costs the freelancer (see the class comment),
     * counting lateness only beyond the grace period (days beyond terms minus {@code graceDays}): the newest
     * settlement was paid more than the grace after its due date, at least {@value #MATERIAL_LATE} of the last
     * {@value #MATERIAL_RUN} were, and their mean signed days relative to due date + grace is positive. With a grace
     * of 0 a payment one day after the due date counts.
     */
    static boolean isMaterial(List<SettledRecord> h, int graceDays) {
        int grace = Math.max(0, graceDays);
        if (h.isEmpty() || h.get(h.size() - 1).daysLate() <= grace) {
            return false;
        }
        int late = 0;
        int seen = 0;
        long beyondGrace = 0;
        for (int i = h.size() - 1; i >= 0 && seen < MATERIAL_RUN; i--, seen++) {
            SettledRecord r = h.get(i);
            beyondGrace += r.daysVsDue() - grace;
            if (r.daysLate() > grace) {
                late++;
            }
        }
        return late >= MATERIAL_LATE && beyondGrace > 0;
    }

    /**
     * The line one settled invoice is judged against: the tenant's norm, or the invoice's own terms when they are
     * longer (a client on 45-day terms paying on day 44 pays on time).
     */
    static int lineOf(SettledRecord r, int normDays) {
        return Math.max(normDays, r.termsDays());
    }

    /**
     * The client's line, days: the EWMA (alpha {@value #EWMA_ALPHA}, oldest first) of {@link #lineOf} over
     * {@code h}, the settlements fed to the detector so far in the order they were fed, so it weighs each invoice's
     * line exactly as the days-to-pay EWMA weighs its days. It is recomputed from the remembered settlements (the
     * last {@link ClientState#HISTORY_SIZE}), not stored: the weight of anything older is under
     * 0.7<sup>49</sup>, about 3e-8. The norm when {@code h} is empty.
     */
    public static double line(List<SettledRecord> h, int normDays) {
        int[] terms = new int[h.size()];
        for (int i = 0; i < terms.length; i++) {
            terms[i] = h.get(i).termsDays();
        }
        return lineOfTerms(terms, normDays);
    }

    /**
     * {@link #line} from the settled invoices' terms alone, days, oldest first: the EWMA (alpha
     * {@value #EWMA_ALPHA}) of max(norm, terms). The classifier reads it from a profile's settled history so that a
     * client is never labelled slow for paying within the terms its drift is judged against. The norm when empty.
     */
    public static double lineOfTerms(int[] termsDaysOldestFirst, int normDays) {
        double line = Double.NaN;
        for (int terms : termsDaysOldestFirst) {
            int l = Math.max(normDays, terms);
            line = Double.isNaN(line) ? l : EWMA_ALPHA * l + (1 - EWMA_ALPHA) * line;
        }
        return Double.isNaN(line) ? normDays : line;
    }

    /** {@link #line} rounded to whole days: the {@code lineDays} fact, and the number the wording says. */
    public static int lineDays(List<SettledRecord> h, int normDays) {
        return (int) Math.round(line(h, normDays));
    }

    /**
     * The line an alert names, days (the {@code lineDays} fact and the summary's "its 45-day payment terms"): a number
     * the client's invoices really have, for which the sentence is true. The judgement uses {@link #line}, an EWMA
     * that mixes old and new terms when they change (60 then 30 days gives 40 for a while), and no invoice has a mixed
     * line. So a drift names the line of the settlement that raised it when the EWMA is over it by more than the
     * margin, else the norm (the EWMA is always over norm + margin then); a recovery names that settlement's line when
     * the EWMA is within it, else the rounded {@link #line} (a client whose terms just changed).
     *
     * @param ewma       the client's EWMA of days to pay after the settlement
     * @param marginDays {@link #margin}
     * @param recovery   a RECOVERED (true) or a PAYMENT_DRIFT (false)
     */
    public static int wordingLineDays(List<SettledRecord> h, int normDays, double ewma, int marginDays,
            boolean recovery) {
        int latest = h.isEmpty() ? normDays : lineOf(h.get(h.size() - 1), normDays);
        if (!recovery) {
            return ewma > latest + marginDays ? latest : normDays;
        }
        return ewma <= latest ? latest : lineDays(h, normDays);
    }

    /** Days above the line before the EWMA drifts: max(drift tolerance, overdue grace). */
    public static int margin(int toleranceDays, int graceDays) {
        return Math.max(toleranceDays, graceDays);
    }

    /** Whether the last {@value #RECOVERY_RUN} settlements each took at most {@code days} days to pay. */
    private static boolean lastRunWithin(List<SettledRecord> h, double days) {
        if (h.size() < RECOVERY_RUN) {
            return false;
        }
        for (int i = 1; i <= RECOVERY_RUN; i++) {
            if (h.get(h.size() - i).daysToPay() > days) {
                return false;
            }
        }
        return true;
    }

    /** Whether the last {@value #RECOVERY_RUN} settlements each took at most their own invoice's {@link #lineOf}. */
    private static boolean lastRunWithinOwnLine(List<SettledRecord> h, int normDays) {
        if (h.size() < RECOVERY_RUN) {
            return false;
        }
        for (int i = 1; i <= RECOVERY_RUN; i++) {
            SettledRecord r = h.get(h.size() - i);
            if (r.daysToPay() > lineOf(r, normDays)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the last {@value #RECOVERY_RUN} settlements were each paid by their due dates. */
    private static boolean lastRunOnTime(List<SettledRecord> h) {
        if (h.size() < RECOVERY_RUN) {
            return false;
        }
        for (int i = 1; i <= RECOVERY_RUN; i++) {
            if (h.get(h.size() - i).daysLate() > 0) {
                return false;
            }
        }
        return true;
    }

    /** The baseline's standard deviation with its floor, days. */
    static double sd(ClientState s) {
        return Math.max(SD_FLOOR, Math.sqrt(Math.max(0, s.baselineVar)));
    }

    private static void learnBaseline(ClientState s, double x, boolean baselineReady, double z, boolean absorb) {
        if (!baselineReady) {
            // Welford's running mean and variance over the warm-up settlements.
            s.baselineN++;
            double delta = x - s.baselineMean;
            s.baselineMean += delta / s.baselineN;
            double m2 = s.baselineVar * Math.max(0, s.baselineN - 2) + delta * (x - s.baselineMean);
            s.baselineVar = s.baselineN > 1 ? m2 / (s.baselineN - 1) : 0;
        } else if (absorb) {
            // A significant but harmless shift is the client's new usual: the mean follows it. The variance does
            // not, because a change of level is not noise; inflating sd would later call 20 days "your usual 9".
            s.baselineMean += BASELINE_ALPHA * (x - s.baselineMean);
            s.baselineN++;
        } else if (z <= K) {
            // Follow slow, benign change only; a suspicious settlement must not drag the baseline with it.
            double delta = x - s.baselineMean;
            s.baselineMean += BASELINE_ALPHA * delta;
            s.baselineVar = (1 - BASELINE_ALPHA) * (s.baselineVar + BASELINE_ALPHA * delta * delta);
            s.baselineN++;
        }
    }
}
