package io.paywatch.producer.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

/**
 * A tenant's {@code FreelancerSettings} as JSON, with the contract's field names. Only notificationEmail is
 * required; every omitted field takes the contract's default. updatedAt is set by the service.
 */
@Serdeable
@Schema(description = "FreelancerSettings; omitted fields take the Avro defaults")
public record SettingsJson(
        @Nullable @Schema(description = "Optional; must equal the API key's tenant") String tenantId,
        @Nullable @Schema(example = "me@example.com") String notificationEmail,
        @Nullable String displayName,
        @Nullable @Schema(description = "EN, IT, ES, FR or ID") String language,
        @Nullable @Schema(example = "Europe/Rome") String timezone,
        @Nullable Integer workdayStartMinute,
        @Nullable Integer workdayEndMinute,
        @Nullable List<Integer> workingDays,
        @Nullable Integer paymentNormDays,
        @Nullable Integer driftToleranceDays,
        @Nullable Integer overdueGraceDays,
        @Nullable Double atRiskThreshold,
        @Nullable Integer ghostingThresholdBusinessDays,
        @Nullable Integer followUpsBeforeGhosting,
        @Nullable Integer replyTargetBusinessHours,
        @Nullable Double afterHoursShareThreshold,
        @Nullable Double inboundPerWeekThreshold,
        @Nullable Integer quietHoursStartMinute,
        @Nullable Integer quietHoursEndMinute,
        @Nullable Integer cooldownHours,
        @Nullable @Schema(description = "IMMEDIATE or DAILY_DIGEST") String deliveryMode,
        @Nullable AlertOptInsJson alertOptIns,
        @Nullable String webhookUrl,
        @Nullable String webhookSecret) {

    /** Which alerts the freelancer wants; omitted flags take the contract's defaults. */
    @Serdeable
    public record AlertOptInsJson(@Nullable Boolean invoiceOverdue, @Nullable Boolean paymentDrift,
            @Nullable Boolean ghosting, @Nullable Boolean invoiceAtRisk, @Nullable Boolean afterHoursContact) {
    }
}
