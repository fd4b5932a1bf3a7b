package io.paywatch.producer;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** Pins the service clock in tests that set {@code paywatch.test.fixed-clock}. */
@Factory
@Requires(property = "paywatch.test.fixed-clock")
public class FixedClockFactory {

    @Singleton
    @Replaces(Clock.class)
    Clock fixedClock(@Value("${paywatch.test.fixed-clock}") String instant) {
        return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
    }
}
