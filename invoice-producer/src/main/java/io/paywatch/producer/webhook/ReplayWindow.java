package io.paywatch.producer.webhook;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/**
 * Freshness of a signed webhook whose signature covers no timestamp header (QuickBooks, Xero): the event times
 * inside the signed body must lie within the window before now. A captured request replayed later than that is
 * refused with the same 401 as a bad signature. The window must cover the tool's own retry schedule
 * (QuickBooks retries for about 100 minutes, Xero for up to 24 hours), so inside it a replay is possible; it
 * is harmless because these notifications are only counted and logged (module README).
 */
public final class ReplayWindow {

    /**
     * A random key used to verify requests for a tenant that has no secret for the tool, so that they fail
     * exactly like a wrong signature (same status, same body, similar time) and do not reveal which tenants exist.
     */
    public static final String UNKNOWN_TENANT_KEY = Base64.getEncoder().encodeToString(
            new SecureRandom().generateSeed(32));

    private final Clock clock;
    private final Duration window;

    public ReplayWindow(Clock clock, Duration window) {
        this.clock = clock;
        this.window = window;
    }

    /** The window: how old the newest event time in a body may be. */
    public Duration window() {
        return window;
    }

    /**
     * Why {@code eventTime} (ISO-8601 with an offset, or without one meaning UTC as Xero sends it) is not fresh,
     * or null when it is within the window (a little clock skew into the future is tolerated too).
     */
    public String staleReason(String eventTime) {
        if (eventTime == null) {
            return "no event time in the signed body";
        }
        Instant at;
        try {
            at = OffsetDateTime.parse(eventTime).toInstant();
        } catch (DateTimeParseException e) {
            try {
                at = LocalDateTime.parse(eventTime).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                return "event time is not an ISO-8601 timestamp";
            }
        }
        Duration age = Duration.between(at, clock.instant());
        if (age.compareTo(window) > 0) {
            return "event time is " + age.toSeconds() + " s old, more than " + window.toSeconds() + " s";
        }
        if (age.negated().compareTo(Duration.ofMinutes(5)) > 0) {
            return "event time is in the future";
        }
        return null;
    }
}
