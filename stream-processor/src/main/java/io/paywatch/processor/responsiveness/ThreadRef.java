package io.paywatch.processor.responsiveness;

/** Value of a reply-deadline index entry: which client and thread the deadline belongs to. */
record ThreadRef(String clientKey, String threadId) {
}
