package io.paywatch.processor.security;

import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.management.health.indicator.HealthResult;
import io.paywatch.processor.query.QueryTenant;
import io.paywatch.schemas.Secrets;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * {@code /health} tells anyone whether the service is UP or DOWN (same status codes: 200, 503), but the
 * indicators' details (Kafka cluster id, disk sizes, client ids) only to a caller with a tenant API key or the
 * ops token ({@code Authorization: Bearer ...}, {@code paywatch.security.ops-token-sha256}). Everyone else gets
 * {@code {"status":"UP"}}. Every configured hash is compared, in constant time, whether or not one matched.
 */
@ServerFilter({"/health", "/health/**"})
public class HealthAuthFilter implements Ordered {

    private static final String BEARER = "Bearer ";

    private final List<String> hashes;

    public HealthAuthFilter(Collection<QueryTenant> tenants, SecurityConfiguration security) {
        List<String> all = new ArrayList<>();
        tenants.forEach(t -> all.add(t.getApiKeySha256()));
        all.add(security.opsTokenSha256());
        this.hashes = all.stream().filter(h -> h != null && !h.isBlank()).toList();
    }

    @ResponseFilter
    @SuppressWarnings("unchecked")
    public void hideDetails(HttpRequest<?> request, MutableHttpResponse<?> response) {
        if (response.body() instanceof HealthResult result && !authenticated(request)) {
            ((MutableHttpResponse<Object>) response).body(Map.of("status", result.getStatus().getName()));
        }
    }

    private boolean authenticated(HttpRequest<?> request) {
        String authorization = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        String key = authorization.substring(BEARER.length()).strip();
        boolean match = false;
        for (String hash : hashes) {
            match |= Secrets.matchesSha256Hex(key, hash);
        }
        return match && !key.isEmpty();
    }

    @Override
    public int getOrder() {
        // Runs on the response after micronaut-management's HealthResultFilter has set 503 for DOWN.
        return HIGHEST_PRECEDENCE;
    }
}
