package io.paywatch.producer.problem;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.JsonErrorResponseBodyProvider;
import jakarta.inject.Singleton;

import java.util.List;

/**
 * Makes the framework's own errors (415 wrong content type, 413 body too large, 404, 405...) problem+json
 * too, so every client sees one error shape.
 */
@Singleton
@Replaces(JsonErrorResponseBodyProvider.class)
public class ProblemErrorBodyProvider implements JsonErrorResponseBodyProvider<Problem> {

    @Override
    public Problem body(ErrorContext context, HttpResponse<?> response) {
        List<Violation> violations = context.getErrors().stream()
                .filter(e -> e.getPath().isPresent())
                .map(e -> new Violation(e.getPath().get(), e.getMessage(), "invalid"))
                .toList();
        String detail = context.getErrors().stream().map(Error::getMessage).findFirst().orElse(null);
        return Problem.of(response.code(), response.reason(), detail, violations);
    }

    @Override
    public String contentType() {
        return Problem.MEDIA_TYPE;
    }
}
