package io.paywatch.processor.query;

import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Value;
import io.micronaut.http.HttpStatus;
import io.paywatch.contract.ClientProfile;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.processor.ProcessorStores;
import io.paywatch.processor.alerting.AlertLog;
import io.paywatch.processor.payments.CalendarDays;
import io.paywatch.processor.payments.OpenInvoiceState;
import io.paywatch.schemas.ClientKey;
import jakarta.inject.Singleton;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;


import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Interactive queries of this instance's state stores ({@link ProcessorStores#CLIENT_PROFILES},
 * {@link ProcessorStores#RECENT_ALERTS}) plus the streams metadata that says which instance owns what.
 * Both stores live in the per-client processor, so a tenant's clients and alerts are spread over all
 * partitions: listing them means asking every instance; one client lives on the instance owning its key.
 */
@Singleton
public class ProfileQueries {

    private static final StringSerializer KEYS = new StringSerializer();

    private final BeanProvider<KafkaStreams> streams;
    private final HostInfo self;

    public ProfileQueries(BeanProvider<KafkaStreams> streams,
            @Value("${kafka.streams.default.application.server:}") String applicationServer) {
        this.streams = streams;
        this.self = applicationServer == null || applicationServer.isBlank() ? null
                : HostInfo.buildFromEndpoint(applicationServer);
    }

    /** This instance's own address ({@code application.server}), or null when it runs alone unconfigured. */
    public HostInfo self() {
        return self;
    }

    /** The profiles of {@code tenant}'s clients held on this instance. */
    public List<ClientProfile> localProfiles(String tenant) {
        List<ClientProfile> out = new ArrayList<>();
        try (KeyValueIterator<String, ClientProfile> it = profiles().prefixScan(ClientKey.tenantPrefix(tenant), KEYS)) {
            it.forEachRemaining(kv -> out.add(kv.value));
        } catch (InvalidStateStoreException e) {
            throw unavailable(e);
        }
        return out;
    }

    /** One client's profile if this instance holds it. */
    public Optional<ClientProfile> localProfile(String tenant, String client) {
        try {
            return Optional.ofNullable(profiles().get(ClientKey.of(tenant, client)));
        } catch (InvalidStateStoreException e) {
            throw unavailable(e);
        }
    }

    /** Separates the client key from the invoice id in {@link ProcessorStores#OPEN_INVOICES} keys. */
    private static final char US = '\u001F';

    /**
     * The open invoices of {@code tenant}'s clients held on this instance, by client id: the entries of
     * {@link ProcessorStores#OPEN_INVOICES} whose status is OPEN (issued, neither settled, voided nor written off),
     * the same set the processor's receivables count. One prefix scan of the tenant.
     */
    public Map<String, List<ReceivablesAsOf.OpenItem>> localOpenInvoices(String tenant) {
        return scanOpen(ClientKey.tenantPrefix(tenant));
    }

    /** The open invoices of one client held on this instance (see {@link #localOpenInvoices(String)}). */
    public List<ReceivablesAsOf.OpenItem> localOpenInvoices(String tenant, String client) {
        return scanOpen(ClientKey.of(tenant, client) + US).getOrDefault(client, List.of());
    }

    private Map<String, List<ReceivablesAsOf.OpenItem>> scanOpen(String prefix) {
        try (KeyValueIterator<String, OpenInvoiceState> it = streams.get().store(StoreQueryParameters.fromNameAndType(
                ProcessorStores.OPEN_INVOICES, QueryableStoreTypes.<String, OpenInvoiceState>keyValueStore()))
                .prefixScan(prefix, KEYS)) {
            return openItems(it);
        } catch (InvalidStateStoreException e) {
            throw unavailable(e);
        }
    }

    /**
     * The OPEN entries of an {@link ProcessorStores#OPEN_INVOICES} scan, by client id, each with its risk at issue
     * when assessed. Static so the topology tests read a TopologyTestDriver's store exactly as the API does.
     */
    public static Map<String, List<ReceivablesAsOf.OpenItem>> openItems(
            java.util.Iterator<KeyValue<String, OpenInvoiceState>> it) {
        Map<String, List<ReceivablesAsOf.OpenItem>> out = new HashMap<>();
        while (it.hasNext()) {
            KeyValue<String, OpenInvoiceState> kv = it.next();
            int us = kv.key.indexOf(US);
            if (kv.value == null || us < 0 || kv.value.status() != OpenInvoiceState.Status.OPEN) {
                continue;
            }
            OpenInvoiceState v = kv.value;
            out.computeIfAbsent(ClientKey.parse(kv.key.substring(0, us)).clientId(), c -> new ArrayList<>())
                    .add(new ReceivablesAsOf.OpenItem(v.invoiceId(), v.issuedAt(), v.dueAt(), v.amountMinor(),
                            v.outstandingMinor(), v.currency(), v.riskAtIssue()));
        }
        return out;
    }

    /**
     * The tenant's time zone from its saved settings, or UTC when it saved none: the processor's own default, so
     * both count the same days.
     */
    public ZoneId tenantZone(String tenant) {
        return CalendarDays.zone(tenantSettings(tenant).getTimezone());
    }

    /**
     * The tenant's saved settings (the global {@link ProcessorStores#SETTINGS} store, present on every instance), or
     * the contract defaults when it saved none, as the processor reads them: the classification as of today uses
     * the same thresholds (norm, tolerance, grace) as the one the processor stores.
     */
    public FreelancerSettings tenantSettings(String tenant) {
        try {
            Object value = streams.get().store(StoreQueryParameters.fromNameAndType(ProcessorStores.SETTINGS,
                    QueryableStoreTypes.<String, Object>keyValueStore())).get(tenant);
            if (value instanceof ValueAndTimestamp<?> timestamped) {
                value = timestamped.value();
            }
            return value instanceof FreelancerSettings s ? s : defaultSettings(tenant);
        } catch (InvalidStateStoreException e) {
            throw unavailable(e);
        }
    }

    /** The contract's defaults for a tenant that saved no settings (what {@code ClientProcessor} uses then). */
    static FreelancerSettings defaultSettings(String tenant) {
        return FreelancerSettings.newBuilder().setTenantId(tenant).setNotificationEmail("")
                .setUpdatedAt(java.time.Instant.EPOCH).build();
    }

    /**
     * One page of {@code tenant}'s alerts held on this instance: the newest {@code query.limit()} alerts that pass the
     * filters and come after the cursor, newest first, and whether this instance holds more.
     */
    public record AlertPage(List<PaymentAlert> alerts, boolean more) {
    }

    /**
     * {@code tenant}'s alerts held on this instance that pass {@code query}, newest first (see {@link AlertPage}).
     * Each local partition is range-scanned in reverse key order ({@code tenant|occurredAt|alertId}, so time order)
     * from the cursor or {@code to} down to {@code from}, and stops at {@code limit + 1} matches; the partitions'
     * answers are merged. With {@code clientId} the scan runs over that client's index entries only. Cost: the
     * entries read until the page is full; a rare type or severity reads further (at most the tenant's history in
     * the time range, which the {@code AlertLog} bounds keep bounded).
     */
    public AlertPage localAlerts(String tenant, AlertQuery query) {
        List<PaymentAlert> found = new ArrayList<>();
        try {
            for (int partition : localPartitions()) {
                found.addAll(scanPartition(tenant, query, partition, query.limit() + 1));
            }
        } catch (InvalidStateStoreException e) {
            throw unavailable(e);
        }
        found.sort(NEWEST_FIRST);
        boolean more = found.size() > query.limit();
        return new AlertPage(more ? List.copyOf(found.subList(0, query.limit())) : found, more);
    }

    /** Newest first: occurredAt, then alertId, both descending (the store's key order reversed). */
    public static final Comparator<PaymentAlert> NEWEST_FIRST = Comparator
            .comparing((PaymentAlert a) -> a.getOccurredAt()).thenComparing(PaymentAlert::getAlertId).reversed();

    private List<PaymentAlert> scanPartition(String tenant, AlertQuery query, int partition, int max) {
        ReadOnlyKeyValueStore<String, PaymentAlert> alerts = streams.get().store(StoreQueryParameters
                .fromNameAndType(ProcessorStores.RECENT_ALERTS, QueryableStoreTypes.<String, PaymentAlert>keyValueStore())
                .withPartition(partition));
        // Both stores order their keys <prefix><13-digit occurredAt>|alertId after a fixed prefix: the time range
        // and the cursor are key bounds, "~" sorts after every digit.
        String prefix = query.clientId() == null ? ClientKey.tenantPrefix(tenant)
                : AlertLog.clientPrefix(ClientKey.of(tenant, query.clientId()));
        String lo = prefix + (query.fromMs() == null ? "" : AlertLog.pad13(query.fromMs()));
        String hi = prefix + (query.toMs() == null ? "~" : AlertLog.pad13(query.toMs()));
        String cursor = query.after() == null ? null : prefix + query.after().keySuffix();
        if (cursor != null && cursor.compareTo(hi) < 0) {
            hi = cursor;
        }
        List<PaymentAlert> out = new ArrayList<>();
        if (lo.compareTo(hi) > 0) {
            return out;
        }
        if (query.clientId() == null) {
            try (KeyValueIterator<String, PaymentAlert> it = alerts.reverseRange(lo, hi)) {
                while (it.hasNext() && out.size() < max) {
                    KeyValue<String, PaymentAlert> kv = it.next();
                    // A value can be null: an entry deleted in the record cache (evicted alert) not yet flushed.
                    if (kv.value != null && !kv.key.equals(cursor) && query.matches(kv.value)) {
                        out.add(kv.value);
                    }
                }
            }
            return out;
        }
        ReadOnlyKeyValueStore<String, String> index = streams.get().store(StoreQueryParameters
                .fromNameAndType(ProcessorStores.ALERT_CLIENT_INDEX, QueryableStoreTypes.<String, String>keyValueStore())
                .withPartition(partition));
        try (KeyValueIterator<String, String> it = index.reverseRange(lo, hi)) {
            while (it.hasNext() && out.size() < max) {
                KeyValue<String, String> kv = it.next();
                PaymentAlert alert = kv.value == null || kv.key.equals(cursor) ? null : alerts.get(kv.value);
                if (alert != null && query.matches(alert)) {
                    out.add(alert);
                }
            }
        }
        return out;
    }

    /** The partitions whose active tasks run on this instance (the client processor's stores live in them). */
    private Set<Integer> localPartitions() {
        Set<Integer> out = new TreeSet<>();
        for (ThreadMetadata thread : streams.get().metadataForLocalThreads()) {
            for (TaskMetadata task : thread.activeTasks()) {
                out.add(task.taskId().partition());
            }
        }
        return out;
    }

    /**
     * The instance that owns {@code tenant|client}, or empty when it is this one (or no other instance is
     * known).
     */
    public Optional<HostInfo> remoteOwner(String tenant, String client) {
        KeyQueryMetadata meta = streams.get().queryMetadataForKey(ProcessorStores.CLIENT_PROFILES,
                ClientKey.of(tenant, client), KEYS);
        if (meta == null || KeyQueryMetadata.NOT_AVAILABLE.equals(meta)) {
            throw new QueryProblem(HttpStatus.SERVICE_UNAVAILABLE, "client",
                    "the owner of this client is not known yet (rebalancing); retry shortly",
                    Map.of("Retry-After", "2"));
        }
        return isRemote(meta.activeHost()) ? Optional.of(meta.activeHost()) : Optional.empty();
    }

    /** Every other instance that hosts part of {@code store}. */
    public Set<HostInfo> otherInstances(String store) {
        Set<HostInfo> out = new LinkedHashSet<>();
        for (StreamsMetadata m : streams.get().streamsMetadataForStore(store)) {
            if (isRemote(m.hostInfo())) {
                out.add(m.hostInfo());
            }
        }
        return out;
    }

    private boolean isRemote(HostInfo host) {
        return self != null && host != null && !host.equals(HostInfo.unavailable()) && !host.equals(self);
    }

    private ReadOnlyKeyValueStore<String, ClientProfile> profiles() {
        return streams.get().store(StoreQueryParameters.fromNameAndType(ProcessorStores.CLIENT_PROFILES,
                QueryableStoreTypes.<String, ClientProfile>keyValueStore()));
    }

    private static QueryProblem unavailable(InvalidStateStoreException e) {
        return new QueryProblem(HttpStatus.SERVICE_UNAVAILABLE, "store",
                "state is not queryable right now (" + e.getClass().getSimpleName() + "); retry shortly",
                Map.of("Retry-After", "2"));
    }
}
