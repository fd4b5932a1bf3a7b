package io.paywatch.alerts.delivery;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import java.time.Duration;

/**
 * How the delivery worker consumes alerts and retries failed deliveries.
 *
 * @param consumerGroup   consumer group of the payment-alerts consumer; its committed offsets are the input position
 * @param pollTimeout     longest wait for new alerts; also the granularity of releasing parked deliveries
 * @param logWriteTimeout longest wait for the delivery log (alert-deliveries) to acknowledge a write
 * @param initialBackoff  first retry delay after a failed delivery
 * @param maxBackoff      cap of the exponential backoff; retries never stop, so nothing is dropped
 * @param backoffMultiplier growth factor between attempts
 * @param maxAlertAge     an alert whose occurredAt is older than this (against the injected Clock) is recorded as
 *                        SUPPRESSED_STALE instead of delivered: a CSV backfill or a replay of history raises alerts
 *                        for conditions that became true months ago, and emailing them all is noise
 * @param dedupeHorizon   how long a settled delivery-log entry (SENT, SUPPRESSED_*, OPTED_OUT) is kept, counted from
 *                        its updatedAt on the injected Clock; older ones are dropped from memory and tombstoned on the
 *                        compacted topic. Must be longer than {@code maxAlertAge}: an alert replayed after its entry
 *                        is gone is then older than maxAlertAge and is settled as stale, never sent again. It also
 *                        caps a tenant's cooldown (a cooldown longer than the horizon acts as the horizon). Parked
 *                        entries are never expired. Unset: {@code maxAlertAge} plus {@link #DEFAULT_HORIZON_MARGIN}
 *                        (30 days with the default 14-day maxAlertAge); see {@link #effectiveDedupeHorizon()}.
 */
@ConfigurationProperties("paywatch.alerts.delivery")
public record DeliveryConfiguration(@NotBlank String consumerGroup, @NotNull Duration pollTimeout,
        @NotNull Duration logWriteTimeout, @NotNull Duration initialBackoff, @NotNull Duration maxBackoff,
        @DecimalMin("1.0") double backoffMultiplier, @NotNull Duration maxAlertAge,
        @Nullable Duration dedupeHorizon) {

    /** What the dedupe horizon exceeds maxAlertAge by when it is not configured. */
    public static final Duration DEFAULT_HORIZON_MARGIN = Duration.ofDays(16);

    public DeliveryConfiguration {
        if (dedupeHorizon != null && maxAlertAge != null && dedupeHorizon.compareTo(maxAlertAge) <= 0) {
            throw new IllegalArgumentException("paywatch.alerts.delivery.dedupe-horizon (" + dedupeHorizon
                    + ") must be longer than max-alert-age (" + maxAlertAge
                    + "), or a replayed alert whose log entry expired could be emailed again");
        }
    }

    /** The configured dedupe horizon, or {@code maxAlertAge + DEFAULT_HORIZON_MARGIN}. */
    public Duration effectiveDedupeHorizon() {
        return dedupeHorizon != null ? dedupeHorizon : maxAlertAge.plus(DEFAULT_HORIZON_MARGIN);
    }
}
