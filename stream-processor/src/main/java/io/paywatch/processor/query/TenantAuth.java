package io.paywatch.processor.query;

import io.micronaut.http.HttpStatus;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Bearer API-key authentication of the query API. The presented key is hashed and compared with every
 * configured hash in constant time; a valid key of another tenant is 403, a missing or unknown key 401.
 */
@Singleton
public class TenantAuth {

    private static final String BEARER = "Bearer ";

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
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                || authorization.substring(BEARER.length()).isBlank()) {
            throw unauthorized("missing Authorization: Bearer <api key>");
        }
        byte[] presented = sha256Hex(authorization.substring(BEARER.length()).strip())
                .getBytes(StandardCharsets.US_ASCII);
        String owner = null;
        for (QueryTenant t : tenants) {
            String hash = t.getApiKeySha256();
            // Every hash is compared, match or not, so timing does not tell which tenant a key belongs to.
            if (hash != null && MessageDigest.isEqual(presented,
                    hash.strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII))) {
                owner = t.getTenantId();
            }
        }
        if (owner == null) {
            throw unauthorized("unknown API key");
        }
        if (!owner.equals(tenantId)) {
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
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
