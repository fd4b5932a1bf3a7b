package io.paywatch.processor.query;

import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Value;
import io.micronaut.http.HttpStatus;
import io.paywatch.contract.ClientProfile;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.processor.ProcessorStores;
import io.paywatch.schemas.ClientKey;
import jakarta.inject.Singleton;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;


import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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

    /** {@code tenant}'s recent alerts held on this instance, oldest first within each partition. */
    public List<PaymentAlert> localAlerts(String tenant) {
        List<PaymentAlert> out = new ArrayList<>();
        try (KeyValueIterator<String, PaymentAlert> it = alerts().prefixScan(ClientKey.tenantPrefix(tenant), KEYS)) {
            it.forEachRemaining(kv -> out.add(kv.value));
        } catch (InvalidStateStoreException e) {
            throw unavailable(e);
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

    private ReadOnlyKeyValueStore<String, PaymentAlert> alerts() {
        return streams.get().store(StoreQueryParameters.fromNameAndType(ProcessorStores.RECENT_ALERTS,
                QueryableStoreTypes.<String, PaymentAlert>keyValueStore()));
    }

    private static QueryProblem unavailable(InvalidStateStoreException e) {
        return new QueryProblem(HttpStatus.SERVICE_UNAVAILABLE, "store",
                "state is not queryable right now (" + e.getClass().getSimpleName() + "); retry shortly",
                Map.of("Retry-After", "2"));
    }
}
