package io.paywatch.processor.query;

import io.micronaut.http.HttpStatus;
import io.paywatch.schemas.Secrets;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Map;

/**
 * Bearer API-key authentication of the query API. The presented key is hashed and compared with every
 * configured hash in constant time; a valid key of another tenant is 403, a missing or unknown key 401.
 */
@Singleton
public class TenantAuth {

    private final List<QueryTenant> tenants;

    public TenantAuth(List<QueryTenant> tenants) {
        this.tenants = List.copyOf(tenants);
    }

    /**
     * Checks that {@code authorization} carries the API key of {@code tenantId}.
     *
     * @throws QueryProblem 401 (no or unknown key) or 403 (the key of another tenant)
     */
    public void requireTenant(String authorization, String tenantId) {
        String key = Secrets.bearerKey(authorization);
        if (key == null) {
            throw unauthorized("missing Authorization: Bearer <api key>");
        }
        // Every hash is compared, match or not, so timing does not tell which tenant a key belongs to.
        QueryTenant owner = Secrets.lastMatchingSha256Hex(key, tenants, QueryTenant::getApiKeySha256);
        if (owner == null) {
            throw unauthorized("unknown API key");
        }
        if (!owner.getTenantId().equals(tenantId)) {
            throw new QueryProblem(HttpStatus.FORBIDDEN, "tenant",
                    "this API key does not give access to tenant " + tenantId);
        }
    }

    private static QueryProblem unauthorized(String detail) {
        return new QueryProblem(HttpStatus.UNAUTHORIZED, "Authorization", detail,
                Map.of("WWW-Authenticate", "Bearer"));
    }

    /** Hex SHA-256, the form keys are configured in. */
    static String sha256Hex(String key) {
        return Secrets.sha256Hex(key);
    }
}
