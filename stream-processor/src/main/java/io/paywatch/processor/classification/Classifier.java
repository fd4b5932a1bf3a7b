package io.paywatch.processor.classification;

import io.paywatch.contract.Classification;
import io.paywatch.contract.ClientType;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.OpenInvoice;
import io.paywatch.contract.PaymentStats;
import io.paywatch.contract.ReceivablesStats;
import io.paywatch.contract.ResponsivenessStats;
import io.paywatch.contract.ScoreFactor;
import io.paywatch.contract.SettledInvoice;
import io.paywatch.processor.payments.CalendarDays;
import io.paywatch.processor.payments.DriftDetector;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Classifies a client (IDEAL, SLOW_PAYER, GHOST, MICROMANAGER, NEW) with a 0-100 score and the factors
 * that moved it. CONTRACT: the signature of {@link #classify} is fixed; the body belongs to the responsiveness work
 * (issue #5).
 *
 * <p><b>Late, for the classification, means beyond the tenant's grace period.</b> A settled invoice counts as paid
 * late when its days late (DOMAIN.md: max(0, settled date - due date), in calendar days of the tenant's zone) exceed
 * {@code FreelancerSettings.overdueGraceDays} (default 3); an open invoice counts as late when, on the date the
 * classification is for, it is more than the grace period past due (it can no longer be paid within the grace, so
 * the outcome is already late). Source: the grace is the tenant's own line of when lateness matters, the one
 * INVOICE_OVERDUE uses (its schema doc, "Days past due before INVOICE_OVERDUE first fires"; {@code OverdueSchedule}:
 * step 1 at grace + 1 days past due), and the module README's time model: bank feeds post a payment one to three
 * business days after it was made, so a payment a day or two after the due date is not evidence of a slow payer.
 * A client is never labelled a slow payer for a lateness the processor would not alert about. The figures
 * themselves keep DOMAIN.md's definitions: {@code PaymentStats.lateShare} ("Paid late" on the dashboard) still counts
 * every payment after the due date.
 *
 * <p>Class, first rule that holds wins (the order is what hurts a freelancer most):
 * <ol>
 *   <li>GHOST: ghosting now; or {@value #REPEAT_GHOST_EPISODES}+ ghosting episodes in the recent timeline; or,
 *       with at least {@value #MIN_REPLIES} replies measured, a median reply slower than
 *       {@value #SLOW_REPLY_FACTOR} x the reply target.</li>
 *   <li>SLOW_PAYER: in a payment-drift episode; or, over at least {@value #MIN_PAID} invoices (the settled ones in
 *       the history plus the open ones more than the grace past due), more than half late (see above); or, with at
 *       least {@value #MIN_PAID} paid invoices, a typical days-to-pay (EWMA, else median) above the client's line
 *       plus max(drift tolerance, grace), the line and margin PAYMENT_DRIFT uses (max(norm, each settled invoice's
 *       terms), weighted as the EWMA is; see {@code DriftDetector}): a client on 45-day terms paying on day 44 is not
 *       a slow payer; or an open invoice more than {@value #LONG_OVERDUE_DAYS} days past due.</li>
 *   <li>MICROMANAGER: inbound messages per week above the tenant's threshold; or an after-hours share above
 *       the tenant's threshold while writing at least {@value #MIN_INBOUND_PER_WEEK_FOR_AFTER_HOURS} times a
 *       week.</li>
 *   <li>NEW: fewer than {@value #MIN_PAID} paid invoices (nothing yet shows it pays within terms).</li>
 *   <li>IDEAL: otherwise; at most half its invoices late and its replies, when measured, within reach of the
 *       target. Its reason says "Pays within terms" only when no settled invoice was paid after its due date and no
 *       open invoice is past due beyond the grace; otherwise it names what was late.</li>
 * </ol>
 * The score starts at {@value #BASE_SCORE} and each factor adds or removes points; it is clamped to 0-100.
 *
 * <p><b>As of which date.</b> The open invoices' days past due are those of one date: the profile's {@code asOf}
 * when the processor classifies ({@link #classify}, from the profile's receivables), today in the tenant's zone when
 * the query API does ({@link #classifyAsOf}, from the open invoices as stored): a client silent since March whose
 * invoices are now overdue is read as of today, not as of its last event.
 */
public final class Classifier {

    static final int BASE_SCORE = 50;
    static final int MIN_PAID = 2;
    static final int MIN_REPLIES = 3;
    static final int REPEAT_GHOST_EPISODES = 2;
    static final double SLOW_REPLY_FACTOR = 3.0;
    static final int LONG_OVERDUE_DAYS = 30;
    static final double MIN_INBOUND_PER_WEEK_FOR_AFTER_HOURS = 2.0;
    static final double LATE_SHARE_SLOW = 0.5;
    static final double LATE_SHARE_GOOD = 0.2;

    private Classifier() {
    }

    /**
     * Classifies from the client's figures as of the receivables' date (the profile's {@code asOf}) and the
     * tenant's thresholds. Pure and deterministic. The open invoices' days past due are read from
     * {@code receivables.invoices} (the profile lists at most 100, oldest due first, so the most overdue ones).
     */
    public static Classification classify(PaymentStats payments, ReceivablesStats receivables,
            ResponsivenessStats responsiveness, FreelancerSettings settings) {
        int[] daysPastDue = receivables == null || receivables.getInvoices() == null ? new int[0]
                : receivables.getInvoices().stream().mapToInt(OpenInvoice::getDaysPastDue).toArray();
        int overdue = receivables == null ? 0 : receivables.getOverdueCount();
        return classify(new Figures(payments, overdue, daysPastDue, responsiveness, settings));
    }

    /**
     * Classifies as of a given date: {@code openDaysPastDue} holds, for every open invoice of the client, its
     * calendar days past due on that date (due date to that date in the tenant's zone; zero or negative while not
     * yet due). The query API calls it with today's figures, so what a freelancer reads is true today. Pure and
     * deterministic: a function of the stored state and the date only.
     *
     * @param payments        the client's payment figures (settled invoices are facts that do not age)
     * @param openDaysPastDue days past due of each open invoice on the classification's date, any order
     * @param responsiveness  the client's reply figures
     * @param settings        the tenant's thresholds (norm, tolerance, grace, reply target...)
     */
    public static Classification classifyAsOf(PaymentStats payments, int[] openDaysPastDue,
            ResponsivenessStats responsiveness, FreelancerSettings settings) {
        int overdue = (int) java.util.Arrays.stream(openDaysPastDue).filter(d -> d > 0).count();
        return classify(new Figures(payments, overdue, openDaysPastDue, responsiveness, settings));
    }

    private static Classification classify(Figures f) {
        List<ScoreFactor> factors = new ArrayList<>();
        score(f, factors);
        int score = BASE_SCORE;
        for (ScoreFactor factor : factors) {
            score += factor.getImpact();
        }
        score = Math.max(0, Math.min(100, score));

        List<String> reasons = new ArrayList<>();
        ClientType type = type(f, reasons);
        return Classification.newBuilder().setType(type).setScore(score).setFactors(factors).setReasons(reasons)
                .build();
    }

    /** The figures the rules read, with nulls resolved once. */
    private static final class Figures {
        final int paid;
        final Double lateShare;
        final Double typicalDtp;
        final String typicalDtpName;
        final Double meanDaysLate;
        final boolean drifting;
        final int grace;
        /** Settled invoices the late counts are over (the history window), and those paid beyond the grace. */
        final int settled;
        final int settledLate;
        /** Settled invoices paid after the due date but within the grace. */
        final int settledWithinGrace;
        final int overdueCount;
        /** Open invoices more than the grace past due on the classification's date. */
        final int openLate;
        final int longestPastDue;
        final int replies;
        final Double medianReply;
        final Double withinTargetShare;
        final boolean ghosting;
        final int recentEpisodes;
        final int followUps;
        final Double inboundPerWeek;
        final Double afterHoursShare;
        final FreelancerSettings settings;
        /**
         * The line the client's days to pay are judged against, days: {@link DriftDetector#lineOfTerms} over the
         * settled history (max(norm, each invoice's terms), weighted as the EWMA is), the norm without history. The
         * same line PAYMENT_DRIFT uses, so a client on 45-day terms paying on day 44 is neither alerted nor labelled.
         */
        final double line;

        Figures(PaymentStats p, int overdueCount, int[] openDaysPastDue, ResponsivenessStats s,
                FreelancerSettings settings) {
            this.settings = settings;
            grace = Math.max(0, settings.getOverdueGraceDays());
            paid = p == null ? 0 : p.getPaidInvoices();
            lateShare = p == null ? null : p.getLateShare();
            Double ewma = p == null ? null : p.getEwmaDaysToPay();
            Double median = p == null ? null : p.getMedianDaysToPay();
            typicalDtp = ewma != null ? ewma : median;
            typicalDtpName = ewma != null ? "EWMA" : "median";
            meanDaysLate = p == null ? null : p.getMeanDaysLate();
            drifting = p != null && p.getDrifting();
            List<SettledInvoice> history = p == null || p.getHistory() == null ? List.of() : p.getHistory();
            java.time.ZoneId zone = CalendarDays.zone(settings.getTimezone());
            line = DriftDetector.lineOfTerms(history.stream()
                    .mapToInt(i -> CalendarDays.between(i.getIssuedAt().toEpochMilli(), i.getDueAt().toEpochMilli(), zone)).toArray(),
                    settings.getPaymentNormDays());
            if (history.isEmpty() && paid > 0 && lateShare != null) {
                // Figures without their per-invoice history (hand-built): the grace cannot be applied, so every late
                // payment counts, as the late share does.
                settled = paid;
                settledLate = (int) Math.round(lateShare * paid);
                settledWithinGrace = 0;
            } else {
                settled = history.size();
                settledLate = (int) history.stream().filter(i -> i.getDaysLate() > grace).count();
                settledWithinGrace = (int) history.stream()
                        .filter(i -> i.getDaysLate() > 0 && i.getDaysLate() <= grace).count();
            }
            this.overdueCount = overdueCount;
            int longest = 0;
            int late = 0;
            for (int d : openDaysPastDue) {
                longest = Math.max(longest, d);
                if (d > grace) {
                    late++;
                }
            }
            longestPastDue = longest;
            openLate = late;
            replies = s == null ? 0 : s.getRepliesInWindow();
            medianReply = s == null ? null : s.getMedianReplyBusinessHours();
            withinTargetShare = s == null ? null : s.getAnsweredWithinTargetShare();
            ghosting = s != null && s.getGhosting();
            recentEpisodes = s == null || s.getGhostingTimeline() == null ? 0 : s.getGhostingTimeline().size();
            followUps = s == null ? 0 : s.getConsecutiveUnansweredFollowUps();
            inboundPerWeek = s == null ? null : s.getInboundPerWeek();
            afterHoursShare = s == null ? null : s.getAfterHoursShare();
        }

        double slowDtp() {
            return line + DriftDetector.margin(settings.getDriftToleranceDays(), grace);
        }

        /** Whether the client's own terms make its line longer than the norm (the wording then names the terms). */
        boolean termsLine() {
            return Math.round(line) > settings.getPaymentNormDays();
        }

        /** "its 45-day payment terms" or "your 30-day norm": what {@link #slowDtp} is measured from. */
        String lineName() {
            return termsLine() ? "its " + Math.round(line) + "-day payment terms"
                    : "your " + settings.getPaymentNormDays() + "-day norm";
        }

        boolean slowReplies() {
            return replies >= MIN_REPLIES && medianReply != null
                    && medianReply > SLOW_REPLY_FACTOR * settings.getReplyTargetBusinessHours();
        }

        /** Invoices the late share is over: the settled ones, plus the open ones already late beyond the grace. */
        int outcomes() {
            return settled + openLate;
        }

        int lateOutcomes() {
            return settledLate + openLate;
        }

        boolean mostlyLate() {
            return outcomes() >= MIN_PAID && (double) lateOutcomes() / outcomes() > LATE_SHARE_SLOW;
        }

        boolean slowDaysToPay() {
            return paid >= MIN_PAID && typicalDtp != null && typicalDtp > slowDtp();
        }

        /** "2 paid late, 1 still unpaid": the late invoices by kind, the empty kinds left out. */
        String lateParts() {
            List<String> parts = new ArrayList<>();
            if (settledLate > 0) {
                parts.add(settledLate + " paid late");
            }
            if (openLate > 0) {
                parts.add(openLate + " still unpaid");
            }
            return String.join(", ", parts);
        }

        boolean tooManyInbound() {
            return inboundPerWeek != null && inboundPerWeek > settings.getInboundPerWeekThreshold();
        }

        boolean afterHours() {
            return afterHoursShare != null && afterHoursShare > settings.getAfterHoursShareThreshold()
                    && inboundPerWeek != null && inboundPerWeek >= MIN_INBOUND_PER_WEEK_FOR_AFTER_HOURS;
        }
    }

    private static ClientType type(Figures f, List<String> reasons) {
        FreelancerSettings st = f.settings;
        // GHOST
        if (f.ghosting || f.recentEpisodes >= REPEAT_GHOST_EPISODES || f.slowReplies()) {
            if (f.ghosting) {
                reasons.add("Has stopped answering: a message went unanswered past your limit of "
                        + st.getGhostingThresholdBusinessDays() + " business days or "
                        + st.getFollowUpsBeforeGhosting() + " follow-ups.");
            }
            if (f.recentEpisodes >= REPEAT_GHOST_EPISODES) {
                reasons.add("Went silent " + f.recentEpisodes + " times recently.");
            }
            if (f.slowReplies()) {
                reasons.add("Answers very slowly: median reply " + num(f.medianReply) + " business hours against your "
                        + st.getReplyTargetBusinessHours() + "-hour target.");
            }
            return ClientType.GHOST;
        }
        // SLOW_PAYER
        boolean longOverdue = f.longestPastDue > LONG_OVERDUE_DAYS;
        if (f.drifting || f.mostlyLate() || f.slowDaysToPay() || longOverdue) {
            if (f.drifting) {
                reasons.add("Is paying later than usual (payment drift).");
            }
            if (f.mostlyLate()) {
                reasons.add("Late on " + f.lateOutcomes() + " of " + f.outcomes() + " invoices (more than your "
                        + f.grace + "-day grace past due): " + f.lateParts() + ".");
            }
            if (f.slowDaysToPay()) {
                reasons.add("Typically pays in " + num(f.typicalDtp) + " days against " + f.lineName() + ".");
            }
            if (longOverdue) {
                reasons.add("Has an invoice " + f.longestPastDue + " days past due.");
            }
            return ClientType.SLOW_PAYER;
        }
        // MICROMANAGER
        if (f.tooManyInbound() || f.afterHours()) {
            if (f.tooManyInbound()) {
                reasons.add("Writes " + num(f.inboundPerWeek) + " times a week (your limit is "
                        + num(st.getInboundPerWeekThreshold()) + ").");
            }
            if (f.afterHours()) {
                reasons.add(pct(f.afterHoursShare) + " of their messages come outside your working hours (your limit is "
                        + pct(st.getAfterHoursShareThreshold()) + ").");
            }
            return ClientType.MICROMANAGER;
        }
        // NEW
        if (f.paid < MIN_PAID) {
            reasons.add("Too little history: " + f.paid + " paid invoice" + (f.paid == 1 ? "" : "s") + " and "
                    + f.replies + " measured repl" + (f.replies == 1 ? "y" : "ies") + " so far.");
            if (f.openLate > 0) {
                reasons.add(openLateReason(f));
            }
            return ClientType.NEW;
        }
        // IDEAL
        String typically = f.typicalDtp == null ? "no late pattern" : "typically " + num(f.typicalDtp) + " days to pay";
        if (f.lateOutcomes() == 0 && f.settledWithinGrace == 0) {
            reasons.add("Pays within terms: " + typically + " over " + f.paid + " paid invoices.");
        } else if (f.lateOutcomes() == 0) {
            reasons.add("Pays within terms or your " + f.grace + "-day grace: " + f.settledWithinGrace + " of "
                    + f.settled + " paid invoices came 1 to " + f.grace + " days after the due date; " + typically
                    + ".");
        } else {
            // An invoice late beyond the grace, settled or still open, is never hidden behind "pays within terms".
            reasons.add("Mostly pays on time, but late on " + f.lateOutcomes() + " of " + f.outcomes()
                    + " invoices (more than your " + f.grace + "-day grace past due): " + f.lateParts() + "; "
                    + typically + " over " + f.paid + " paid invoices.");
        }
        if (f.openLate > 0) {
            reasons.add(openLateReason(f));
        }
        if (f.medianReply == null) {
            reasons.add("No replies measured in the last 30 days, and nothing left unanswered.");
        } else if (f.medianReply <= st.getReplyTargetBusinessHours()) {
            reasons.add("Answers promptly: median reply " + num(f.medianReply) + " business hours.");
        } else {
            // Slower than the target but not GHOST-slow: still IDEAL, the score carries the difference.
            reasons.add("Answers, if slower than your target: median reply " + num(f.medianReply)
                    + " business hours against " + st.getReplyTargetBusinessHours() + ".");
        }
        return ClientType.IDEAL;
    }

    private static String openLateReason(Figures f) {
        return "Has " + f.openLate + " unpaid invoice" + (f.openLate == 1 ? "" : "s") + " more than " + f.grace
                + " days past due, the oldest " + f.longestPastDue + " days.";
    }

    private static void score(Figures f, List<ScoreFactor> factors) {
        FreelancerSettings st = f.settings;
        if (f.paid >= 1 && f.lateShare != null && f.settled > 0) {
            // Late beyond the grace (see the class Javadoc): a payment inside the grace neither costs nor is hidden.
            double share = (double) f.settledLate / f.settled;
            int impact = share <= LATE_SHARE_GOOD ? 15 : share > LATE_SHARE_SLOW ? -20 : -5;
            factors.add(factor("lateShare", impact, pct(share) + " of " + f.settled + " settled invoices paid more than "
                    + f.grace + " days after the due date" + (f.settledWithinGrace == 0 ? ""
                    : " (" + f.settledWithinGrace + " more within the grace)")));
        }
        if (f.paid >= 1 && f.typicalDtp != null) {
            double over = f.typicalDtp - f.line;
            int impact = over <= 0 ? 10 : -(int) Math.min(25, Math.round(over));
            factors.add(factor("daysToPay", impact, f.typicalDtpName + " days to pay " + num(f.typicalDtp)
                    + " against " + (f.termsLine() ? "its " + Math.round(f.line) + "-day payment terms"
                    : "a " + st.getPaymentNormDays() + "-day norm")));
        }
        if (f.drifting) {
            factors.add(factor("paymentDrift", -10, "paying later than its own baseline"));
        }
        if (f.openLate > 0) {
            // Only invoices beyond the grace cost points; the detail still counts every overdue one.
            int impact = -Math.min(20, 10 * f.openLate);
            factors.add(factor("overdueInvoices", impact, f.overdueCount + " open invoice"
                    + (f.overdueCount == 1 ? "" : "s") + " overdue, " + f.openLate + " more than " + f.grace
                    + " days past due, the oldest " + f.longestPastDue + " days past due"));
        }
        if (f.medianReply != null) {
            int target = st.getReplyTargetBusinessHours();
            int impact = f.medianReply <= target ? 10 : f.medianReply <= 2.0 * target ? -5 : -15;
            factors.add(factor("replyTime", impact, "median reply " + num(f.medianReply) + " business hours against a "
                    + target + "-hour target over " + f.replies + " repl" + (f.replies == 1 ? "y" : "ies")));
        }
        if (f.withinTargetShare != null && f.replies >= MIN_REPLIES) {
            int impact = f.withinTargetShare >= 0.8 ? 5 : f.withinTargetShare < 0.5 ? -5 : 0;
            if (impact != 0) {
                factors.add(factor("promptShare", impact, pct(f.withinTargetShare) + " of replies within target"));
            }
        }
        if (f.ghosting) {
            factors.add(factor("ghosting", -30, "not answering now"));
        }
        if (f.recentEpisodes > (f.ghosting ? 1 : 0)) {
            int past = f.recentEpisodes - (f.ghosting ? 1 : 0);
            factors.add(factor("pastGhosting", -Math.min(15, 5 * past), past + " earlier ghosting episode"
                    + (past == 1 ? "" : "s") + " in the recent timeline"));
        }
        if (f.followUps > 0) {
            factors.add(factor("unansweredFollowUps", -Math.min(15, 5 * f.followUps), f.followUps
                    + " follow-up" + (f.followUps == 1 ? "" : "s") + " in a row without a reply"));
        }
        if (f.tooManyInbound()) {
            factors.add(factor("inboundRate", -10, num(f.inboundPerWeek) + " messages a week against a limit of "
                    + num(st.getInboundPerWeekThreshold())));
        }
        if (f.afterHours()) {
            factors.add(factor("afterHours", -10, pct(f.afterHoursShare) + " of messages after hours against a limit of "
                    + pct(st.getAfterHoursShareThreshold())));
        }
    }

    private static ScoreFactor factor(String name, int impact, String detail) {
        return ScoreFactor.newBuilder().setName(name).setImpact(impact).setDetail(detail).build();
    }

    private static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String pct(double share) {
        return Math.round(share * 100) + "%";
    }
}
