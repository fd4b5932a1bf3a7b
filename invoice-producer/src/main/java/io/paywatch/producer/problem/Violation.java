package io.paywatch.producer.problem;

import io.micronaut.serde.annotation.Serdeable;

/**
 * One thing wrong with a request: the field at fault (a JSON path such as {@code [3].amount.currency}),
 * a human-readable reason, and a stable machine code that metrics are tagged with.
 */
@Serdeable
public record Violation(String field, String reason, String code) {
}
