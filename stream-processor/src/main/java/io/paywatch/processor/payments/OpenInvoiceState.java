package io.paywatch.processor.payments;

/**
 * One entry of {@code open-invoices}: an issued invoice, or the lifecycle events held for an invoice that has not
 * arrived yet (payments, a void or write-off, a due-date change: out-of-order delivery).
 *
 * <p>An issued invoice stays here while it is open, and also after it was settled or voided while it still has
 * overdue steps dated before that settlement or void that the watermark has not passed yet (those steps are judged
 * "as of" their own time, see {@code ClientProcessor}), or while its risk at issue has not been assessed yet. A
 * written-off invoice stays until a payment settles it (a write-off can be reopened; a void cannot).
 */
public final class OpenInvoiceState {

    /** No time: the field is not set. */
    static final long NONE = Long.MIN_VALUE;

    /**
     * What the entry is. Persisted by its {@link #code()}, never by its ordinal, so adding or reordering symbols
     * cannot change what a stored entry means.
     */
    public enum Status {
        /** Lifecycle events held for an invoice not seen yet (payments, a void, a due-date change). */
        HELD('H'),
        /** Issued, neither settled nor voided: counts in receivables. */
        OPEN('O'),
        /** Settled at {@code settledAt}; kept only for unjudged overdue steps before it or a pending risk. */
        SETTLED_PENDING('S'),
        /** Voided or deleted at {@code voidedAt}; kept only for unjudged overdue steps before it or a pending risk. */
        VOIDED_PENDING('V'),
        /** Written off (uncollectible) at {@code voidedAt}; a later payment that covers it settles it. */
        WRITTEN_OFF('W');

        private final byte code;

        Status(char code) {
            this.code = (byte) code;
        }

        /** The stable one-byte code the state store keeps (an ASCII letter). */
        public byte code() {
            return code;
        }

        /** The status of a stored code; throws IllegalArgumentException for a code no release wrote. */
        public static Status ofCode(byte code) {
            for (Status s : values()) {
                if (s.code == code) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown open-invoice status code " + code);
        }
    }

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
    long lastPaidAt = NONE;
    /** Overdue escalation steps already judged for the current due date (0..4). */
    int overdueSteps;
    /** The key of this invoice's overdue entry in the due index, or null when it has none. */
    String dueIndexKey;
    /** When it was settled (the time its payments reached its amount), or {@link #NONE}. */
    long settledAt = NONE;
    /** When it was voided or written off, or {@link #NONE}. */
    long voidedAt = NONE;
    /** The VoidReason symbol of the void (held or applied), or null. */
    String voidReason;
    /** A due date changed before the invoice arrived (held), or {@link #NONE}. */
    long heldDueAt = NONE;
    /** Event time of that held due-date change. */
    long heldDueChangedAt = NONE;
    /** The InvoiceRisk at issue is still to be emitted (when the watermark passes the issue time). */
    boolean riskPending;
    /**
     * While {@link Status#HELD}: the newest event time of the events held (the entry expires a state horizon after
     * it); {@link #NONE} otherwise, and for entries held before the format that stores it (see StateSerdes).
     */
    long heldAt = NONE;
    /**
     * The late-payment risk assessed at issue (the InvoiceRisk sent when the watermark passed the issue time), or
     * null while it is pending and for entries stored before the format that keeps it (see StateSerdes). Kept so
     * that the profile and the query API show this fixed figure, a function of the invoice's own state, rather than
     * re-assessing with whatever the tenant prior holds when a profile happens to be built.
     */
    RiskModel.Assessment riskAtIssue;

    /** The risk assessed at issue, or null when not assessed yet (see the field). */
    public RiskModel.Assessment riskAtIssue() {
        return riskAtIssue;
    }

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

    /**
     * The event time from which the invoice can no longer be overdue: the earlier of its settlement and its void or
     * write-off, or {@link #NONE} while it is open.
     */
    long terminalAt() {
        if (settledAt == NONE) {
            return voidedAt;
        }
        return voidedAt == NONE ? settledAt : Math.min(settledAt, voidedAt);
    }
}
