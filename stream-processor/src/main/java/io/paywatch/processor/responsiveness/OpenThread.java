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
        this.deadlineAt = deadlineAt;
    }
}
