package io.paywatch.alerts.templates;

/**
 * Fact keys the stream-processor adds beyond {@link io.paywatch.schemas.AlertFacts} (its {@code ExtraFacts} and
 * {@code ResponsivenessTracker} diagnostics). The alert-service may not import the processor, so the few it reads
 * are named here. They are optional: an email reads better with them (the invoice total, the client's last message,
 * the tenant's own thresholds) and is still complete without them. None is ever shown under its key.
 */
final class ProcessorFacts {

    private ProcessorFacts() {
    }

    /** Invoice amount, minor units of {@link #CURRENCY} (INVOICE_OVERDUE). */
    static final String AMOUNT_MINOR = "amountMinor";
    /** ISO-4217 currency of {@link #AMOUNT_MINOR}. */
    static final String CURRENCY = "currency";
    /** The tenant's at-risk threshold, 0..1 (INVOICE_AT_RISK). */
    static final String THRESHOLD = "threshold";
    /** GHOSTING: why the episode started, {@link #REASON_THRESHOLD} or {@link #REASON_FOLLOW_UPS}. */
    static final String GHOSTING_REASON = "reason";
    static final String REASON_THRESHOLD = "NO_REPLY_WITHIN_THRESHOLD";
    static final String REASON_FOLLOW_UPS = "UNANSWERED_FOLLOW_UPS";
    /** GHOSTING, RESPONSIVE_AGAIN: when the first unanswered message was sent (ISO instant). */
    static final String UNANSWERED_SINCE = "unansweredSince";
    /** GHOSTING: the tenant's threshold in business days. */
    static final String GHOSTING_THRESHOLD_DAYS = "ghostingThresholdBusinessDays";
    /** GHOSTING: the tenant's follow-up limit. */
    static final String FOLLOW_UPS_BEFORE_GHOSTING = "followUpsBeforeGhosting";
    /** GHOSTING: the client's last message (ISO instant, or "never"). */
    static final String LAST_INBOUND_AT = "lastInboundAt";
    /** AFTER_HOURS_CONTACT: the tenant's share threshold, 0..1. */
    static final String AFTER_HOURS_SHARE_THRESHOLD = "afterHoursShareThreshold";
    /** AFTER_HOURS_CONTACT: messages outside working hours in the window. */
    static final String AFTER_HOURS_IN_WINDOW = "afterHoursInWindow";
    /** AFTER_HOURS_CONTACT: messages in the window. */
    static final String INBOUND_IN_WINDOW = "inboundInWindow";
    /** AFTER_HOURS_CONTACT: the window's length in days. */
    static final String WINDOW_DAYS = "windowDays";
    /** AFTER_HOURS_CONTACT: the tenant's working hours, "HH:MM-HH:MM". */
    static final String WORKING_HOURS = "workingHours";
}
