package io.paywatch.processor.security;

import io.micronaut.context.annotation.Context;
import io.paywatch.processor.query.QueryTenant;
import io.paywatch.schemas.Secrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Refuses to start the service when a tenant's API-key hash or the ops token hash is one of the example values
 * shipped in this repository ({@link Secrets#isPlaceholder}), unless
 * {@code paywatch.security.allow-placeholder-secrets=true} (development only, logged as a warning). The error
 * names the settings, never their values.
 */
@Context
public class PlaceholderSecretsCheck {

    private static final Logger LOG = LoggerFactory.getLogger(PlaceholderSecretsCheck.class);

    public PlaceholderSecretsCheck(Collection<QueryTenant> tenants, SecurityConfiguration security) {
        Map<String, String> settings = new HashMap<>();
        for (QueryTenant t : tenants) {
            settings.put("paywatch.tenants." + t.getTenantId() + ".api-key-sha256", t.getApiKeySha256());
        }
        settings.put("paywatch.security.ops-token-sha256", security.opsTokenSha256());
        Set<String> found = Secrets.refusePlaceholders("stream-processor", settings,
                security.allowPlaceholderSecrets());
        if (found.isEmpty()) {
            return;
        }
        LOG.warn("Placeholder secrets in {} accepted because paywatch.security.allow-placeholder-secrets=true: "
                + "development only", found);
    }
}
