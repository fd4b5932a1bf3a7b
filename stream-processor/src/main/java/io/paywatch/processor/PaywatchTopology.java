package io.paywatch.processor;

import io.paywatch.contract.ClientProfile;
import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.InvoiceRisk;
import io.paywatch.contract.MessageEvent;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.processor.payments.ApplyProbe;
import io.paywatch.processor.payments.ClientProcessor;
import io.paywatch.processor.payments.StateSerdes;
import io.paywatch.processor.payments.TenantPrior;
import io.paywatch.processor.responsiveness.ResponsivenessTracker;
import io.paywatch.schemas.AvroSerde;
import io.paywatch.schemas.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The Paywatch topology: ONE stateful processor per client key.
 * <pre>
 *   invoice-events (tenant|client) ──mapValues(payload)─┐
 *                                                       ├─ merge ─► client-processor ─┬─► client-profiles
 *   message-events (tenant|client) ─────────────────────┘    │  stores: seen-events,  ├─► payment-alerts
 *                                                            │  open-invoices,        └─► invoice-risk
 *   freelancer-settings ─► GlobalKTable (freelancer-settings-store), read by the processor
 *                                                            │  settled-invoices, due-index, client-state,
 *                                                            │  client-profile-store,
 *                                                            │  recent-alert-store, alert-client-index, profile-pending,
 *                                                            │  tenant-risk-prior
 *                                                            │  + responsiveness stores
 *   bad records (undecodable or contract-breaking) ─► dead-letters, by the exception handlers
 * </pre>
 * Both input topics are keyed tenant|client and co-partitioned, so everything about one client reaches one task
 * in order: payments find their invoices in a local store, without a repartition topic.
 */
public final class PaywatchTopology {

    private PaywatchTopology() {
    }

    /** Adds the topology to {@code builder} with default options; returns the merged client event stream. */
    public static KStream<String, Object> buildTopology(StreamsBuilder builder) {
        return buildTopology(builder, TopologyOptions.defaults());
    }

    /**
     * Adds the topology to {@code builder}; tests drive exactly this method through TopologyTestDriver.
     * Returns the merged client event stream (what the client processor consumes).
     */
    public static KStream<String, Object> buildTopology(StreamsBuilder builder, TopologyOptions options) {
        return buildTopology(builder, options, ApplyProbe.NONE);
    }

    /**
     * The same topology with a probe told half-way through applying each event ({@link ApplyProbe}); tests use it to
     * inject a failure in the middle of an event.
     */
    public static KStream<String, Object> buildTopology(StreamsBuilder builder, TopologyOptions options,
            ApplyProbe probe) {
        builder.globalTable(Topics.FREELANCER_SETTINGS.name(),
                Consumed.with(Topics.FREELANCER_SETTINGS.keySerde(), Topics.FREELANCER_SETTINGS.valueSerde())
                        .withName("freelancer-settings-source"),
                Materialized.<String, io.paywatch.contract.FreelancerSettings, KeyValueStore<Bytes, byte[]>>as(
                        ProcessorStores.SETTINGS)
                        .withKeySerde(Topics.FREELANCER_SETTINGS.keySerde())
                        .withValueSerde(Topics.FREELANCER_SETTINGS.valueSerde()));

        List<String> storeNames = new ArrayList<>();
        for (StoreBuilder<?> store : storeBuilders(options)) {
            builder.addStateStore(store);
            storeNames.add(store.name());
        }
        for (StoreBuilder<?> store : ResponsivenessTracker.storeBuilders()) {
            builder.addStateStore(store);
        }
        storeNames.addAll(ResponsivenessTracker.storeNames());

        KStream<String, Object> invoices = builder.stream(Topics.INVOICE_EVENTS.name(),
                        Consumed.with(Topics.INVOICE_EVENTS.keySerde(), Topics.INVOICE_EVENTS.valueSerde())
                                .withName("invoice-events-source"))
                .mapValues(InvoiceEvent::getPayload, Named.as("invoice-payload"));
        KStream<String, Object> messages = builder.stream(Topics.MESSAGE_EVENTS.name(),
                        Consumed.with(Topics.MESSAGE_EVENTS.keySerde(), Topics.MESSAGE_EVENTS.valueSerde())
                                .withName("message-events-source"))
                .mapValues(m -> (Object) m, Named.as("message-event"));

        KStream<String, Object> events = invoices.merge(messages, Named.as("client-events"));
        KStream<String, SpecificRecord> outputs = events
                .process(() -> new ClientProcessor(options, probe), Named.as("client-processor"),
                        storeNames.toArray(String[]::new));

        outputs.split(Named.as("output-"))
                .branch((k, v) -> v instanceof ClientProfile, Branched.withConsumer(s -> s
                        .mapValues(v -> (ClientProfile) v, Named.as("as-profile"))
                        .to(Topics.CLIENT_PROFILES.name(), produced(Topics.CLIENT_PROFILES.valueSerde(),
                                "client-profiles-sink")), "profiles"))
                .branch((k, v) -> v instanceof PaymentAlert, Branched.withConsumer(s -> s
                        .mapValues(v -> (PaymentAlert) v, Named.as("as-alert"))
                        .to(Topics.PAYMENT_ALERTS.name(), produced(Topics.PAYMENT_ALERTS.valueSerde(),
                                "payment-alerts-sink")), "alerts"))
                .branch((k, v) -> v instanceof InvoiceRisk, Branched.withConsumer(s -> s
                        .mapValues(v -> (InvoiceRisk) v, Named.as("as-risk"))
                        .to(Topics.INVOICE_RISK.name(), produced(Topics.INVOICE_RISK.valueSerde(),
                                "invoice-risk-sink")), "risk"))
                .noDefaultBranch();
        return events;
    }

    private static <V> Produced<String, V> produced(org.apache.kafka.common.serialization.Serde<V> values,
            String name) {
        return Produced.with(Serdes.String(), values).withName(name);
    }

    /**
     * The client processor's own stores. All are changelogged (the default) so a task can move to another
     * instance, or a standby replica can follow it; caching coalesces repeated writes of a key between commits.
     */
    static List<StoreBuilder<?>> storeBuilders(TopologyOptions options) {
        return List.of(
                Stores.windowStoreBuilder(Stores.persistentWindowStore(ProcessorStores.SEEN_EVENTS,
                                options.dedupeTtl(), Duration.ofMillis(1), false),
                        Serdes.String(), Serdes.Long()).withCachingEnabled(),
                // Settled invoice ids for the state horizon: segments past it drop whole, as in seen-events.
                Stores.windowStoreBuilder(Stores.persistentWindowStore(ProcessorStores.SETTLED_INVOICES,
                                options.stateHorizon(), Duration.ofMillis(1), false),
                        Serdes.String(), Serdes.Long()).withCachingEnabled(),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ProcessorStores.OPEN_INVOICES),
                        Serdes.String(), StateSerdes.openInvoice()).withCachingEnabled(),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ProcessorStores.DUE_INDEX),
                        Serdes.String(), Serdes.String()).withCachingEnabled(),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ProcessorStores.CLIENT_STATE),
                        Serdes.String(), StateSerdes.clientState()).withCachingEnabled(),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ProcessorStores.CLIENT_PROFILES),
                        Serdes.String(), AvroSerde.of(ClientProfile.class)).withCachingEnabled(),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ProcessorStores.RECENT_ALERTS),
                        Serdes.String(), AvroSerde.of(PaymentAlert.class)).withCachingEnabled(),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ProcessorStores.ALERT_CLIENT_INDEX),
                        Serdes.String(), Serdes.String()).withCachingEnabled(),
                // Small (one entry per client changed in the last interval) and emptied every interval: kept in
                // memory, changelogged for the hand-over; the cache folds a client's many writes into one.
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ProcessorStores.PENDING_PROFILES),
                        Serdes.String(), Serdes.Long()).withCachingEnabled(),
                // One small entry per tenant with clients in this task: the risk model's prior.
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ProcessorStores.TENANT_RISK_PRIOR),
                        Serdes.String(), TenantPrior.serde()).withCachingEnabled());
    }
}
