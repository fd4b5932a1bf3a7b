package io.paywatch.alerts.delivery;

import io.paywatch.contract.DeliveryMode;
import io.paywatch.contract.DeliveryStatus;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.PaymentAlert;

import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Releases parked deliveries (RETRYING, DEFERRED_QUIET_HOURS, QUEUED_FOR_DIGEST of a tenant no longer in digest
 * mode) whose {@code notBefore} has passed, through the policy again: a held alert can still turn stale, opted out
 * or cooled down. Reads only the log's due index. Owned by the worker's thread.
 */
final class ParkedAlerts {

    private final DeliveryRecorder recorder;
    private final EmailChannel email;
    private final WebhookChannel webhook;

    ParkedAlerts(DeliveryRecorder recorder, EmailChannel email, WebhookChannel webhook) {
        this.recorder = recorder;
        this.email = email;
        this.webhook = webhook;
    }

    /** Re-attempts the due entries whose alert {@code owned} accepts, oldest alert first. */
    void releaseDue(Predicate<PaymentAlert> owned, Function<String, FreelancerSettings> settings) {
        List<DeliveryLog.Entry> due = recorder.log().due(recorder.now()).stream()
                .filter(e -> owned.test(e.alert()))
                .sorted(Comparator.comparing((DeliveryLog.Entry e) -> e.alert().getOccurredAt()))
                .toList();
        for (DeliveryLog.Entry entry : due) {
            PaymentAlert alert = entry.alert();
            FreelancerSettings tenant = settings.apply(alert.getTenantId());
            int attempts = entry.delivery().getAttempts();
            if (entry.webhook()) {
                webhook.deliver(alert, tenant, attempts);
                continue;
            }
            if (entry.delivery().getStatus() == DeliveryStatus.QUEUED_FOR_DIGEST && tenant != null
                    && tenant.getDeliveryMode() == DeliveryMode.DAILY_DIGEST) {
                continue; // the digest takes it
            }
            if (!email.deliver(alert, tenant, attempts)) {
                break; // SMTP is failing: the rest waits for the next round rather than a timeout each
            }
        }
    }
}
