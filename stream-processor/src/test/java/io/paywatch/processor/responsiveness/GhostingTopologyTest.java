package io.paywatch.processor.responsiveness;

import io.paywatch.contract.AlertOptIns;
import io.paywatch.contract.AlertType;
import io.paywatch.contract.ClientProfile;
import io.paywatch.contract.ClientType;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.InvoiceIssued;
import io.paywatch.contract.MessageEvent;
import io.paywatch.contract.Money;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.contract.Severity;
import io.paywatch.processor.PaywatchTopology;
import io.paywatch.processor.StreamsDefaults;
import io.paywatch.processor.TopologyOptions;
import io.paywatch.schemas.AlertFacts;
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
import java.util.Set;

import static io.paywatch.processor.responsiveness.TrackerHarness.received;
import static io.paywatch.processor.responsiveness.TrackerHarness.sent;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ghosting rules through the REAL topology ({@link PaywatchTopology#buildTopology(StreamsBuilder)}) with the
 * production streams settings, in a TopologyTestDriver with pinned time. 2025-03-05 is a Wednesday; the tenant
 * is in Europe/Rome with the default thresholds (5 business days, 2 follow-ups).
 */
class GhostingTopologyTest {

    private static final String T = "t-rome";
    private static final String C = "ghost";
    private static final String KEY = ClientKey.of(T, C);
    private static final Instant SENT = Instant.parse("2025-03-05T09:00:00Z"); // 10:00 in Rome
    private static final Instant DEADLINE = Instant.parse("2025-03-12T09:00:00Z");
    private static final Instant REPLAY_WALL = Instant.parse("2030-01-01T00:00:00Z");
    private static final Set<AlertType> RESPONSIVENESS = Set.of(AlertType.GHOSTING, AlertType.RESPONSIVE_AGAIN,
            AlertType.AFTER_HOURS_CONTACT);

    @TempDir
    Path stateDir;

    private final List<TopologyTestDriver> drivers = new ArrayList<>();

    /** One running topology. */
    private final class Run {
        final TopologyTestDriver driver;
        final TestInputTopic<String, MessageEvent> messages;
        final TestInputTopic<String, InvoiceEvent> invoices;
        final TestOutputTopic<String, PaymentAlert> alerts;
        final TestOutputTopic<String, ClientProfile> profiles;
        /** A replay (wall clock far after the events): message events wait until the catch-up ends. */
        final boolean replay;
        Instant wall;

        Run(Instant wallClock, FreelancerSettings settings) {
            replay = wallClock.equals(REPLAY_WALL);
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
            invoices = driver.createInputTopic(Topics.INVOICE_EVENTS.name(), new StringSerializer(),
                    Topics.INVOICE_EVENTS.valueSerde().serializer());
            alerts = driver.createOutputTopic(Topics.PAYMENT_ALERTS.name(), new StringDeserializer(),
                    Topics.PAYMENT_ALERTS.valueSerde().deserializer());
            profiles = driver.createOutputTopic(Topics.CLIENT_PROFILES.name(), new StringDeserializer(),
                    Topics.CLIENT_PROFILES.valueSerde().deserializer());
            driver.createInputTopic(Topics.FREELANCER_SETTINGS.name(), new StringSerializer(),
                    Topics.FREELANCER_SETTINGS.valueSerde().serializer()).pipeInput(T, settings, Instant.EPOCH);
        }

        void pipe(MessageEvent event, Instant at) {
            messages.pipeInput(KEY, event, at);
        }

        void send(String thread, Instant at) {
            pipe(sent(T, C, thread, at.toString(), true), at);
        }

        void reply(String thread, Instant at) {
            pipe(received(T, C, thread, at.toString()), at);
        }

        /** Live: moves the wall clock on to {@code t} (the next event is not behind it). */
        void wallTo(Instant t) {
            if (t.isAfter(wall)) {
                driver.advanceWallClockTime(Duration.between(wall, t));
                wall = t;
            }
        }

        /**
         * The responsiveness alerts raised so far. In a replay the catch-up's message events are held until it has
         * been quiet for replay-idle, then applied in event-time order: the wall clock moves on by that much first.
         */
        List<PaymentAlert> responsivenessAlerts() {
            if (replay) {
                driver.advanceWallClockTime(TopologyOptions.defaults().replayIdle().plusSeconds(30));
            }
            return TrackerHarness.withRequiredFacts(alerts.readValuesToList().stream()
                    .filter(a -> RESPONSIVENESS.contains(a.getType())).toList());
        }

        /** The client's latest profile, after the profile interval has passed (profiles are emitted once per interval). */
        ClientProfile lastProfile() {
            driver.advanceWallClockTime(TopologyOptions.PROFILE_EMIT_INTERVAL);
            List<ClientProfile> all = profiles.readValuesToList().stream()
                    .filter(p -> p.getClientId().equals(C)).toList();
            assertThat(all).isNotEmpty();
            return all.get(all.size() - 1);
        }
    }

    private static FreelancerSettings rome() {
        return TestSettings.defaults(T).setTimezone("Europe/Rome").build();
    }

    @AfterEach
    void close() {
        drivers.forEach(TopologyTestDriver::close);
    }

    @Test
    void aReplyOnBusinessDayFourRaisesNothing() {
        Run run = new Run(SENT, rome());
        run.send("th-1", SENT);
        run.reply("th-1", Instant.parse("2025-03-11T09:00:00Z")); // Tuesday: 4 business days, 6 calendar days
        run.driver.advanceWallClockTime(Duration.ofDays(10));

        assertThat(run.responsivenessAlerts()).isEmpty();
        ClientProfile profile = run.lastProfile();
        assertThat(profile.getResponsiveness().getRepliesInWindow()).isEqualTo(1);
        assertThat(profile.getResponsiveness().getMedianReplyBusinessHours()).isEqualTo(36.0);
        assertThat(profile.getResponsiveness().getGhosting()).isFalse();
    }

    @Test
    void aReplyOnBusinessDaySixRaisesGhostingThenResponsiveAgain() {
        Run run = new Run(REPLAY_WALL, rome());
        run.send("th-1", SENT);
        run.reply("th-1", Instant.parse("2025-03-13T09:00:00Z")); // Thursday of the next week: business day 6

        List<PaymentAlert> raised = run.responsivenessAlerts();
        assertThat(raised).extracting(PaymentAlert::getType)
                .containsExactly(AlertType.GHOSTING, AlertType.RESPONSIVE_AGAIN);
        assertThat(raised.get(0).getAlertId()).isEqualTo(T + "|" + C + "|GHOSTING|thread|th-1|" + SENT.toEpochMilli());
        assertThat(raised.get(0).getOccurredAt()).isEqualTo(DEADLINE);
        assertThat(raised.get(0).getSeverity()).isEqualTo(Severity.WARNING);
        assertThat(raised.get(0).getFacts())
                .containsKeys(AlertFacts.REQUIRED.get(AlertType.GHOSTING).toArray(String[]::new))
                .containsEntry(AlertFacts.BUSINESS_DAYS_SILENT, "5").containsEntry(AlertFacts.TIMEZONE, "Europe/Rome");
        // 10:00 Rome Wednesday to 10:00 Rome Thursday of the next week: 8 + 5 x 9 + 1 = 54 business hours.
        assertThat(raised.get(1).getFacts())
                .containsKeys(AlertFacts.REQUIRED.get(AlertType.RESPONSIVE_AGAIN).toArray(String[]::new))
                .containsEntry(AlertFacts.BUSINESS_DAYS_SILENT, "6")
                .containsEntry(AlertFacts.REPLY_LATENCY_HOURS, "54.0");
        assertThat(raised.get(1).getAlertId())
                .isEqualTo(T + "|" + C + "|RESPONSIVE_AGAIN|thread|th-1|" + SENT.toEpochMilli());
        ClientProfile profile = run.lastProfile();
        assertThat(profile.getResponsiveness().getGhosting()).isFalse();
        assertThat(profile.getResponsiveness().getGhostingTimeline()).hasSize(1);
    }

    @Test
    void twoUnansweredFollowUpsRaiseGhostingAndMakeAGhost() {
        // Live: the wall clock follows the messages (in a replay, the wall clock of 2030 would also pass th-1's
        // 5-day deadline once the catch-up ends).
        Run run = new Run(Instant.parse("2025-03-03T09:00:00Z"), rome());
        run.send("th-1", Instant.parse("2025-03-03T09:00:00Z"));
        run.wallTo(Instant.parse("2025-03-04T09:00:00Z"));
        run.send("th-1", Instant.parse("2025-03-04T09:00:00Z"));
        assertThat(run.responsivenessAlerts()).isEmpty();
        run.wallTo(Instant.parse("2025-03-05T09:00:00Z"));
        run.send("th-1", Instant.parse("2025-03-05T09:00:00Z"));
        run.wallTo(Instant.parse("2025-03-05T09:00:00Z").plus(TopologyOptions.MESSAGE_LATENESS).plusSeconds(60));

        assertThat(run.responsivenessAlerts()).singleElement().satisfies(a -> {
            assertThat(a.getType()).isEqualTo(AlertType.GHOSTING);
            assertThat(a.getFacts()).containsKeys(AlertFacts.REQUIRED.get(a.getType()).toArray(String[]::new))
                    .containsEntry(ResponsivenessTracker.FACT_REASON, ResponsivenessTracker.REASON_FOLLOW_UPS)
                    .containsEntry(AlertFacts.UNANSWERED_FOLLOW_UPS, "2");
        });
        ClientProfile profile = run.lastProfile();
        assertThat(profile.getResponsiveness().getConsecutiveUnansweredFollowUps()).isEqualTo(2);
        assertThat(profile.getClassification().getType()).isEqualTo(ClientType.GHOST);
        assertThat(profile.getClassification().getFactors()).anyMatch(f -> f.getName().equals("ghosting"));
    }

    @Test
    void ghostingMeetingAnOverdueInvoiceIsCritical() {
        Run run = new Run(SENT, rome());
        run.invoices.pipeInput(KEY, InvoiceEvent.newBuilder().setPayload(InvoiceIssued.newBuilder()
                .setEventId("inv-1").setTenantId(T).setClientId(C).setInvoiceId("INV-1")
                .setIssuedAt(Instant.parse("2025-01-01T09:00:00Z")).setDueAt(Instant.parse("2025-01-31T09:00:00Z"))
                .setPaymentTermsDays(30).setAmount(new Money(120_000L, "EUR")).build()).build(),
                Instant.parse("2025-01-01T09:00:00Z"));
        run.send("th-1", SENT);
        run.driver.advanceWallClockTime(Duration.ofDays(8));

        assertThat(run.responsivenessAlerts()).singleElement().satisfies(a -> {
            assertThat(a.getType()).isEqualTo(AlertType.GHOSTING);
            assertThat(a.getSeverity()).isEqualTo(Severity.CRITICAL);
            assertThat(a.getFacts()).containsKeys(AlertFacts.REQUIRED.get(a.getType()).toArray(String[]::new))
                    .containsEntry(AlertFacts.OVERDUE_INVOICE, "true");
            // The invoice carried no client name, and none was ever seen: the id is the only name there is.
            assertThat(a.getClientName()).isEqualTo(C);
        });
    }

    @Test
    void responsivenessAlertsNameTheClientAsItsLatestNamedInvoiceDid() {
        Run run = new Run(REPLAY_WALL, rome());
        run.invoices.pipeInput(KEY, named("inv-a", "Hooli", "2025-01-02T09:00:00Z"), Instant.parse("2025-01-02T09:00:00Z"));
        run.invoices.pipeInput(KEY, named("inv-b", "Hooli XYZ Ltd", "2025-02-03T09:00:00Z"),
                Instant.parse("2025-02-03T09:00:00Z"));
        // A later invoice from a tool that does not know the name does not erase it.
        run.invoices.pipeInput(KEY, named("inv-c", null, "2025-02-10T09:00:00Z"), Instant.parse("2025-02-10T09:00:00Z"));
        run.send("th-1", SENT);
        run.reply("th-1", Instant.parse("2025-03-13T09:00:00Z"));

        List<PaymentAlert> raised = run.responsivenessAlerts();
        assertThat(raised).extracting(PaymentAlert::getType)
                .containsExactly(AlertType.GHOSTING, AlertType.RESPONSIVE_AGAIN);
        assertThat(raised).extracting(PaymentAlert::getClientName).containsOnly("Hooli XYZ Ltd");
        assertThat(raised).extracting(PaymentAlert::getClientId).containsOnly(C);
        // The summaries name it too, not by its id. Truth: inv-a (issued 2 Jan, 60-day terms) was due 3 Mar and is
        // unpaid when the 5 business days of silence end on 12 Mar; the reply on 13 Mar is business day 6.
        assertThat(raised).extracting(PaymentAlert::getSummary).containsExactly(
                "Client Hooli XYZ Ltd has not answered for 5 business days (thread th-1) while an invoice is overdue.",
                "Client Hooli XYZ Ltd replied again after 6 business days of silence.");
    }

    @Test
    void aFollowUpGhostingSummaryNamesTheClientByItsName() {
        Run run = new Run(REPLAY_WALL, rome());
        run.invoices.pipeInput(KEY, named("inv-a", "Lumière SARL", "2025-02-28T09:00:00Z"),
                Instant.parse("2025-02-28T09:00:00Z"));
        run.send("th-1", Instant.parse("2025-03-03T09:00:00Z"));
        run.send("th-1", Instant.parse("2025-03-04T09:00:00Z"));
        run.send("th-1", Instant.parse("2025-03-05T09:00:00Z"));

        assertThat(run.responsivenessAlerts()).singleElement().satisfies(a -> {
            assertThat(a.getType()).isEqualTo(AlertType.GHOSTING);
            assertThat(a.getClientName()).isEqualTo("Lumière SARL");
            assertThat(a.getSummary()).startsWith("Client Lumière SARL left 2 follow-ups unanswered (first message in "
                    + "thread th-1, ").doesNotContain("Client " + C);
        });
    }

    private static InvoiceEvent named(String invoiceId, String clientName, String issuedAt) {
        Instant issued = Instant.parse(issuedAt);
        return InvoiceEvent.newBuilder().setPayload(InvoiceIssued.newBuilder()
                .setEventId("issued-" + invoiceId).setTenantId(T).setClientId(C).setClientName(clientName)
                .setInvoiceId(invoiceId).setIssuedAt(issued).setDueAt(issued.plus(Duration.ofDays(60)))
                .setPaymentTermsDays(60).setAmount(new Money(50_000L, "EUR")).build()).build();
    }

    @Test
    void wallClockAndReplayRaiseTheSameAlertIds() {
        Run live = new Run(SENT, rome());
        live.send("th-1", SENT);
        live.driver.advanceWallClockTime(Duration.ofDays(7).minusMinutes(1));
        assertThat(live.responsivenessAlerts()).as("not before the deadline").isEmpty();
        live.driver.advanceWallClockTime(Duration.ofMinutes(2));
        assertThat(live.responsivenessAlerts()).as("not within the message lateness after the deadline").isEmpty();
        live.driver.advanceWallClockTime(TopologyOptions.MESSAGE_LATENESS);
        List<PaymentAlert> liveAlerts = new ArrayList<>(live.responsivenessAlerts());
        assertThat(liveAlerts).as("silence noticed with no event").extracting(PaymentAlert::getType)
                .containsExactly(AlertType.GHOSTING);
        Instant reply = Instant.parse("2025-03-13T09:00:00Z");
        live.driver.advanceWallClockTime(Duration.between(DEADLINE.plusSeconds(60).plus(TopologyOptions.MESSAGE_LATENESS),
                reply));
        live.reply("th-1", reply);
        liveAlerts.addAll(live.responsivenessAlerts());

        Run replay = new Run(REPLAY_WALL, rome());
        replay.send("th-1", SENT);
        replay.reply("th-1", reply);
        List<PaymentAlert> replayAlerts = replay.responsivenessAlerts();

        assertThat(liveAlerts).hasSize(2);
        assertThat(replayAlerts).extracting(PaymentAlert::getAlertId)
                .containsExactlyElementsOf(liveAlerts.stream().map(PaymentAlert::getAlertId).toList());
        assertThat(replayAlerts).extracting(PaymentAlert::getOccurredAt)
                .containsExactlyElementsOf(liveAlerts.stream().map(PaymentAlert::getOccurredAt).toList());
    }

    @Test
    void ghostingAlertsRespectTheOptOut() {
        Run run = new Run(REPLAY_WALL, TestSettings.defaults(T).setTimezone("Europe/Rome")
                .setAlertOptIns(AlertOptIns.newBuilder().setGhosting(false).build()).build());
        run.send("th-1", SENT);
        run.reply("th-1", Instant.parse("2025-03-13T09:00:00Z"));
        assertThat(run.responsivenessAlerts()).isEmpty();
        assertThat(run.lastProfile().getResponsiveness().getGhostingTimeline()).hasSize(1);
    }
}
