package io.paywatch.alerts;

import io.micronaut.context.annotation.Replaces;
import jakarta.inject.Singleton;

import java.time.Clock;
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
    /** When set, time runs at wall-clock speed from {@link #now}, so backoff delays elapse. */
    private static volatile long runningSinceNanos = -1;

    /** Pins the time. */
    public static void set(Instant instant) {
        now = instant;
        runningSinceNanos = -1;
    }

    /** Lets time run at wall-clock speed from {@code instant}, for tests that need retries to come due. */
    public static void runFrom(Instant instant) {
        now = instant;
        runningSinceNanos = System.nanoTime();
    }

    /** The current test time. */
    public static Instant current() {
        long since = runningSinceNanos;
        return since < 0 ? now : now.plusNanos(System.nanoTime() - since);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return Clock.fixed(current(), zone);
    }

    @Override
    public Instant instant() {
        return current();
    }
}
