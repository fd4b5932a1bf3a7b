package io.paywatch.schemas;

import io.paywatch.contract.AlertType;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The keys of {@code PaymentAlert.facts}, declared once: the stream-processor writes them and the
 * alert-service explains them in emails. Values are strings; the format of each is given here.
 * {@link #REQUIRED} lists, per alert type, the keys every alert of that type carries, so both sides can
 * test against one list instead of trusting each other's spelling.
 */
public final class AlertFacts {

    private AlertFacts() {
    }

    /** Calendar days the invoice is past its due date (integer). */
    public static final String DAYS_PAST_DUE = "daysPastDue";
    /** Due date, ISO-8601 local date in the tenant's time zone (2026-01-31). */
    public static final String DUE_DATE = "dueDate";
    /** Issue date, ISO-8601 local date in the tenant's time zone. */
    public static final String ISSUED_DATE = "issuedDate";
    /**
     * Overdue escalation step (integer, 1 to 4, {@code OverdueSchedule} in the stream-processor): 1 after the grace
     * period, then 2, 3, 4 at 30, 60, 90 days past due. Machine-readable; emails show the days past due instead.
     */
    public static final String ESCALATION_STEP = "escalationStep";
    /** Days of grace after the due date before the first overdue alert (integer). */
    public static final String GRACE_DAYS = "graceDays";
    /** Days to pay of the client's last settled invoice (integer). */
    public static final String DAYS_TO_PAY = "daysToPay";
    /** Client's exponentially weighted average days to pay (one decimal). */
    public static final String EWMA_DAYS_TO_PAY = "ewmaDaysToPay";
    /** Tenant's payment norm in days (integer). */
    public static final String NORM_DAYS = "normDays";
    /** Tenant's drift tolerance in days (integer). */
    public static final String TOLERANCE_DAYS = "toleranceDays";
    /**
     * PAYMENT_DRIFT and RECOVERED: the line the client's days to pay are judged against (integer days): per settled
     * invoice max(tenant's norm, the invoice's terms), smoothed like {@link #EWMA_DAYS_TO_PAY}. Equal to
     * {@link #NORM_DAYS} unless the client's invoices carry longer terms (then "its 45-day payment terms"). Optional:
     * alerts raised before it existed lack it, and readers fall back to {@link #NORM_DAYS}.
     */
    public static final String LINE_DAYS = "lineDays";
    /** Client's own baseline days to pay (one decimal). */
    public static final String BASELINE_DAYS = "baselineDays";
    /**
     * Why a drift alert fired: "norm" (EWMA above the line {@link #LINE_DAYS} + max(tolerance, grace)) or "baseline"
     * (change detector).
     */
    public static final String DRIFT_REASON = "driftReason";
    /**
     * What a RECOVERED alert says the client recovered: "baseline" (back to its usual days to pay, given by
     * {@link #BASELINE_DAYS}), "norm" (the EWMA is back at or under the line, {@link #LINE_DAYS}: the tenant's norm
     * {@link #NORM_DAYS}, or the client's longer payment terms) or "terms"
     * (a baseline episode ended because the client pays by the due date again, without returning to its old usual).
     */
    public static final String RECOVERY_KIND = "recoveryKind";
    /** Probability that the invoice is paid late (0..1, two decimals). */
    public static final String LATE_PROBABILITY = "lateProbability";
    /** Expected days from issue to settlement (one decimal). */
    public static final String EXPECTED_DAYS_TO_PAY = "expectedDaysToPay";
    /** Expected settlement date, ISO-8601 local date in the tenant's time zone. */
    public static final String EXPECTED_SETTLE_DATE = "expectedSettleDate";
    /** Of the client's recent settled invoices, how many were paid late (integer). */
    public static final String LATE_INVOICES = "lateInvoices";
    /** How many recent settled invoices the figures cover (integer). */
    public static final String RECENT_INVOICES = "recentInvoices";
    /** Average days late of the recent late invoices (one decimal). */
    public static final String AVG_DAYS_LATE = "avgDaysLate";
    /** Business days the client has left a reply-expecting message unanswered (integer). */
    public static final String BUSINESS_DAYS_SILENT = "businessDaysSilent";
    /** Consecutive follow-ups the client left unanswered (integer). */
    public static final String UNANSWERED_FOLLOW_UPS = "unansweredFollowUps";
    /** Threads waiting for the client's reply (integer). */
    public static final String UNANSWERED_THREADS = "unansweredThreads";
    /** The thread concerned. */
    public static final String THREAD_ID = "threadId";
    /** Business hours the client took to reply (one decimal). */
    public static final String REPLY_LATENCY_HOURS = "replyLatencyHours";
    /** Whether the client also has an overdue invoice ("true"/"false"). */
    public static final String OVERDUE_INVOICE = "overdueInvoice";
    /** Share of the client's messages outside working hours (0..1, two decimals). */
    public static final String AFTER_HOURS_SHARE = "afterHoursShare";
    /** Client messages per week over the window (one decimal). */
    public static final String INBOUND_PER_WEEK = "inboundPerWeek";
    /**
     * Date the invoice was settled or voided, ISO-8601 local date in the tenant's time zone. On INVOICE_OVERDUE it is
     * present only when the invoice had already been settled or voided by the time the alert was raised (the alert
     * is then history, not news); on OVERDUE_CORRECTED it is the date that proves the earlier alert wrong.
     */
    public static final String SETTLED_DATE = "settledDate";
    /**
     * OVERDUE_CORRECTED: comma-separated ids of the INVOICE_OVERDUE alerts it withdraws. Machine-readable, for the
     * alert-service to tell whether any of them reached the freelancer (only then is the correction news); not a
     * figure for the email, so it is not in {@link #ALL}.
     */
    public static final String WITHDRAWN_ALERT_IDS = "withdrawnAlertIds";
    /** IANA time zone the figures were computed in. */
    public static final String TIMEZONE = "timezone";

    /** The keys every alert of a type carries. */
    public static final Map<AlertType, Set<String>> REQUIRED = required();

    private static Map<AlertType, Set<String>> required() {
        Map<AlertType, Set<String>> map = new EnumMap<>(AlertType.class);
        map.put(AlertType.INVOICE_OVERDUE, Set.of(DAYS_PAST_DUE, DUE_DATE, ESCALATION_STEP, NORM_DAYS));
        map.put(AlertType.INVOICE_AT_RISK, Set.of(LATE_PROBABILITY, EXPECTED_DAYS_TO_PAY, EXPECTED_SETTLE_DATE,
                LATE_INVOICES, RECENT_INVOICES, AVG_DAYS_LATE, NORM_DAYS));
        map.put(AlertType.PAYMENT_DRIFT, Set.of(EWMA_DAYS_TO_PAY, NORM_DAYS, TOLERANCE_DAYS, BASELINE_DAYS,
                DRIFT_REASON, DAYS_TO_PAY));
        map.put(AlertType.RECOVERED, Set.of(EWMA_DAYS_TO_PAY, NORM_DAYS, DAYS_TO_PAY, RECOVERY_KIND));
        map.put(AlertType.GHOSTING, Set.of(BUSINESS_DAYS_SILENT, UNANSWERED_FOLLOW_UPS, UNANSWERED_THREADS,
                OVERDUE_INVOICE));
        map.put(AlertType.RESPONSIVE_AGAIN, Set.of(BUSINESS_DAYS_SILENT, REPLY_LATENCY_HOURS));
        map.put(AlertType.AFTER_HOURS_CONTACT, Set.of(AFTER_HOURS_SHARE, INBOUND_PER_WEEK));
        map.put(AlertType.OVERDUE_CORRECTED, Set.of(DUE_DATE, SETTLED_DATE, DAYS_PAST_DUE));
        map.put(AlertType.UNKNOWN, Set.of());
        return map;
    }

    /** Every declared key, for checks that templates name only known facts. */
    public static final List<String> ALL = List.of(DAYS_PAST_DUE, DUE_DATE, ISSUED_DATE, ESCALATION_STEP,
            GRACE_DAYS, DAYS_TO_PAY, EWMA_DAYS_TO_PAY, NORM_DAYS, TOLERANCE_DAYS, LINE_DAYS, BASELINE_DAYS,
            DRIFT_REASON,
            RECOVERY_KIND, LATE_PROBABILITY, EXPECTED_DAYS_TO_PAY, EXPECTED_SETTLE_DATE, LATE_INVOICES, RECENT_INVOICES,
            AVG_DAYS_LATE, BUSINESS_DAYS_SILENT, UNANSWERED_FOLLOW_UPS, UNANSWERED_THREADS, THREAD_ID,
            REPLY_LATENCY_HOURS, OVERDUE_INVOICE, AFTER_HOURS_SHARE, INBOUND_PER_WEEK, SETTLED_DATE, TIMEZONE);
}
