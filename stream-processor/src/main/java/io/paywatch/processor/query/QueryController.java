package io.paywatch.processor.query;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.paywatch.contract.ClientProfile;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.processor.ProcessorStores;
import org.apache.kafka.streams.state.HostInfo;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The tenant-authenticated query API over the stream processor's state: clients with their key figures and
 * classification, one client's full profile, and recent alerts. With several instances, lists are gathered
 * from every instance and a single client is fetched from the instance that owns it; {@code scope=local}
 * answers from this instance alone (that is what the hop between instances uses).
 */
@Controller("/v1/tenants/{tenant}")
@ExecuteOn(TaskExecutors.BLOCKING)
public class QueryController {

    /** Default and maximum number of alerts returned. */
    static final int DEFAULT_ALERTS = 50;
    static final int MAX_ALERTS = 200;
    private static final String LOCAL = "local";

    private final TenantAuth auth;
    private final ProfileQueries queries;
    private final PeerClient peers;

    public QueryController(TenantAuth auth, ProfileQueries queries, PeerClient peers) {
        this.auth = auth;
        this.queries = queries;
        this.peers = peers;
    }

    /** Every client of the tenant with its key figures and classification (no long histories). */
    @Get(value = "/clients", produces = MediaType.APPLICATION_JSON)
    public Map<String, Object> clients(@PathVariable String tenant,
            @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @Nullable @QueryValue String scope) {
        auth.requireTenant(authorization, tenant);
        List<Map<String, Object>> clients = new ArrayList<>();
        queries.localProfiles(tenant).forEach(p -> clients.add(summary(p)));
        Gathered gathered = LOCAL.equals(scope) ? Gathered.NONE
                : gather(ProcessorStores.CLIENT_PROFILES, "/v1/tenants/" + enc(tenant) + "/clients", "clients",
                        authorization, clients);
        clients.sort(Comparator.comparing(c -> String.valueOf(c.get("clientId"))));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tenantId", tenant);
        body.put("clients", clients);
        body.put("instances", 1 + gathered.answered());
        body.put("partial", gathered.failed() > 0);
        return body;
    }

    /** One client's full profile: payment history, open invoices with risk, responsiveness, classification. */
    @Get(value = "/clients/{client}", produces = MediaType.APPLICATION_JSON)
    public Map<String, Object> client(@PathVariable String tenant, @PathVariable String client,
            @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @Nullable @QueryValue String scope) {
        auth.requireTenant(authorization, tenant);
        if (!LOCAL.equals(scope)) {
            Optional<HostInfo> owner = queries.remoteOwner(tenant, client);
            if (owner.isPresent()) {
                return fromOwner(owner.get(), "/v1/tenants/" + enc(tenant) + "/clients/" + enc(client), authorization);
            }
        }
        return queries.localProfile(tenant, client).map(AvroMaps::toMap)
                .orElseThrow(() -> new QueryProblem(HttpStatus.NOT_FOUND, "client",
                        "no profile for client " + client + " of tenant " + tenant));
    }

    /** The tenant's recent alerts, newest first. */
    @Get(value = "/alerts", produces = MediaType.APPLICATION_JSON)
    public Map<String, Object> alerts(@PathVariable String tenant,
            @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @Nullable @QueryValue String scope,
            @Nullable @QueryValue Integer limit) {
        auth.requireTenant(authorization, tenant);
        int max = limit == null ? DEFAULT_ALERTS : limit;
        if (max < 1 || max > MAX_ALERTS) {
            throw new QueryProblem(HttpStatus.BAD_REQUEST, "limit", "limit must be between 1 and " + MAX_ALERTS);
        }
        List<Map<String, Object>> alerts = new ArrayList<>();
        for (PaymentAlert a : queries.localAlerts(tenant)) {
            alerts.add(AvroMaps.toMap(a));
        }
        Gathered gathered = LOCAL.equals(scope) ? Gathered.NONE
                : gather(ProcessorStores.RECENT_ALERTS, "/v1/tenants/" + enc(tenant) + "/alerts?limit=" + MAX_ALERTS,
                        "alerts", authorization, alerts);
        // ISO-8601 instants of one format sort as text; the alert id breaks ties deterministically.
        alerts.sort(Comparator.comparing((Map<String, Object> a) -> String.valueOf(a.get("occurredAt")))
                .thenComparing(a -> String.valueOf(a.get("alertId"))).reversed());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tenantId", tenant);
        body.put("alerts", alerts.size() > max ? new ArrayList<>(alerts.subList(0, max)) : alerts);
        body.put("instances", 1 + gathered.answered());
        body.put("partial", gathered.failed() > 0);
        return body;
    }

    private record Gathered(int answered, int failed) {
        static final Gathered NONE = new Gathered(0, 0);
    }

    /** Adds the {@code field} list of every other instance's local answer to {@code into}. */
    @SuppressWarnings("unchecked")
    private Gathered gather(String store, String path, String field, String authorization,
            List<Map<String, Object>> into) {
        int answered = 0;
        int failed = 0;
        for (HostInfo host : queries.otherInstances(store)) {
            try {
                PeerClient.PeerResponse r = peers.getLocal(host, path, authorization);
                if (r.status() == 200 && r.body().get(field) instanceof List<?> list) {
                    list.forEach(item -> into.add((Map<String, Object>) item));
                    answered++;
                } else {
                    failed++;
                }
            } catch (IOException e) {
                failed++;
            }
        }
        return new Gathered(answered, failed);
    }

    private Map<String, Object> fromOwner(HostInfo owner, String path, String authorization) {
        PeerClient.PeerResponse r;
        try {
            r = peers.getLocal(owner, path, authorization);
        } catch (IOException e) {
            throw new QueryProblem(HttpStatus.SERVICE_UNAVAILABLE, "client",
                    "the instance that owns this client (" + owner + ") did not answer", Map.of("Retry-After", "2"));
        }
        if (r.status() == 200) {
            return r.body();
        }
        HttpStatus status = HttpStatus.valueOf(r.status());
        throw new QueryProblem(status, "client", Objects.toString(r.body().get("detail"),
                "the owning instance answered " + r.status()));
    }

    /** The profile without its long lists: what a clients table needs. */
    static Map<String, Object> summary(ClientProfile profile) {
        Map<String, Object> map = AvroMaps.toMap(profile);
        removeFrom(map, "payments", "history");
        removeFrom(map, "receivables", "invoices");
        removeFrom(map, "responsiveness", "ghostingTimeline");
        removeFrom(map, "classification", "factors");
        return map;
    }

    @SuppressWarnings("unchecked")
    private static void removeFrom(Map<String, Object> map, String section, String field) {
        if (map.get(section) instanceof Map<?, ?> inner) {
            ((Map<String, Object>) inner).remove(field);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
