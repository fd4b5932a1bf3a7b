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

    public XeroWebhookController(Tenants tenants, JsonBodies json, IngestMetrics metrics) {
        this.tenants = tenants;
        this.json = json;
        this.metrics = metrics;
    }

    @Post(uri = "/{tenant}", consumes = MediaType.APPLICATION_JSON)
    @Operation(summary = "Xero webhook endpoint", description = "200 with an empty body when x-xero-signature "
            + "is valid, 401 with an empty body otherwise (Xero's intent-to-receive contract).")
    public HttpResponse<Void> receive(@PathVariable String tenant,
            @Header("x-xero-signature") @Nullable String signature, @Body byte[] body) {
        String key = tenants.find(tenant).map(t -> t.getXeroWebhookKey()).orElse(null);
        if (key == null || !Hmac.base64Matches(signature, key, body)) {
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
        JsonNode v = node.get(field);
        return v != null && v.isTextual() ? v.textValue() : "unknown";
    }
}
