package io.paywatch.producer.api;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.micronaut.http.HttpStatus;
import io.paywatch.producer.problem.ProblemException;
import io.paywatch.producer.problem.Violation;
import io.paywatch.schemas.LogSafe;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.math.BigInteger;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Parses and binds every JSON request body of the service, strictly. The API reads bytes and parses here,
 * rather than letting the framework bind, so every fault comes back as problem+json naming the field (JSON
 * pointer) and a reason, never a Java class name.
 *
 * <p>Strictness comes from Jackson's own configuration, not hand-rolled checks:
 * <ul>
 *   <li>no scalar coercion: {@code "1250"} is not a number, {@code 12345} is not a string, {@code 1} is not a
 *       boolean ({@link MapperFeature#ALLOW_COERCION_OF_SCALARS} off plus explicit {@link CoercionAction#Fail}
 *       per logical type);</li>
 *   <li>floats where integers belong are refused ({@code 12.5}, {@code 1e40}, {@code 1.0}):
 *       {@link DeserializationFeature#ACCEPT_FLOAT_AS_INT} off;</li>
 *   <li>integers that do not fit the field are refused, never wrapped ({@code 18446744073709551716} for a
 *       64-bit field, {@code 4294967326} for a 32-bit one);</li>
 *   <li>unknown properties are refused ({@link DeserializationFeature#FAIL_ON_UNKNOWN_PROPERTIES});</li>
 *   <li>duplicate keys ({@link StreamReadFeature#STRICT_DUPLICATE_DETECTION}), trailing content, nesting deeper
 *       than {@value #MAX_DEPTH} and numbers longer than {@value #MAX_NUMBER_LENGTH} digits are malformed JSON;</li>
 *   <li>the literal {@code null}, a bare scalar or an empty body is not a request.</li>
 * </ul>
 * Webhook bodies go through the same parser (duplicates, depth, null) but are read field by field, since a
 * third party's unknown fields must be ignored.
 */
@Singleton
public class JsonBodies {

    /** Deepest nesting accepted; real bodies nest 3 levels (Stripe about 6). */
    public static final int MAX_DEPTH = 32;
    /** Longest number token accepted, in characters. */
    public static final int MAX_NUMBER_LENGTH = 64;

    private static final ObjectMapper STRICT = strictMapper();

    /** The strictly configured mapper; shared and thread-safe. */
    public static ObjectMapper strictMapper() {
        JsonFactory factory = JsonFactory.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_DEPTH)
                        .maxNumberLength(MAX_NUMBER_LENGTH)
                        .build())
                .build();
        ObjectMapper m = JsonMapper.builder(factory)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
                .disable(DeserializationFeature.ACCEPT_EMPTY_STRING_AS_NULL_OBJECT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
        CoercionInputShape[] scalars = {CoercionInputShape.String, CoercionInputShape.Integer,
                CoercionInputShape.Float, CoercionInputShape.Boolean, CoercionInputShape.EmptyString};
        for (LogicalType type : LogicalType.values()) {
            for (CoercionInputShape shape : scalars) {
                m.coercionConfigFor(type).setCoercion(shape, CoercionAction.Fail);
            }
        }
        // The natural shape of each type stays allowed (a JSON integer for an integer field, and so on): the
        // coercion table only applies when the input shape differs from the target's.
        m.coercionConfigFor(LogicalType.Float).setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert);
        return m;
    }

    /** The body as a JSON object; 400 when it is empty, malformed, {@code null}, an array or a scalar. */
    public JsonNode object(byte[] body) {
        JsonNode root = tree(body);
        if (!root.isObject()) {
            throw invalid("", "must be a JSON object, not " + shape(root), "wrong_type");
        }
        return root;
    }

    /** The body as a JSON object or array; 400 when it is empty, malformed, {@code null} or a scalar. */
    public JsonNode tree(byte[] body) {
        if (body == null || body.length == 0) {
            throw new ProblemException(HttpStatus.BAD_REQUEST, "request body is empty",
                    List.of(new Violation("$", "request body is empty", "missing")), Map.of());
        }
        JsonNode root;
        try {
            root = STRICT.readTree(body);
        } catch (IOException | RuntimeException e) {
            Violation v = parseViolation(e);
            throw new ProblemException(HttpStatus.BAD_REQUEST, "malformed JSON: " + v.reason(), List.of(v), Map.of());
        }
        if (root == null || root.isMissingNode()) {
            throw invalid("", "request body is empty", "missing");
        }
        if (!root.isContainerNode()) {
            throw invalid("", "must be a JSON object, not " + shape(root), "wrong_type");
        }
        return root;
    }

    /**
     * Binds a node to a record type, or returns null after adding one violation.
     *
     * @param pointer the node's JSON pointer in the body ({@code ""} for the root, {@code "/3"} for the fourth
     *                event of a batch); the violation's pointer and dotted field are built from it
     */
    public <T> T bind(JsonNode node, Class<T> type, String pointer, List<Violation> violations) {
        try {
            return STRICT.treeToValue(node, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            violations.add(bindViolation(e, pointer));
            return null;
        }
    }

    /** Describes a JSON value's shape for a reason ("a string", "null"...), never echoing it. */
    public static String shape(JsonNode n) {
        if (n == null || n.isNull()) {
            return "null";
        }
        if (n.isTextual()) {
            return "a string";
        }
        if (n.isIntegralNumber()) {
            return "an integer";
        }
        if (n.isNumber()) {
            return "a number with a fraction or exponent";
        }
        if (n.isBoolean()) {
            return "a boolean";
        }
        if (n.isArray()) {
            return "an array";
        }
        return "an object";
    }

    private static ProblemException invalid(String pointer, String reason, String code) {
        return ProblemException.invalid(List.of(violation(pointer, reason, code)));
    }

    /** A violation at a JSON pointer, with the matching dotted field. */
    public static Violation violation(String pointer, String reason, String code) {
        return new Violation(dotted(pointer), reason, code, pointer);
    }

    /** {@code /3/amount/currency} as the dotted field {@code [3].amount.currency}; the root is {@code $}. */
    static String dotted(String pointer) {
        if (pointer.isEmpty()) {
            return "$";
        }
        StringBuilder b = new StringBuilder();
        for (String token : pointer.substring(1).split("/", -1)) {
            String name = token.replace("~1", "/").replace("~0", "~");
            if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
                b.append('[').append(name).append(']');
            } else {
                if (b.length() > 0) {
                    b.append('.');
                }
                b.append(name);
            }
        }
        return b.toString();
    }

    /** A parse fault: where the parser was, and why, in words that never name a class. */
    private static Violation parseViolation(Exception e) {
        // Where the parser stood names the field for a duplicate key or excess depth; for other syntax faults
        // (an unexpected end, a stray character) the whole body is at fault.
        String pointer = "";
        boolean located = e instanceof StreamConstraintsException
                || (e instanceof JacksonException dj && String.valueOf(dj.getOriginalMessage()).startsWith("Duplicate"));
        if (located && e instanceof JacksonException je && je.getProcessor() instanceof JsonParser p) {
            try {
                pointer = p.getParsingContext().pathAsPointer().toString();
            } catch (RuntimeException ignored) {
                pointer = "";
            }
        }
        String reason;
        String code = "malformed_json";
        if (e instanceof StreamConstraintsException sce) {
            String msg = String.valueOf(sce.getOriginalMessage());
            if (msg.contains("nesting depth")) {
                reason = "is nested deeper than " + MAX_DEPTH + " levels";
                code = "too_deep";
            } else if (msg.contains("Number value length")) {
                reason = "has a number longer than " + MAX_NUMBER_LENGTH + " characters";
                code = "out_of_range";
            } else {
                reason = "exceeds a size limit of the JSON reader";
                code = "too_long";
            }
        } else if (e instanceof JacksonException je && String.valueOf(je.getOriginalMessage()).startsWith("Duplicate")) {
            reason = "has a duplicate key";
            code = "duplicate_key";
        } else if (e instanceof JsonMappingException jme
                && String.valueOf(jme.getOriginalMessage()).contains("Trailing token")) {
            reason = "has content after the JSON value";
        } else if (e instanceof JacksonException je) {
            reason = cleanParserMessage(je.getOriginalMessage());
        } else {
            reason = "is not valid JSON";
        }
        return violation(pointer, reason, code);
    }

    /**
     * Jackson's parser messages name characters and expectations ("Unexpected character ('}' (code 125))"),
     * which helps a client; anything that looks like a Java name is dropped, and control characters are escaped.
     */
    private static String cleanParserMessage(String message) {
        if (message == null || message.contains("`") || message.contains("java.") || message.contains("jackson")
                || message.contains("Exception") || message.contains("(class ")) {
            return "is not valid JSON";
        }
        int nl = message.indexOf('\n');
        String line = nl < 0 ? message : message.substring(0, nl);
        return "is not valid JSON: " + LogSafe.escape(line.length() > 160 ? line.substring(0, 160) : line);
    }

    /** A binding fault: the pointer from Jackson's path, the reason from the expected type. */
    private static Violation bindViolation(Exception e, String basePointer) {
        StringBuilder pointer = new StringBuilder(basePointer);
        if (e instanceof JsonMappingException jme) {
            for (JsonMappingException.Reference ref : jme.getPath()) {
                if (ref.getFieldName() != null) {
                    pointer.append('/').append(Violation.escape(ref.getFieldName()));
                } else if (ref.getIndex() >= 0) {
                    pointer.append('/').append(ref.getIndex());
                }
            }
        }
        String p = pointer.toString();
        if (e instanceof UnrecognizedPropertyException) {
            return violation(p, "is not a known field", "unknown_field");
        }
        Throwable cause = e;
        while (cause != null && !(cause instanceof InputCoercionException)) {
            cause = cause.getCause();
        }
        if (cause instanceof InputCoercionException ice) {
            return violation(p, outOfRange(ice.getTargetType()), "out_of_range");
        }
        if (e instanceof MismatchedInputException mie) {
            Class<?> target = mie.getTargetType();
            String msg = String.valueOf(mie.getOriginalMessage());
            if (isIntegral(target) && msg.contains("out of range")) {
                return violation(p, outOfRange(target), "out_of_range");
            }
            if (isIntegral(target) && msg.contains("Floating-point")) {
                return violation(p, "must be an integer written without fraction or exponent (minor units)",
                        "not_integer");
            }
            return violation(p, "must be " + expected(target), "wrong_type");
        }
        return violation(p, "has the wrong type", "wrong_type");
    }

    private static boolean isIntegral(Class<?> t) {
        return t == Long.class || t == long.class || t == Integer.class || t == int.class || t == Short.class
                || t == short.class || t == BigInteger.class;
    }

    private static String outOfRange(Class<?> target) {
        if (target == Integer.class || target == int.class) {
            return "must be an integer between " + Integer.MIN_VALUE + " and " + Integer.MAX_VALUE;
        }
        return "must be an integer between " + Long.MIN_VALUE + " and " + Long.MAX_VALUE;
    }

    /** The expected JSON shape of a target type, in words. */
    private static String expected(Class<?> t) {
        if (t == null) {
            return "of another type";
        }
        if (t == String.class) {
            return "a string";
        }
        if (isIntegral(t)) {
            return "an integer";
        }
        if (t == Double.class || t == double.class || t == Float.class || t == float.class) {
            return "a number";
        }
        if (t == Boolean.class || t == boolean.class) {
            return "true or false";
        }
        if (Collection.class.isAssignableFrom(t) || t.isArray()) {
            return "an array";
        }
        return "an object";
    }
}
