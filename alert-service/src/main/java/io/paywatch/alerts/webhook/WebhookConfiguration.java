package io.paywatch.alerts.webhook;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import java.time.Duration;

/**
 * How alerts are POSTed to tenants' webhook URLs.
 *
 * @param connectTimeout  TCP connect timeout
 * @param requestTimeout  whole-request timeout; a slow receiver is retried later, it never blocks email
 * @param signatureHeader header that carries {@code t=<unix seconds>,v1=<hex HMAC-SHA256>}
 * @param allowPrivateTargets when false (the default), a webhook URL whose host resolves to a loopback, link-local,
 *                        private or otherwise internal address is refused (see {@link WebhookTargetGuard})
 */
@ConfigurationProperties("paywatch.alerts.webhook")
public record WebhookConfiguration(@NotNull Duration connectTimeout, @NotNull Duration requestTimeout,
        @NotBlank String signatureHeader, @Bindable(defaultValue = "false") boolean allowPrivateTargets) {
}
