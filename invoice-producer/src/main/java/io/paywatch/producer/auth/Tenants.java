package io.paywatch.producer.auth;

import io.micronaut.http.HttpStatus;
import io.paywatch.producer.problem.ProblemException;
import io.paywatch.schemas.Secrets;
import jakarta.inject.Singleton;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The configured tenants, and API-key authentication against them. A presented key is hashed and compared
 * with every configured hash in constant time, so neither the keys nor their hashes leak through timing.
 */
@Singleton
public class Tenants {

    private final Map<String, TenantConfiguration> byId = new HashMap<>();

    public Tenants(Collection<TenantConfiguration> tenants) {
        tenants.forEach(t -> byId.put(t.getTenantId(), t));
    }

    /** A tenant by id. */
    public Optional<TenantConfiguration> find(String tenantId) {
        return Optional.ofNullable(byId.get(tenantId));
    }

    /**
     * The tenant whose API key the {@code Authorization} header carries.
     *
     * @throws ProblemException 401 when the header is missing, malformed or the key unknown
     */
    public TenantConfiguration authenticate(String authorization) {
        String key = Secrets.bearerKey(authorization);
        if (key == null) {
            throw unauthorized("missing Authorization: Bearer <api key>");
        }
        TenantConfiguration match = Secrets.lastMatchingSha256Hex(key, byId.values(),
                TenantConfiguration::getApiKeySha256);
        if (match == null) {
            throw unauthorized("unknown API key");
        }
        return match;
    }

    private static ProblemException unauthorized(String detail) {
        return new ProblemException(HttpStatus.UNAUTHORIZED, detail, java.util.List.of(),
                Map.of("WWW-Authenticate", "Bearer"));
    }
}
