package io.paywatch.alerts.policy;

import java.time.Duration;
import java.time.Instant;

/** What the delivery policy says to do with one alert for one channel, now. */
public sealed interface Decision {

    /** Deliver now. */
    record Send() implements Decision {
    }

    /** The tenant does not want this alert type. */
    record OptedOut() implements Decision {
    }

    /** An email of the same type about the same client went out too recently. */
    record Cooldown(Instant lastSent) implements Decision {
    }

    /** The tenant reads one digest a day; park until the digest goes out. */
    record QueueForDigest() implements Decision {
    }

    /** It is night for the tenant; park until quiet hours end. */
    record DeferQuietHours(Instant until) implements Decision {
    }

    /** The alert's condition became true longer ago than the configured maximum age: history, not news. */
    record Stale(Duration age) implements Decision {
    }

    /**
     * An INVOICE_OVERDUE raised for an invoice that had already been settled or voided (its facts carry
     * {@code settledDate}): history, not news.
     */
    record Resolved(String settledDate) implements Decision {
    }

    /**
     * An OVERDUE_CORRECTED none of whose withdrawn INVOICE_OVERDUE alerts reached (or is on its way to) the
     * freelancer: there is nothing to correct, and a correction of an alarm they never read would only confuse.
     */
    record NothingToCorrect() implements Decision {
    }

    /** No settings for the tenant yet: nowhere to send; retry later, never drop. */
    record NoSettings() implements Decision {
    }
}
