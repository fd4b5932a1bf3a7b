package io.paywatch.processor.responsiveness;

import io.paywatch.contract.AlertOptIns;
import io.paywatch.contract.AlertType;
import io.paywatch.contract.MessageEvent;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.contract.ResponsivenessStats;
import io.paywatch.contract.Severity;
import io.paywatch.schemas.AlertFacts;
import io.paywatch.schemas.ClientKey;
import io.paywatch.schemas.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import static io.paywatch.processor.responsiveness.TrackerHarness.received;
import static io.paywatch.processor.responsiveness.TrackerHarness.sent;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tracker driven through a TopologyTestDriver with its real stores, by a harness processor that calls it
 * the way the client processor's contract says. Time is pinned: 2025-03-05 is a Wednesday, tenant in UTC with
 * the default settings (09-18, Monday-Friday, 5 business days, 2 follow-ups).
 */
class GhostingHarnessTest {

    private static final String T = "t1";
    private static final String C = "c1";
    private static final String KEY = ClientKey.of(T, C);
    private static final Instant SENT = Instant.parse("2025-03-05T10:00:00Z");
    private static final Instant DEADLINE = Instant.parse("2025-03-12T10:00:00Z");

    private final TrackerHarness harness = new TrackerHarness();
    private TopologyTestDriver driver;
    private TestInputTopic<String, MessageEvent> messages;
    private TestOutputTopic<String, PaymentAlert> alerts;
    private TestOutputTopic<String, ResponsivenessStats> stats;

    private void start(Instant wallClock) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "responsiveness-harness");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // A private state directory: the default /tmp/kafka-streams/<application id> is shared by every build on the
        // machine, and two concurrent runs of this class failed on each other's RocksDB lock.
        try {
            props.put(StreamsConfig.STATE_DIR_CONFIG,
                    java.nio.file.Files.createTempDirectory("paywatch-harness-").toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        driver = new TopologyTestDriver(harness.topology(), props, wallClock);
        messages = driver.createInputTopic(Topics.MESSAGE_EVENTS.name(), Serdes.String().serializer(),
                Topics.MESSAGE_EVENTS.valueSerde().serializer());
        alerts = driver.createOutputTopic(Topics.PAYMENT_ALERTS.name(), Serdes.String().deserializer(),
                TrackerHarness.ALERTS.deserializer());
        stats = driver.createOutputTopic(TrackerHarness.STATS_TOPIC, Serdes.String().deserializer(),
                TrackerHarness.STATS.deserializer());
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    private void pipe(MessageEvent event, String iso) {
        messages.pipeInput(KEY, event, Instant.parse(iso));
    }

    private void pipe(String key, MessageEvent event, String iso) {
        messages.pipeInput(key, event, Instant.parse(iso));
    }

    /** The alerts written since the last read, each checked for the facts its type requires. */
    private List<PaymentAlert> raised() {
        return TrackerHarness.withRequiredFacts(alerts.readValuesToList());
    }

    private ResponsivenessStats lastStats() {
        List<ResponsivenessStats> all = stats.readValuesToList();
        assertThat(all).isNotEmpty();
        return all.get(all.size() - 1);
    }

    @Test
    void aReplyOnBusinessDayFourRaisesNothing() {
        start(SENT);
        pipe(sent(T, C, "th-1", SENT.toString(), true), SENT.toString());
        // Tuesday of the next week: 6 calendar days but only 4 business days later.
        pipe(received(T, C, "th-1", "2025-03-11T10:00:00Z"), "2025-03-11T10:00:00Z");
        driver.advanceWallClockTime(Duration.ofDays(10));

        assertThat(raised()).isEmpty();
        ResponsivenessStats s = lastStats();
        assertThat(s.getRepliesInWindow()).isEqualTo(1);
        // Wed 10-18 (8) + Thu, Fri, Mon (9 each) + Tue 09-10 (1) = 36 business hours.
        assertThat(s.getMedianReplyBusinessHours()).isEqualTo(36.0);
        assertThat(s.getAnsweredWithinTargetShare()).isEqualTo(0.0);
        assertThat(s.getUnansweredThreads()).isZero();
        assertThat(s.getGhosting()).isFalse();
    }

    @Test
    void aReplyOnBusinessDaySixInAReplayRaisesGhostingThenResponsiveAgain() {
        start(Instant.parse("2030-01-01T00:00:00Z")); // wall clock far away: only stream time drives this replay
        pipe(sent(T, C, "th-1", SENT.toString(), true), SENT.toString());
        pipe(received(T, C, "th-1", "2025-03-13T10:00:00Z"), "2025-03-13T10:00:00Z");

        List<PaymentAlert> raised = raised();
        assertThat(raised).extracting(PaymentAlert::getType)
                .containsExactly(AlertType.GHOSTING, AlertType.RESPONSIVE_AGAIN);
        PaymentAlert ghosting = raised.get(0);
        assertThat(ghosting.getAlertId()).isEqualTo("t1|c1|GHOSTING|thread|th-1|" + SENT.toEpochMilli());
        assertThat(ghosting.getOccurredAt()).isEqualTo(DEADLINE);
        assertThat(ghosting.getSeverity()).isEqualTo(Severity.WARNING);
        assertThat(ghosting.getFacts()).containsKeys(AlertFacts.REQUIRED.get(AlertType.GHOSTING).toArray(String[]::new))
                .containsEntry(AlertFacts.BUSINESS_DAYS_SILENT, "5")
                .containsEntry(AlertFacts.UNANSWERED_FOLLOW_UPS, "0")
                .containsEntry(AlertFacts.UNANSWERED_THREADS, "1").containsEntry(AlertFacts.OVERDUE_INVOICE, "false")
                .containsEntry(AlertFacts.THREAD_ID, "th-1").containsEntry(AlertFacts.TIMEZONE, "UTC")
                .containsEntry(ResponsivenessTracker.FACT_LAST_INBOUND_AT, "never")
                .containsEntry(ResponsivenessTracker.FACT_REASON, ResponsivenessTracker.REASON_THRESHOLD)
                .doesNotContainKey("consecutiveUnansweredFollowUps");
        // No invoice ever named this client (the harness has no payments side): its id stands in for the name.
        assertThat(ghosting.getClientName()).isEqualTo(C);
        assertThat(ghosting.getSummary()).contains("5 business days");
        PaymentAlert again = raised.get(1);
        assertThat(again.getAlertId()).isEqualTo("t1|c1|RESPONSIVE_AGAIN|thread|th-1|" + SENT.toEpochMilli());
        // Wed 10-18 (8) + Thu, Fri, Mon, Tue, Wed (9 each) + Thu 09-10 (1) = 54 business hours on th-1.
        assertThat(again.getFacts())
                .containsKeys(AlertFacts.REQUIRED.get(AlertType.RESPONSIVE_AGAIN).toArray(String[]::new))
                .containsEntry(AlertFacts.BUSINESS_DAYS_SILENT, "6")
                .containsEntry(AlertFacts.REPLY_LATENCY_HOURS, "54.0")
                .containsEntry(AlertFacts.THREAD_ID, "th-1").containsEntry(AlertFacts.UNANSWERED_THREADS, "0");

        ResponsivenessStats s = lastStats();
        assertThat(s.getGhosting()).isFalse();
        assertThat(s.getGhostingTimeline()).hasSize(1);
        assertThat(s.getGhostingTimeline().get(0).getEndedAt()).isEqualTo(Instant.parse("2025-03-13T10:00:00Z"));
    }

    @Test
    void wallClockNoticesSilenceWithNoEventAndMatchesTheReplaysAlertIds() {
        start(SENT);
        pipe(sent(T, C, "th-1", SENT.toString(), true), SENT.toString());
        driver.advanceWallClockTime(Duration.ofDays(7).minusMinutes(1));
        assertThat(raised()).isEmpty(); // one minute before the deadline: nothing yet
        driver.advanceWallClockTime(Duration.ofMinutes(2));
        List<PaymentAlert> live = raised();
        assertThat(live).extracting(PaymentAlert::getType).containsExactly(AlertType.GHOSTING);
        driver.advanceWallClockTime(Duration.ofDays(3));
        assertThat(raised()).as("a deadline fires once").isEmpty();
        pipe(received(T, C, "th-1", "2025-03-13T10:00:00Z"), "2025-03-13T10:00:00Z");
        live = concat(live, raised());

        assertThat(live).extracting(PaymentAlert::getAlertId).containsExactly(
                "t1|c1|GHOSTING|thread|th-1|" + SENT.toEpochMilli(),
                "t1|c1|RESPONSIVE_AGAIN|thread|th-1|" + SENT.toEpochMilli());
        assertThat(live.get(0).getOccurredAt()).isEqualTo(DEADLINE);
    }

    @Test
    void streamTimeFromAnotherClientNoticesTheSilence() {
        start(Instant.parse("2030-01-01T00:00:00Z"));
        pipe(sent(T, C, "th-1", SENT.toString(), true), SENT.toString());
        pipe(ClientKey.of(T, "other"), received(T, "other", "x", "2025-03-12T10:05:00Z"), "2025-03-12T10:05:00Z");
        List<PaymentAlert> raised = raised();
        assertThat(raised).extracting(PaymentAlert::getAlertId)
                .containsExactly("t1|c1|GHOSTING|thread|th-1|" + SENT.toEpochMilli());
        assertThat(raised.get(0).getClientId()).isEqualTo(C);
    }

    @Test
    void twoUnansweredFollowUpsRaiseGhostingOnce() {
        start(Instant.parse("2030-01-01T00:00:00Z"));
        pipe(sent(T, C, "th-1", "2025-03-03T10:00:00Z", true), "2025-03-03T10:00:00Z");
        pipe(sent(T, C, "th-1", "2025-03-04T10:00:00Z", true), "2025-03-04T10:00:00Z");
        assertThat(raised()).as("one follow-up is not enough").isEmpty();
        assertThat(lastStats().getConsecutiveUnansweredFollowUps()).isEqualTo(1);
        pipe(sent(T, C, "th-2", "2025-03-05T10:00:00Z", true), "2025-03-05T10:00:00Z");
        assertThat(raised()).as("judged once time has passed the follow-up").isEmpty();
        // The client's next event dated after the follow-up judges it (a note that expects no reply: nothing else).
        pipe(sent(T, C, "th-3", "2025-03-05T10:02:00Z", false), "2025-03-05T10:02:00Z");

        List<PaymentAlert> raised = raised();
        assertThat(raised).hasSize(1);
        PaymentAlert a = raised.get(0);
        assertThat(a.getType()).isEqualTo(AlertType.GHOSTING);
        assertThat(a.getAlertId()).isEqualTo("t1|c1|GHOSTING|followups|th-1|"
                + Instant.parse("2025-03-03T10:00:00Z").toEpochMilli());
        assertThat(a.getFacts()).containsKeys(AlertFacts.REQUIRED.get(AlertType.GHOSTING).toArray(String[]::new))
                .containsEntry(ResponsivenessTracker.FACT_REASON, ResponsivenessTracker.REASON_FOLLOW_UPS)
                .containsEntry(AlertFacts.UNANSWERED_FOLLOW_UPS, "2").containsEntry(AlertFacts.UNANSWERED_THREADS, "2");
        ResponsivenessStats s = lastStats();
        assertThat(s.getGhosting()).isTrue();
        assertThat(s.getUnansweredThreads()).isEqualTo(2);

        // The 5-day deadline of th-1 passes later: the client is already ghosting, so no second alert.
        pipe(ClientKey.of(T, "other"), received(T, "other", "x", "2025-03-20T10:00:00Z"), "2025-03-20T10:00:00Z");
        assertThat(raised()).isEmpty();
    }

    @Test
    void ghostingWhileAnInvoiceIsOverdueIsCritical() {
        harness.overdue.add(KEY);
        start(SENT);
        pipe(sent(T, C, "th-1", SENT.toString(), true), SENT.toString());
        driver.advanceWallClockTime(Duration.ofDays(8));
        List<PaymentAlert> raised = raised();
        assertThat(raised).singleElement().satisfies(a -> {
            assertThat(a.getSeverity()).isEqualTo(Severity.CRITICAL);
            assertThat(a.getFacts()).containsEntry(AlertFacts.OVERDUE_INVOICE, "true");
            assertThat(a.getSummary()).contains("overdue");
        });
    }

    @Test
    void ghostingOptOutKeepsTheStateButRaisesNoAlert() {
        harness.settings.put(T, TestSettings.defaults(T)
                .setAlertOptIns(AlertOptIns.newBuilder().setGhosting(false).build()).build());
        start(Instant.parse("2030-01-01T00:00:00Z"));
        pipe(sent(T, C, "th-1", SENT.toString(), true), SENT.toString());
        pipe(sent(T, C, "th-9", "2025-03-12T11:00:00Z", false), "2025-03-12T11:00:00Z");
        assertThat(raised()).isEmpty();
        assertThat(lastStats().getGhosting()).isTrue();
    }

    @Test
    void aThreadlessReplyAnswersTheOldestAwaitingThread() {
        start(Instant.parse("2030-01-01T00:00:00Z"));
        pipe(sent(T, C, "th-new", "2025-03-05T12:00:00Z", true), "2025-03-05T12:00:00Z");
        pipe(ClientKey.of(T, C), sent(T, C, "th-old", "2025-03-05T11:00:00Z", true), "2025-03-05T11:00:00Z");
        pipe(received(T, C, null, "2025-03-06T10:00:00Z"), "2025-03-06T10:00:00Z");
        ResponsivenessStats s = lastStats();
        // A sign of life: th-new (sent before the reply) stops waiting too, with no latency of its own.
        assertThat(s.getUnansweredThreads()).isZero();
        assertThat(s.getRepliesInWindow()).isEqualTo(1);
        // th-old: Wed 11-18 (7) + Thu 09-10 (1) = 8 business hours.
        assertThat(s.getMedianReplyBusinessHours()).isEqualTo(8.0);
        assertThat(s.getConsecutiveUnansweredFollowUps()).isZero();
    }

    @Test
    void afterHoursContactAlertsOnlyWhenOptedInAndOnlyOnce() {
        harness.settings.put(T, TestSettings.defaults(T).setTimezone("Europe/Rome")
                .setAlertOptIns(AlertOptIns.newBuilder().setAfterHoursContact(true).build()).build());
        harness.settings.put("t2", TestSettings.defaults("t2").setTimezone("Europe/Rome").build());
        start(Instant.parse("2030-01-01T00:00:00Z"));
        for (int day = 3; day <= 9; day++) {
            String iso = String.format("2025-03-%02dT21:00:00Z", day); // 22:00 in Rome
            pipe(received(T, C, "n" + day, iso), iso);
            pipe(ClientKey.of("t2", C), received("t2", C, "n" + day, iso), iso);
        }
        List<PaymentAlert> raised = raised();
        assertThat(raised).singleElement().satisfies(a -> {
            assertThat(a.getType()).isEqualTo(AlertType.AFTER_HOURS_CONTACT);
            assertThat(a.getTenantId()).isEqualTo(T);
            assertThat(a.getAlertId()).isEqualTo("t1|c1|AFTER_HOURS_CONTACT|"
                    + Instant.parse("2025-03-07T21:00:00Z").toEpochMilli()); // the 5th message crossed it
            // Five messages on days 3 to 7, spread over the 7-day minimum span: 5.0 a week.
            assertThat(a.getFacts())
                    .containsKeys(AlertFacts.REQUIRED.get(AlertType.AFTER_HOURS_CONTACT).toArray(String[]::new))
                    .containsEntry(AlertFacts.AFTER_HOURS_SHARE, "1.00")
                    .containsEntry(AlertFacts.INBOUND_PER_WEEK, "5.0")
                    .containsEntry(ResponsivenessTracker.FACT_INBOUND_IN_WINDOW, "5");
        });
        ResponsivenessStats s = lastStats();
        assertThat(s.getAfterHoursShare()).isEqualTo(1.0);
        assertThat(s.getInboundPerWeek()).isEqualTo(7.0);
    }

    @Test
    void perClientStateStaysBounded() {
        start(Instant.parse("2030-01-01T00:00:00Z"));
        Instant t = Instant.parse("2025-01-06T09:30:00Z");
        for (int i = 0; i < 300; i++) { // 75 days and 300 replies: past every cap
            Instant sentAt = t.plus(Duration.ofHours(6L * i));
            Instant replyAt = sentAt.plus(Duration.ofHours(1));
            pipe(sent(T, C, "th-" + i, sentAt.toString(), true), sentAt.toString());
            pipe(received(T, C, "th-" + i, replyAt.toString()), replyAt.toString());
        }
        KeyValueStore<String, ClientResponsiveness> store = driver.getKeyValueStore(
                ResponsivenessStores.RESPONSIVENESS_STATE);
        ClientResponsiveness summary = store.get(KEY);
        assertThat(summary.latencies).hasSize(ClientResponsiveness.MAX_LATENCIES);
        assertThat(summary.inboundDays.size()).isLessThanOrEqualTo(ClientResponsiveness.MAX_DAYS);
        byte[] bytes = StateSerdes.SUMMARY.serializer().serialize("x", summary);
        assertThat(bytes.length).isLessThan(3_000);
        assertThat(lastStats().getUnansweredThreads()).isZero();
        assertThat(driver.getKeyValueStore(ResponsivenessStores.OPEN_THREADS).approximateNumEntries()).isZero();
    }

    private static List<PaymentAlert> concat(List<PaymentAlert> a, List<PaymentAlert> b) {
        List<PaymentAlert> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
