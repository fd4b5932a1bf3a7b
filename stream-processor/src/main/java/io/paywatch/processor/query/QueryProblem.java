package io.paywatch.processor.query;

import io.micronaut.http.HttpStatus;

import java.util.Map;

/**
 * An HTTP error of the query API, answered as {@code application/problem+json} by {@link QueryProblemHandler}.
 * {@code field} names the part of the request at fault (for example {@code Authorization} or {@code tenant}).
 */
public final class QueryProblem extends RuntimeException {

    private final HttpStatus status;
    private final String field;
    private final Map<String, String> headers;

    public QueryProblem(HttpStatus status, String field, String detail, Map<String, String> headers) {
        super(detail, null, false, false);
        this.status = status;
        this.field = field;
        this.headers = Map.copyOf(headers);
    }

    public QueryProblem(HttpStatus status, String field, String detail) {
        this(status, field, detail, Map.of());
    }

    public HttpStatus status() {
        return status;
    }

    public String field() {
        return field;
    }

    /** Extra response headers, such as WWW-Authenticate or Retry-After. */
    public Map<String, String> headers() {
        return headers;
    }
}
