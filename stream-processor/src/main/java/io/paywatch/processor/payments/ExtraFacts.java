package io.paywatch.processor.payments;

import java.time.ZoneId;
import java.util.Locale;

/**
 * Fact keys the processor adds beyond {@link io.paywatch.schemas.AlertFacts} (the contract's keys, which every
 * alert uses), and the value formats both share. These extras are diagnostics: nobody is promised them, so they
 * are declared here rather than in the frozen contract.
 */
public final class ExtraFacts {

    /** The alert's one-line English summary (also in PaymentAlert.summary). */
    public static final String SUMMARY = "summary";
    /** Invoice amount in minor units of {@link #CURRENCY} (INVOICE_OVERDUE). */
    public static final String AMOUNT_MINOR = "amountMinor";
    /** Amount still unpaid, minor units of {@link #CURRENCY} (INVOICE_OVERDUE). */
    public static final String OUTSTANDING_MINOR = "outstandingMinor";
    /** ISO-4217 currency of the amounts. */
    public static final String CURRENCY = "currency";
    /** The tenant's at-risk threshold, 0..1 two decimals (INVOICE_AT_RISK). */
    public static final String THRESHOLD = "threshold";
    /** Settled invoices the risk model used (INVOICE_AT_RISK). */
    public static final String BASIS_INVOICES = "basisInvoices";
    /** The risk explanation in English (INVOICE_AT_RISK). */
    public static final String EXPLANATION = "explanation";
    /** The change detector's CUSUM at the transition, two decimals (PAYMENT_DRIFT, RECOVERED). */
    public static final String CUSUM = "cusum";
    /** The client's drift episode number, 1-based (PAYMENT_DRIFT, RECOVERED). */
    public static final String EPISODE = "episode";

    /** Comma-separated ids of the INVOICE_OVERDUE alerts an OVERDUE_CORRECTED withdraws (declared in schemas). */
    public static final String WITHDRAWN_ALERT_IDS = io.paywatch.schemas.AlertFacts.WITHDRAWN_ALERT_IDS;

    private ExtraFacts() {
    }

    /** One decimal, dot separator, whatever the JVM's locale. */
    static String oneDecimal(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    /** Two decimals, dot separator. */
    static String twoDecimals(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    /** ISO-8601 local date (2026-01-31) of an instant in the tenant's zone. */
    static String localDate(long epochMillis, ZoneId zone) {
        return CalendarDays.date(epochMillis, zone).toString();
    }
}
