package io.paywatch.producer.api;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpStatus;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import io.paywatch.producer.problem.ProblemException;
import io.paywatch.producer.problem.Violation;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Parses raw request bodies. The API reads bytes and parses here, rather than letting the framework bind,
 * so malformed JSON and wrongly typed fields come back as problem+json naming the field.
 */
@Singleton
public class JsonBodies {

    private final JsonMapper mapper;

    public JsonBodies(JsonMapper mapper) {
        this.mapper = mapper;
    }

    /** The body as a JSON tree; 400 when it is empty or not JSON. */
    public JsonNode tree(byte[] body) {
        if (body == null || body.length == 0) {
            throw new ProblemException(HttpStatus.BAD_REQUEST, "request body is empty");
        }
        try {
            return mapper.readValue(body, Argument.of(JsonNode.class));
        } catch (IOException | RuntimeException e) {
            throw new ProblemException(HttpStatus.BAD_REQUEST, "malformed JSON: " + firstLine(e.getMessage()),
                    List.of(new Violation("$", "malformed JSON", "malformed_json")), Map.of());
        }
    }

    /** Binds a tree to a type, or null after adding a violation at {@code path}. */
    public <T> T bind(JsonNode node, Class<T> type, String path, List<Violation> violations) {
        try {
            return mapper.readValueFromTree(node, type);
        } catch (IOException | RuntimeException e) {
            violations.add(new Violation(path.isEmpty() ? "$" : path, "wrong field type: " + firstLine(e.getMessage()),
                    "wrong_type"));
            return null;
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        String line = nl < 0 ? message : message.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) : line;
    }
}
