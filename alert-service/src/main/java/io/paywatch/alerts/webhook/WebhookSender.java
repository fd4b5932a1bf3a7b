package io.paywatch.alerts.webhook;

import io.paywatch.contract.PaymentAlert;

/** The port through which alerts are POSTed to a tenant's webhook. */
public interface WebhookSender {

    /**
     * POSTs {@code alert} as signed JSON to {@code url}; returns once the receiver answered 2xx.
     *
     * @throws WebhookException when the receiver is unreachable or answered otherwise
     */
    void send(String url, String secret, PaymentAlert alert) throws WebhookException;

    /** The receiver did not accept the webhook; it is retried with backoff. */
    final class WebhookException extends Exception {
        public WebhookException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
