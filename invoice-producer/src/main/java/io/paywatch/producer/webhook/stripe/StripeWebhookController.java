package io.paywatch.producer.webhook.stripe;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import com.fasterxml.jackson.databind.JsonNode;
import io.paywatch.contract.SourceSystem;
import io.paywatch.schemas.LogSafe;
import io.paywatch.producer.api.EventJson;
import io.paywatch.producer.api.JsonBodies;
import io.paywatch.producer.auth.TenantConfiguration;
import io.paywatch.producer.auth.Tenants;
import io.paywatch.producer.metrics.IngestMetrics;
import io.paywatch.producer.problem.ProblemException;
import io.paywatch.producer.problem.Violation;
import io.paywatch.producer.publish.IngestService;
import io.paywatch.producer.publish.OutboundEvent;
import io.paywatch.producer.webhook.ReplayWindow;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code POST /v1/webhooks/stripe/{tenant}}: signed Stripe invoice events, published as Paywatch events. */
@Controller("/v1/webhooks/stripe")
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "webhooks")
public class StripeWebhookController {

    private static final Logger LOG = LoggerFactory.getLogger(StripeWebhookController.class);

    private final Tenants tenants;
    private final JsonBodies json;
    private final IngestService ingest;
    private final IngestMetrics metrics;
    private final StripeSignatureVerifier verifier;
    private final StripeEventMapper mapper = new StripeEventMapper();

    public StripeWebhookController(Tenants tenants, JsonBodies json, IngestService ingest, IngestMetrics metrics,
            Clock clock) {
        this.tenants = tenants;
        this.json = json;
        this.ingest = ingest;
        this.metrics = metrics;
        this.verifier = new StripeSignatureVerifier(clock, StripeSignatureVerifier.DEFAULT_TOLERANCE);
    }

    /** Answer to Stripe: what was published, or why the event was ignored. */
    @Serdeable
    public record StripeAck(boolean received, List<String> published, @Nullable String ignored) {
    }

    @Post(uri = "/{tenant}", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @Operation(summary = "Stripe webhook endpoint", description = "Verifies Stripe-Signature (HMAC-SHA256 of "
            + "t.body, 300 s tolerance; 401 otherwise, also for a tenant without a Stripe secret) and maps invoice.finalized / paid / voided / marked_uncollectible. Other "
            + "types are acknowledged with 200 and ignored.")
    public HttpResponse<StripeAck> receive(@PathVariable String tenant,
            @Header("Stripe-Signature") @Nullable String signature, @Body byte[] body) {
        TenantConfiguration t = tenants.find(tenant).filter(c -> c.getStripeEndpointSecret() != null).orElse(null);
        try {
            // A tenant without a Stripe secret is verified against a random key: it fails like a wrong signature
            // (same 401, same reasons), so the answer does not tell which tenants exist.
            verifier.verify(signature, body, t == null ? ReplayWindow.UNKNOWN_TENANT_KEY : t.getStripeEndpointSecret());
            if (t == null) {
                throw new StripeSignatureVerifier.InvalidSignature("no v1 signature matches the body");
            }
        } catch (StripeSignatureVerifier.InvalidSignature e) {
            metrics.rejected("stripe", "bad_signature");
            LOG.warn("Stripe webhook for {} refused: {}", LogSafe.escape(tenant), LogSafe.escape(e.getMessage()));
            throw new ProblemException(HttpStatus.UNAUTHORIZED, "signature verification failed",
                    List.of(Violation.outsideBody("Stripe-Signature", e.getMessage(), "bad_signature")), Map.of());
        }
        JsonNode event = json.object(body);
        StripeEventMapper.Mapped mapped = mapper.map(event, t.getDefaultTermsDays());
        if (mapped.events().isEmpty()) {
            LOG.debug("Stripe event ignored: {}", LogSafe.escape(mapped.ignoredReason()));
            return HttpResponse.ok(new StripeAck(true, List.of(), mapped.ignoredReason()));
        }
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < mapped.events().size(); i++) {
            paths.add(mapped.events().size() == 1 ? "" : "[" + i + "].");
        }
        List<EventJson> events = mapped.events();
        List<OutboundEvent> published = ingest.ingest(events, paths, t, SourceSystem.STRIPE);
        return HttpResponse.ok(new StripeAck(true, published.stream().map(OutboundEvent::eventId).toList(), null));
    }
}
