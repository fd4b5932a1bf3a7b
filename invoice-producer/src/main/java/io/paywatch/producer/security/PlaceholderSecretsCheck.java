package io.paywatch.producer.security;

import io.micronaut.context.annotation.Context;
import io.paywatch.producer.auth.TenantConfiguration;
import io.paywatch.schemas.Secrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Refuses to start the service when a tenant's API-key hash or webhook secret, or the ops token hash, is one of
 * the example values shipped in this repository ({@link Secrets#isPlaceholder}): anyone who read the repository
 * could otherwise sign webhooks or call the API. {@code paywatch.security.allow-placeholder-secrets=true} lets a
 * developer start anyway, with a warning. The error names the settings, never their values.
 */
@Context
public class PlaceholderSecretsCheck {

    private static final Logger LOG = LoggerFactory.getLogger(PlaceholderSecretsCheck.class);

    public PlaceholderSecretsCheck(Collection<TenantConfiguration> tenants, SecurityConfiguration security) {
        Map<String, String> settings = new HashMap<>();
        for (TenantConfiguration t : tenants) {
            String p = "paywatch.tenants." + t.getTenantId() + ".";
            settings.put(p + "api-key-sha256", t.getApiKeySha256());
            settings.put(p + "stripe-endpoint-secret", t.getStripeEndpointSecret());
            settings.put(p + "quickbooks-verifier-token", t.getQuickbooksVerifierToken());
            settings.put(p + "xero-webhook-key", t.getXeroWebhookKey());
        }
        settings.put("paywatch.security.ops-token-sha256", security.opsTokenSha256());
        Set<String> found = Secrets.refusePlaceholders("invoice-producer", settings,
                security.allowPlaceholderSecrets());
        if (found.isEmpty()) {
            return;
        }
        LOG.warn("Placeholder secrets in {} accepted because paywatch.security.allow-placeholder-secrets=true: "
                + "development only", found);
    }
}
