package io.paywatch.processor.responsiveness;

/** Names of the responsiveness tracker's state stores, declared once (each gets a changelog topic). */
public final class ResponsivenessStores {

    private ResponsivenessStores() {
    }

    /** Threads awaiting the client's reply, keyed {@code tenant|client|threadId} (prefix-scannable per client). */
    public static final String OPEN_THREADS = "open-threads";

    /**
     * Reply deadlines, keyed {@code <deadline epochMillis, 13 digits zero-padded>|tenant|client|threadId}, so a
     * punctuator range-scans only the deadlines that are due.
     */
    public static final String REPLY_DEADLINES = "reply-deadlines";

    /** One bounded responsiveness summary per client, keyed {@code tenant|client}. */
    public static final String RESPONSIVENESS_STATE = "responsiveness-state";

    /**
     * Message events of a catch-up (a backfill or replay), keyed {@code <event time epochMillis, 13 digits
     * zero-padded>|tenant|client|eventId}: held until the catch-up ends, then applied in event-time order, so a
     * replay in any order raises the same alerts. Empty outside a catch-up.
     */
    public static final String HELD_MESSAGES = "held-messages";
}
