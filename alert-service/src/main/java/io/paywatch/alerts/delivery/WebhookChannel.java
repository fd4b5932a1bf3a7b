package io.paywatch.alerts.delivery;

import io.paywatch.alerts.email.HeaderSafe;
import io.paywatch.alerts.policy.DeliveryPolicy;
import io.paywatch.alerts.webhook.WebhookSender;
import io.paywatch.contract.AlertType;
import io.paywatch.contract.DeliveryStatus;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.PaymentAlert;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;

/**
 * The webhook channel of one alert: POST now, park RETRYING on failure. Logged under {@code <alertId>#webhook}, with
 * its own backoff; not subject to quiet hours, digest or cooldown (machines do not sleep), but to the same history
 * rules as email (resolved, nothing to correct, stale), so a replay of history does not flood the receiver either.
 * The target address rules (no loopback, link-local or private targets unless allowed) are enforced by the
 * {@link WebhookSender}. Owned by the worker's thread.
 */
final class WebhookChannel {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookChannel.class);

    private final DeliveryRecorder recorder;
    private final WebhookSender webhooks;
    private final DeliveryMetrics metrics;

    WebhookChannel(DeliveryRecorder recorder, WebhookSender webhooks, DeliveryMetrics metrics) {
        this.recorder = recorder;
        this.webhooks = webhooks;
        this.metrics = metrics;
    }

    /** Whether the tenant has a webhook URL and secret. */
    static boolean configured(FreelancerSettings tenant) {
        return tenant != null && tenant.getWebhookUrl() != null && !tenant.getWebhookUrl().isBlank()
                && tenant.getWebhookSecret() != null && !tenant.getWebhookSecret().isEmpty();
    }

    void deliver(PaymentAlert alert, FreelancerSettings tenant, int priorAttempts) {
        String key = DeliveryLog.webhookKey(alert.getAlertId());
        var resolved = DeliveryPolicy.resolved(alert);
        if (resolved.isPresent()) {
            recorder.write(key, alert, DeliveryStatus.SUPPRESSED_RESOLVED, priorAttempts, null,
                    DeliveryRecorder.resolvedDetail(resolved.get()), false);
            metrics.webhookSuppressed(DeliveryMetrics.REASON_RESOLVED);
            return;
        }
        boolean correction = alert.getType() == AlertType.OVERDUE_CORRECTED;
        if (correction && !recorder.correctionIsNews(alert)) {
            recorder.write(key, alert, DeliveryStatus.SUPPRESSED_RESOLVED, priorAttempts, null,
                    DeliveryRecorder.NOTHING_TO_CORRECT, false);
            metrics.webhookSuppressed(DeliveryMetrics.REASON_RESOLVED);
            return;
        }
        var stale = correction ? Optional.<Duration>empty()
                : DeliveryPolicy.stale(alert, recorder.now(), recorder.config().maxAlertAge());
        if (stale.isPresent()) {
            recorder.write(key, alert, DeliveryStatus.SUPPRESSED_STALE, priorAttempts, null,
                    recorder.staleDetail(stale.get()), false);
            metrics.webhookSuppressed(DeliveryMetrics.REASON_STALE);
            return;
        }
        if (!configured(tenant)) {
            recorder.write(key, alert, DeliveryStatus.OPTED_OUT, priorAttempts, null, "webhook no longer configured",
                    false);
            return;
        }
        if (!DeliveryPolicy.optedIn(alert, tenant)) {
            recorder.write(key, alert, DeliveryStatus.OPTED_OUT, priorAttempts, null, "tenant opted out", false);
            return;
        }
        try {
            webhooks.send(tenant.getWebhookUrl(), tenant.getWebhookSecret(), alert);
            recorder.write(key, alert, DeliveryStatus.SENT, priorAttempts + 1, null, "webhook answered 2xx", false);
            metrics.webhook(true);
        } catch (WebhookSender.WebhookException e) {
            metrics.webhook(false);
            LOG.warn("Webhook for alert {} failed (attempt {}): {}", alert.getAlertId(), priorAttempts + 1,
                    e.getMessage());
            recorder.retry(DeliveryLog.webhookKey(alert.getAlertId()), alert, priorAttempts + 1,
                    HeaderSafe.clean(e.getMessage()));
        }
    }
}
