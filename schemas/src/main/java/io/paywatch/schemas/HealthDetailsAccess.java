package io.paywatch.schemas;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Who may read the details of a service's {@code /health} (Kafka cluster id, disk sizes, SMTP host and port):
 * a caller presenting, as {@code Authorization: Bearer <key>}, a tenant's API key or the ops token
 * ({@code paywatch.security.ops-token-sha256}). The rule is the same on the three services; each one's
 * {@code HealthAuthFilter} applies it to its own configuration. Every configured hash is compared, in constant
 * time, whether or not one matched ({@link Secrets#lastMatchingSha256Hex}).
 */
public final class HealthDetailsAccess {

    private final List<String> hashes;

    /**
     * @param tenantKeySha256 the configured hex SHA-256 of every tenant's API key; null or blank ones are ignored
     * @param opsTokenSha256  hex SHA-256 of the ops token; null means tenant keys only
     */
    public HealthDetailsAccess(Collection<String> tenantKeySha256, String opsTokenSha256) {
        List<String> all = new ArrayList<>(tenantKeySha256);
        all.add(opsTokenSha256);
        this.hashes = all.stream().filter(h -> h != null && !h.isBlank()).toList();
    }

    /**
     * Whether a request with this {@code Authorization} header value (null when absent) may see the details.
     */
    public boolean showsDetails(String authorization) {
        return Secrets.lastMatchingSha256Hex(Secrets.bearerKey(authorization), hashes, hash -> hash) != null;
    }
}
