package io.paywatch.alerts;

import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

import java.time.Clock;

/** The one source of "now" for policy decisions, so tests can pin and move time. */
@Factory
public class ClockFactory {

    /** Wall clock in UTC; tenant time zones are applied where they matter. */
    @Singleton
    public Clock clock() {
        return Clock.systemUTC();
    }
}
