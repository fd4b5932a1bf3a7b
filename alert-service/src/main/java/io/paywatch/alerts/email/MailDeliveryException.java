package io.paywatch.alerts.email;

/** The mail server did not accept a message; the delivery is retried later. */
public class MailDeliveryException extends Exception {

    /** Whether retrying can help (server down) or not (the recipient address itself is invalid). */
    private final boolean retryable;

    public MailDeliveryException(String message, Throwable cause, boolean retryable) {
        super(message, cause);
        this.retryable = retryable;
    }

    /** True when a later attempt may succeed. */
    public boolean retryable() {
        return retryable;
    }
}
