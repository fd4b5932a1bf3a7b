package io.paywatch.processor.responsiveness;

import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.MessageEvent;
import io.paywatch.contract.MessageReceived;
import io.paywatch.contract.MessageSent;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.contract.ResponsivenessStats;
import io.paywatch.schemas.AlertFacts;
import io.paywatch.schemas.AvroSerde;
import io.paywatch.schemas.ClientKey;
import io.paywatch.schemas.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Test-only stand-in for the client processor: calls the tracker exactly as the contract says (init from
 * init, onMessage per event, onTime from wall-clock and stream-time punctuators, stats after each event) and
 * writes alerts to payment-alerts and the stats to a test topic.
 */
final class TrackerHarness {

    static final String STATS_TOPIC = "test-responsiveness-stats";
    static final Duration TICK = Duration.ofMinutes(1);
    static final AvroSerde<PaymentAlert> ALERTS = AvroSerde.of(PaymentAlert.class);
    static final AvroSerde<ResponsivenessStats> STATS = AvroSerde.of(ResponsivenessStats.class);

    /** Tenant settings the processor sees; tests edit them before piping input. */
    final Map<String, FreelancerSettings> settings = new HashMap<>();
    /** Client keys that have an overdue invoice. */
    final Set<String> overdue = new HashSet<>();

    FreelancerSettings settingsOf(String tenantId) {
        return settings.computeIfAbsent(tenantId, t -> TestSettings.defaults(t).build());
    }

    Topology topology() {
        Topology topology = new Topology();
        topology.addSource("messages", Serdes.String().deserializer(), Topics.MESSAGE_EVENTS.valueSerde().deserializer(),
                Topics.MESSAGE_EVENTS.name());
        topology.addProcessor("client", () -> new HarnessProcessor(), "messages");
        for (StoreBuilder<?> store : ResponsivenessTracker.storeBuilders()) {
            topology.addStateStore(store, "client");
        }
        topology.addSink("alerts", Topics.PAYMENT_ALERTS.name(), Serdes.String().serializer(),
                (Serializer<Object>) (topic, v) -> ALERTS.encode((PaymentAlert) v), "client");
        topology.addSink("stats", STATS_TOPIC, Serdes.String().serializer(),
                (Serializer<Object>) (topic, v) -> STATS.encode((ResponsivenessStats) v), "client");
        return topology;
    }

    private final class HarnessProcessor implements Processor<String, MessageEvent, String, Object> {
        private final ResponsivenessTracker tracker = new ResponsivenessTracker();
        private ProcessorContext<String, Object> context;

        @Override
        public void init(ProcessorContext<String, Object> context) {
            this.context = context;
            tracker.init(context);
            context.schedule(TICK, PunctuationType.WALL_CLOCK_TIME, this::tick);
            context.schedule(TICK, PunctuationType.STREAM_TIME, this::tick);
        }

        private void tick(long now) {
            emit(tracker.onTime(now, TrackerHarness.this::settingsOf, (key, at) -> overdue.contains(key)), now);
        }

        @Override
        public void process(Record<String, MessageEvent> record) {
            String key = record.key();
            FreelancerSettings s = settingsOf(ClientKey.parse(key).tenantId());
            emit(tracker.onMessage(key, record.value(), s, at -> overdue.contains(key)), record.timestamp());
            context.forward(new Record<>(key, (Object) tracker.stats(key, record.timestamp(), s), record.timestamp()),
                    "stats");
        }

        private void emit(List<PaymentAlert> alerts, long timestamp) {
            for (PaymentAlert a : alerts) {
                context.forward(new Record<>(ClientKey.of(a.getTenantId(), a.getClientId()), (Object) a, timestamp),
                        "alerts");
            }
        }
    }

    /** Asserts that every alert carries the facts AlertFacts requires for its type, and returns them. */
    static List<PaymentAlert> withRequiredFacts(List<PaymentAlert> alerts) {
        for (PaymentAlert alert : alerts) {
            assertThat(alert.getFacts()).as("facts of %s", alert.getAlertId())
                    .containsKeys(AlertFacts.REQUIRED.get(alert.getType()).toArray(String[]::new));
        }
        return alerts;
    }

    static MessageEvent sent(String tenant, String client, String thread, String iso, boolean expectsReply) {
        return MessageEvent.newBuilder().setPayload(MessageSent.newBuilder()
                .setEventId("s-" + thread + "-" + iso).setTenantId(tenant).setClientId(client).setThreadId(thread)
                .setSentAt(java.time.Instant.parse(iso)).setExpectsReply(expectsReply).build()).build();
    }

    static MessageEvent received(String tenant, String client, String thread, String iso) {
        return MessageEvent.newBuilder().setPayload(MessageReceived.newBuilder()
                .setEventId("r-" + thread + "-" + iso).setTenantId(tenant).setClientId(client).setThreadId(thread)
                .setReceivedAt(java.time.Instant.parse(iso)).build()).build();
    }
}
