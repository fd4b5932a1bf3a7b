package io.paywatch.alerts.policy;

import io.paywatch.contract.AlertOptIns;
import io.paywatch.contract.AlertType;
import io.paywatch.contract.DeliveryMode;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.schemas.AlertFacts;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The per-tenant rules, as a pure function of the alert, the settings, the time and the last email of the same
 * kind (per invoice for {@link #INVOICE_SCOPED} types, see {@link #cooldownKeys}). Order matters: an overdue alert
 * about an invoice already settled first, then staleness (history is never news, whatever the tenant's settings,
 * so a backfill is settled even before the tenant has settings), opt-out next (nothing to hold), digest next (the digest ignores cooldown and quiet hours: it is one email at the end of the
 * quiet hours), then cooldown, then quiet hours.
 *
 * <p>OVERDUE_CORRECTED withdraws an INVOICE_OVERDUE that a late payment or void proved wrong. A correction must never
 * be swallowed while the false alarm may have been read: it is exempt from the cooldown (whatever was emailed about
 * this client before), and from staleness whenever an INVOICE_OVERDUE email about the same client was ever sent
 * (the correction can arrive long after the alarm, for example a bank feed weeks late). It still respects opt-out,
 * digest mode and quiet hours.
 */
public final class DeliveryPolicy {

    /**
     * Alert types about specific invoices: their cooldown is per invoice, so an alert about another invoice of the
     * same client is news and goes out (two invoices overdue the same day are two emails). Other types describe the
     * client as a whole and cool down per (client, type).
     */
    public static final Set<AlertType> INVOICE_SCOPED = EnumSet.of(AlertType.INVOICE_OVERDUE,
            AlertType.INVOICE_AT_RISK);

    private DeliveryPolicy() {
    }

    /** The client-level cooldown key {@code tenant|client|TYPE}. */
    public static String clientCooldownKey(String tenantId, String clientId, AlertType type) {
        return tenantId + '|' + clientId + '|' + type.name();
    }

    /**
     * The cooldown keys of an alert: for an {@link #INVOICE_SCOPED} type with invoices, one key per invoice
     * ({@code tenant|client|TYPE|invoiceId}, distinct ids); otherwise the single client-level key. An alert is held
     * by the cooldown only when every one of its keys had an email within the cooldown (see
     * {@code DeliveryLog.lastEmailSent(List)}).
     */
    public static List<String> cooldownKeys(String tenantId, String clientId, AlertType type,
            List<String> invoiceIds) {
        String client = clientCooldownKey(tenantId, clientId, type);
        if (!INVOICE_SCOPED.contains(type) || invoiceIds == null || invoiceIds.isEmpty()) {
            return List.of(client);
        }
        return invoiceIds.stream().map(id -> client + '|' + id).distinct().sorted().toList();
    }

    /** {@link #cooldownKeys(String, String, AlertType, List)} of an alert. */
    public static List<String> cooldownKeys(PaymentAlert alert) {
        return cooldownKeys(alert.getTenantId(), alert.getClientId(), alert.getType(), alert.getInvoiceIds());
    }

    /**
     * The decision for the email channel, for an alert type whose overdue emails about this client are unknown
     * (see {@link #decideEmail(PaymentAlert, FreelancerSettings, Instant, Optional, Duration, boolean)}).
     */
    public static Decision decideEmail(PaymentAlert alert, FreelancerSettings settings, Instant now,
            Optional<Instant> lastSentSameClientAndType, Duration maxAlertAge) {
        return decideEmail(alert, settings, now, lastSentSameClientAndType, maxAlertAge, false);
    }

    /**
     * The decision for the email channel; {@code maxAlertAge} is the staleness limit (see {@link #stale});
     * {@code correctionIsNews} says, for an OVERDUE_CORRECTED, whether an alert it withdraws was emailed (or is
     * parked to be): only then is it sent, and then even when old (a bank feed weeks late), because the freelancer
     * read, or will read, the false alarm.
     */
    public static Decision decideEmail(PaymentAlert alert, FreelancerSettings settings, Instant now,
            Optional<Instant> lastSentSameClientAndType, Duration maxAlertAge, boolean correctionIsNews) {
        Optional<String> resolved = resolved(alert);
        if (resolved.isPresent()) {
            return new Decision.Resolved(resolved.get());
        }
        boolean correction = alert.getType() == AlertType.OVERDUE_CORRECTED;
        if (correction && !correctionIsNews) {
            return new Decision.NothingToCorrect();
        }
        Optional<Duration> stale = correction ? Optional.empty() : stale(alert, now, maxAlertAge);
        if (stale.isPresent()) {
            return new Decision.Stale(stale.get());
        }
        if (settings == null) {
            return new Decision.NoSettings();
        }
        if (!optedIn(alert, settings)) {
            return new Decision.OptedOut();
        }
        if (settings.getDeliveryMode() == DeliveryMode.DAILY_DIGEST) {
            return new Decision.QueueForDigest();
        }
        if (!correction && lastSentSameClientAndType.isPresent() && settings.getCooldownHours() > 0) {
            Instant last = lastSentSameClientAndType.get();
            if (now.isBefore(last.plus(Duration.ofHours(settings.getCooldownHours())))) {
                return new Decision.Cooldown(last);
            }
        }
        if (QuietHours.isQuiet(now, settings)) {
            return new Decision.DeferQuietHours(QuietHours.nextEnd(now, settings));
        }
        return new Decision.Send();
    }

    /**
     * The settled date of an INVOICE_OVERDUE whose facts carry {@link AlertFacts#SETTLED_DATE}: the invoice had been
     * paid or voided by the time the alert was raised (a backfill's history), so it is neither emailed nor
     * webhooked. Empty for any other alert.
     */
    public static Optional<String> resolved(PaymentAlert alert) {
        if (alert.getType() != AlertType.INVOICE_OVERDUE || alert.getFacts() == null) {
            return Optional.empty();
        }
        String settled = alert.getFacts().get(AlertFacts.SETTLED_DATE);
        return settled == null || settled.isBlank() ? Optional.empty() : Optional.of(settled);
    }

    /**
     * The alert's age when it is older than {@code maxAlertAge} (strictly), else empty. An alert dated in the
     * future (clock skew between services) is never stale.
     */
    public static Optional<Duration> stale(PaymentAlert alert, Instant now, Duration maxAlertAge) {
        Duration age = Duration.between(alert.getOccurredAt(), now);
        return age.compareTo(maxAlertAge) > 0 ? Optional.of(age) : Optional.empty();
    }

    /** Whether the tenant wants this alert type. Unknown (newer) types are delivered rather than dropped. */
    public static boolean optedIn(PaymentAlert alert, FreelancerSettings settings) {
        AlertOptIns in = settings.getAlertOptIns();
        return switch (alert.getType()) {
            case INVOICE_OVERDUE, OVERDUE_CORRECTED -> in.getInvoiceOverdue();
            case INVOICE_AT_RISK -> in.getInvoiceAtRisk();
            case PAYMENT_DRIFT, RECOVERED -> in.getPaymentDrift();
            case GHOSTING, RESPONSIVE_AGAIN -> in.getGhosting();
            case AFTER_HOURS_CONTACT -> in.getAfterHoursContact();
            case UNKNOWN -> true;
        };
    }

    /** Exponential backoff: {@code initial * multiplier^(attempts-1)}, capped at {@code max}. */
    public static Duration backoff(int attempts, Duration initial, Duration max, double multiplier) {
        double factor = Math.pow(multiplier, Math.max(0, attempts - 1));
        double millis = initial.toMillis() * factor;
        return millis >= max.toMillis() ? max : Duration.ofMillis((long) millis);
    }
}
