package io.paywatch.producer.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;

/**
 * Counters of what the front door let in and turned away:
 * {@code paywatch.producer.events.accepted{type,source}} and
 * {@code paywatch.producer.events.rejected{type,reason}}, plus webhook notifications that carry ids only.
 */
@Singleton
public class IngestMetrics {

    /** Accepted events, tagged type and source. */
    public static final String ACCEPTED = "paywatch.producer.events.accepted";
    /** Rejected events, tagged type and reason. */
    public static final String REJECTED = "paywatch.producer.events.rejected";
    /** Webhook notifications received but not turned into events (ids only), tagged source, entity, operation. */
    public static final String NOTIFICATIONS = "paywatch.producer.webhook.notifications";

    private final MeterRegistry registry;

    public IngestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void accepted(String type, String source) {
        Counter.builder(ACCEPTED).tag("type", type).tag("source", source)
                .description("Events published to Kafka").register(registry).increment();
    }

    public void rejected(String type, String reason) {
        Counter.builder(REJECTED).tag("type", type).tag("reason", reason)
                .description("Events refused, by reason").register(registry).increment();
    }

    public void notification(String source, String entity, String operation) {
        Counter.builder(NOTIFICATIONS).tag("source", source).tag("entity", entity).tag("operation", operation)
                .description("Id-only webhook notifications that need a fetch-back").register(registry).increment();
    }
}
