package io.paywatch.producer.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Put;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import com.fasterxml.jackson.databind.JsonNode;
import io.paywatch.producer.auth.TenantConfiguration;
import io.paywatch.producer.auth.Tenants;
import io.paywatch.producer.metrics.IngestMetrics;
import io.paywatch.producer.problem.Problem;
import io.paywatch.producer.problem.ProblemException;
import io.paywatch.producer.problem.Violation;
import io.paywatch.producer.publish.IngestService;
import io.paywatch.producer.publish.OutboundEvent;
import io.paywatch.producer.validation.SettingsValidator;
import io.paywatch.producer.zones.TenantZones;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code PUT /v1/settings}: replaces the key's tenant's FreelancerSettings on the compacted settings topic. */
@Controller("/v1/settings")
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "settings")
@SecurityRequirement(name = "apiKey")
public class SettingsController {

    private final Tenants tenants;
    private final JsonBodies json;
    private final SettingsValidator validator;
    private final IngestService ingest;
    private final IngestMetrics metrics;
    private final TenantZones zones;

    public SettingsController(Tenants tenants, JsonBodies json, SettingsValidator validator, IngestService ingest,
            IngestMetrics metrics, TenantZones zones) {
        this.zones = zones;
        this.tenants = tenants;
        this.json = json;
        this.validator = validator;
        this.ingest = ingest;
        this.metrics = metrics;
    }

    @Put(consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace the tenant's settings", description = "Published to freelancer-settings keyed "
            + "tenantId; the latest value wins. Answers 202 once Kafka committed it.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = SettingsJson.class)))
    @ApiResponse(responseCode = "202", description = "Committed to Kafka",
            content = @Content(schema = @Schema(implementation = AcceptedResponse.class)))
    @ApiResponse(responseCode = "400", description = "Violations",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public HttpResponse<AcceptedResponse> put(@Header(HttpHeaders.AUTHORIZATION) @Nullable String authorization,
            @Body byte[] body) {
        TenantConfiguration tenant = tenants.authenticate(authorization);
        JsonNode root = json.object(body);
        List<Violation> violations = new ArrayList<>();
        SettingsJson settings = json.bind(root, SettingsJson.class, "", violations);
        if (settings == null) {
            throw ProblemException.invalid(violations);
        }
        if (settings.tenantId() != null && !settings.tenantId().equals(tenant.getTenantId())) {
            metrics.rejected("FreelancerSettings", "forbidden");
            throw new ProblemException(HttpStatus.FORBIDDEN, "settings belong to another tenant",
                    List.of(new Violation("tenantId", "is not the tenant of the API key", "forbidden")), Map.of());
        }
        SettingsValidator.Checked checked = validator.validate(settings, tenant.getTenantId());
        if (!checked.violations().isEmpty()) {
            checked.violations().forEach(v -> metrics.rejected("FreelancerSettings", v.code()));
            throw ProblemException.invalid(checked.violations());
        }
        OutboundEvent out = OutboundEvent.settings(checked.settings());
        ingest.publish(List.of(out));
        // Committed: the tenant's next event reads its plain dates in this zone (TenantZones).
        zones.saved(tenant.getTenantId(), checked.settings().getTimezone());
        return HttpResponse.accepted().body(new AcceptedResponse(1, List.of(out.eventId())));
    }
}
