package io.paywatch.producer.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.paywatch.contract.SourceSystem;
import com.fasterxml.jackson.databind.JsonNode;
import io.paywatch.producer.api.EventJson.EventType;
import io.paywatch.producer.auth.TenantConfiguration;
import io.paywatch.producer.auth.Tenants;
import io.paywatch.producer.metrics.IngestMetrics;
import io.paywatch.producer.problem.Problem;
import io.paywatch.producer.problem.ProblemException;
import io.paywatch.producer.problem.Violation;
import io.paywatch.producer.publish.IngestService;
import io.paywatch.producer.publish.OutboundEvent;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** {@code POST /v1/events}: one event object, or an array of up to 1,000, published all-or-nothing. */
@Controller("/v1/events")
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "events")
@SecurityRequirement(name = "apiKey")
public class EventsController {

    /** Largest batch accepted in one request. */
    public static final int MAX_BATCH = 1000;

    private final Tenants tenants;
    private final JsonBodies json;
    private final IngestService ingest;
    private final IngestMetrics metrics;

    public EventsController(Tenants tenants, JsonBodies json, IngestService ingest, IngestMetrics metrics) {
        this.tenants = tenants;
        this.json = json;
        this.ingest = ingest;
        this.metrics = metrics;
    }

    @Post(consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @Operation(summary = "Publish one event or a batch of up to 1000",
            description = "Answers 202 only after Kafka committed every event of the request. The whole batch is "
                    + "validated first; any violation refuses all of it.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(
            oneOf = {EventJson.class, EventJson[].class})))
    @ApiResponse(responseCode = "202", description = "Committed to Kafka",
            content = @Content(schema = @Schema(implementation = AcceptedResponse.class)))
    @ApiResponse(responseCode = "400", description = "Malformed JSON or violations",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "401", description = "Missing or unknown API key",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "403", description = "An event names another tenant",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "413", description = "Body over micronaut.server.max-request-size")
    @ApiResponse(responseCode = "415", description = "Content-Type is not application/json")
    @ApiResponse(responseCode = "503", description = "Kafka unreachable; see Retry-After; nothing was published")
    public HttpResponse<AcceptedResponse> publish(
            @Header(HttpHeaders.AUTHORIZATION) @Nullable String authorization,
            @Body byte[] body) {
        TenantConfiguration tenant = tenants.authenticate(authorization);
        JsonNode root = json.tree(body);
        List<JsonNode> nodes = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        List<String> pointers = new ArrayList<>();
        if (root.isArray()) {
            if (root.size() == 0) {
                throw invalid("$", "batch is empty", "empty_batch");
            }
            if (root.size() > MAX_BATCH) {
                throw invalid("$", "batch has " + root.size() + " events, at most " + MAX_BATCH + " allowed",
                        "batch_too_large");
            }
            int i = 0;
            for (JsonNode n : root) {
                nodes.add(n);
                pointers.add("/" + i);
                paths.add("[" + i++ + "].");
            }
        } else {
            nodes.add(root);
            pointers.add("");
            paths.add("");
        }
        List<Violation> violations = new ArrayList<>();
        List<EventJson> events = new ArrayList<>(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            JsonNode n = nodes.get(i);
            String pointer = pointers.get(i);
            if (!n.isObject()) {
                violations.add(JsonBodies.violation(pointer, "must be an event object, not " + JsonBodies.shape(n),
                        "wrong_type"));
                events.add(null);
                continue;
            }
            List<Violation> unknown = new ArrayList<>();
            unknownFields(n, pointer, unknown);
            violations.addAll(unknown);
            List<Violation> bound = new ArrayList<>();
            events.add(json.bind(n, EventJson.class, pointer, bound));
            // A field unknown to every type is reported once, by the type-aware check when the type is known.
            bound.stream().filter(b -> unknown.stream().noneMatch(u -> u.pointer().equals(b.pointer())))
                    .forEach(violations::add);
        }
        if (!violations.isEmpty()) {
            // Shape errors come first: validating half-bound events would only add noise.
            events.forEach(e -> metrics.rejected(e == null || e.type() == null ? "unknown" : e.type(), "malformed"));
            throw ProblemException.invalid(violations);
        }
        List<OutboundEvent> published = ingest.ingest(events, paths, tenant, SourceSystem.API);
        return HttpResponse.accepted().body(new AcceptedResponse(published.size(),
                published.stream().map(OutboundEvent::eventId).toList()));
    }

    /** A field the event's type does not take is almost always a typo that would silently lose data. */
    private static void unknownFields(JsonNode n, String pointer, List<Violation> violations) {
        JsonNode typeNode = n.get("type");
        EventType type = typeNode != null && typeNode.isTextual() ? EventType.parse(typeNode.textValue()) : null;
        if (type == null) {
            return; // the validator reports the type itself
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!type.accepts(field)) {
                violations.add(JsonBodies.violation(pointer + "/" + Violation.escape(field),
                        "is not a field of " + type.name(), "unknown_field"));
            }
        }
    }

    private static ProblemException invalid(String field, String reason, String code) {
        return ProblemException.invalid(List.of(new Violation(field, reason, code)));
    }
}
