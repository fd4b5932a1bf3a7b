package io.paywatch.alerts.delivery;

import io.paywatch.alerts.email.MailDeliveryException;
import io.paywatch.alerts.email.MailSender;
import io.paywatch.alerts.email.OutgoingEmail;
import io.paywatch.alerts.policy.QuietHours;
import io.paywatch.alerts.templates.AlertEmailRenderer;
import io.paywatch.alerts.templates.RenderedEmail;
import io.paywatch.contract.DeliveryMode;
import io.paywatch.contract.DeliveryStatus;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.PaymentAlert;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Sends one digest email per digest-mode tenant once the quiet hours ended after its queued alerts were queued.
 * Reads only the log's digest index (entries QUEUED_FOR_DIGEST, by tenant). The Message-ID is
 * {@code digest.<tenant>.<date>.<hash of alert ids>}, so a digest re-sent after a crash is recognisable. A failed
 * digest backs off per tenant. Owned by the worker's thread.
 */
final class DigestSender {

    private static final Logger LOG = LoggerFactory.getLogger(DigestSender.class);

    private final DeliveryRecorder recorder;
    private final MailSender mail;
    private final AlertEmailRenderer renderer;
    private final DeliveryMetrics metrics;
    private final DeliveryHooks hooks;
    private final Map<String, Instant> pausedUntil = new HashMap<>();
    private final Map<String, Integer> failures = new HashMap<>();

    DigestSender(DeliveryRecorder recorder, MailSender mail, AlertEmailRenderer renderer, DeliveryMetrics metrics,
            DeliveryHooks hooks) {
        this.recorder = recorder;
        this.mail = mail;
        this.renderer = renderer;
        this.metrics = metrics;
        this.hooks = hooks;
    }

    /** Sends the due digests of the tenants {@code ownsTenant} accepts. */
    void sendDue(Predicate<String> ownsTenant, Function<String, FreelancerSettings> settings) {
        Instant now = recorder.now();
        for (Map.Entry<String, List<DeliveryLog.Entry>> byTenant : recorder.log().queuedForDigest().entrySet()) {
            String tenantId = byTenant.getKey();
            if (!ownsTenant.test(tenantId) || now.isBefore(pausedUntil.getOrDefault(tenantId, Instant.MIN))) {
                continue;
            }
            FreelancerSettings tenant = settings.apply(tenantId);
            if (tenant == null || tenant.getDeliveryMode() != DeliveryMode.DAILY_DIGEST) {
                continue;
            }
            Instant boundary = QuietHours.lastEnd(now, tenant);
            List<DeliveryLog.Entry> due = byTenant.getValue().stream()
                    .filter(e -> e.delivery().getUpdatedAt().isBefore(boundary))
                    .sorted(Comparator.comparing((DeliveryLog.Entry e) -> e.alert().getOccurredAt()))
                    .toList();
            if (!due.isEmpty()) {
                send(tenant, due, boundary, now);
            }
        }
    }

    private void send(FreelancerSettings tenant, List<DeliveryLog.Entry> due, Instant boundary, Instant now) {
        String tenantId = tenant.getTenantId();
        String to = EmailChannel.validAddress(tenant.getNotificationEmail());
        if (to == null) {
            pausedUntil.put(tenantId, now.plus(recorder.config().maxBackoff()));
            LOG.warn("Digest for tenant {} held: notificationEmail is not a valid address", tenantId);
            return;
        }
        List<PaymentAlert> alerts = due.stream().map(DeliveryLog.Entry::alert).toList();
        LocalDate day = boundary.atZone(QuietHours.zone(tenant)).toLocalDate();
        // Same day and same alerts give the same Message-ID, so a digest re-sent after a crash is recognisable.
        String messageId = "digest." + tenantId + "." + day + "."
                + sha256(String.join(",", alerts.stream().map(PaymentAlert::getAlertId).toList())).substring(0, 12);
        RenderedEmail rendered = renderer.renderDigest(alerts, tenant, day);
        try {
            mail.send(OutgoingEmail.of(messageId, to, tenant.getDisplayName(), rendered));
        } catch (MailDeliveryException e) {
            metrics.emailFailed();
            int failed = failures.merge(tenantId, 1, Integer::sum);
            pausedUntil.put(tenantId, now.plus(recorder.backoff(failed)));
            LOG.warn("SMTP did not accept the digest for tenant {}: {}", tenantId, e.getMessage());
            return;
        }
        failures.remove(tenantId);
        pausedUntil.remove(tenantId);
        hooks.afterEmailAccepted(messageId);
        for (DeliveryLog.Entry entry : due) {
            recorder.write(entry.key(), entry.alert(), DeliveryStatus.SENT, entry.delivery().getAttempts() + 1, null,
                    "in digest " + messageId, false);
        }
        metrics.emailSent(Duration.between(alerts.get(0).getOccurredAt(), recorder.now()));
        LOG.info("Emailed digest {} with {} alerts to tenant {}", messageId, alerts.size(), tenantId);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JVM", e);
        }
    }
}
