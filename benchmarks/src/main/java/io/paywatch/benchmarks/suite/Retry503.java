package io.paywatch.benchmarks.suite;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Sends a request the way a well-behaved client of the invoice-producer does: a 503 (Kafka did not commit in time,
 * nothing was published) is retried after its {@code Retry-After} (at most 5 s here), up to 20 times. On a loaded
 * machine the first transactions of a fresh service can exceed its 5 s {@code max-block}.
 */
final class Retry503 {

    private static final int ATTEMPTS = 20;

    private Retry503() {
    }

    static HttpResponse<String> send(HttpClient http, HttpRequest request, AtomicInteger retried)
            throws IOException, InterruptedException {
        return send(http, () -> request, retried);
    }

    static HttpResponse<String> send(HttpClient http, Supplier<HttpRequest> request, AtomicInteger retried)
            throws IOException, InterruptedException {
        HttpResponse<String> r = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            r = http.send(request.get(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 503) {
                return r;
            }
            if (retried != null) {
                retried.incrementAndGet();
            }
            long seconds = r.headers().firstValue("Retry-After").map(Long::parseLong).orElse(1L);
            Thread.sleep(Math.min(5, Math.max(1, seconds)) * 1000);
        }
        return r;
    }
}
