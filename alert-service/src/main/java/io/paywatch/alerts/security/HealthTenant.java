package io.paywatch.alerts.security;

import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;
import io.micronaut.core.annotation.Nullable;

/**
 * A tenant under {@code paywatch.tenants.<id>}, the shape the three services share (one tenants file serves
 * all): the alert service reads only the SHA-256 of the API key, so that a tenant's key shows {@code /health}
 * details here as it does on the other services.
 */
@EachProperty("paywatch.tenants")
public class HealthTenant {

    private final String tenantId;
    private String apiKeySha256;

    public HealthTenant(@Parameter String tenantId) {
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
        return "HealthTenant[" + tenantId + "]";
    }
}
