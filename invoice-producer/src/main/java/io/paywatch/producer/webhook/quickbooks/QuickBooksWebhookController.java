package io.paywatch.producer.webhook.quickbooks;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.serde.annotation.Serdeable;
import com.fasterxml.jackson.databind.JsonNode;
import io.paywatch.producer.api.JsonBodies;
import io.paywatch.producer.auth.TenantConfiguration;
import io.paywatch.producer.auth.Tenants;
import io.paywatch.producer.metrics.IngestMetrics;
import io.paywatch.producer.problem.ProblemException;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code POST /v1/webhooks/quickbooks/{tenant}}: QuickBooks Online change notifications.
 *
 * <p>The signature ({@code intuit-signature}, base64 HMAC-SHA256 of the raw body under the verifier token) is
 * verified, but the payload carries ids only ({@code realmId} and {@code entities[{name, id, operation,
 * lastUpdated}]}): no customer, amount or dates. Building InvoiceIssued / PaymentReceived events needs a
 * fetch-back client (see the module README), which is not built, so notifications are acknowledged, logged and
 * counted ({@code paywatch.producer.webhook.notifications}) rather than turned into half-true events.
 */
@Controller("/v1/webhooks/quickbooks")
@Tag(name = "webhooks")
public class QuickBooksWebhookController {

    private static final Logger LOG = LoggerFactory.getLogger(QuickBooksWebhookController.class);

    private final Tenants tenants;
    private final JsonBodies json;
    private final IngestMetrics metrics;
    private final ReplayWindow replay;

    public QuickBooksWebhookController(Tenants tenants, JsonBodies json, IngestMetrics metrics, Clock clock,
            @Value("${paywatch.webhooks.quickbooks-replay-window:3h}") Duration replayWindow) {
        this.tenants = tenants;
        this.json = json;
        this.metrics = metrics;
        this.replay = new ReplayWindow(clock, replayWindow);
    }

    /** One entity change as QuickBooks reports it. */
    @Serdeable
    public record EntityChange(String realmId, String name, String id, String operation) {
    }

    /** What was received; nothing is published until a fetch-back client exists. */
    @Serdeable
    public record QuickBooksAck(int notifications, List<EntityChange> needFetchBack) {
    }

    @Post(uri = "/{tenant}", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @Operation(summary = "QuickBooks Online webhook endpoint", description = "Verifies intuit-signature and that "
            + "lastUpdated is inside the replay window (401 otherwise); payloads carry ids only, so changes are counted and logged for a fetch-back client, not published.")
    public HttpResponse<QuickBooksAck> receive(@PathVariable String tenant,
            @Header("intuit-signature") @Nullable String signature, @Body byte[] body) {
        TenantConfiguration t = tenants.find(tenant).filter(c -> c.getQuickbooksVerifierToken() != null)
                .orElse(null);
        // A tenant without a verifier token fails exactly like a wrong signature: no answer tells which tenants exist.
        if (!Hmac.base64Matches(signature, t == null ? ReplayWindow.UNKNOWN_TENANT_KEY : t.getQuickbooksVerifierToken(),
                body) || t == null) {
            metrics.rejected("quickbooks", "bad_signature");
            throw new ProblemException(HttpStatus.UNAUTHORIZED, "intuit-signature does not match the body");
        }
        JsonNode root = json.object(body);
        WebhookJson in = new WebhookJson();
        List<EntityChange> changes = new ArrayList<>();
        List<String> times = new ArrayList<>();
        JsonNode notifications = in.array(root, "", "eventNotifications");
        if (notifications != null) {
            int i = 0;
            for (JsonNode n : notifications) {
                String p = "/eventNotifications/" + i++;
                if (!n.isObject()) {
                    in.fail(p, "must be an object, not " + JsonBodies.shape(n), "wrong_type");
                    continue;
                }
                String realm = in.id(n, p, "realmId");
                JsonNode dce = in.object(n, p, "dataChangeEvent");
                JsonNode entities = in.array(dce, p + "/dataChangeEvent", "entities");
                if (entities == null) {
                    continue;
                }
                int j = 0;
                for (JsonNode e : entities) {
                    String ep = p + "/dataChangeEvent/entities/" + j++;
                    if (!e.isObject()) {
                        in.fail(ep, "must be an object, not " + JsonBodies.shape(e), "wrong_type");
                        continue;
                    }
                    changes.add(new EntityChange(realm, in.text(e, ep, "name", 64), in.id(e, ep, "id"),
                            in.text(e, ep, "operation", 64)));
                    times.add(in.text(e, ep, "lastUpdated", 64));
                }
            }
        }
        // Nothing is counted or logged unless the whole payload reads cleanly.
        in.throwIfInvalid();
        for (String time : times) {
            String stale = replay.staleReason(time);
            if (stale != null) {
                // The signature covers no timestamp: the signed event times are what dates the request.
                metrics.rejected("quickbooks", "replayed");
                LOG.warn("QuickBooks webhook for {} refused: {}", LogSafe.escape(tenant), stale);
                throw new ProblemException(HttpStatus.UNAUTHORIZED, "notification is outside the "
                        + replay.window().toSeconds() + " s replay window: " + stale);
            }
        }
        for (EntityChange c : changes) {
            metrics.notification("quickbooks", String.valueOf(c.name()).toLowerCase(Locale.ROOT),
                    String.valueOf(c.operation()).toLowerCase(Locale.ROOT));
            // "Emailed" on an Invoice is a communication signal (a MessageSent), but the notification
            // lacks the CustomerRef, so it too waits for the fetch-back.
            LOG.info("QuickBooks {} {} {} (realm {}) needs a fetch-back to become an event",
                    LogSafe.escape(c.name()), LogSafe.escape(c.id()), LogSafe.escape(c.operation()),
                    LogSafe.escape(c.realmId()));
        }
        return HttpResponse.ok(new QuickBooksAck(changes.size(), changes));
    }
}
