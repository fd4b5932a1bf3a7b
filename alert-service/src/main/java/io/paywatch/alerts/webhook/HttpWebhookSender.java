package io.paywatch.alerts.webhook;

import io.micronaut.json.JsonMapper;
import io.paywatch.contract.PaymentAlert;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * POSTs signed alert JSON with the JDK HTTP client: synchronous, bounded by timeouts, no secret in logs, redirects
 * not followed, and only to targets {@link WebhookTargetGuard} accepts (no loopback, link-local or private addresses
 * unless {@code allow-private-targets}).
 */
@Singleton
public class HttpWebhookSender implements WebhookSender {

    /** Header that carries the alertId, so receivers can drop the duplicate a retry may produce. */
    public static final String ALERT_ID_HEADER = "X-Paywatch-Alert-Id";

    private final WebhookConfiguration config;
    private final JsonMapper json;
    private final Clock clock;
    private final HttpClient http;
    private final WebhookTargetGuard guard;

    public HttpWebhookSender(WebhookConfiguration config, JsonMapper json, Clock clock) {
        this.config = config;
        this.json = json;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.guard = new WebhookTargetGuard(config.allowPrivateTargets());
    }

    @Override
    public void send(String url, String secret, PaymentAlert alert) throws WebhookException {
        // Checked on every attempt, not once: what a name resolves to can change between retries.
        var refused = guard.refusal(url);
        if (refused.isPresent()) {
            throw new WebhookException(refused.get(), null);
        }
        try {
            String body = new String(json.writeValueAsBytes(WebhookPayload.of(alert)), StandardCharsets.UTF_8);
            long t = clock.instant().getEpochSecond();
            HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                    .timeout(config.requestTimeout())
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "paywatch-alert-service")
                    .header(ALERT_ID_HEADER, alert.getAlertId())
                    .header(config.signatureHeader(), WebhookSigner.header(secret, t, body))
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                    .build();
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 != 2) {
                throw new WebhookException("webhook answered HTTP " + response.statusCode(), null);
            }
        } catch (IOException | IllegalArgumentException e) {
            // The URL may hold a token; report only the failure kind and host.
            throw new WebhookException(e.getClass().getSimpleName() + " posting to " + safeHost(url), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WebhookException("interrupted", e);
        }
    }

    private static String safeHost(String url) {
        try {
            return URI.create(url).getHost();
        } catch (IllegalArgumentException e) {
            return "<invalid url>";
        }
    }
}
