package io.paywatch.processor;

import java.time.Duration;

/**
 * Tunables of the topology.
 *
 * @param wallClockScanInterval  how often the live (wall-clock) scanner looks for due deadlines
 * @param streamTimeScanInterval how often, in stream time, the replay scanner runs
 * @param maxDuePerScan          due-index entries handled per scan; the rest wait for the next one, so a day on
 *                               which thousands of invoices fall due does not stall the stream thread
 * @param dedupeTtl              how long an event id is remembered (retention of seen-events)
 * @param replayIdle             the wall-clock scanner runs only if no record was processed for this long, or
 *                               stream time is close to the wall clock (see {@code ClientProcessor})
 * @param replayLag              stream time this far behind the wall clock, with records flowing, means a replay
 * @param recentAlertsPerTenant  alerts kept per tenant per partition in the alert history (the tenant bound; over it,
 *                               the client holding the most alerts loses its oldest; see {@code alerting.AlertLog})
 * @param profileEmitInterval    a changed client's profile is emitted (client-profiles and the profile store) at most
 *                               once per this much wall-clock time, as of its latest change; alerts are never
 *                               delayed. It adds up to this much to a profile's latency, on top of the commit interval
 * @param allowedLateness        how far an event may be displaced from event-time order and still give exactly the
 *                               answers of the ordered stream (the watermark's lag behind the newest event time, or
 *                               the wall clock when live). Overdue steps, risk at issue and the drift detector wait
 *                               this long; a fact later than this corrects an alert already raised (OVERDUE_CORRECTED).
 *                               Must be positive. See the README, Time model
 * @param alertsPerClient        alerts kept per client in the alert history; over it, the client's oldest goes
 * @param alertRetention         the alert history's horizon: alerts that occurred more than this before the task's
 *                               stream time are dropped from it (they stay on payment-alerts)
 * @param stateHorizon           how long, in event time, the processor remembers what a late or repeated event may
 *                               still need (issue 12, bounded state): events held for an invoice that never arrives
 *                               (payments, a void, a due-date change) and a written-off invoice nobody pays are
 *                               expired this long after their latest event (counted as {@code paywatch.state.expired});
 *                               settled invoice ids are remembered this long, so a late duplicate payment or a re-sync
 *                               of an invoice settled within it never reopens it; ghosted reply threads are dropped
 *                               this long after their last message. Default 400 days, the input topics' retention:
 *                               nothing older can be replayed. Must be positive
 * @param messageLateness        how long after a reply deadline GHOSTING waits before it is judged, so a reply dated
 *                               before the deadline that mail tooling delivers a little late (a polling mailbox, a
 *                               retried webhook) stops it instead of following it with RESPONSIVE_AGAIN. The alert is
 *                               still dated at the deadline. Default {@link #MESSAGE_LATENESS}; zero judges at the
 *                               deadline itself. Must not be negative
 */
public record TopologyOptions(Duration wallClockScanInterval, Duration streamTimeScanInterval, int maxDuePerScan,
        Duration dedupeTtl, Duration replayIdle, Duration replayLag, int recentAlertsPerTenant,
        Duration profileEmitInterval, Duration allowedLateness, int alertsPerClient, Duration alertRetention,
        Duration stateHorizon, Duration messageLateness) {

    /**
     * Default {@link #messageLateness()}: 30 minutes. A mailbox polled every few minutes, or a mail tool's webhook
     * retried with backoff, delivers a reply minutes after it was received; a GHOSTING after 5 business days of silence
     * loses nothing by waiting half an hour more.
     */
    public static final Duration MESSAGE_LATENESS = Duration.ofMinutes(30);

    /**
     * Default {@link #allowedLateness()}: 3 days. A bank feed or an accounting sync posts a payment one to three
     * business days after it was made, and a payment made on a Friday can post on Monday; 3 days covers that
     * without delaying an overdue alert by more than the default grace period does.
     */
    public static final Duration ALLOWED_LATENESS = Duration.ofDays(3);
    /** Default {@link #recentAlertsPerTenant()}: alerts kept per tenant per partition. */
    public static final int ALERTS_PER_TENANT = 20_000;
    /** Default {@link #alertsPerClient()}. */
    public static final int ALERTS_PER_CLIENT = 500;
    /** Default {@link #alertRetention()}: the input topics' retention, so the history covers what can be replayed. */
    public static final Duration ALERT_RETENTION = Duration.ofDays(400);
    /** Default {@link #stateHorizon()}: the input topics' retention (400 days). */
    public static final Duration STATE_HORIZON = Duration.ofDays(400);

    public TopologyOptions {
        if (allowedLateness == null || allowedLateness.isNegative() || allowedLateness.isZero()) {
            throw new IllegalArgumentException("allowedLateness must be positive, was " + allowedLateness);
        }
        if (stateHorizon == null || stateHorizon.isNegative() || stateHorizon.isZero()) {
            throw new IllegalArgumentException("stateHorizon must be positive, was " + stateHorizon);
        }
        if (messageLateness == null || messageLateness.isNegative()) {
            throw new IllegalArgumentException("messageLateness must not be negative, was " + messageLateness);
        }
    }

    /** The options with the default {@link #messageLateness()}. */
    public TopologyOptions(Duration wallClockScanInterval, Duration streamTimeScanInterval, int maxDuePerScan,
            Duration dedupeTtl, Duration replayIdle, Duration replayLag, int recentAlertsPerTenant,
            Duration profileEmitInterval, Duration allowedLateness, int alertsPerClient, Duration alertRetention,
            Duration stateHorizon) {
        this(wallClockScanInterval, streamTimeScanInterval, maxDuePerScan, dedupeTtl, replayIdle, replayLag,
                recentAlertsPerTenant, profileEmitInterval, allowedLateness, alertsPerClient, alertRetention,
                stateHorizon, MESSAGE_LATENESS);
    }

    /** The options with the default {@link #stateHorizon()}. */
    public TopologyOptions(Duration wallClockScanInterval, Duration streamTimeScanInterval, int maxDuePerScan,
            Duration dedupeTtl, Duration replayIdle, Duration replayLag, int recentAlertsPerTenant,
            Duration profileEmitInterval, Duration allowedLateness, int alertsPerClient, Duration alertRetention) {
        this(wallClockScanInterval, streamTimeScanInterval, maxDuePerScan, dedupeTtl, replayIdle, replayLag,
                recentAlertsPerTenant, profileEmitInterval, allowedLateness, alertsPerClient, alertRetention,
                STATE_HORIZON);
    }

    /** The options with the default {@link #allowedLateness()}. */
    public TopologyOptions(Duration wallClockScanInterval, Duration streamTimeScanInterval, int maxDuePerScan,
            Duration dedupeTtl, Duration replayIdle, Duration replayLag, int recentAlertsPerTenant,
            Duration profileEmitInterval) {
        this(wallClockScanInterval, streamTimeScanInterval, maxDuePerScan, dedupeTtl, replayIdle, replayLag,
                recentAlertsPerTenant, profileEmitInterval, ALLOWED_LATENESS);
    }

    /** The options with the default alert-history bounds per client and in time. */
    public TopologyOptions(Duration wallClockScanInterval, Duration streamTimeScanInterval, int maxDuePerScan,
            Duration dedupeTtl, Duration replayIdle, Duration replayLag, int recentAlertsPerTenant,
            Duration profileEmitInterval, Duration allowedLateness) {
        this(wallClockScanInterval, streamTimeScanInterval, maxDuePerScan, dedupeTtl, replayIdle, replayLag,
                recentAlertsPerTenant, profileEmitInterval, allowedLateness, ALERTS_PER_CLIENT, ALERT_RETENTION);
    }

    /** Default {@link #profileEmitInterval()}: the commit interval, so a profile is at most one commit later. */
    public static final Duration PROFILE_EMIT_INTERVAL = Duration.ofMillis(StreamsDefaults.COMMIT_INTERVAL_MS);

    /** The options with the default {@link #profileEmitInterval()}. */
    public TopologyOptions(Duration wallClockScanInterval, Duration streamTimeScanInterval, int maxDuePerScan,
            Duration dedupeTtl, Duration replayIdle, Duration replayLag, int recentAlertsPerTenant) {
        this(wallClockScanInterval, streamTimeScanInterval, maxDuePerScan, dedupeTtl, replayIdle, replayLag,
                recentAlertsPerTenant, PROFILE_EMIT_INTERVAL);
    }

    /**
     * Defaults: scan every 30 s of wall clock and every hour of stream time, 500 invoices per scan, 180-day TTL,
     * profiles at most once per commit interval, 3 days of allowed lateness; alert history of 400 days, 500 alerts
     * per client and 20,000 per tenant per partition.
     */
    public static TopologyOptions defaults() {
        return new TopologyOptions(Duration.ofSeconds(30), Duration.ofHours(1), 500, Duration.ofDays(180),
                Duration.ofMinutes(2), Duration.ofHours(6), ALERTS_PER_TENANT);
    }

    /** The same options with another {@link #profileEmitInterval()}. */
    public TopologyOptions withProfileEmitInterval(Duration interval) {
        return new TopologyOptions(wallClockScanInterval, streamTimeScanInterval, maxDuePerScan, dedupeTtl,
                replayIdle, replayLag, recentAlertsPerTenant, interval, allowedLateness, alertsPerClient,
                alertRetention, stateHorizon, messageLateness);
    }

    /** The same options with another {@link #allowedLateness()}. */
    public TopologyOptions withAllowedLateness(Duration lateness) {
        return new TopologyOptions(wallClockScanInterval, streamTimeScanInterval, maxDuePerScan, dedupeTtl,
                replayIdle, replayLag, recentAlertsPerTenant, profileEmitInterval, lateness, alertsPerClient,
                alertRetention, stateHorizon, messageLateness);
    }

    /** The same options with other alert-history bounds (per tenant per partition, per client, horizon). */
    public TopologyOptions withAlertBounds(int perTenant, int perClient, Duration retention) {
        return new TopologyOptions(wallClockScanInterval, streamTimeScanInterval, maxDuePerScan, dedupeTtl,
                replayIdle, replayLag, perTenant, profileEmitInterval, allowedLateness, perClient, retention,
                stateHorizon, messageLateness);
    }

    /** The same options with another {@link #stateHorizon()}. */
    public TopologyOptions withStateHorizon(Duration horizon) {
        return new TopologyOptions(wallClockScanInterval, streamTimeScanInterval, maxDuePerScan, dedupeTtl,
                replayIdle, replayLag, recentAlertsPerTenant, profileEmitInterval, allowedLateness, alertsPerClient,
                alertRetention, horizon, messageLateness);
    }

    /** The same options with another {@link #messageLateness()}. */
    public TopologyOptions withMessageLateness(Duration lateness) {
        return new TopologyOptions(wallClockScanInterval, streamTimeScanInterval, maxDuePerScan, dedupeTtl,
                replayIdle, replayLag, recentAlertsPerTenant, profileEmitInterval, allowedLateness, alertsPerClient,
                alertRetention, stateHorizon, lateness);
    }
}
