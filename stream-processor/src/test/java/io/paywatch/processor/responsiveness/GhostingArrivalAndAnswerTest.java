package io.paywatch.processor.responsiveness;

import io.paywatch.contract.AlertType;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.MessageEvent;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.processor.PaywatchTopology;
import io.paywatch.processor.StreamsDefaults;
import io.paywatch.schemas.ClientKey;
import io.paywatch.schemas.Topics;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static io.paywatch.processor.responsiveness.TrackerHarness.received;
import static io.paywatch.processor.responsiveness.TrackerHarness.sent;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two GHOSTINGs a freelancer would call false, through the real topology with pinned wall clock (Europe/Rome, default
 * thresholds: 5 business days, 2 follow-ups, 30 min message lateness): a reply that a mailbox publishes before the
 * question it answers, and the freelancer's answer to the client's own question. The truth is worked out in each
 * comment from the event times alone.
 */
class GhostingArrivalAndAnswerTest {

    private static final String T = "t-find";
    private static final String C = "client";
    private static final String KEY = ClientKey.of(T, C);

    @TempDir
    Path stateDir;

    private final List<TopologyTestDriver> drivers = new ArrayList<>();

    private final class Run {
        final TopologyTestDriver driver;
        final TestInputTopic<String, MessageEvent> messages;
        final TestOutputTopic<String, PaymentAlert> alerts;
        Instant wall;

        Run(Instant wallClock, FreelancerSettings settings) {
            wall = wallClock;
            StreamsBuilder builder = new StreamsBuilder();
            PaywatchTopology.buildTopology(builder);
            Properties props = StreamsDefaults.properties();
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "ttd:9092");
            props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve("run" + drivers.size()).toString());
            driver = new TopologyTestDriver(builder.build(props), props, wallClock);
            drivers.add(driver);
            messages = driver.createInputTopic(Topics.MESSAGE_EVENTS.name(), new StringSerializer(),
                    Topics.MESSAGE_EVENTS.valueSerde().serializer());
            alerts = driver.createOutputTopic(Topics.PAYMENT_ALERTS.name(), new StringDeserializer(),
                    Topics.PAYMENT_ALERTS.valueSerde().deserializer());
            driver.createInputTopic(Topics.FREELANCER_SETTINGS.name(), new StringSerializer(),
                    Topics.FREELANCER_SETTINGS.valueSerde().serializer()).pipeInput(T, settings, Instant.EPOCH);
        }

        /** Pipes an event now (record timestamp = the wall clock: it is ingested now, whatever its event time). */
        void send(String thread, Instant at) {
            messages.pipeInput(KEY, sent(T, C, thread, at.toString(), true), wall);
        }

        void reply(String thread, Instant at) {
            messages.pipeInput(KEY, received(T, C, thread, at.toString()), wall);
        }

        /** Live: moves the wall clock on in small steps (punctuation runs as it would). */
        void wallTo(Instant t) {
            while (wall.isBefore(t)) {
                Instant next = wall.plus(Duration.ofHours(1)).isBefore(t) ? wall.plus(Duration.ofHours(1)) : t;
                driver.advanceWallClockTime(Duration.between(wall, next));
                wall = next;
            }
        }

        List<PaymentAlert> ghosting() {
            return alerts.readValuesToList().stream()
                    .filter(a -> a.getType() == AlertType.GHOSTING || a.getType() == AlertType.RESPONSIVE_AGAIN)
                    .toList();
        }
    }

    private static FreelancerSettings rome() {
        return TestSettings.defaults(T).setTimezone("Europe/Rome").build();
    }

    @AfterEach
    void close() {
        drivers.forEach(TopologyTestDriver::close);
    }

    /**
     * The IMAP watcher reads INBOX first, then Sent, and publishes as it goes
     * (ImapWatcher.pollOnce). The freelancer's laptop sleeps over lunch: at 11:00 (Rome) on Monday 1 Dec 2025 they
     * send a question from their phone (thread q), the client answers at 11:30 in that thread, and at 13:00 the
     * watcher wakes and publishes the reply (11:30) and then the question (11:00). Both are two hours old, well under
     * the 6 h replay-lag, so the processor applies them live in arrival order: the reply answers no awaiting thread,
     * then the question opens thread q, whose clock runs from 11:00 and raises GHOSTING on Monday 8 Dec 11:00.
     * Truth from the event times: the client answered 30 minutes after the question; no GHOSTING, ever
     * (RESPONSIVENESS.md, "reply": the client's first MessageReceived in that thread).
     */
    @Test
    void aReplyPublishedBeforeTheQuestionItAnswersIsNotGhosting() {
        Instant question = Instant.parse("2025-12-01T10:00:00Z"); // 11:00 Rome, Monday
        Instant answer = Instant.parse("2025-12-01T10:30:00Z");
        Run run = new Run(Instant.parse("2025-12-01T12:00:00Z"), rome());
        run.reply("q", answer);   // INBOX first
        run.send("q", question);  // then Sent
        run.wallTo(Instant.parse("2025-12-10T12:00:00Z"));
        // Before the fix: GHOSTING (NO_REPLY_WITHIN_THRESHOLD) dated 2025-12-08T10:00Z.
        assertThat(run.ghosting()).isEmpty();
    }

    /**
     * The mail connector cannot tell a question from an answer (every sent mail expects a reply). Monday 1 Dec
     * 10:00 (Rome) the client asks "could you resend invoice 7 as PDF?"; at 11:00 the freelancer answers in the same
     * thread with the PDF. The client, served, says nothing more. The mail connector publishes exactly these two
     * events (MessageReceived, then MessageSent with expectsReply=true, as it does for every sent mail), and the
     * client is reported GHOSTING on Monday 8 Dec 11:00. Truth: the client started the exchange and got its answer;
     * nothing was asked of it, so there is nothing to ghost (DOMAIN.md: the ghost is the client who does not answer
     * *your* emails). Right: no GHOSTING; the freelancer's answer to a client's message in its thread should not
     * open an awaiting thread (expectsReply=false for an answer to the client's last message).
     */
    @Test
    void answeringTheClientsOwnQuestionIsNotGhostedWhenItSaysNothingMore() {
        Run run = new Run(Instant.parse("2025-12-01T09:00:00Z"), rome());
        run.reply("pdf", Instant.parse("2025-12-01T09:00:00Z"));   // the client's question opens the thread
        run.wallTo(Instant.parse("2025-12-01T10:00:00Z"));
        run.send("pdf", Instant.parse("2025-12-01T10:00:00Z"));    // the answer, expectsReply=true as mail maps it
        run.wallTo(Instant.parse("2025-12-10T12:00:00Z"));
        // Before the fix: GHOSTING (NO_REPLY_WITHIN_THRESHOLD) dated 2025-12-08T10:00:00Z.
        assertThat(run.ghosting()).isEmpty();
    }

    /**
     * The answer opens no clock, but the freelancer's next message in the thread does: Monday 1 Dec 10:00 (Rome) the
     * client asks, 11:00 the freelancer answers, Tuesday 2 Dec 10:00 the freelancer asks something back in the same
     * thread and the client never writes again. Truth: 5 business days after Tuesday 10:00 Rome is Tuesday 9 Dec 10:00
     * Rome (09:00Z, CET); one GHOSTING dated then, judged the 30-minute message lateness later.
     */
    @Test
    void theFreelancersNextMessageInTheThreadIsAwaited() {
        Run run = new Run(Instant.parse("2025-12-01T09:00:00Z"), rome());
        run.reply("pdf", Instant.parse("2025-12-01T09:00:00Z"));
        run.wallTo(Instant.parse("2025-12-01T10:00:00Z"));
        run.send("pdf", Instant.parse("2025-12-01T10:00:00Z"));   // the answer: no clock
        run.wallTo(Instant.parse("2025-12-02T09:00:00Z"));
        run.send("pdf", Instant.parse("2025-12-02T09:00:00Z"));   // a question back: awaited
        Instant deadline = Instant.parse("2025-12-09T09:00:00Z");
        run.wallTo(deadline.plus(Duration.ofMinutes(20)));
        assertThat(run.ghosting()).as("within the message lateness").isEmpty();
        run.wallTo(Instant.parse("2025-12-12T12:00:00Z"));
        List<PaymentAlert> alerts = run.ghosting();
        assertThat(alerts).extracting(PaymentAlert::getType).containsExactly(AlertType.GHOSTING);
        assertThat(alerts.get(0).getOccurredAt()).isEqualTo(deadline);
    }

    /**
     * The follow-up GHOSTING waits for the 30-minute message lateness, as the threshold one does. Monday 1 Dec 10:00
     * (Rome) the freelancer writes; Tuesday 10:00 follows up (counted: 1 business day later); the client answers
     * Wednesday 3 Dec at 09:55, its server delays the mail, and it reaches the mailbox at 10:05, after the freelancer's
     * second follow-up at 10:00. Truth in event-time order: the client wrote at 09:55, before the second follow-up, so
     * there never were 2 unanswered follow-ups: no GHOSTING and no RESPONSIVE_AGAIN.
     */
    @Test
    void aReplyDeliveredMinutesLateStopsTheFollowUpGhostingToo() {
        Run run = new Run(Instant.parse("2025-12-01T09:00:00Z"), rome());
        run.send("f", Instant.parse("2025-12-01T09:00:00Z"));
        run.wallTo(Instant.parse("2025-12-02T09:00:00Z"));
        run.send("f", Instant.parse("2025-12-02T09:00:00Z"));
        run.wallTo(Instant.parse("2025-12-03T09:00:00Z"));
        run.send("f", Instant.parse("2025-12-03T09:00:00Z"));
        run.wallTo(Instant.parse("2025-12-03T09:05:00Z"));
        run.reply("f", Instant.parse("2025-12-03T08:55:00Z"));
        run.wallTo(Instant.parse("2025-12-12T12:00:00Z"));
        // Before the fix: [GHOSTING (UNANSWERED_FOLLOW_UPS), RESPONSIVE_AGAIN], both dated 10:00.
        assertThat(run.ghosting()).isEmpty();
    }
}
