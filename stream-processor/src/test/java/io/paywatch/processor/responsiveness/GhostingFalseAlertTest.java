package io.paywatch.processor.responsiveness;

import io.paywatch.contract.AlertType;
import io.paywatch.contract.ClientProfile;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.MessageEvent;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.contract.Severity;
import io.paywatch.processor.Events;
import io.paywatch.processor.TopologyFixture;
import io.paywatch.processor.TopologyOptions;
import io.paywatch.schemas.AlertFacts;
import io.paywatch.schemas.ClientKey;
import io.paywatch.schemas.Topics;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.Test;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static io.paywatch.processor.responsiveness.TrackerHarness.received;
import static io.paywatch.processor.responsiveness.TrackerHarness.sent;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * No false GHOSTING: the production topology ({@link TopologyFixture}: {@code PaywatchTopology.buildTopology}, the
 * production streams settings, pinned wall clock) fed message events at pinned times. Live runs move the wall clock
 * to each event before piping it (the event is not behind the clock: applied at once); replays use the fixture's
 * replay wall clock (2030: every record is history being caught up). What must and must not fire is computed in the
 * test, from its own business-day arithmetic (Monday to Friday, same local time, in the tenant's zone).
 * 2025-03-03 is a Monday; the US switch to daylight time is Sunday 2025-03-09, Europe's is 2025-03-30.
 */
class GhostingFalseAlertTest {

    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final ZoneId ROME = ZoneId.of("Europe/Rome");
    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final Set<AlertType> RESPONSIVENESS = Set.of(AlertType.GHOSTING, AlertType.RESPONSIVE_AGAIN,
            AlertType.AFTER_HOURS_CONTACT);

    // ---- the truth, computed here ----------------------------------------------------------------------------

    /** The same local time {@code n} working days (Monday-Friday) later; a weekend start rolls to Monday 00:00. */
    static Instant plusBusinessDays(Instant from, ZoneId zone, int n) {
        LocalDateTime t = LocalDateTime.ofInstant(from, zone);
        while (weekend(t.getDayOfWeek())) {
            t = t.toLocalDate().plusDays(1).atStartOfDay();
        }
        for (int added = 0; added < n; ) {
            t = t.plusDays(1);
            if (!weekend(t.getDayOfWeek())) {
                added++;
            }
        }
        return ZonedDateTime.of(t, zone).toInstant();
    }

    private static boolean weekend(DayOfWeek d) {
        return d == DayOfWeek.SATURDAY || d == DayOfWeek.SUNDAY;
    }

    /**
     * Counted follow-ups of one thread's messages (the first opens the thread): a message counts when it is at least
     * 1 business day after the previous counted one.
     */
    static int countedFollowUps(List<Instant> threadMessages, ZoneId zone) {
        Instant lastCounted = threadMessages.get(0);
        int counted = 0;
        for (Instant m : threadMessages.subList(1, threadMessages.size())) {
            if (!m.isBefore(plusBusinessDays(lastCounted, zone, 1))) {
                counted++;
                lastCounted = m;
            }
        }
        return counted;
    }

    private static Instant local(String localDateTime, ZoneId zone) {
        return LocalDateTime.parse(localDateTime).atZone(zone).toInstant();
    }

    // ---- a live run -------------------------------------------------------------------------------------------

    /** The production topology with the wall clock moved to each event before it is piped (live, nothing behind). */
    private static final class Live implements AutoCloseable {
        final TopologyFixture f;
        final String tenant;
        final TestOutputTopic<String, byte[]> alertBytes;
        Instant wall;

        Live(String tenant, ZoneId zone, Instant start) {
            f = new TopologyFixture(TopologyOptions.defaults(), start);
            this.tenant = tenant;
            wall = start;
            alertBytes = f.driver.createOutputTopic(Topics.PAYMENT_ALERTS.name(), new StringDeserializer(),
                    new ByteArrayDeserializer());
            f.pipeSettings(TestSettings.defaults(tenant).setTimezone(zone.getId()).build());
        }

        void wallTo(Instant t) {
            if (t.isAfter(wall)) {
                f.advanceWallClock(Duration.between(wall, t));
                wall = t;
            }
        }

        void send(String client, String thread, Instant at) {
            wallTo(at);
            f.messages.pipeInput(ClientKey.of(tenant, client), sent(tenant, client, thread, at.toString(), true), at);
        }

        void reply(String client, String thread, Instant at) {
            wallTo(at);
            f.messages.pipeInput(ClientKey.of(tenant, client), received(tenant, client, thread, at.toString()), at);
        }

        /** Pipes a reply dated {@code at} now, whatever the wall clock says (it arrives late). */
        void lateReply(String client, String thread, Instant at) {
            f.messages.pipeInput(ClientKey.of(tenant, client), received(tenant, client, thread, at.toString()), at);
        }

        List<PaymentAlert> alerts() {
            return responsiveness(alertBytes);
        }

        ClientProfile profile(String client) {
            ClientProfile p = f.storedProfile(tenant, client);
            wall = wall.plus(f.options().profileEmitInterval());
            return p;
        }

        @Override
        public void close() {
            f.close();
        }
    }

    private static List<PaymentAlert> responsiveness(TestOutputTopic<String, byte[]> topic) {
        List<PaymentAlert> out = new ArrayList<>();
        for (byte[] bytes : topic.readValuesToList()) {
            PaymentAlert a = decode(bytes);
            if (RESPONSIVENESS.contains(a.getType())) {
                out.add(a);
            }
        }
        return TrackerHarness.withRequiredFacts(out);
    }

    private static PaymentAlert decode(byte[] bytes) {
        return Topics.PAYMENT_ALERTS.valueSerde().deserializer().deserialize(Topics.PAYMENT_ALERTS.name(), bytes);
    }

    // ---- 1. follow-ups: at least 1 business day apart on their thread --------------------------------------------

    @Test
    void nudgesSentTheSameAfternoonAreNotSeveralFollowUps() {
        String t = "t-ny";
        String c = "nudged";
        List<Instant> messages = List.of(
                local("2025-03-03T10:00", NEW_YORK), // opens th-1
                local("2025-03-03T14:00", NEW_YORK), // same afternoon
                local("2025-03-03T16:30", NEW_YORK), // same afternoon
                local("2025-03-04T09:30", NEW_YORK), // 23.5 hours later: not yet 1 business day
                local("2025-03-04T10:00", NEW_YORK), // 1 business day after the first: counts
                local("2025-03-04T17:00", NEW_YORK), // same day as the counted one
                local("2025-03-05T10:00", NEW_YORK)); // 1 business day after the counted one: counts
        try (Live live = new Live(t, NEW_YORK, messages.get(0))) {
            for (int i = 0; i < 4; i++) {
                live.send(c, "th-1", messages.get(i));
            }
            int truthAfterFour = countedFollowUps(messages.subList(0, 4), NEW_YORK);
            assertThat(truthAfterFour).isZero();
            assertThat(live.alerts()).as("three nudges within the first business day").isEmpty();
            assertThat(live.profile(c).getResponsiveness().getConsecutiveUnansweredFollowUps())
                    .isEqualTo(truthAfterFour);

            live.send(c, "th-1", messages.get(4));
            live.send(c, "th-1", messages.get(5));
            assertThat(countedFollowUps(messages.subList(0, 6), NEW_YORK)).isEqualTo(1);
            assertThat(live.alerts()).as("one counted follow-up is below the limit of 2").isEmpty();
            assertThat(live.profile(c).getResponsiveness().getConsecutiveUnansweredFollowUps()).isEqualTo(1);

            live.send(c, "th-1", messages.get(6));
            assertThat(countedFollowUps(messages, NEW_YORK)).isEqualTo(2);
            assertThat(live.alerts()).as("judged the message lateness after the follow-up").isEmpty();
            live.wallTo(messages.get(6).plus(live.f.options().messageLateness()).plusSeconds(60));
            assertThat(live.alerts()).singleElement().satisfies(a -> {
                assertThat(a.getType()).isEqualTo(AlertType.GHOSTING);
                assertThat(a.getAlertId()).isEqualTo(t + "|" + c + "|GHOSTING|followups|th-1|"
                        + messages.get(0).toEpochMilli());
                assertThat(a.getOccurredAt()).isEqualTo(messages.get(6));
                assertThat(a.getFacts())
                        .containsEntry(ResponsivenessTracker.FACT_REASON, ResponsivenessTracker.REASON_FOLLOW_UPS)
                        .containsEntry(AlertFacts.UNANSWERED_FOLLOW_UPS, "2");
            });
        }
    }

    @Test
    void firstMessagesOnThreeTopicsTheSameMorningAreNotFollowUps() {
        String t = "t-ny";
        String c = "three-topics";
        // One morning: the invoice, a question on the brief, the next milestone, each in a thread of its own. The
        // client's run counts across threads by the same rule: at least 1 business day after the previous counted
        // message to that client, whichever thread it is in.
        List<Instant> morning = List.of(local("2025-03-03T09:00", NEW_YORK), local("2025-03-03T10:15", NEW_YORK),
                local("2025-03-03T11:40", NEW_YORK));
        assertThat(countedFollowUps(morning, NEW_YORK)).as("truth: nothing is 1 business day after the first").isZero();
        try (Live live = new Live(t, NEW_YORK, morning.get(0))) {
            live.send(c, "th-invoice", morning.get(0));
            live.send(c, "th-brief", morning.get(1));
            live.send(c, "th-milestone", morning.get(2));
            assertThat(live.alerts()).as("no GHOSTING by noon for three topics sent in one morning").isEmpty();
            assertThat(live.profile(c).getResponsiveness().getConsecutiveUnansweredFollowUps()).isZero();

            // A real nudge the next business day on one of them counts once; a second the day after makes the limit.
            Instant nudge1 = local("2025-03-04T09:00", NEW_YORK);
            Instant nudge2 = local("2025-03-05T09:00", NEW_YORK);
            List<Instant> all = List.of(morning.get(0), morning.get(1), morning.get(2), nudge1, nudge2);
            live.send(c, "th-brief", nudge1);
            assertThat(countedFollowUps(all.subList(0, 4), NEW_YORK)).isEqualTo(1);
            assertThat(live.alerts()).isEmpty();
            assertThat(live.profile(c).getResponsiveness().getConsecutiveUnansweredFollowUps()).isEqualTo(1);
            live.send(c, "th-milestone", nudge2);
            assertThat(countedFollowUps(all, NEW_YORK)).isEqualTo(2);
            live.wallTo(nudge2.plus(live.f.options().messageLateness()).plusSeconds(60));
            assertThat(live.alerts()).singleElement().satisfies(a -> {
                assertThat(a.getType()).isEqualTo(AlertType.GHOSTING);
                assertThat(a.getOccurredAt()).isEqualTo(nudge2);
                assertThat(a.getFacts()).containsEntry(AlertFacts.UNANSWERED_FOLLOW_UPS, "2");
            });
        }
    }

    @Test
    void aBusinessDayIsTheTenantsAcrossTheWeekendAndTheDaylightSavingChange() {
        String t = "t-ny";
        String c = "weekend";
        Instant friday = local("2025-03-07T16:00", NEW_YORK); // EST, 21:00 UTC
        // Monday 16:00 EDT (20:00 UTC) is the first business day after it: 71 hours of real time, not 72.
        assertThat(plusBusinessDays(friday, NEW_YORK, 1)).isEqualTo(Instant.parse("2025-03-10T20:00:00Z"));
        List<Instant> messages = List.of(friday, local("2025-03-10T09:00", NEW_YORK),
                local("2025-03-10T15:30", NEW_YORK), local("2025-03-10T16:00", NEW_YORK));
        try (Live live = new Live(t, NEW_YORK, friday)) {
            live.send(c, "th-w", messages.get(0));
            live.send(c, "th-w", messages.get(1));
            live.send(c, "th-w", messages.get(2));
            assertThat(countedFollowUps(messages.subList(0, 3), NEW_YORK)).isZero();
            assertThat(live.alerts()).isEmpty();
            assertThat(live.profile(c).getResponsiveness().getConsecutiveUnansweredFollowUps()).isZero();

            live.send(c, "th-w", messages.get(3));
            assertThat(countedFollowUps(messages, NEW_YORK)).isEqualTo(1);
            assertThat(live.alerts()).isEmpty();
            assertThat(live.profile(c).getResponsiveness().getConsecutiveUnansweredFollowUps()).isEqualTo(1);
        }
    }

    // ---- 2. a sign of life in any thread stops every clock that started before it ----------------------------------

    @Test
    void aReplyInAnotherThreadIsASignOfLifeForEveryThreadSentBeforeIt() {
        String t = "t-rome";
        String c = "alive";
        Instant sentA = local("2025-03-03T10:00", ROME);
        Instant replyB = local("2025-03-06T11:00", ROME); // a new subject, a new thread id
        Instant sentC = local("2025-03-07T10:00", ROME); // after the sign of life: its clock runs
        Instant deadlineA = plusBusinessDays(sentA, ROME, 5);
        Instant deadlineC = plusBusinessDays(sentC, ROME, 5);
        assertThat(deadlineA).isEqualTo(local("2025-03-10T10:00", ROME));
        assertThat(deadlineC).isEqualTo(local("2025-03-14T10:00", ROME));
        try (Live live = new Live(t, ROME, sentA)) {
            live.send(c, "th-A", sentA);
            live.reply(c, "th-B", replyB);
            live.send(c, "th-C", sentC);
            live.wallTo(deadlineA.plus(Duration.ofHours(1)));
            assertThat(live.alerts()).as("th-A's deadline passes: the client wrote after it was sent").isEmpty();
            live.wallTo(deadlineC.plus(live.f.options().messageLateness()).plus(Duration.ofMinutes(1)));

            List<PaymentAlert> raised = live.alerts();
            assertThat(raised).singleElement().satisfies(a -> {
                assertThat(a.getType()).isEqualTo(AlertType.GHOSTING);
                assertThat(a.getAlertId()).isEqualTo(t + "|" + c + "|GHOSTING|thread|th-C|" + sentC.toEpochMilli());
                assertThat(a.getOccurredAt()).isEqualTo(deadlineC);
                assertThat(a.getFacts()).containsEntry(AlertFacts.UNANSWERED_THREADS, "1")
                        .containsEntry(ResponsivenessTracker.FACT_LAST_INBOUND_AT, replyB.toString());
            });
            ClientProfile profile = live.profile(c);
            assertThat(profile.getResponsiveness().getRepliesInWindow()).as("th-B answered no awaiting thread")
                    .isZero();
            assertThat(profile.getResponsiveness().getUnansweredThreads()).isEqualTo(1);

            // Now the client writes in th-A: the episode (th-C) ends; th-A's clock had stopped, nothing is measured.
            Instant lateInA = local("2025-03-18T10:00", ROME);
            live.reply(c, "th-A", lateInA);
            assertThat(live.alerts()).singleElement().satisfies(a -> {
                assertThat(a.getType()).isEqualTo(AlertType.RESPONSIVE_AGAIN);
                assertThat(a.getAlertId())
                        .isEqualTo(t + "|" + c + "|RESPONSIVE_AGAIN|thread|th-C|" + sentC.toEpochMilli());
                assertThat(a.getOccurredAt()).isEqualTo(lateInA);
            });
            profile = live.profile(c);
            assertThat(profile.getResponsiveness().getRepliesInWindow()).isZero();
            assertThat(profile.getResponsiveness().getUnansweredThreads()).isZero();
            assertThat(profile.getResponsiveness().getGhosting()).isFalse();
        }
    }

    @Test
    void aReplyMeasuresOnlyTheThreadItAnswersAndStopsTheOthers() {
        String t = "t-rome";
        String c = "two-threads";
        Instant sent1 = local("2025-03-03T10:00", ROME);
        Instant sent2 = local("2025-03-04T10:00", ROME);
        Instant reply2 = local("2025-03-05T10:00", ROME);
        try (Live live = new Live(t, ROME, sent1)) {
            live.send(c, "th-1", sent1);
            live.send(c, "th-2", sent2);
            live.reply(c, "th-2", reply2);
            live.wallTo(plusBusinessDays(sent1, ROME, 30));
            assertThat(live.alerts()).as("th-1 was sent before the client's reply").isEmpty();
            ClientProfile profile = live.profile(c);
            assertThat(profile.getResponsiveness().getRepliesInWindow()).isEqualTo(1);
            // Tue 10:00 to Wed 10:00 in Rome, 09-18: 8 + 1 business hours, th-2's own latency only.
            assertThat(profile.getResponsiveness().getMedianReplyBusinessHours()).isEqualTo(9.0);
            assertThat(profile.getResponsiveness().getUnansweredThreads()).isZero();
            assertThat(profile.getResponsiveness().getGhosting()).isFalse();
        }
    }

    // ---- 3. RESPONSIVE_AGAIN is never dated before the GHOSTING it ends -------------------------------------------

    @Test
    void aReplyArrivingAfterTheWallClockGhostingIsNotDatedBeforeIt() {
        String t = "t-utc";
        String c = "late-reply";
        Instant sentAt = Instant.parse("2025-03-05T10:00:00Z");
        Instant deadline = plusBusinessDays(sentAt, UTC, 5);
        Instant repliedAt = Instant.parse("2025-03-11T15:00:00Z"); // before the deadline, delivered after it
        try (Live live = new Live(t, UTC, sentAt)) {
            live.send(c, "th-1", sentAt);
            live.wallTo(deadline.plus(live.f.options().messageLateness()).plus(Duration.ofMinutes(5)));
            List<PaymentAlert> raised = new ArrayList<>(live.alerts());
            assertThat(raised).extracting(PaymentAlert::getType).containsExactly(AlertType.GHOSTING);
            live.lateReply(c, "th-1", repliedAt);
            live.wallTo(live.wall.plus(live.f.options().replayIdle()).plusSeconds(60));
            raised.addAll(live.alerts());

            assertThat(raised).extracting(PaymentAlert::getType)
                    .containsExactly(AlertType.GHOSTING, AlertType.RESPONSIVE_AGAIN);
            assertThat(raised.get(0).getOccurredAt()).isEqualTo(deadline);
            assertThat(raised.get(1).getOccurredAt()).isAfterOrEqualTo(raised.get(0).getOccurredAt())
                    .isEqualTo(deadline);
            assertThat(raised.get(1).getFacts()).containsEntry(ResponsivenessTracker.FACT_REPLIED_AT,
                    repliedAt.toString());
        }
    }

    @Test
    void aReplyDatedBeforeTheDeadlineAndDeliveredWithinTheMessageLatenessStopsTheGhosting() {
        String t = "t-utc";
        Instant sentAt = Instant.parse("2025-03-05T10:00:00Z");
        // Truth, independently: 5 business days (Mon-Fri, no holidays in the UTC test calendar) after Wed 10:00.
        Instant deadline = Instant.parse("2025-03-12T10:00:00Z");
        assertThat(plusBusinessDays(sentAt, UTC, 5)).isEqualTo(deadline);
        Duration lateness = TopologyOptions.MESSAGE_LATENESS;
        assertThat(lateness).isEqualTo(Duration.ofMinutes(30));
        try (Live live = new Live(t, UTC, sentAt)) {
            assertThat(live.f.options().messageLateness()).isEqualTo(lateness);
            // The client answered 10 minutes before the deadline; the mailbox delivers it 20 minutes after it.
            live.send("answered", "th-1", sentAt);
            live.send("silent", "th-9", sentAt);
            live.wallTo(deadline.plus(Duration.ofMinutes(20)));
            assertThat(live.alerts()).as("nobody is judged before the message lateness has passed").isEmpty();
            live.lateReply("answered", "th-1", deadline.minus(Duration.ofMinutes(10)));
            live.wallTo(deadline.plus(lateness).plus(Duration.ofMinutes(5)));
            // Only the client who never answered is ghosting, dated at its deadline, not when it was judged.
            assertThat(live.alerts()).singleElement().satisfies(a -> {
                assertThat(a.getType()).isEqualTo(AlertType.GHOSTING);
                assertThat(a.getClientId()).isEqualTo("silent");
                assertThat(a.getOccurredAt()).isEqualTo(deadline);
            });
            live.wallTo(deadline.plus(Duration.ofDays(3)));
            assertThat(live.alerts()).as("no GHOSTING and no RESPONSIVE_AGAIN for the client who answered").isEmpty();
            assertThat(live.profile("answered").getResponsiveness().getGhosting()).isFalse();
        }
    }

    @Test
    void aReplyDatedBeforeAFollowUpGhostingIsNotDatedBeforeIt() {
        String t = "t-utc";
        String c = "follow-ups";
        Instant m0 = Instant.parse("2025-03-03T10:00:00Z");
        Instant m1 = Instant.parse("2025-03-04T10:00:00Z");
        Instant m2 = Instant.parse("2025-03-05T10:00:00Z");
        Instant repliedAt = Instant.parse("2025-03-05T09:00:00Z"); // an hour before m2, delivered after it
        try (Live live = new Live(t, UTC, m0)) {
            Duration lateness = live.f.options().messageLateness();
            // Delivered 5 minutes after m2, within the message lateness: the client wrote before the 2nd follow-up,
            // so there never were 2 unanswered follow-ups. Nothing at all.
            live.send("in-time", "th-1", m0);
            live.send("in-time", "th-1", m1);
            live.send("in-time", "th-1", m2);
            live.wallTo(m2.plus(Duration.ofMinutes(5)));
            assertThat(live.alerts()).isEmpty();
            live.lateReply("in-time", "th-1", repliedAt);
            live.wallTo(m2.plus(lateness).plus(Duration.ofHours(1)));
            assertThat(live.alerts()).as("a reply delivered within the message lateness").isEmpty();

            // Delivered after the lateness: the GHOSTING was raised, and the RESPONSIVE_AGAIN is not dated before it.
            Duration week = Duration.ofDays(7);
            Instant lateM2 = m2.plus(week);
            Instant lateReply = repliedAt.plus(week);
            live.send(c, "th-1", m0.plus(week));
            live.send(c, "th-1", m1.plus(week));
            live.send(c, "th-1", lateM2);
            live.wallTo(lateM2.plus(lateness).plus(Duration.ofMinutes(5)));
            live.lateReply(c, "th-1", lateReply);
            live.wallTo(live.wall.plus(live.f.options().replayIdle()).plusSeconds(60));

            List<PaymentAlert> raised = live.alerts();
            assertThat(raised).extracting(PaymentAlert::getType)
                    .containsExactly(AlertType.GHOSTING, AlertType.RESPONSIVE_AGAIN);
            assertThat(raised.get(0).getOccurredAt()).isEqualTo(lateM2);
            assertThat(raised.get(1).getOccurredAt()).isAfterOrEqualTo(raised.get(0).getOccurredAt());
            assertThat(raised.get(1).getFacts()).containsEntry(ResponsivenessTracker.FACT_REPLIED_AT,
                    lateReply.toString());
        }
    }

    // ---- 4. a replay in any order gives the same alerts ----------------------------------------------------------

    /** One input record: a message or an invoice event, with its event time. */
    private record Input(String client, MessageEvent message, InvoiceEvent invoice, Instant at) {
    }

    private static final String RT = "t-replay";

    private static Input send(String client, String thread, String localRome, boolean expectsReply) {
        Instant at = local(localRome, ROME);
        return new Input(client, sent(RT, client, thread, at.toString(), expectsReply), null, at);
    }

    private static Input reply(String client, String thread, String localRome) {
        Instant at = local(localRome, ROME);
        return new Input(client, received(RT, client, thread, at.toString()), null, at);
    }

    /**
     * Three clients of a tenant in Rome over three weeks. alpha: three nudges on Monday, then a reply under a new
     * subject, a new thread left unanswered past its deadline, a late reply. bravo: two counted follow-ups (one more
     * nudge the same day does not count), then a call (thread-less reply). charlie: a thread answered in time, then
     * one never answered while an invoice is overdue.
     */
    private static List<Input> history() {
        List<Input> h = new ArrayList<>();
        h.add(new Input("charlie", null, Events.issued(RT, "charlie", "INV-C1", Instant.parse("2025-01-30T09:00:00Z"),
                30, 90_000), Instant.parse("2025-01-30T09:00:00Z")));
        h.add(send("alpha", "a-1", "2025-03-03T10:00", true));
        h.add(send("alpha", "a-1", "2025-03-03T15:00", true));
        h.add(send("alpha", "a-1", "2025-03-03T17:00", true));
        h.add(send("bravo", "b-1", "2025-03-03T10:00", true));
        h.add(send("bravo", "b-1", "2025-03-04T10:00", true));
        h.add(send("bravo", "b-1", "2025-03-04T12:00", true));
        h.add(send("charlie", "c-1", "2025-03-04T09:30", true));
        h.add(reply("alpha", "a-2", "2025-03-05T11:00"));
        h.add(send("bravo", "b-2", "2025-03-05T10:30", true));
        h.add(send("alpha", "a-3", "2025-03-06T10:00", true));
        h.add(reply("charlie", "c-1", "2025-03-06T14:00"));
        h.add(reply("bravo", null, "2025-03-07T16:00"));
        h.add(send("charlie", "c-2", "2025-03-14T10:00", true));
        h.add(reply("alpha", "a-3", "2025-03-17T10:00"));
        h.add(send("alpha", "a-4", "2025-03-18T10:00", false));
        h.sort(Comparator.comparing(Input::at));
        return h;
    }

    /** Replays {@code order} in the replay fixture; the responsiveness alerts, encoded, sorted by (time, id). */
    private static List<String> replay(List<Input> order) {
        try (TopologyFixture f = TopologyFixture.replay()) {
            TestOutputTopic<String, byte[]> topic = f.driver.createOutputTopic(Topics.PAYMENT_ALERTS.name(),
                    new StringDeserializer(), new ByteArrayDeserializer());
            FreelancerSettings settings = TestSettings.defaults(RT).setTimezone(ROME.getId()).build();
            f.pipeSettings(settings);
            for (Input in : order) {
                String key = ClientKey.of(RT, in.client());
                if (in.message() != null) {
                    f.messages.pipeInput(key, in.message(), in.at());
                } else {
                    f.invoices.pipeInput(key, in.invoice(), in.at());
                }
            }
            // The catch-up ends replay-idle after its last record; wall-clock scans then apply it.
            f.advanceWallClock(f.options().replayIdle().plusSeconds(30));
            for (int i = 0; i < 4; i++) {
                f.advanceWallClock(f.options().wallClockScanInterval());
            }
            List<byte[]> all = topic.readValuesToList();
            List<byte[]> mine = new ArrayList<>();
            for (byte[] bytes : all) {
                if (RESPONSIVENESS.contains(decode(bytes).getType())) {
                    mine.add(bytes);
                }
            }
            TrackerHarness.withRequiredFacts(mine.stream().map(GhostingFalseAlertTest::decode).toList());
            mine.sort(Comparator.comparing((byte[] b) -> decode(b).getOccurredAt())
                    .thenComparing(b -> decode(b).getAlertId()));
            return mine.stream().map(HexFormat.of()::formatHex).toList();
        }
    }

    private static int count(TopologyFixture f, String store) {
        int n = 0;
        try (var it = f.driver.getKeyValueStore(store).all()) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }

    @Test
    void aCatchUpHoldingMoreThanAReleaseChunkAppliesEveryMessage() {
        int threads = ResponsivenessTracker.RELEASE_CHUNK / 2 + 50; // 1,100 held messages: two chunks
        List<Input> inputs = new ArrayList<>();
        Instant base = local("2025-03-03T10:00", ROME);
        for (int i = 0; i < threads; i++) {
            Instant at = base.plus(Duration.ofHours(i));
            Instant replyAt = at.plus(Duration.ofMinutes(30));
            inputs.add(new Input("busy", sent(RT, "busy", "th-" + i, at.toString(), true), null, at));
            inputs.add(new Input("busy", received(RT, "busy", "th-" + i, replyAt.toString()), null, replyAt));
        }
        Collections.shuffle(inputs, new Random(7));
        try (TopologyFixture f = TopologyFixture.replay()) {
            TestOutputTopic<String, byte[]> topic = f.driver.createOutputTopic(Topics.PAYMENT_ALERTS.name(),
                    new StringDeserializer(), new ByteArrayDeserializer());
            f.pipeSettings(TestSettings.defaults(RT).setTimezone(ROME.getId()).build());
            inputs.forEach(in -> f.messages.pipeInput(ClientKey.of(RT, "busy"), in.message(), in.at()));
            assertThat(count(f, ResponsivenessStores.HELD_MESSAGES)).isEqualTo(2 * threads);
            f.advanceWallClock(f.options().replayIdle().plusSeconds(30));

            // Every thread was answered within 30 minutes: nothing waits, nothing is held, nothing fires.
            assertThat(responsiveness(topic)).isEmpty();
            assertThat(count(f, ResponsivenessStores.HELD_MESSAGES)).isZero();
            assertThat(count(f, ResponsivenessStores.OPEN_THREADS)).isZero();
            assertThat(f.storedProfile(RT, "busy").getResponsiveness().getUnansweredThreads()).isZero();
        }
    }

    @Test
    void aReplayInAnyOrderGivesByteIdenticalAlerts() {
        List<Input> history = history();
        List<String> ordered = replay(history);

        // The truth, from the history alone (5 business days, 2 follow-ups, Rome).
        Instant a3 = local("2025-03-06T10:00", ROME);
        Instant b1 = local("2025-03-03T10:00", ROME);
        Instant c2 = local("2025-03-14T10:00", ROME);
        // bravo: b-1 Mon 10:00, Tue 10:00 counts (1), Tue 12:00 does not, b-2 Wed 10:30 (a new thread) counts (2).
        assertThat(countedFollowUps(List.of(b1, local("2025-03-04T10:00", ROME), local("2025-03-04T12:00", ROME)),
                ROME)).isEqualTo(1);
        // alpha: a-1's three Monday messages are no follow-up; its deadline (Mon 10 Mar) passes after the client
        // wrote (Wed 5 Mar): no alert for it. charlie: c-1 answered on business day 2.
        assertThat(countedFollowUps(List.of(local("2025-03-03T10:00", ROME), local("2025-03-03T15:00", ROME),
                local("2025-03-03T17:00", ROME)), ROME)).isZero();
        List<String> expected = List.of(
                "t-replay|bravo|GHOSTING|followups|b-1|" + b1.toEpochMilli() + "@" + local("2025-03-05T10:30", ROME),
                "t-replay|bravo|RESPONSIVE_AGAIN|followups|b-1|" + b1.toEpochMilli() + "@"
                        + local("2025-03-07T16:00", ROME),
                "t-replay|alpha|GHOSTING|thread|a-3|" + a3.toEpochMilli() + "@" + plusBusinessDays(a3, ROME, 5),
                "t-replay|alpha|RESPONSIVE_AGAIN|thread|a-3|" + a3.toEpochMilli() + "@"
                        + local("2025-03-17T10:00", ROME),
                "t-replay|charlie|GHOSTING|thread|c-2|" + c2.toEpochMilli() + "@" + plusBusinessDays(c2, ROME, 5));
        List<PaymentAlert> decoded = ordered.stream().map(h -> decode(HexFormat.of().parseHex(h))).toList();
        assertThat(decoded).extracting(a -> a.getAlertId() + "@" + a.getOccurredAt()).containsExactlyElementsOf(expected);
        assertThat(decoded.get(4).getSeverity()).as("INV-C1 is overdue").isEqualTo(Severity.CRITICAL);

        for (long seed = 1; seed <= 6; seed++) {
            List<Input> shuffled = new ArrayList<>(history);
            Collections.shuffle(shuffled, new Random(seed));
            assertThat(shuffled).isNotEqualTo(history);
            assertThat(replay(shuffled)).as("alerts of order %d, byte for byte", seed).isEqualTo(ordered);
        }
    }
}
