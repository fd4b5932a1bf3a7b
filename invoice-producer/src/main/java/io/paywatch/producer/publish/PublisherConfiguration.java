package io.paywatch.producer.publish;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;
import java.util.Map;

/** Typed view of {@code paywatch.producer.*}: how the service's publisher talks to Kafka. */
@ConfigurationProperties("paywatch.producer")
public record PublisherConfiguration(
        @Bindable(defaultValue = "invoice-producer") String transactionalIdPrefix,
        @Bindable(defaultValue = "8") int poolSize,
        @Bindable(defaultValue = "lz4") String compression,
        @Bindable(defaultValue = "5ms") Duration linger,
        @Bindable(defaultValue = "5s") Duration maxBlock,
        @Bindable(defaultValue = "10s") Duration deliveryTimeout,
        @Bindable(defaultValue = "5s") Duration retryAfter,
        Map<String, String> extra) {
}
