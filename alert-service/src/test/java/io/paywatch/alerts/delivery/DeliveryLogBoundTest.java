package io.paywatch.alerts.delivery;

import io.paywatch.alerts.Fixtures;
import io.paywatch.contract.AlertDelivery;
import io.paywatch.contract.AlertType;
import io.paywatch.contract.DeliveryStatus;
import io.paywatch.schemas.TopicBootstrap;
import io.paywatch.schemas.Topics;
import io.paywatch.testkit.KafkaBrokerExtension;
import io.paywatch.testkit.KafkaTestClients;
import io.paywatch.testkit.SharedKafka;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Issue #12, "bounded": the delivery log keeps a settled entry for the dedupe horizon after its updatedAt, then
 * forgets it and tombstones it on the compacted topic; parked entries are never expired. Driven on the real broker
 * with the {@link DeliveryLog} itself, a simulated 40 days of 10 alerts a day, so the bound is checked every day
 * against a count the test keeps itself. Only this test's keys are tombstoned (the topic is shared).
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeliveryLogBoundTest {

    private static final Instant T0 = Instant.parse("2025-03-12T10:00:00Z");
    private static final Duration HORIZON = Duration.ofDays(15);
    private static final int PER_DAY = 10;
    private static final int DAYS = 40;

    private KafkaProducer<String, byte[]> producer;

    @BeforeAll
    void topics() {
        new TopicBootstrap(3, (short) 1).ensureTopics(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()));
        producer = KafkaTestClients.producer(new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    void close() {
        producer.close();
    }

    @Test
    void settledEntriesPastTheHorizonAreForgottenAndTombstonedWhileParkedOnesStay() {
        String run = "bound-" + UUID.randomUUID().toString().substring(0, 8);
        Set<String> tombstoned = new HashSet<>();
        Set<String> forgottenNotOwned = new HashSet<>();
        Map<String, Instant> live = new HashMap<>();
        try (DeliveryLog log = new DeliveryLog(SharedKafka.bootstrapServers(), Map.of(), run + "-log", producer,
                Duration.ofSeconds(30), (r, reason, e) -> fail("unexpected dead letter: " + reason))) {
            log.catchUp(Duration.ofSeconds(30));
            // A parked alert from day 0, retrying far in the future: never expired, whatever its age.
            String parkedKey = run + "-parked";
            log.write(parkedKey, delivery(parkedKey, run, DeliveryStatus.RETRYING, T0, T0.plus(Duration.ofDays(90))),
                    Fixtures.alert(parkedKey, run, "c0", "C0", AlertType.INVOICE_OVERDUE).build());

            int maxMine = 0;
            for (int day = 0; day < DAYS; day++) {
                Instant now = T0.plus(Duration.ofDays(day));
                for (int i = 0; i < PER_DAY; i++) {
                    String key = run + "-d" + day + "-" + i;
                    log.write(key, delivery(key, run, DeliveryStatus.SENT, now, null), null);
                    live.put(key, now);
                }
                Instant cutoff = now.minus(HORIZON);
                // Odd alerts belong to another instance's partitions: forgotten here, tombstoned by their owner.
                log.expire(cutoff, e -> !e.key().endsWith("1"), Integer.MAX_VALUE);
                for (var it = live.entrySet().iterator(); it.hasNext(); ) {
                    var e = it.next();
                    if (e.getValue().isBefore(cutoff)) {
                        (e.getKey().endsWith("1") ? forgottenNotOwned : tombstoned).add(e.getKey());
                        it.remove();
                    }
                }
                Set<String> mine = mineIn(log, run);
                maxMine = Math.max(maxMine, mine.size());
                // The truth kept by the test: exactly the alerts of the last 15 days, plus the parked one.
                assertThat(mine).as("day %d", day).hasSize(live.size() + 1).containsAll(live.keySet())
                        .contains(parkedKey);
            }
            // The bound: at most one horizon of alerts (16 days of 10, the cutoff day included) plus what is parked.
            assertThat(maxMine).isLessThanOrEqualTo(PER_DAY * (int) (HORIZON.toDays() + 1) + 1);
            // Days 0..23 fell behind the last cutoff (day 39 - 15 days), 9 of each day's 10 alerts are owned here.
            assertThat(tombstoned).hasSize((DAYS - 16) * (PER_DAY - 1));
            // Cooldown marks are bounded the same way: one per invoice plus one per client and type, recent only.
            assertThat(log.cooldownMarks()).isLessThanOrEqualTo(PER_DAY * 16 + 5);
            assertThat(log.tombstonesWritten()).isEqualTo(tombstoned.size());
            // Due index: the parked alert is not due before its notBefore, and due at it.
            Instant end = T0.plus(Duration.ofDays(DAYS));
            assertThat(log.due(end)).extracting(DeliveryLog.Entry::key).doesNotContain(parkedKey);
            assertThat(log.due(T0.plus(Duration.ofDays(90)))).extracting(DeliveryLog.Entry::key).contains(parkedKey);
        }

        // On the topic: a tombstone is the latest record of every expired owned key; the rest is still there.
        Map<String, byte[]> latest = new HashMap<>();
        KafkaTestClients.readUntil(Topics.ALERT_DELIVERIES.name(), new StringDeserializer(),
                new ByteArrayDeserializer(), Duration.ofSeconds(60), records -> {
                    latest.clear();
                    records.forEach(r -> latest.put(r.key(), r.value()));
                    return tombstoned.stream().allMatch(k -> latest.containsKey(k) && latest.get(k) == null);
                });
        assertThat(live.keySet()).allMatch(k -> latest.get(k) != null);
        assertThat(forgottenNotOwned).allMatch(k -> latest.get(k) != null);

        // A restarted instance rebuilds only what survived (its own sweep would then forget the other instance's).
        try (DeliveryLog restarted = new DeliveryLog(SharedKafka.bootstrapServers(), Map.of(), run + "-log2", producer,
                Duration.ofSeconds(30), (r, reason, e) -> fail("unexpected dead letter: " + reason))) {
            restarted.catchUp(Duration.ofSeconds(30));
            Set<String> mine = mineIn(restarted, run);
            assertThat(mine).doesNotContainAnyElementsOf(tombstoned).containsAll(live.keySet());
        }
    }

    private static Set<String> mineIn(DeliveryLog log, String run) {
        return log.entries().stream().map(DeliveryLog.Entry::key).filter(k -> k.startsWith(run + "-"))
                .collect(Collectors.toSet());
    }

    private static AlertDelivery delivery(String alertId, String tenant, DeliveryStatus status, Instant at,
            Instant notBefore) {
        return AlertDelivery.newBuilder().setAlertId(alertId).setTenantId(tenant)
                .setClientId("c" + alertId.length() % 5)
                .setType(AlertType.INVOICE_OVERDUE).setStatus(status).setAttempts(1).setUpdatedAt(at)
                .setNotBefore(notBefore).setInvoiceIds(List.of("INV-" + alertId)).build();
    }
}
