package io.paywatch.schemas;

import java.util.Objects;

/**
 * The one key form for per-client records: the canonical string {@code tenantId|clientId}.
 *
 * <p>A plain string (rather than an Avro key record) keeps keys readable in tools, makes RocksDB
 * prefix scans by {@code tenantId|} list one tenant's clients, and hashes identically in every
 * client library. Tenant ids may not contain {@code |}; client ids may contain anything, because
 * the key is split at the first separator.
 */
public record ClientKey(String tenantId, String clientId) {

    /** Separator between tenant and client. */
    public static final char SEPARATOR = '|';

    public ClientKey {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(clientId, "clientId");
        if (tenantId.isEmpty() || tenantId.indexOf(SEPARATOR) >= 0) {
            throw new IllegalArgumentException("tenantId must be non-empty and must not contain '|'");
        }
        if (clientId.isEmpty()) {
            throw new IllegalArgumentException("clientId must be non-empty");
        }
    }

    /** Builds the canonical key string for a tenant and client. */
    public static String of(String tenantId, String clientId) {
        return new ClientKey(tenantId, clientId).asString();
    }

    /** Parses a canonical key string. */
    public static ClientKey parse(String key) {
        int at = key.indexOf(SEPARATOR);
        if (at <= 0 || at == key.length() - 1) {
            throw new IllegalArgumentException("not a tenant|client key: " + key);
        }
        return new ClientKey(key.substring(0, at), key.substring(at + 1));
    }

    /** The prefix shared by every key of a tenant, for range scans. */
    public static String tenantPrefix(String tenantId) {
        return tenantId + SEPARATOR;
    }

    /** The canonical string form. */
    public String asString() {
        return tenantId + SEPARATOR + clientId;
    }

    @Override
    public String toString() {
        return asString();
    }
}
