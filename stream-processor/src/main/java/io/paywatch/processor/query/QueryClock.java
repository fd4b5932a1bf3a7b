package io.paywatch.processor.query;

import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Instant;

/**
 * The query API's "now": what the freelancer reads as today (days past due, aging, overdue count, the oldest open
 * invoice's age) is computed at query time from this clock, not from the client's last event. The system clock in
 * production; tests replace the bean with a fixed clock, so their answers do not depend on the day they run.
 */
@Singleton
public class QueryClock {

    private final Clock clock;

    public QueryClock() {
        this(Clock.systemUTC());
    }

    public QueryClock(Clock clock) {
        this.clock = clock;
    }

    /** The current instant. */
    public Instant now() {
        return clock.instant();
    }
}
