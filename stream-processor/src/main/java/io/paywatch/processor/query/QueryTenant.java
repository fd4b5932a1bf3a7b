package io.paywatch.processor.query;

import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;
import io.micronaut.core.annotation.Nullable;

/**
 * One tenant allowed to use the query API, under {@code paywatch.tenants.<id>}: the same configuration shape
 * as the invoice-producer, so one tenants file serves every service. Only the SHA-256 of the API key is
 * configured ({@code printf '%s' "$KEY" | sha256sum}), never the key.
 */
@EachProperty("paywatch.tenants")
public class QueryTenant {

    private final String tenantId;
    private String apiKeySha256;

    public QueryTenant(@Parameter String tenantId) {
        this.tenantId = tenantId;
    }

    /** The tenant id, from the configuration key. */
    public String getTenantId() {
        return tenantId;
    }

    /** Hex SHA-256 of the tenant's API key. */
    @Nullable
    public String getApiKeySha256() {
        return apiKeySha256;
    }

    public void setApiKeySha256(@Nullable String apiKeySha256) {
        this.apiKeySha256 = apiKeySha256;
    }

    @Override
    public String toString() {
        // The hash is left out: a logged configuration should not help anyone guess keys offline.
        return "QueryTenant[" + tenantId + "]";
    }
}
