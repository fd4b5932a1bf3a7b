package io.paywatch.processor.hosting;

import io.micronaut.context.annotation.ConfigurationProperties;
import jakarta.validation.constraints.Min;

/** How the catalogue's topics are created at start-up. */
@ConfigurationProperties("paywatch.topics")
public record TopicsConfiguration(@Min(1) int partitions, @Min(1) short replicationFactor) {
}
