package io.paywatch.alerts;

import io.micronaut.context.annotation.Replaces;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The test clock: every application context of a test JVM reads the same pinned instant, so time stays put
 * across a simulated restart and only moves when a test moves it.
 */
@Singleton
@Replaces(bean = Clock.class, factory = ClockFactory.class)
public class MutableClock extends Clock {

    private static volatile Instant now = Instant.parse("2025-03-12T10:00:00Z");

    /** Pins the time. */
    public static void set(Instant instant) {
        now = instant;
    }

    /** Moves the time forward. */
    public static void advance(Duration duration) {
        now = now.plus(duration);
    }

    /** The pinned time. */
    public static Instant current() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return Clock.fixed(now, zone);
    }

    @Override
    public Instant instant() {
        return now;
    }
}
