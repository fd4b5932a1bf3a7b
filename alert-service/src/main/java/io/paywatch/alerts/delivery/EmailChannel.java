package io.paywatch.alerts.delivery;

import io.paywatch.alerts.email.HeaderSafe;
import io.paywatch.alerts.email.MailDeliveryException;
import io.paywatch.alerts.email.MailSender;
import io.paywatch.alerts.email.OutgoingEmail;
import io.paywatch.alerts.policy.Decision;
import io.paywatch.alerts.policy.DeliveryPolicy;
import io.paywatch.alerts.policy.QuietHours;
import io.paywatch.alerts.templates.AlertEmailRenderer;
import io.paywatch.alerts.templates.RenderedEmail;
import io.paywatch.contract.DeliveryStatus;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.PaymentAlert;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;

/**
 * The email channel of one alert: asks {@link DeliveryPolicy}, then sends, parks (quiet hours, digest, retry) or
 * settles (opted out, cooldown, stale, resolved) it, and records the outcome. Keyed by the bare alertId in the log;
 * the Message-ID is {@code <alertId@from-domain>}, so a re-send after a crash is recognisable.
 *
 * <p>While SMTP fails, one alert probes it with growing backoff and every other alert is parked without a connection
 * attempt, so an outage costs one timeout per backoff step, not one per alert. Owned by the worker's thread.
 */
final class EmailChannel {

    private static final Logger LOG = LoggerFactory.getLogger(EmailChannel.class);

    private final DeliveryRecorder recorder;
    private final MailSender mail;
    private final AlertEmailRenderer renderer;
    private final DeliveryMetrics metrics;
    private final DeliveryHooks hooks;
    private Instant smtpPausedUntil = Instant.MIN;
    private int consecutiveSmtpFailures;

    EmailChannel(DeliveryRecorder recorder, MailSender mail, AlertEmailRenderer renderer, DeliveryMetrics metrics,
            DeliveryHooks hooks) {
        this.recorder = recorder;
        this.mail = mail;
        this.renderer = renderer;
        this.metrics = metrics;
        this.hooks = hooks;
    }

    /** Decides, then sends, parks or settles. Returns false when SMTP failed (the caller stops probing). */
    boolean deliver(PaymentAlert alert, FreelancerSettings tenant, int priorAttempts) {
        Instant now = recorder.now();
        Decision decision = DeliveryPolicy.decideEmail(alert, tenant, now,
                recorder.log().lastEmailSent(DeliveryPolicy.cooldownKeys(alert)), recorder.config().maxAlertAge(),
                recorder.correctionIsNews(alert));
        String key = alert.getAlertId();
        if (decision instanceof Decision.NothingToCorrect) {
            recorder.write(key, alert, DeliveryStatus.SUPPRESSED_RESOLVED, priorAttempts, null,
                    DeliveryRecorder.NOTHING_TO_CORRECT, false);
            metrics.emailSuppressed(DeliveryMetrics.REASON_RESOLVED);
        } else if (decision instanceof Decision.Resolved resolved) {
            recorder.write(key, alert, DeliveryStatus.SUPPRESSED_RESOLVED, priorAttempts, null,
                    DeliveryRecorder.resolvedDetail(resolved.settledDate()), false);
            metrics.emailSuppressed(DeliveryMetrics.REASON_RESOLVED);
            LOG.debug("Alert {} not emailed: the invoice was settled on {}", key, resolved.settledDate());
        } else if (decision instanceof Decision.Stale stale) {
            recorder.write(key, alert, DeliveryStatus.SUPPRESSED_STALE, priorAttempts, null,
                    recorder.staleDetail(stale.age()), false);
            metrics.emailSuppressed(DeliveryMetrics.REASON_STALE);
            LOG.debug("Alert {} not emailed: occurred {} ago", key, stale.age());
        } else if (decision instanceof Decision.NoSettings) {
            recorder.retry(key, alert, priorAttempts + 1, "no settings for tenant yet");
        } else if (decision instanceof Decision.OptedOut) {
            recorder.write(key, alert, DeliveryStatus.OPTED_OUT, priorAttempts, null, "tenant opted out", false);
            metrics.emailSuppressed("opted-out");
        } else if (decision instanceof Decision.Cooldown cooldown) {
            String what = DeliveryPolicy.INVOICE_SCOPED.contains(alert.getType()) && alert.getInvoiceIds() != null
                    && !alert.getInvoiceIds().isEmpty()
                    ? "same type about " + String.join(", ", alert.getInvoiceIds())
                    : "same type for this client";
            recorder.write(key, alert, DeliveryStatus.SUPPRESSED_COOLDOWN, priorAttempts, null,
                    what + " emailed at " + cooldown.lastSent(), false);
            metrics.emailSuppressed("cooldown");
        } else if (decision instanceof Decision.QueueForDigest) {
            recorder.write(key, alert, DeliveryStatus.QUEUED_FOR_DIGEST, priorAttempts,
                    QuietHours.nextEnd(now, tenant), "waiting for the daily digest", true);
            metrics.emailDeferred("digest");
        } else if (decision instanceof Decision.DeferQuietHours defer) {
            recorder.write(key, alert, DeliveryStatus.DEFERRED_QUIET_HOURS, priorAttempts, defer.until(),
                    "quiet hours", true);
            metrics.emailDeferred("quiet-hours");
        } else {
            return send(alert, tenant, priorAttempts, now);
        }
        return true;
    }

    private boolean send(PaymentAlert alert, FreelancerSettings tenant, int priorAttempts, Instant now) {
        String key = alert.getAlertId();
        if (now.isBefore(smtpPausedUntil)) {
            // SMTP just failed: park without another attempt, so an outage costs one timeout, not one per alert.
            recorder.write(key, alert, DeliveryStatus.RETRYING, priorAttempts, smtpPausedUntil, "SMTP unavailable",
                    true);
            return false;
        }
        String to = validAddress(tenant.getNotificationEmail());
        if (to == null) {
            recorder.retry(key, alert, priorAttempts + 1, "notificationEmail is not a valid address");
            return true;
        }
        RenderedEmail rendered;
        try {
            rendered = renderer.render(alert, tenant);
        } catch (RuntimeException e) {
            LOG.error("Cannot render alert {}", key, e);
            recorder.retry(key, alert, priorAttempts + 1, "rendering failed: " + e.getClass().getSimpleName());
            return true;
        }
        try {
            mail.send(OutgoingEmail.of(key, to, tenant.getDisplayName(), rendered));
        } catch (MailDeliveryException e) {
            smtpFailed(now);
            LOG.warn("SMTP did not accept alert {} (attempt {}): {}", key, priorAttempts + 1, e.getMessage());
            recorder.retry(key, alert, priorAttempts + 1, HeaderSafe.clean(e.getMessage()));
            return false;
        }
        smtpRecovered();
        hooks.afterEmailAccepted(key);
        recorder.write(key, alert, DeliveryStatus.SENT, priorAttempts + 1, null, "email accepted by SMTP", false);
        metrics.emailSent(Duration.between(alert.getOccurredAt(), recorder.now()));
        LOG.info("Emailed alert {} ({} about {}) to tenant {}", key, alert.getType(), alert.getClientId(),
                alert.getTenantId());
        return true;
    }

    void smtpFailed(Instant now) {
        metrics.emailFailed();
        consecutiveSmtpFailures++;
        smtpPausedUntil = now.plus(recorder.backoff(consecutiveSmtpFailures));
    }

    void smtpRecovered() {
        consecutiveSmtpFailures = 0;
        smtpPausedUntil = Instant.MIN;
    }

    /** The strictly parsed address, or null when it is missing, has control characters or does not parse. */
    static String validAddress(String address) {
        if (address == null || address.chars().anyMatch(Character::isISOControl)) {
            return null;
        }
        try {
            InternetAddress parsed = new InternetAddress(address, true);
            parsed.validate();
            return parsed.getAddress();
        } catch (AddressException e) {
            return null;
        }
    }
}
