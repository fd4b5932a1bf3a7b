package io.paywatch.processor.alerting;

import io.paywatch.contract.AlertType;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.contract.Severity;
import io.paywatch.processor.ProcessorStores;
import io.paywatch.processor.TopologyOptions;
import io.paywatch.schemas.AvroSerde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alert history's bounds, fast: {@link AlertLog} on in-memory stores with a mock context whose stream time the
 * test sets. The expected content is computed here from the recorded alerts by each bound's definition.
 */
class AlertLogTest {

    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    private static final long DAY = 86_400_000L;

    private MockProcessorContext<Object, Object> context;
    private KeyValueStore<String, PaymentAlert> alerts;
    private KeyValueStore<String, String> index;

    @BeforeEach
    void stores() {
        context = new MockProcessorContext<>();
        alerts = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ProcessorStores.RECENT_ALERTS),
                Serdes.String(), AvroSerde.of(PaymentAlert.class)).withLoggingDisabled().build();
        index = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ProcessorStores.ALERT_CLIENT_INDEX),
                Serdes.String(), Serdes.String()).withLoggingDisabled().build();
        alerts.init(context.getStateStoreContext(), alerts);
        index.init(context.getStateStoreContext(), index);
        context.addStateStore(alerts);
        context.addStateStore(index);
        context.setCurrentStreamTimeMs(NOW.toEpochMilli());
    }

    private AlertLog log(int perTenant, int perClient, Duration retention) {
        return new AlertLog(context, TopologyOptions.defaults().withAlertBounds(perTenant, perClient, retention));
    }

    private static PaymentAlert alert(String tenant, String client, String id, long occurredAtMs) {
        return PaymentAlert.newBuilder().setAlertId(id).setTenantId(tenant).setClientId(client)
                .setType(AlertType.INVOICE_OVERDUE).setSeverity(Severity.WARNING)
                .setOccurredAt(Instant.ofEpochMilli(occurredAtMs)).setInvoiceIds(List.of()).setAmounts(List.of())
                .setFacts(Map.of()).setSummary("s").build();
    }

    /** Kept alert ids per client key, in store (time) order; checks that the index holds exactly the same. */
    private Map<String, List<String>> kept() {
        Map<String, List<String>> out = new TreeMap<>();
        List<String> fromIndex = new ArrayList<>();
        try (KeyValueIterator<String, PaymentAlert> it = alerts.all()) {
            while (it.hasNext()) {
                KeyValue<String, PaymentAlert> kv = it.next();
                PaymentAlert a = kv.value;
                assertThat(kv.key).isEqualTo(AlertLog.alertKey(a.getTenantId(), a.getOccurredAt().toEpochMilli(),
                        a.getAlertId()));
                out.computeIfAbsent(a.getTenantId() + "|" + a.getClientId(), k -> new ArrayList<>()).add(a.getAlertId());
            }
        }
        try (KeyValueIterator<String, String> it = index.all()) {
            it.forEachRemaining(kv -> {
                assertThat(alerts.get(kv.value)).as("index entry %s points to a kept alert", kv.key).isNotNull();
                fromIndex.add(kv.value);
            });
        }
        assertThat(fromIndex).hasSize(out.values().stream().mapToInt(List::size).sum());
        return out;
    }

    @RepeatedTest(20)
    void eachClientKeepsItsNewestAlertsWhateverTheOrderTheyAreRecordedIn(RepetitionInfo repetition) {
        Random random = new Random(repetition.getCurrentRepetition() * 7919L);
        int cap = 1 + random.nextInt(12);
        AlertLog log = log(1_000_000, cap, Duration.ofDays(10_000));
        List<PaymentAlert> all = new ArrayList<>();
        for (int c = 0; c < 5; c++) {
            int n = random.nextInt(30);
            for (int i = 0; i < n; i++) {
                // Few distinct days, so equal occurredAt (ordered by alertId) happens often.
                long at = NOW.toEpochMilli() - random.nextInt(20) * DAY;
                all.add(alert("t", "c" + c, "a-" + c + "-" + i, at));
            }
        }
        List<PaymentAlert> order = new ArrayList<>(all);
        Collections.shuffle(order, random);
        order.forEach(log::record);
        order.subList(0, order.size() / 3).forEach(log::record); // a replay of some of them changes nothing

        Map<String, List<String>> expected = all.stream().collect(Collectors.groupingBy(
                a -> "t|" + a.getClientId(), TreeMap::new, Collectors.collectingAndThen(Collectors.toList(), list -> {
                    list.sort(Comparator.comparing(PaymentAlert::getOccurredAt).thenComparing(PaymentAlert::getAlertId));
                    return list.subList(Math.max(0, list.size() - cap), list.size()).stream()
                            .map(PaymentAlert::getAlertId).toList();
                })));
        assertThat(kept()).isEqualTo(expected);
    }

    @Test
    void aRecordedAgainAlertIsNotCountedTwice() {
        AlertLog log = log(100, 3, Duration.ofDays(400));
        long t = NOW.toEpochMilli();
        log.record(alert("t", "c", "a", t - 3 * DAY));
        log.record(alert("t", "c", "b", t - 2 * DAY));
        log.record(alert("t", "c", "c", t - DAY));
        log.record(alert("t", "c", "a", t - 3 * DAY));
        assertThat(kept()).containsEntry("t|c", List.of("a", "b", "c"));
        log.record(alert("t", "c", "d", t));
        assertThat(kept()).containsEntry("t|c", List.of("b", "c", "d"));
    }

    @Test
    void overTheTenantCapTheClientWithTheMostAlertsLosesItsOldestNotTheQuietClient() {
        AlertLog log = log(6, 100, Duration.ofDays(400));
        long t = NOW.toEpochMilli() - 100 * DAY;
        // The quiet client's two alerts are the tenant's oldest: a per-tenant "drop the oldest" would lose them.
        log.record(alert("t", "quiet", "q-0", t));
        log.record(alert("t", "quiet", "q-1", t + DAY));
        for (int i = 0; i < 10; i++) {
            log.record(alert("t", "noisy", String.format("n-%02d", i), t + (2 + i) * DAY));
        }
        log.record(alert("u", "other", "o-0", t)); // another tenant has its own cap
        assertThat(kept()).isEqualTo(Map.of(
                "t|quiet", List.of("q-0", "q-1"),
                "t|noisy", List.of("n-06", "n-07", "n-08", "n-09"),
                "u|other", List.of("o-0")));
        // Equal counts: the client whose oldest alert is older loses it.
        AlertLog fresh = log(4, 100, Duration.ofDays(400));
        fresh.record(alert("v", "a", "a-0", t + DAY));
        fresh.record(alert("v", "b", "b-0", t));
        fresh.record(alert("v", "a", "a-1", t + 3 * DAY));
        fresh.record(alert("v", "b", "b-1", t + 2 * DAY));
        fresh.record(alert("v", "c", "c-0", t + 4 * DAY));
        assertThat(kept()).containsEntry("v|a", List.of("a-0", "a-1")).containsEntry("v|b", List.of("b-1"))
                .containsEntry("v|c", List.of("c-0"));
    }

    @Test
    void alertsBehindTheHorizonOfStreamTimeAreNotKeptAndExpireAsStreamTimeMovesOn() {
        AlertLog log = log(1000, 2, Duration.ofDays(30));
        long now = NOW.toEpochMilli();
        assertThat(log.record(alert("t", "c", "too-old", now - 31 * DAY))).isFalse();
        assertThat(log.record(alert("t", "c", "a", now - 20 * DAY))).isTrue();
        assertThat(log.record(alert("t", "c", "b", now - 10 * DAY))).isTrue();
        assertThat(log.record(alert("t", "d", "x", now - 25 * DAY))).isTrue();
        assertThat(kept()).isEqualTo(Map.of("t|c", List.of("a", "b"), "t|d", List.of("x")));

        context.setCurrentStreamTimeMs(now + 15 * DAY); // horizon now - 15 days: a and x expire, b stays
        log.record(alert("t", "c", "c", now + 15 * DAY));
        assertThat(kept()).isEqualTo(Map.of("t|c", List.of("b", "c")));
        // The counts followed the expiry: c's cap of 2 holds without evicting b early.
        log.record(alert("t", "d", "y", now + 15 * DAY));
        assertThat(kept()).isEqualTo(Map.of("t|c", List.of("b", "c"), "t|d", List.of("y")));
    }

    @Test
    void expiryIsSpreadOverRecordsAtMostABudgetAtATime() {
        AlertLog log = log(100_000, 1000, Duration.ofDays(30));
        long now = NOW.toEpochMilli();
        for (int i = 0; i < 250; i++) {
            log.record(alert("t", "c" + (i % 7), String.format("old-%03d", i), now - 29 * DAY + i));
        }
        context.setCurrentStreamTimeMs(now + 10 * DAY);
        log.record(alert("t", "new", "n-0", now + 10 * DAY));
        assertThat(kept().values().stream().mapToInt(List::size).sum()).isEqualTo(250 - AlertLog.EXPIRE_PER_ALERT + 1);
        log.record(alert("t", "new", "n-1", now + 10 * DAY));
        log.record(alert("t", "new", "n-2", now + 10 * DAY));
        assertThat(kept()).isEqualTo(Map.of("t|new", List.of("n-0", "n-1", "n-2")));
    }

    @Test
    void aRestartedTaskReloadsTheCountsFromTheIndex() {
        long t = NOW.toEpochMilli() - 10 * DAY;
        AlertLog before = log(1000, 3, Duration.ofDays(400));
        for (int i = 0; i < 3; i++) {
            before.record(alert("t", "c", "a-" + i, t + i * DAY));
        }
        AlertLog after = log(1000, 3, Duration.ofDays(400)); // what init() builds for a revived task
        after.record(alert("t", "c", "a-3", t + 3 * DAY));
        assertThat(kept()).isEqualTo(Map.of("t|c", List.of("a-1", "a-2", "a-3")));
    }
}
