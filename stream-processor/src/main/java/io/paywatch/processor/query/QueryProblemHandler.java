package io.paywatch.processor.query;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns a {@link QueryProblem} into an RFC 9457 problem document naming the field at fault. */
@Produces(QueryProblemHandler.PROBLEM_JSON)
@Singleton
@Requires(classes = {QueryProblem.class, ExceptionHandler.class})
public class QueryProblemHandler implements ExceptionHandler<QueryProblem, HttpResponse<?>> {

    /** Media type of every query API error. */
    public static final String PROBLEM_JSON = "application/problem+json";

    @Override
    public HttpResponse<?> handle(HttpRequest request, QueryProblem problem) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", problem.status().getReason());
        body.put("status", problem.status().getCode());
        body.put("detail", problem.getMessage());
        body.put("violations", List.of(Map.of("field", problem.field(), "reason", problem.getMessage())));
        MutableHttpResponse<Map<String, Object>> response = HttpResponse.<Map<String, Object>>status(problem.status())
                .contentType(MediaType.of(PROBLEM_JSON)).body(body);
        problem.headers().forEach(response::header);
        return response;
    }
}
