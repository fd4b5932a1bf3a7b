package io.paywatch.producer.problem;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/** An RFC 9457 problem document, extended with the list of field violations. */
@Serdeable
public record Problem(String type, String title, int status, @Nullable String detail,
        @Nullable List<Violation> violations) {

    /** Media type of every error this service answers with. */
    public static final String MEDIA_TYPE = "application/problem+json";

    /** A problem without a specific type URI. */
    public static Problem of(int status, String title, @Nullable String detail, @Nullable List<Violation> violations) {
        return new Problem("about:blank", title, status, detail,
                violations == null || violations.isEmpty() ? null : List.copyOf(violations));
    }
}
