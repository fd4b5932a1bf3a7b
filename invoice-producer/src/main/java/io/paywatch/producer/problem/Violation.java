package io.paywatch.producer.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * One thing wrong with a request: the field at fault, a human-readable reason, a stable machine code that
 * metrics are tagged with, and the field as an RFC 6901 JSON pointer into the request body.
 *
 * <p>{@code field} keeps the dotted form clients already read ({@code [3].amount.currency}, {@code $} for the
 * whole body); {@code pointer} names the same place as a JSON pointer ({@code /3/amount/currency}, {@code ""}
 * for the whole body). The pointer is null when the fault is not in the body (a header such as
 * {@code Stripe-Signature}).
 */
@Serdeable
public record Violation(String field, String reason, String code,
        // "" (the whole body) is a pointer too: always written, where the default would drop an empty string.
        @JsonInclude(JsonInclude.Include.ALWAYS) @Nullable String pointer) {

    /** A violation in the body; the pointer is derived from the dotted field. */
    public Violation(String field, String reason, String code) {
        this(field, reason, code, pointerOf(field));
    }

    /** A violation outside the body (a header or the URL), which has no JSON pointer. */
    public static Violation outsideBody(String name, String reason, String code) {
        return new Violation(name, reason, code, null);
    }

    /**
     * The JSON pointer of a dotted field: {@code $} is the root {@code ""}, {@code [3].amount.currency} is
     * {@code /3/amount/currency}. '~' and '/' inside a name are escaped as RFC 6901 requires.
     */
    public static String pointerOf(String field) {
        if (field == null || field.isEmpty() || field.equals("$")) {
            return "";
        }
        StringBuilder p = new StringBuilder();
        for (String part : field.split("\\.")) {
            if (part.isEmpty()) {
                continue;
            }
            int bracket;
            while ((bracket = part.indexOf('[')) >= 0 && part.indexOf(']', bracket) > bracket) {
                if (bracket > 0) {
                    p.append('/').append(escape(part.substring(0, bracket)));
                }
                int close = part.indexOf(']', bracket);
                p.append('/').append(part, bracket + 1, close);
                part = part.substring(close + 1);
            }
            if (!part.isEmpty()) {
                p.append('/').append(escape(part));
            }
        }
        return p.toString();
    }

    /** One reference token escaped per RFC 6901. */
    public static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }
}
