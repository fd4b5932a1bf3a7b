package io.paywatch.producer.time;

import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

import java.time.Clock;

/** The one wall clock of the service; tests replace it with a fixed clock. */
@Factory
public class ClockFactory {

    /** System UTC clock. */
    @Singleton
    public Clock clock() {
        return Clock.systemUTC();
    }
}
