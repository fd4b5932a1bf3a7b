package io.paywatch.producer.problem;

import io.micronaut.http.HttpStatus;

import java.util.List;
import java.util.Map;

/** Thrown anywhere in request handling to answer with a problem+json document. */
public class ProblemException extends RuntimeException {

    private final HttpStatus status;
    private final List<Violation> violations;
    private final Map<String, String> headers;

    public ProblemException(HttpStatus status, String detail, List<Violation> violations, Map<String, String> headers) {
        super(detail);
        this.status = status;
        this.violations = List.copyOf(violations);
        this.headers = Map.copyOf(headers);
    }

    public ProblemException(HttpStatus status, String detail) {
        this(status, detail, List.of(), Map.of());
    }

    /** A 400 listing every violation found. */
    public static ProblemException invalid(List<Violation> violations) {
        return new ProblemException(HttpStatus.BAD_REQUEST,
                violations.size() + (violations.size() == 1 ? " violation" : " violations"), violations, Map.of());
    }

    public HttpStatus status() {
        return status;
    }

    public List<Violation> violations() {
        return violations;
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** The problem document this exception renders to. */
    public Problem toProblem() {
        return Problem.of(status.getCode(), status.getReason(), getMessage(), violations);
    }
}
