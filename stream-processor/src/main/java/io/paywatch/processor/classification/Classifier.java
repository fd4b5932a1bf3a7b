package io.paywatch.processor.classification;

import io.paywatch.contract.Classification;
import io.paywatch.contract.ClientType;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.OpenInvoice;
import io.paywatch.contract.PaymentStats;
import io.paywatch.contract.ReceivablesStats;
import io.paywatch.contract.ResponsivenessStats;
import io.paywatch.contract.ScoreFactor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Classifies a client (IDEAL, SLOW_PAYER, GHOST, MICROMANAGER, NEW) with a 0-100 score and the factors
 * that moved it. CONTRACT: the signature is fixed; the body belongs to the responsiveness work (issue #5).
 *
 * <p>Class, first rule that holds wins (the order is what hurts a freelancer most):
 * <ol>
 *   <li>GHOST: ghosting now; or {@value #REPEAT_GHOST_EPISODES}+ ghosting episodes in the recent timeline; or,
 *       with at least {@value #MIN_REPLIES} replies measured, a median reply slower than
 *       {@value #SLOW_REPLY_FACTOR} x the reply target.</li>
 *   <li>SLOW_PAYER: in a payment-drift episode; or, with at least {@value #MIN_PAID} paid invoices, more than
 *       half paid late or a typical days-to-pay (EWMA, else median) above norm + drift tolerance; or an open
 *       invoice more than {@value #LONG_OVERDUE_DAYS} days past due.</li>
 *   <li>MICROMANAGER: inbound messages per week above the tenant's threshold; or an after-hours share above
 *       the tenant's threshold while writing at least {@value #MIN_INBOUND_PER_WEEK_FOR_AFTER_HOURS} times a
 *       week.</li>
 *   <li>NEW: fewer than {@value #MIN_PAID} paid invoices (nothing yet shows it pays within terms).</li>
 *   <li>IDEAL: otherwise; it pays within terms and its replies, when measured, are within reach of the target.</li>
 * </ol>
 * The score starts at {@value #BASE_SCORE} and each factor adds or removes points; it is clamped to 0-100.
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

    /** Classifies from the client's current figures and the tenant's thresholds. Pure and deterministic. */
    public static Classification classify(PaymentStats payments, ReceivablesStats receivables,
            ResponsivenessStats responsiveness, FreelancerSettings settings) {
        Figures f = new Figures(payments, receivables, responsiveness, settings);
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
        final int overdueCount;
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

        Figures(PaymentStats p, ReceivablesStats r, ResponsivenessStats s, FreelancerSettings settings) {
            this.settings = settings;
            paid = p == null ? 0 : p.getPaidInvoices();
            lateShare = p == null ? null : p.getLateShare();
            Double ewma = p == null ? null : p.getEwmaDaysToPay();
            Double median = p == null ? null : p.getMedianDaysToPay();
            typicalDtp = ewma != null ? ewma : median;
            typicalDtpName = ewma != null ? "EWMA" : "median";
            meanDaysLate = p == null ? null : p.getMeanDaysLate();
            drifting = p != null && p.getDrifting();
            overdueCount = r == null ? 0 : r.getOverdueCount();
            int longest = 0;
            if (r != null && r.getInvoices() != null) {
                for (OpenInvoice i : r.getInvoices()) {
                    longest = Math.max(longest, i.getDaysPastDue());
                }
            }
            longestPastDue = longest;
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
            return settings.getPaymentNormDays() + settings.getDriftToleranceDays();
        }

        boolean slowReplies() {
            return replies >= MIN_REPLIES && medianReply != null
                    && medianReply > SLOW_REPLY_FACTOR * settings.getReplyTargetBusinessHours();
        }

        boolean slowPayerByHistory() {
            return paid >= MIN_PAID && ((lateShare != null && lateShare > LATE_SHARE_SLOW)
                    || (typicalDtp != null && typicalDtp > slowDtp()));
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
        if (f.drifting || f.slowPayerByHistory() || longOverdue) {
            if (f.drifting) {
                reasons.add("Is paying later than usual (payment drift).");
            }
            if (f.paid >= MIN_PAID && f.lateShare != null && f.lateShare > LATE_SHARE_SLOW) {
                reasons.add("Paid " + pct(f.lateShare) + " of settled invoices late.");
            }
            if (f.paid >= MIN_PAID && f.typicalDtp != null && f.typicalDtp > f.slowDtp()) {
                reasons.add("Typically pays in " + num(f.typicalDtp) + " days against your " + st.getPaymentNormDays()
                        + "-day norm.");
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
            return ClientType.NEW;
        }
        // IDEAL
        reasons.add("Pays within terms: " + (f.typicalDtp == null ? "no late pattern" : "typically "
                + num(f.typicalDtp) + " days to pay") + " over " + f.paid + " paid invoices.");
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

    private static void score(Figures f, List<ScoreFactor> factors) {
        FreelancerSettings st = f.settings;
        if (f.paid >= 1 && f.lateShare != null) {
            int impact = f.lateShare <= LATE_SHARE_GOOD ? 15 : f.lateShare > LATE_SHARE_SLOW ? -20 : -5;
            factors.add(factor("lateShare", impact, pct(f.lateShare) + " of settled invoices paid late"));
        }
        if (f.paid >= 1 && f.typicalDtp != null) {
            double over = f.typicalDtp - st.getPaymentNormDays();
            int impact = over <= 0 ? 10 : -(int) Math.min(25, Math.round(over));
            factors.add(factor("daysToPay", impact, f.typicalDtpName + " days to pay " + num(f.typicalDtp)
                    + " against a " + st.getPaymentNormDays() + "-day norm"));
        }
        if (f.drifting) {
            factors.add(factor("paymentDrift", -10, "paying later than its own baseline"));
        }
        if (f.overdueCount > 0) {
            int impact = -Math.min(20, 10 * f.overdueCount);
            factors.add(factor("overdueInvoices", impact, f.overdueCount + " open invoice"
                    + (f.overdueCount == 1 ? "" : "s") + " overdue, the oldest " + f.longestPastDue + " days past due"));
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
