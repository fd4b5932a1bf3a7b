package io.paywatch.processor.responsiveness;

/**
 * A thread awaiting the client's reply: when the first unanswered reply-expecting message was sent, how many
 * more were sent in it since, and the ghosting deadline that is indexed in the reply-deadlines store.
 */
final class OpenThread {
    /** The client key {@code tenant|client} (kept in the value because client ids may contain '|'). */
    String clientKey;
    String threadId;
    long firstUnansweredAt;
    long lastSentAt;
    /**
     * The thread's last <em>counted</em> message: its first unanswered message, then each follow-up that counted (one
     * sent at least 1 business day after the previous counted one). A nudge sent sooner does not move it.
     */
    long lastCountedAt;
    /** Follow-ups in this thread that counted (see {@link #lastCountedAt}). */
    int followUps;
    long deadlineAt;
    /** Whether this thread's deadline has already passed (it joined a ghosting episode). */
    boolean ghosted;

    OpenThread() {
    }

    OpenThread(String clientKey, String threadId, long sentAt, long deadlineAt) {
        this.clientKey = clientKey;
        this.threadId = threadId;
        this.firstUnansweredAt = sentAt;
        this.lastSentAt = sentAt;
        this.lastCountedAt = sentAt;
        this.deadlineAt = deadlineAt;
    }
}
