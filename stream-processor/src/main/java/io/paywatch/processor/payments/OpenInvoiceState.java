package io.paywatch.processor.payments;

/**
 * One entry of {@code open-invoices}: an issued invoice not yet settled, payments held for an invoice that has
 * not arrived yet (out-of-order delivery), or a marker for a void that arrived before its invoice.
 */
public final class OpenInvoiceState {

    /** What the entry is. */
    public enum Status { HOLDING_PAYMENTS, OPEN, VOIDED_BEFORE_ISSUE }

    Status status;
    String tenantId;
    String clientId;
    String invoiceId;
    long issuedAt;
    long dueAt;
    long amountMinor;
    String currency;
    long paidMinor;
    String paidCurrency;
    long lastPaidAt;
    /** Overdue escalation steps already raised for the current due date (0..4). */
    int overdueSteps;
    /** The key of this invoice's entry in the due index, or null when it has none. */
    String dueIndexKey;

    public Status status() {
        return status;
    }

    public String invoiceId() {
        return invoiceId;
    }

    public long issuedAt() {
        return issuedAt;
    }

    public long dueAt() {
        return dueAt;
    }

    public long amountMinor() {
        return amountMinor;
    }

    public String currency() {
        return currency;
    }

    public long paidMinor() {
        return paidMinor;
    }

    /** Still unpaid, never negative. */
    public long outstandingMinor() {
        return Math.max(0, amountMinor - paidMinor);
    }
}
