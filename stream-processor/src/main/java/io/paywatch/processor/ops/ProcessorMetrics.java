package io.paywatch.processor.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.paywatch.contract.AlertType;

import java.util.Map;

/**
 * Paywatch's own counters next to the Kafka Streams metrics: alerts raised by type and records dead-lettered.
 *
 * <p>Kafka Streams instantiates processors and exception handlers itself, so dependency injection cannot reach
 * them. The instance travels instead inside the streams configuration under {@link #CONFIG_KEY} (a Properties
 * value may be any object), and every component looks it up with {@link #from(Map)}.
 */
public final class ProcessorMetrics {

    /** Streams config key under which the instance is passed to processors and handlers. */
    public static final String CONFIG_KEY = "paywatch.metrics";

    /** Counter of alerts raised, tagged {@code type}. */
    public static final String ALERTS_RAISED = "paywatch.alerts.raised";

    /** Counter of records sent to the dead-letter topic, tagged {@code topic} and {@code stage}. */
    public static final String DEAD_LETTERED = "paywatch.records.dead.lettered";

    /**
     * Counter of records whose processing failed with an unexpected exception (a bug, not a contract violation),
     * tagged {@code topic}: each failed the task, and none was dead-lettered (issue 12).
     */
    public static final String PROCESSING_FAILED = "paywatch.records.processing.failed";

    /** Counter of state entries expired by a bound, tagged {@code store} and {@code what} (see the README, Stores). */
    public static final String STATE_EXPIRED = "paywatch.state.expired";

    private final MeterRegistry registry;

    public ProcessorMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The instance in a streams configuration, or a private one when none was configured (tests, tools). */
    public static ProcessorMetrics from(Map<String, ?> configs) {
        Object value = configs == null ? null : configs.get(CONFIG_KEY);
        return value instanceof ProcessorMetrics metrics ? metrics : new ProcessorMetrics(new SimpleMeterRegistry());
    }

    /** Counts one alert of {@code type}. */
    public void alertRaised(AlertType type) {
        Counter.builder(ALERTS_RAISED).description("Alerts raised by the stream processor, by type")
                .tag("type", type.name()).register(registry).increment();
    }

    /** Counts one dead-lettered record from {@code topic} at {@code stage} (deserialization or processing). */
    public void deadLettered(String topic, String stage) {
        Counter.builder(DEAD_LETTERED).description("Records sent to the dead-letter topic")
                .tag("topic", topic == null ? "none" : topic).tag("stage", stage).register(registry).increment();
    }

    /** Counts one record whose processing failed with an unexpected exception (the task fails, see above). */
    public void processingFailed(String topic) {
        Counter.builder(PROCESSING_FAILED)
                .description("Records whose processing failed with an unexpected exception; the task failed")
                .tag("topic", topic == null ? "none" : topic).register(registry).increment();
    }

    /** Counts {@code n} state entries of {@code store} expired by a bound ({@code what} says which). */
    public void stateExpired(String store, String what, int n) {
        Counter.builder(STATE_EXPIRED).description("State entries expired by a bound (README, Stores)")
                .tag("store", store).tag("what", what).register(registry).increment(n);
    }

    /** The registry the counters live in. */
    public MeterRegistry registry() {
        return registry;
    }
}
