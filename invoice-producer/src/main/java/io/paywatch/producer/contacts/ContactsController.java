package io.paywatch.producer.contacts;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Put;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.paywatch.contract.ClientContacts;
import io.paywatch.producer.api.JsonBodies;
import io.paywatch.producer.auth.TenantConfiguration;
import io.paywatch.producer.auth.Tenants;
import io.paywatch.producer.metrics.IngestMetrics;
import io.paywatch.producer.problem.Problem;
import io.paywatch.producer.problem.ProblemException;
import io.paywatch.producer.problem.Violation;
import io.paywatch.producer.publish.IngestService;
import io.paywatch.producer.publish.OutboundEvent;
import io.paywatch.producer.validation.EventValidator;
import io.paywatch.schemas.LogSafe;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code PUT} and {@code GET /v1/clients/{clientId}/contacts}: which mail addresses and whole domains are a client's,
 * for the API key's tenant only. A PUT replaces the client's whole list on the compacted {@code client-contacts}
 * topic and answers 202 once Kafka committed it. An address or a domain belongs to at most one client of a tenant:
 * a PUT naming one that another client already has is refused with 409, naming both.
 */
@Controller("/v1/clients/{clientId}/contacts")
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "contacts")
@SecurityRequirement(name = "apiKey")
public class ContactsController {

    /** Most entries one client may have. */
    public static final int MAX_CONTACTS = 1_000;

    private final Tenants tenants;
    private final JsonBodies json;
    private final IngestService ingest;
    private final IngestMetrics metrics;
    private final ContactsStore store;
    private final Clock clock;
    /** One lock per tenant: the conflict check and the write it guards are one step on this instance. */
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    public ContactsController(Tenants tenants, JsonBodies json, IngestService ingest, IngestMetrics metrics,
            ContactsStore store, Clock clock) {
        this.tenants = tenants;
        this.json = json;
        this.ingest = ingest;
        this.metrics = metrics;
        this.store = store;
        this.clock = clock;
    }

    @Get(produces = MediaType.APPLICATION_JSON)
    @Operation(summary = "A client's mail contacts", description = "404 when the tenant saved none for this client.")
    @ApiResponse(responseCode = "200", description = "The saved contacts",
            content = @Content(schema = @Schema(implementation = ContactsResponse.class)))
    @ApiResponse(responseCode = "404", description = "None saved",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public ContactsResponse get(@Header(HttpHeaders.AUTHORIZATION) @Nullable String authorization,
            @PathVariable String clientId) {
        TenantConfiguration tenant = tenants.authenticate(authorization);
        checkClientId(clientId);
        ClientContacts saved = store.get(tenant.getTenantId(), clientId).orElseThrow(() -> new ProblemException(
                HttpStatus.NOT_FOUND, "no contacts saved for this client"));
        return response(saved);
    }

    @Put(consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace a client's mail contacts", description = "Addresses (anna@acme.example) and whole "
            + "domains (@acme.example). Published to client-contacts keyed tenant|client; 202 once committed.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ContactsJson.class)))
    @ApiResponse(responseCode = "202", description = "Committed to Kafka",
            content = @Content(schema = @Schema(implementation = ContactsResponse.class)))
    @ApiResponse(responseCode = "400", description = "Violations",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "409", description = "An address or domain is already another client's",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public HttpResponse<ContactsResponse> put(@Header(HttpHeaders.AUTHORIZATION) @Nullable String authorization,
            @PathVariable String clientId, @Body byte[] body) {
        TenantConfiguration tenant = tenants.authenticate(authorization);
        checkClientId(clientId);
        JsonNode root = json.object(body);
        List<Violation> violations = new ArrayList<>();
        ContactsJson request = json.bind(root, ContactsJson.class, "", violations);
        if (request == null) {
            throw ProblemException.invalid(violations);
        }
        if (request.contacts() == null) {
            throw refused(List.of(new Violation("contacts", "is required: a list of addresses and @domains "
                    + "(an empty list removes them all)", "missing")));
        }
        if (request.contacts().size() > MAX_CONTACTS) {
            throw refused(List.of(new Violation("contacts", "has more than " + MAX_CONTACTS + " entries",
                    "too_many")));
        }
        Set<String> addresses = new LinkedHashSet<>();
        Set<String> domains = new LinkedHashSet<>();
        for (int i = 0; i < request.contacts().size(); i++) {
            String text = request.contacts().get(i);
            String field = "contacts[" + i + "]";
            if (text != null && LogSafe.firstUnsafe(text) >= 0) {
                violations.add(new Violation(field, EventValidator.UNSAFE_CHARACTER, "invalid_character"));
                continue;
            }
            try {
                ContactEntry entry = ContactEntry.parse(text);
                (entry.domain() ? domains : addresses).add(entry.value());
            } catch (ContactEntry.Invalid e) {
                violations.add(new Violation(field, e.getMessage(), "invalid_contact"));
            }
        }
        if (!violations.isEmpty()) {
            throw refused(violations);
        }
        String tenantId = tenant.getTenantId();
        synchronized (locks.computeIfAbsent(tenantId, t -> new Object())) {
            List<Violation> conflicts = conflicts(tenantId, clientId, request.contacts(), addresses, domains);
            if (!conflicts.isEmpty()) {
                conflicts.forEach(v -> metrics.rejected("ClientContacts", v.code()));
                throw new ProblemException(HttpStatus.CONFLICT, conflicts.size() + (conflicts.size() == 1
                        ? " contact belongs" : " contacts belong") + " to another client", conflicts, Map.of());
            }
            ClientContacts contacts = ClientContacts.newBuilder().setTenantId(tenantId).setClientId(clientId)
                    .setAddresses(List.copyOf(addresses)).setDomains(List.copyOf(domains))
                    .setUpdatedAt(Instant.ofEpochMilli(clock.millis())).build();
            ingest.publish(List.of(OutboundEvent.contacts(contacts)));
            store.saved(contacts);
            return HttpResponse.<ContactsResponse>status(HttpStatus.ACCEPTED).body(response(contacts));
        }
    }

    /** Entries another client of the tenant already has, each named at its place in the request. */
    private List<Violation> conflicts(String tenantId, String clientId, List<String> raw, Set<String> addresses,
            Set<String> domains) {
        List<Violation> conflicts = new ArrayList<>();
        Map<String, ClientContacts> others = store.all(tenantId);
        for (int i = 0; i < raw.size(); i++) {
            ContactEntry entry = ContactEntry.parse(raw.get(i));
            for (ClientContacts other : others.values()) {
                if (other.getClientId().equals(clientId)) {
                    continue;
                }
                boolean taken = entry.domain() ? other.getDomains().contains(entry.value())
                        : other.getAddresses().contains(entry.value());
                if (taken) {
                    conflicts.add(new Violation("contacts[" + i + "]", entry.display() + " is already a contact of "
                            + "client " + other.getClientId() + "; an address or domain belongs to one client only: "
                            + "remove it there first", "conflict"));
                }
            }
        }
        return conflicts;
    }

    private ProblemException refused(List<Violation> violations) {
        violations.forEach(v -> metrics.rejected("ClientContacts", v.code()));
        return ProblemException.invalid(violations);
    }

    private static void checkClientId(String clientId) {
        String reason = null;
        if (clientId == null || clientId.isBlank()) {
            reason = "is required";
        } else if (clientId.length() > EventValidator.MAX_ID_LENGTH) {
            reason = "is longer than " + EventValidator.MAX_ID_LENGTH + " characters";
        } else if (LogSafe.firstUnsafe(clientId) >= 0) {
            reason = EventValidator.UNSAFE_CHARACTER;
        }
        if (reason != null) {
            throw ProblemException.invalid(List.of(Violation.outsideBody("clientId", reason, "invalid_client_id")));
        }
    }

    private static ContactsResponse response(ClientContacts c) {
        List<String> all = new ArrayList<>();
        c.getAddresses().forEach(all::add);
        c.getDomains().forEach(d -> all.add("@" + d));
        return new ContactsResponse(c.getClientId(), all, c.getUpdatedAt().toString());
    }
}
