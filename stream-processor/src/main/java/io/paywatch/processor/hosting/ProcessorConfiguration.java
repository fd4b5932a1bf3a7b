package io.paywatch.processor.hosting;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.paywatch.processor.TopologyOptions;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import java.time.Duration;

/** Tunables of the topology, from {@code paywatch.processor.*} (see {@link TopologyOptions} for each). */
@ConfigurationProperties("paywatch.processor")
public record ProcessorConfiguration(@NotNull Duration wallClockScanInterval, @NotNull Duration streamTimeScanInterval,
        @Min(1) int maxDuePerScan, @NotNull Duration dedupeTtl, @NotNull Duration replayIdle,
        @NotNull Duration replayLag, @Min(1) int recentAlertsPerTenant, @NotNull Duration profileEmitInterval,
        @NotNull Duration allowedLateness, @Min(1) int alertsPerClient, @NotNull Duration alertRetention,
        @NotNull Duration stateHorizon, @NotNull Duration messageLateness) {

    /** As topology options. */
    public TopologyOptions options() {
        return new TopologyOptions(wallClockScanInterval, streamTimeScanInterval, maxDuePerScan, dedupeTtl,
                replayIdle, replayLag, recentAlertsPerTenant, profileEmitInterval, allowedLateness, alertsPerClient,
                alertRetention, stateHorizon, messageLateness);
    }
}
