package io.paywatch.processor.alerting;

import io.paywatch.contract.PaymentAlert;
import io.paywatch.processor.ProcessorStores;
import io.paywatch.processor.TopologyOptions;
import io.paywatch.schemas.ClientKey;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The queryable alert history of one stream task: every alert the processor raised, bounded per client and per
 * tenant, so the query API can page through a tenant's whole history with filters.
 *
 * <p><b>Stores.</b> {@link ProcessorStores#RECENT_ALERTS} holds the alerts keyed
 * {@code tenant|<13-digit occurredAt epoch ms>|alertId} ({@link #alertKey}): one tenant's alerts are one contiguous,
 * time-ordered key range, so "newest first, filtered, after a cursor" is a reverse range scan. The index
 * {@link ProcessorStores#ALERT_CLIENT_INDEX} holds {@code tenant|client<US>occurredAt13|alertId} ({@link #clientIndexKey})
 * → the alert key: one client's alerts, oldest first, for the per-client bound and the {@code clientId} filter.
 *
 * <p><b>Bounds</b> (from {@link TopologyOptions}), applied on every {@link #record}:
 * <ol>
 *   <li><b>horizon</b> ({@code alertRetention}, default 400 days, the input topics' retention): an alert whose
 *       occurredAt is more than the horizon before the task's stream time is not kept (it is still sent to
 *       {@code payment-alerts}), and the tenant's alerts that fell behind the horizon are deleted, oldest first, at
 *       most {@link #EXPIRE_PER_ALERT} per recorded alert;</li>
 *   <li><b>per client</b> ({@code alertsPerClient}, default 500): a client over the cap loses its own oldest alert;</li>
 *   <li><b>per tenant</b> ({@code recentAlertsPerTenant}, default 20,000 per partition): a tenant over the cap loses
 *       the oldest alert of the client that holds the most alerts (ties: the client whose oldest alert is oldest).
 *       So one noisy client can never evict a quieter client's alerts: it loses its own first.</li>
 * </ol>
 * The per-client counts are kept in memory (loaded from the index the first time a tenant is touched in this task),
 * so no bound costs a scan per alert. Stream time, not the wall clock, dates the horizon, so a backfill of years
 * keeps the last 400 days of its own history, and a replay keeps the same alerts as the live run.
 */
public final class AlertLog {

    /** Separates the client key from the time in index keys (U+001F, as in the processor's other stores). */
    static final char US = '\u001F';
    /** Alerts behind the horizon deleted per recorded alert, so a long-idle tenant's cleanup never stalls a record. */
    static final int EXPIRE_PER_ALERT = 100;
    private static final StringSerializer KEYS = new StringSerializer();

    private final KeyValueStore<String, PaymentAlert> alerts;
    private final KeyValueStore<String, String> byClient;
    private final ProcessorContext<?, ?> context;
    private final int perTenant;
    private final int perClient;
    private final long retentionMs;
    /** Per tenant prefix: the tenant's clients in this task, with their alert counts (loaded lazily). */
    private final Map<String, Tenant> tenants = new HashMap<>();

    /** One tenant's clients in this task. */
    private static final class Tenant {
        final Map<String, Client> clients = new HashMap<>();
        int total;
        /** A lower bound of the occurredAt of every kept alert of the tenant (MIN_VALUE: unknown). */
        long oldestHint = Long.MIN_VALUE;
    }

    /** One client's kept alerts: how many, and the index key of the oldest (null when unknown). */
    private static final class Client {
        int count;
        String oldest;
    }

    /** Opens the log on the task's stores; call from {@code Processor.init} (a revived task starts from the stores). */
    public AlertLog(ProcessorContext<?, ?> context, TopologyOptions options) {
        this.context = context;
        this.alerts = context.getStateStore(ProcessorStores.RECENT_ALERTS);
        this.byClient = context.getStateStore(ProcessorStores.ALERT_CLIENT_INDEX);
        this.perTenant = options.recentAlertsPerTenant();
        this.perClient = options.alertsPerClient();
        this.retentionMs = options.alertRetention().toMillis();
    }

    /** Key of an alert in {@link ProcessorStores#RECENT_ALERTS}: {@code tenant|<occurredAt, 13 digits>|alertId}. */
    public static String alertKey(String tenantId, long occurredAtMs, String alertId) {
        return ClientKey.tenantPrefix(tenantId) + pad13(occurredAtMs) + ClientKey.SEPARATOR + alertId;
    }

    /** Key of an alert in {@link ProcessorStores#ALERT_CLIENT_INDEX}: {@code tenant|client<US><occurredAt>|alertId}. */
    public static String clientIndexKey(String clientKey, long occurredAtMs, String alertId) {
        return clientPrefix(clientKey) + pad13(occurredAtMs) + ClientKey.SEPARATOR + alertId;
    }

    /** The prefix of one client's entries in {@link ProcessorStores#ALERT_CLIENT_INDEX}. */
    public static String clientPrefix(String clientKey) {
        return clientKey + US;
    }

    /** Epoch millis as 13 zero-padded digits (negative as 0), so string order is time order until the year 2286. */
    public static String pad13(long epochMillis) {
        String digits = Long.toString(Math.max(0, epochMillis));
        return digits.length() >= 13 ? digits : "0".repeat(13 - digits.length()) + digits;
    }

    /**
     * Keeps {@code alert} in the history (the same alertId and occurredAt again overwrites it, so a replay adds
     * nothing) and applies the bounds. Returns whether the alert is kept.
     */
    public boolean record(PaymentAlert alert) {
        String tenantId = alert.getTenantId();
        String tenantPrefix = ClientKey.tenantPrefix(tenantId);
        long occurredAt = alert.getOccurredAt().toEpochMilli();
        Tenant tenant = tenant(tenantPrefix);
        long horizon = horizon();
        expire(tenantPrefix, tenant, horizon);
        if (occurredAt < horizon) {
            return false; // older than the horizon: delivered, not kept
        }
        String clientKey = ClientKey.of(tenantId, alert.getClientId());
        String key = alertKey(tenantId, occurredAt, alert.getAlertId());
        String indexKey = clientIndexKey(clientKey, occurredAt, alert.getAlertId());
        boolean known = byClient.get(indexKey) != null;
        alerts.put(key, alert);
        if (known) {
            return true;
        }
        byClient.put(indexKey, key);
        Client client = tenant.clients.computeIfAbsent(clientKey, k -> new Client());
        client.count++;
        tenant.total++;
        if (client.count == 1 || client.oldest != null && indexKey.compareTo(client.oldest) < 0) {
            client.oldest = indexKey; // else unchanged, or still unknown (found lazily when needed)
        }
        if (tenant.oldestHint != Long.MIN_VALUE) {
            tenant.oldestHint = Math.min(tenant.oldestHint, occurredAt);
        }
        while (client.count > perClient) {
            evictOldest(tenant, clientKey, client);
        }
        while (tenant.total > perTenant) {
            String largest = largestClient(tenant);
            evictOldest(tenant, largest, tenant.clients.get(largest));
        }
        return byClient.get(indexKey) != null;
    }

    /** Stream time minus the horizon: alerts that occurred before it are not kept. */
    private long horizon() {
        long streamTime = context.currentStreamTimeMs();
        return streamTime == Long.MIN_VALUE || streamTime < Long.MIN_VALUE + retentionMs ? Long.MIN_VALUE
                : streamTime - retentionMs;
    }

    /** The tenant's counts, loaded from the index (strings only, no alert decoded) on first use in this task. */
    private Tenant tenant(String tenantPrefix) {
        Tenant tenant = tenants.get(tenantPrefix);
        if (tenant != null) {
            return tenant;
        }
        Tenant loaded = new Tenant();
        try (KeyValueIterator<String, String> it = byClient.prefixScan(tenantPrefix, KEYS)) {
            while (it.hasNext()) {
                String indexKey = it.next().key;
                String clientKey = indexKey.substring(0, indexKey.lastIndexOf(US));
                Client client = loaded.clients.computeIfAbsent(clientKey, k -> new Client());
                if (client.count++ == 0) {
                    client.oldest = indexKey; // index keys of one client come oldest first
                }
                loaded.total++;
            }
        }
        if (loaded.total == 0) {
            loaded.oldestHint = Long.MAX_VALUE; // nothing kept yet, so nothing can expire
        }
        tenants.put(tenantPrefix, loaded);
        return loaded;
    }

    /** The client with the most alerts; ties go to the one whose oldest alert is oldest, then the lowest key. */
    private String largestClient(Tenant tenant) {
        String best = null;
        Client bestClient = null;
        for (Map.Entry<String, Client> e : tenant.clients.entrySet()) {
            Client c = e.getValue();
            if (best == null || c.count > bestClient.count
                    || c.count == bestClient.count && compareOldest(e.getKey(), c, best, bestClient) < 0) {
                best = e.getKey();
                bestClient = c;
            }
        }
        return best;
    }

    private int compareOldest(String aKey, Client a, String bKey, Client b) {
        int byTime = oldestTime(aKey, a).compareTo(oldestTime(bKey, b));
        return byTime != 0 ? byTime : aKey.compareTo(bKey);
    }

    /** {@code <occurredAt13>|alertId} of the client's oldest alert (the part of the index key after the client). */
    private String oldestTime(String clientKey, Client client) {
        return oldestIndexKey(clientKey, client).substring(clientKey.length() + 1);
    }

    private String oldestIndexKey(String clientKey, Client client) {
        if (client.oldest == null) {
            try (KeyValueIterator<String, String> it = byClient.prefixScan(clientPrefix(clientKey), KEYS)) {
                client.oldest = it.hasNext() ? it.next().key : "";
            }
        }
        return client.oldest;
    }

    private void evictOldest(Tenant tenant, String clientKey, Client client) {
        String indexKey = oldestIndexKey(clientKey, client);
        String key = byClient.get(indexKey);
        if (key != null) {
            alerts.delete(key);
        }
        byClient.delete(indexKey);
        forget(tenant, clientKey, client);
    }

    private void forget(Tenant tenant, String clientKey, Client client) {
        client.oldest = null;
        client.count--;
        tenant.total--;
        if (client.count <= 0) {
            tenant.clients.remove(clientKey);
        }
    }

    /**
     * Deletes the tenant's alerts that occurred before {@code horizon}, oldest first, at most
     * {@link #EXPIRE_PER_ALERT}. The in-memory hint (a lower bound of the tenant's oldest alert) skips the range
     * scan while nothing can have expired.
     */
    private void expire(String tenantPrefix, Tenant tenant, long horizon) {
        if (horizon == Long.MIN_VALUE || tenant.total == 0 || tenant.oldestHint >= horizon) {
            return;
        }
        List<KeyValue<String, PaymentAlert>> expired = new ArrayList<>();
        try (KeyValueIterator<String, PaymentAlert> it = alerts.range(tenantPrefix,
                tenantPrefix + pad13(horizon))) {
            while (it.hasNext() && expired.size() < EXPIRE_PER_ALERT) {
                expired.add(it.next());
            }
        }
        for (KeyValue<String, PaymentAlert> kv : expired) {
            PaymentAlert old = kv.value;
            if (old == null) {
                continue; // already deleted in the record cache
            }
            String clientKey = ClientKey.of(old.getTenantId(), old.getClientId());
            String indexKey = clientIndexKey(clientKey, old.getOccurredAt().toEpochMilli(), old.getAlertId());
            alerts.delete(kv.key);
            if (byClient.get(indexKey) != null) {
                byClient.delete(indexKey);
                Client client = tenant.clients.get(clientKey);
                if (client != null) {
                    forget(tenant, clientKey, client);
                }
            }
        }
        // All expired entries gone: every kept alert is at or after the horizon. Otherwise try again next time.
        tenant.oldestHint = expired.size() < EXPIRE_PER_ALERT ? horizon : Long.MIN_VALUE;
    }
}
