package io.paywatch.alerts.security;

import io.micronaut.context.annotation.Context;
import io.paywatch.alerts.email.SmtpConfiguration;
import io.paywatch.schemas.Secrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Refuses to start the service when the SMTP password, a tenant's API-key hash or the ops token hash is one of
 * the example values shipped in this repository ({@link Secrets#isPlaceholder}), unless
 * {@code paywatch.security.allow-placeholder-secrets=true} (development only, logged as a warning). The error
 * names the settings, never their values.
 */
@Context
public class PlaceholderSecretsCheck {

    private static final Logger LOG = LoggerFactory.getLogger(PlaceholderSecretsCheck.class);

    public PlaceholderSecretsCheck(Collection<HealthTenant> tenants, SmtpConfiguration smtp,
            SecurityConfiguration security) {
        Map<String, String> settings = new HashMap<>();
        for (HealthTenant t : tenants) {
            settings.put("paywatch.tenants." + t.getTenantId() + ".api-key-sha256", t.getApiKeySha256());
        }
        settings.put("paywatch.alerts.smtp.password", smtp.password());
        settings.put("paywatch.security.ops-token-sha256", security.opsTokenSha256());
        Set<String> found = Secrets.refusePlaceholders("alert-service", settings,
                security.allowPlaceholderSecrets());
        if (found.isEmpty()) {
            return;
        }
        LOG.warn("Placeholder secrets in {} accepted because paywatch.security.allow-placeholder-secrets=true: "
                + "development only", found);
    }
}
