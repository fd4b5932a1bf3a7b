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
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.processor.ProcessorStores;
import io.paywatch.processor.classification.Classifier;
import io.paywatch.processor.payments.CalendarDays;
import org.apache.kafka.streams.state.HostInfo;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The tenant-authenticated query API over the stream processor's state: clients with their key figures and
 * classification, one client's full profile, and the alert history (filtered, paged by cursor). With several instances, lists are gathered
 * from every instance and a single client is fetched from the instance that owns it; {@code scope=local}
 * answers from this instance alone (that is what the hop between instances uses).
 */
@Controller("/v1/tenants/{tenant}")
@ExecuteOn(TaskExecutors.BLOCKING)
public class QueryController {

    private static final String LOCAL = "local";

    private final TenantAuth auth;
    private final ProfileQueries queries;
    private final PeerClient peers;
    private final QueryClock clock;

    public QueryController(TenantAuth auth, ProfileQueries queries, PeerClient peers, QueryClock clock) {
        this.auth = auth;
        this.queries = queries;
        this.peers = peers;
        this.clock = clock;
    }

    /**
     * Every client of the tenant with its key figures and classification (no long histories). The receivables
     * ({@code openCount}, {@code overdueCount}, {@code outstanding}, {@code aging}, {@code oldestOpenAgeDays}) and the
     * classification are as of now in the tenant's time zone ({@link #asOfNow}); the rest is the stored profile, as of
     * the client's last event ({@code asOf}). {@code displayName} is the client's name, followed by its id in parentheses when
     * another client of the tenant has the same name (case and surrounding blanks ignored), so two clients never
     * read the same; a client without a name shows its id.
     */
    @Get(value = "/clients", produces = MediaType.APPLICATION_JSON)
    public Map<String, Object> clients(@PathVariable String tenant,
            @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @Nullable @QueryValue String scope) {
        auth.requireTenant(authorization, tenant);
        List<Map<String, Object>> clients = new ArrayList<>();
        Instant now = clock.now();
        FreelancerSettings settings = queries.tenantSettings(tenant);
        ZoneId zone = CalendarDays.zone(settings.getTimezone());
        Map<String, List<ReceivablesAsOf.OpenItem>> open = queries.localOpenInvoices(tenant);
        queries.localProfiles(tenant).forEach(p ->
                clients.add(summary(asOfNow(p, open.getOrDefault(p.getClientId(), List.of()), settings, now))));
        Gathered gathered = LOCAL.equals(scope) ? Gathered.NONE
                : gather(ProcessorStores.CLIENT_PROFILES, "/v1/tenants/" + enc(tenant) + "/clients", "clients",
                        authorization, clients);
        clients.sort(Comparator.comparing(c -> String.valueOf(c.get("clientId"))));
        if (!LOCAL.equals(scope)) {
            // Only the gathering instance sees every client, so only it can tell which names collide.
            displayNames(clients);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tenantId", tenant);
        body.put("asOf", now.toString());
        body.put("timezone", zone.getId());
        body.put("today", LocalDate.ofInstant(now, zone).toString());
        body.put("clients", clients);
        body.put("instances", 1 + gathered.answered());
        body.put("partial", gathered.failed() > 0);
        return body;
    }

    /**
     * One client's full profile: payment history, open invoices with risk, responsiveness, classification. As in
     * the list, {@code receivables} and {@code classification} are as of now in the tenant's time zone (with {@code today} and {@code timezone}
     * at the top level); {@code asOf} stays the time of the client's last event.
     */
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
        ClientProfile profile = queries.localProfile(tenant, client)
                .orElseThrow(() -> new QueryProblem(HttpStatus.NOT_FOUND, "client",
                        "no profile for client " + client + " of tenant " + tenant));
        return asOfNow(profile, queries.localOpenInvoices(tenant, client), queries.tenantSettings(tenant),
                clock.now());
    }

    /**
     * The stored profile as a freelancer must read it today: its receivables replaced by the receivables as of
     * {@code now} ({@link ReceivablesAsOf}), and its classification (class, score, factors, reasons) computed again
     * as of {@code now} ({@link Classifier#classifyAsOf}) from the same stored state: the profile's payment and
     * reply figures and the open invoices' days past due today in the tenant's zone. The stored classification is
     * as of the client's last event; a client silent since then whose invoices went overdue would still read
     * "pays within terms". Recomputed at query time rather than re-emitted by a wall-clock punctuation, so the
     * topology's outputs stay a function of the events (the same under replay), and this answer a function of the
     * stored state and the date only.
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> asOfNow(ClientProfile profile, List<ReceivablesAsOf.OpenItem> open,
            FreelancerSettings settings, Instant now) {
        ZoneId zone = CalendarDays.zone(settings.getTimezone());
        Map<String, Object> map = AvroMaps.toMap(profile);
        List<Map<String, Object>> storedInvoices = map.get("receivables") instanceof Map<?, ?> r
                && r.get("invoices") instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
        map.put("receivables", ReceivablesAsOf.of(open, storedInvoices, zone, now));
        map.put("classification", AvroMaps.toMap(Classifier.classifyAsOf(profile.getPayments(),
                ReceivablesAsOf.daysPastDue(open, zone, now), profile.getResponsiveness(), settings)));
        map.put("timezone", zone.getId());
        map.put("today", LocalDate.ofInstant(now, zone).toString());
        return map;
    }

    /** Sets {@code displayName} on every client: its name, plus {@code (clientId)} when the name is not unique. */
    static void displayNames(List<Map<String, Object>> clients) {
        Map<String, Integer> uses = new HashMap<>();
        clients.forEach(c -> uses.merge(nameKey(c), 1, Integer::sum));
        for (Map<String, Object> c : clients) {
            String id = String.valueOf(c.get("clientId"));
            String name = c.get("clientName") == null || String.valueOf(c.get("clientName")).isBlank() ? null
                    : String.valueOf(c.get("clientName")).strip();
            c.put("displayName", name == null ? id : uses.get(nameKey(c)) > 1 ? name + " (" + id + ")" : name);
        }
    }

    private static String nameKey(Map<String, Object> c) {
        Object name = c.get("clientName");
        String shown = name == null || String.valueOf(name).isBlank() ? String.valueOf(c.get("clientId"))
                : String.valueOf(name);
        return shown.strip().toLowerCase(Locale.ROOT);
    }

    /**
     * The tenant's alert history, newest first (occurredAt, then alertId, descending), one page at a time.
     * Filters: {@code type} and {@code severity} (a symbol, or several comma-separated), {@code clientId},
     * {@code from} (inclusive) and {@code to} (exclusive), ISO-8601 instants on occurredAt. {@code limit} 1 to 200
     * (default 50). The answer's {@code nextCursor} (null on the last page) fetches the next page with the same
     * filters; the order is stable, so alerts raised meanwhile never shift a page. Every other instance is asked
     * for its own page and the pages are merged; bad parameters are a 400 problem naming the parameter.
     */
    @Get(value = "/alerts", produces = MediaType.APPLICATION_JSON)
    @SuppressWarnings("unchecked")
    public Map<String, Object> alerts(@PathVariable String tenant,
            @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @Nullable @QueryValue String scope,
            @Nullable @QueryValue String type, @Nullable @QueryValue String severity,
            @Nullable @QueryValue String clientId, @Nullable @QueryValue String from, @Nullable @QueryValue String to,
            @Nullable @QueryValue String cursor, @Nullable @QueryValue String limit) {
        auth.requireTenant(authorization, tenant);
        AlertQuery query = AlertQuery.parse(type, severity, clientId, from, to, cursor, limit);
        ProfileQueries.AlertPage local = queries.localAlerts(tenant, query);
        List<Map<String, Object>> alerts = new ArrayList<>();
        local.alerts().forEach(a -> alerts.add(AvroMaps.toMap(a)));
        boolean more = local.more();
        int answered = 0;
        int failed = 0;
        if (!LOCAL.equals(scope)) {
            String path = "/v1/tenants/" + enc(tenant) + "/alerts?" + query.toQueryString(cursor == null ? null : enc(cursor));
            for (HostInfo host : queries.otherInstances(ProcessorStores.RECENT_ALERTS)) {
                try {
                    PeerClient.PeerResponse r = peers.getLocal(host, path, authorization);
                    if (r.status() == 200 && r.body().get("alerts") instanceof List<?> list) {
                        list.forEach(item -> alerts.add((Map<String, Object>) item));
                        more |= r.body().get("nextCursor") != null;
                        answered++;
                    } else {
                        failed++;
                    }
                } catch (IOException e) {
                    failed++;
                }
            }
        }
        // By instant, not by text: Instant.toString drops zero milliseconds, so text order is not time order.
        alerts.sort(Comparator.comparing((Map<String, Object> a) -> Instant.parse(String.valueOf(a.get("occurredAt"))))
                .thenComparing(a -> String.valueOf(a.get("alertId"))).reversed());
        more |= alerts.size() > query.limit();
        List<Map<String, Object>> page = alerts.size() > query.limit()
                ? new ArrayList<>(alerts.subList(0, query.limit())) : alerts;
        String next = null;
        if (more && !page.isEmpty()) {
            Map<String, Object> last = page.get(page.size() - 1);
            next = new AlertQuery.Position(Instant.parse(String.valueOf(last.get("occurredAt"))).toEpochMilli(),
                    String.valueOf(last.get("alertId"))).encode();
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tenantId", tenant);
        body.put("alerts", page);
        body.put("nextCursor", next);
        body.put("instances", 1 + answered);
        body.put("partial", failed > 0);
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

    /** The profile (as a map) without its long lists: what a clients table needs. */
    static Map<String, Object> summary(Map<String, Object> map) {
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

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
