package io.paywatch.processor.security;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * {@code paywatch.security.*}: settings that guard the service itself rather than one tenant.
 *
 * @param allowPlaceholderSecrets start even though a secret or key is one of the examples shipped with Paywatch
 *                                (local development only; see {@link PlaceholderSecretsCheck})
 * @param opsTokenSha256          hex SHA-256 of an operator token that, like any tenant API key, shows the
 *                                details of {@code /health}; null means tenant keys only
 */
@ConfigurationProperties("paywatch.security")
public record SecurityConfiguration(@Bindable(defaultValue = "false") boolean allowPlaceholderSecrets,
        @Nullable String opsTokenSha256) {

    @Override
    public String toString() {
        return "SecurityConfiguration[allowPlaceholderSecrets=" + allowPlaceholderSecrets + ", opsToken="
                + (opsTokenSha256 != null) + "]";
    }
}
