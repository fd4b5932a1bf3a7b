package io.paywatch.producer.security;

import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.management.health.indicator.HealthResult;
import io.paywatch.producer.auth.TenantConfiguration;
import io.paywatch.schemas.HealthDetailsAccess;

import java.util.Collection;
import java.util.Map;

/**
 * {@code /health} tells anyone whether the service is UP or DOWN (same status codes: 200, 503), but the
 * indicators' details (Kafka cluster id, disk sizes, client ids) only to a caller with a tenant API key or the
 * ops token ({@code Authorization: Bearer ...}, {@code paywatch.security.ops-token-sha256}). Everyone else gets
 * {@code {"status":"UP"}}. The rule, shared by the three services, is {@link HealthDetailsAccess}.
 */
@ServerFilter({"/health", "/health/**"})
public class HealthAuthFilter implements Ordered {

    private final HealthDetailsAccess access;

    public HealthAuthFilter(Collection<TenantConfiguration> tenants, SecurityConfiguration security) {
        this.access = new HealthDetailsAccess(tenants.stream().map(TenantConfiguration::getApiKeySha256).toList(),
                security.opsTokenSha256());
    }

    @ResponseFilter
    @SuppressWarnings("unchecked")
    public void hideDetails(HttpRequest<?> request, MutableHttpResponse<?> response) {
        if (response.body() instanceof HealthResult result
                && !access.showsDetails(request.getHeaders().get(HttpHeaders.AUTHORIZATION))) {
            ((MutableHttpResponse<Object>) response).body(Map.of("status", result.getStatus().getName()));
        }
    }

    @Override
    public int getOrder() {
        // Runs on the response after micronaut-management's HealthResultFilter has set 503 for DOWN.
        return HIGHEST_PRECEDENCE;
    }
}
