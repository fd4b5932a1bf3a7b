package io.paywatch.producer.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.paywatch.producer.api.JsonBodies;
import io.paywatch.producer.problem.ProblemException;
import io.paywatch.producer.problem.Violation;
import io.paywatch.producer.validation.EventValidator;
import io.paywatch.schemas.LogSafe;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the few fields a webhook mapper needs from a third party's payload, strictly: a field that is present
 * must have the JSON type the tool documents (a string is not a number, {@code 12.5} is not an integer, an
 * integer must fit 64 bits), and ids and names are bounded in length and free of control characters. Every
 * fault is collected as a violation naming the field's JSON pointer in the payload. Fields the mapper does not
 * read are never looked at, so new fields in a tool's API never break ingestion.
 */
public final class WebhookJson {

    private final List<Violation> violations = new ArrayList<>();

    /** Faults found so far. */
    public List<Violation> violations() {
        return violations;
    }

    /** Throws 400 listing every fault, when there is one. */
    public void throwIfInvalid() {
        if (!violations.isEmpty()) {
            throw ProblemException.invalid(violations);
        }
    }

    /** Records a fault at a pointer. */
    public void fail(String pointer, String reason, String code) {
        violations.add(JsonBodies.violation(pointer, reason, code));
    }

    /** A child object, or null when absent or JSON null; a fault when it is another type. */
    public JsonNode object(JsonNode parent, String pointer, String name) {
        JsonNode v = present(parent, name);
        if (v == null) {
            return null;
        }
        if (!v.isObject()) {
            fail(pointer + "/" + name, "must be an object, not " + JsonBodies.shape(v), "wrong_type");
            return null;
        }
        return v;
    }

    /** A child array, or null when absent or JSON null; a fault when it is another type. */
    public JsonNode array(JsonNode parent, String pointer, String name) {
        JsonNode v = present(parent, name);
        if (v == null) {
            return null;
        }
        if (!v.isArray()) {
            fail(pointer + "/" + name, "must be an array, not " + JsonBodies.shape(v), "wrong_type");
            return null;
        }
        return v;
    }

    /** A string, or null when absent or JSON null; a fault when it is another type or holds a control character. */
    public String text(JsonNode parent, String pointer, String name, int maxLength) {
        JsonNode v = present(parent, name);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            fail(pointer + "/" + name, "must be a string, not " + JsonBodies.shape(v), "wrong_type");
            return null;
        }
        String s = v.textValue();
        if (s.length() > maxLength) {
            fail(pointer + "/" + name, "is longer than " + maxLength + " characters", "too_long");
            return null;
        }
        if (LogSafe.firstUnsafe(s) >= 0) {
            fail(pointer + "/" + name, "contains a control or line-break character", "invalid_character");
            return null;
        }
        return s;
    }

    /** An id: a string of at most {@link EventValidator#MAX_ID_LENGTH} characters. */
    public String id(JsonNode parent, String pointer, String name) {
        return text(parent, pointer, name, EventValidator.MAX_ID_LENGTH);
    }

    /** A 64-bit integer, or null when absent or JSON null; a fault for a string, a fraction or an overflow. */
    public Long integer(JsonNode parent, String pointer, String name) {
        JsonNode v = present(parent, name);
        if (v == null) {
            return null;
        }
        if (!v.isIntegralNumber()) {
            fail(pointer + "/" + name, v.isNumber()
                    ? "must be an integer written without fraction or exponent"
                    : "must be an integer, not " + JsonBodies.shape(v), v.isNumber() ? "not_integer" : "wrong_type");
            return null;
        }
        if (!v.canConvertToLong()) {
            fail(pointer + "/" + name, "must be an integer between " + Long.MIN_VALUE + " and " + Long.MAX_VALUE,
                    "out_of_range");
            return null;
        }
        return v.longValue();
    }

    private static JsonNode present(JsonNode parent, String name) {
        if (parent == null) {
            return null;
        }
        JsonNode v = parent.get(name);
        return v == null || v.isNull() ? null : v;
    }
}
