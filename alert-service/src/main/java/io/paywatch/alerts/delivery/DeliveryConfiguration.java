package io.paywatch.alerts.delivery;

import io.micronaut.context.annotation.ConfigurationProperties;
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
 */
@ConfigurationProperties("paywatch.alerts.delivery")
public record DeliveryConfiguration(@NotBlank String consumerGroup, @NotNull Duration pollTimeout,
        @NotNull Duration logWriteTimeout, @NotNull Duration initialBackoff, @NotNull Duration maxBackoff,
        @DecimalMin("1.0") double backoffMultiplier, @NotNull Duration maxAlertAge) {
}
