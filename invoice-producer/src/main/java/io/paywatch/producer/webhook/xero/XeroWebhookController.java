package io.paywatch.producer.webhook.xero;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import com.fasterxml.jackson.databind.JsonNode;
import io.paywatch.producer.api.JsonBodies;
import io.paywatch.producer.auth.Tenants;
import io.paywatch.producer.metrics.IngestMetrics;
import io.paywatch.producer.webhook.Hmac;
import io.paywatch.producer.webhook.WebhookJson;
import io.paywatch.schemas.LogSafe;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micronaut.context.annotation.Value;
import io.paywatch.producer.webhook.ReplayWindow;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;

/**
 * {@code POST /v1/webhooks/xero/{tenant}}: Xero webhooks. Xero's "intent to receive" check sends signed and
 * wrongly signed payloads and expects exactly 200 (empty body) for a valid {@code x-xero-signature} and 401 for
 * an invalid one. Payloads carry ids only ({@code events[{resourceId, eventCategory, eventType}]}), so, as
 * for QuickBooks, events are counted and logged for a fetch-back client (module README), not published.
 */
@Controller("/v1/webhooks/xero")
@Tag(name = "webhooks")
public class XeroWebhookController {

    private static final Logger LOG = LoggerFactory.getLogger(XeroWebhookController.class);

    private final Tenants tenants;
    private final JsonBodies json;
    private final IngestMetrics metrics;
    private final ReplayWindow replay;

    public XeroWebhookController(Tenants tenants, JsonBodies json, IngestMetrics metrics, Clock clock,
            @Value("${paywatch.webhooks.xero-replay-window:25h}") Duration replayWindow) {
        this.tenants = tenants;
        this.json = json;
        this.metrics = metrics;
        this.replay = new ReplayWindow(clock, replayWindow);
    }

    @Post(uri = "/{tenant}", consumes = MediaType.APPLICATION_JSON)
    @Operation(summary = "Xero webhook endpoint", description = "200 with an empty body when x-xero-signature "
            + "is valid and every eventDateUtc inside the replay window, 401 with an empty body otherwise (Xero's intent-to-receive contract).")
    public HttpResponse<Void> receive(@PathVariable String tenant,
            @Header("x-xero-signature") @Nullable String signature, @Body byte[] body) {
        String key = tenants.find(tenant).map(t -> t.getXeroWebhookKey()).orElse(null);
        // A tenant without a key is checked against a random one, so it costs the same time as a wrong signature.
        if (!Hmac.base64Matches(signature, key == null ? ReplayWindow.UNKNOWN_TENANT_KEY : key, body) || key == null) {
            metrics.rejected("xero", "bad_signature");
            // Xero expects a bare 401, nothing else.
            return HttpResponse.unauthorized();
        }
        JsonNode root = json.object(body);
        WebhookJson in = new WebhookJson();
        JsonNode events = in.array(root, "", "events");
        if (events != null) {
            int i = 0;
            for (JsonNode e : events) {
                String p = "/events/" + i++;
                if (!e.isObject()) {
                    in.fail(p, "must be an object, not " + JsonBodies.shape(e), "wrong_type");
                    continue;
                }
                in.text(e, p, "eventCategory", 64);
                in.text(e, p, "eventType", 64);
                in.id(e, p, "resourceId");
            }
        }
        // Nothing is counted or logged unless the whole payload reads cleanly.
        in.throwIfInvalid();
        if (events != null) {
            for (JsonNode e : events) {
                String stale = replay.staleReason(text(e, "eventDateUtc", null));
                if (stale != null) {
                    // The signature covers no timestamp: the signed event times are what dates the request.
                    metrics.rejected("xero", "replayed");
                    LOG.warn("Xero webhook for {} refused: {}", LogSafe.escape(tenant), stale);
                    return HttpResponse.unauthorized();
                }
            }
        }
        if (events != null) {
            for (JsonNode e : events) {
                String category = text(e, "eventCategory");
                String type = text(e, "eventType");
                metrics.notification("xero", category.toLowerCase(Locale.ROOT), type.toLowerCase(Locale.ROOT));
                LOG.info("Xero {} {} {} needs a fetch-back to become an event", LogSafe.escape(category),
                        LogSafe.escape(type), LogSafe.escape(text(e, "resourceId")));
            }
        }
        return HttpResponse.ok();
    }

    private static String text(JsonNode node, String field) {
        return text(node, field, "unknown");
    }

    private static String text(JsonNode node, String field, String otherwise) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() ? v.textValue() : otherwise;
    }
}
