package io.paywatch.alerts.delivery;

import io.paywatch.contract.AlertDelivery;
import io.paywatch.contract.AlertType;
import io.paywatch.contract.DeliveryStatus;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.alerts.policy.DeliveryPolicy;
import io.paywatch.schemas.AlertFacts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Records delivery outcomes in the {@link DeliveryLog} for every channel, and answers the questions about the log
 * that more than one channel asks. Owned by the worker's thread.
 */
final class DeliveryRecorder {

    /** Statuses of an email that reached, or is parked to reach, the freelancer. */
    static final Set<DeliveryStatus> TOLD = EnumSet.of(DeliveryStatus.SENT, DeliveryStatus.DEFERRED_QUIET_HOURS,
            DeliveryStatus.QUEUED_FOR_DIGEST, DeliveryStatus.RETRYING);
    static final String NOTHING_TO_CORRECT =
            "none of the INVOICE_OVERDUE alerts it withdraws was emailed: nothing to correct";

    private final DeliveryLog log;
    private final Clock clock;
    private final DeliveryConfiguration config;

    DeliveryRecorder(DeliveryLog log, Clock clock, DeliveryConfiguration config) {
        this.log = log;
        this.clock = clock;
        this.config = config;
    }

    DeliveryLog log() {
        return log;
    }

    Instant now() {
        return clock.instant();
    }

    DeliveryConfiguration config() {
        return config;
    }

    /** Parks {@code alert} as RETRYING under {@code key}, due after the backoff of {@code attempts}. */
    void retry(String key, PaymentAlert alert, int attempts, String detail) {
        write(key, alert, DeliveryStatus.RETRYING, attempts, now().plus(backoff(attempts)), detail, true);
    }

    Duration backoff(int attempts) {
        return DeliveryPolicy.backoff(attempts, config.initialBackoff(), config.maxBackoff(),
                config.backoffMultiplier());
    }

    /**
     * Writes one status (synchronously, see {@link DeliveryLog#write}); {@code park} keeps the alert in the record
     * so it can be released later. The alert's invoice ids go along (sorted), so the per-invoice cooldown is rebuilt
     * from the log after a restart.
     */
    void write(String key, PaymentAlert alert, DeliveryStatus status, int attempts, Instant notBefore, String detail,
            boolean park) {
        List<String> invoices = alert.getInvoiceIds() == null || alert.getInvoiceIds().isEmpty() ? null
                : alert.getInvoiceIds().stream().distinct().sorted().toList();
        AlertDelivery delivery = AlertDelivery.newBuilder()
                .setAlertId(alert.getAlertId())
                .setTenantId(alert.getTenantId())
                .setClientId(alert.getClientId())
                .setType(alert.getType())
                .setStatus(status)
                .setAttempts(attempts)
                .setUpdatedAt(now())
                .setNotBefore(notBefore)
                .setDetail(detail)
                .setInvoiceIds(invoices)
                .build();
        log.write(key, delivery, park ? alert : null);
    }

    /**
     * For an OVERDUE_CORRECTED: whether an INVOICE_OVERDUE it withdraws was emailed, or is parked to be (quiet hours,
     * digest, SMTP retry). A correction without the {@code withdrawnAlertIds} fact (an older stream-processor) falls
     * back to "an overdue email about this client was sent" (within the dedupe horizon). Other types: false.
     */
    boolean correctionIsNews(PaymentAlert alert) {
        if (alert.getType() != AlertType.OVERDUE_CORRECTED) {
            return false;
        }
        String withdrawn = alert.getFacts() == null ? null : alert.getFacts().get(AlertFacts.WITHDRAWN_ALERT_IDS);
        if (withdrawn == null || withdrawn.isBlank()) {
            return log.lastEmailSent(alert.getTenantId(), alert.getClientId(), AlertType.INVOICE_OVERDUE).isPresent();
        }
        for (String id : withdrawn.split(",")) {
            var entry = log.get(id.trim());
            if (entry.isPresent() && TOLD.contains(entry.get().delivery().getStatus())) {
                return true;
            }
        }
        return false;
    }

    static String resolvedDetail(String settledDate) {
        return "the invoice was already settled (paid or voided) on " + settledDate + " when the alert was raised";
    }

    String staleDetail(Duration age) {
        return "occurred " + age.toDays() + " days ago, older than max-alert-age " + config.maxAlertAge();
    }
}
