package io.paywatch.alerts.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;

import java.time.Duration;

/** Micrometer meters of the alert service; names are exported to /prometheus with dots as underscores. */
@Singleton
public class DeliveryMetrics {

    /** Emails (alert or digest) accepted by SMTP. */
    public static final String EMAILS_SENT = "paywatch.alerts.emails.sent";
    /** SMTP attempts that failed; each is followed by a retry. */
    public static final String EMAILS_FAILED = "paywatch.alerts.emails.failed";
    /** Emails held, by reason: quiet-hours or digest. */
    public static final String EMAILS_DEFERRED = "paywatch.alerts.emails.deferred";
    /** Alerts not emailed on purpose, by reason: cooldown, opted-out, stale or resolved. */
    public static final String EMAILS_SUPPRESSED = "paywatch.alerts.emails.suppressed";
    /** From the alert's occurredAt to SMTP acceptance. */
    public static final String EMAIL_LATENCY = "paywatch.alerts.email.latency";
    /** Webhook deliveries skipped on purpose, by reason: stale or resolved. */
    public static final String WEBHOOKS_SUPPRESSED = "paywatch.alerts.webhooks.suppressed";
    /** Suppression reason of alerts older than max-alert-age. */
    public static final String REASON_STALE = "stale";
    /** Suppression reason of an INVOICE_OVERDUE about an invoice already settled when the alert was raised. */
    public static final String REASON_RESOLVED = "resolved";
    /** Webhook POSTs answered 2xx. */
    public static final String WEBHOOKS_SENT = "paywatch.alerts.webhooks.sent";
    /** Webhook POSTs that failed; each is retried. */
    public static final String WEBHOOKS_FAILED = "paywatch.alerts.webhooks.failed";
    /** Keys held by the in-memory delivery log (settled within the dedupe horizon, plus parked). */
    public static final String LOG_ENTRIES = "paywatch.alerts.delivery.log.entries";
    /** Parked deliveries (quiet hours, digest, retrying) waiting in the delivery log. */
    public static final String LOG_PARKED = "paywatch.alerts.delivery.log.parked";
    /** Input records (alerts, settings, delivery-log entries) that could not be decoded, sent to dead-letters. */
    public static final String DEAD_LETTERED = "paywatch.alerts.dead.lettered";

    private final MeterRegistry registry;
    private final Counter sent;
    private final Counter failed;
    private final Timer latency;

    public DeliveryMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.sent = Counter.builder(EMAILS_SENT).description("Emails accepted by SMTP").register(registry);
        this.failed = Counter.builder(EMAILS_FAILED).description("Failed SMTP attempts").register(registry);
        this.latency = Timer.builder(EMAIL_LATENCY).description("Alert occurredAt to SMTP accept")
                .publishPercentiles(0.5, 0.99).register(registry);
    }

    void emailSent(Duration sinceOccurred) {
        sent.increment();
        latency.record(sinceOccurred.isNegative() ? Duration.ZERO : sinceOccurred);
    }

    void emailFailed() {
        failed.increment();
    }

    void emailDeferred(String reason) {
        registry.counter(EMAILS_DEFERRED, "reason", reason).increment();
    }

    void emailSuppressed(String reason) {
        registry.counter(EMAILS_SUPPRESSED, "reason", reason).increment();
    }

    void webhookSuppressed(String reason) {
        registry.counter(WEBHOOKS_SUPPRESSED, "reason", reason).increment();
    }

    void webhook(boolean ok) {
        registry.counter(ok ? WEBHOOKS_SENT : WEBHOOKS_FAILED).increment();
    }

    /** Registers the delivery-log gauges; read from the scrape thread, so they are approximate between rounds. */
    void trackDeliveryLog(DeliveryWorker worker) {
        io.micrometer.core.instrument.Gauge.builder(LOG_ENTRIES, worker, DeliveryWorker::deliveryLogSize)
                .description("Delivery log keys held in memory").register(registry);
        io.micrometer.core.instrument.Gauge.builder(LOG_PARKED, worker, DeliveryWorker::parkedCount)
                .description("Deliveries parked in the delivery log").register(registry);
    }

    void deadLettered() {
        registry.counter(DEAD_LETTERED).increment();
    }
}
