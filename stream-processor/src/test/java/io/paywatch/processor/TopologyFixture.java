package io.paywatch.processor;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.paywatch.contract.AlertType;
import io.paywatch.contract.ClientProfile;
import io.paywatch.contract.DeadLetter;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.InvoiceRisk;
import io.paywatch.contract.MessageEvent;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.processor.ops.ProcessorMetrics;
import io.paywatch.processor.payments.ApplyProbe;
import io.paywatch.schemas.AlertFacts;
import io.paywatch.schemas.ClientKey;
import io.paywatch.schemas.Topics;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Properties;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The production topology ({@link PaywatchTopology#buildTopology}) in a TopologyTestDriver with pinned wall-clock
 * time, the production streams settings and a private state directory. Shared by the processor's tests.
 */
public final class TopologyFixture implements AutoCloseable {

    /**
     * Alert types whose facts are checked against {@link AlertFacts#REQUIRED} on every read of {@link #alerts}:
     * the payment alerts this module's payment rules raise (the responsiveness alerts are checked by their tests).
     */
    public static final Set<AlertType> CHECKED_TYPES = EnumSet.of(AlertType.INVOICE_OVERDUE,
            AlertType.INVOICE_AT_RISK, AlertType.PAYMENT_DRIFT, AlertType.RECOVERED, AlertType.OVERDUE_CORRECTED);

    /** The tenant of the clock events {@link #tick} sends: its own tenant, so no test's clients see them. */
    public static final String CLOCK_TENANT = "clock-tenant";

    /** A wall clock far after every event the replay tests send: every record is history being caught up. */
    public static final Instant REPLAY_WALL = Instant.parse("2030-01-01T00:00:00Z");

    /** Pinned initial wall-clock time. */
    public static final Instant WALL_START = Instant.parse("2026-06-01T08:00:00Z");

    public final TopologyTestDriver driver;
    public final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    public final TestInputTopic<String, InvoiceEvent> invoices;
    public final TestInputTopic<String, MessageEvent> messages;
    public final TestInputTopic<String, FreelancerSettings> settings;
    public final TestInputTopic<String, byte[]> rawInvoices;
    public final TestOutputTopic<String, ClientProfile> profiles;
    public final TestOutputTopic<String, PaymentAlert> alerts;
    public final TestOutputTopic<String, InvoiceRisk> risks;
    public final TestOutputTopic<String, DeadLetter> deadLetters;
    private final Path stateDir;
    private final TopologyOptions options;

    public TopologyFixture() {
        this(TopologyOptions.defaults(), WALL_START);
    }

    public TopologyFixture(TopologyOptions options, Instant wallStart) {
        this(options, wallStart, ApplyProbe.NONE);
    }

    /** A fixture whose client processor tells {@code probe} half-way through each event (fault injection). */
    public TopologyFixture(TopologyOptions options, Instant wallStart, ApplyProbe probe) {
        this(options, wallStart, probe, new Properties());
    }

    /** A fixture with streams settings {@code overrides} on top of the production ones. */
    public TopologyFixture(TopologyOptions options, Instant wallStart, ApplyProbe probe, Properties overrides) {
        this.options = options;
        try {
            stateDir = Files.createTempDirectory("paywatch-ttd-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StreamsBuilder builder = new StreamsBuilder();
        PaywatchTopology.buildTopology(builder, options, probe);
        Properties props = StreamsDefaults.properties();
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "ttd:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(ProcessorMetrics.CONFIG_KEY, new ProcessorMetrics(registry));
        props.putAll(overrides);
        driver = new TopologyTestDriver(builder.build(props), props, wallStart);
        StringSerializer keys = new StringSerializer();
        StringDeserializer keyReader = new StringDeserializer();
        invoices = driver.createInputTopic(Topics.INVOICE_EVENTS.name(), keys,
                Topics.INVOICE_EVENTS.valueSerde().serializer());
        messages = driver.createInputTopic(Topics.MESSAGE_EVENTS.name(), keys,
                Topics.MESSAGE_EVENTS.valueSerde().serializer());
        settings = driver.createInputTopic(Topics.FREELANCER_SETTINGS.name(), keys,
                Topics.FREELANCER_SETTINGS.valueSerde().serializer());
        rawInvoices = driver.createInputTopic(Topics.INVOICE_EVENTS.name(), keys, new ByteArraySerializer());
        profiles = driver.createOutputTopic(Topics.CLIENT_PROFILES.name(), keyReader,
                Topics.CLIENT_PROFILES.valueSerde().deserializer());
        alerts = driver.createOutputTopic(Topics.PAYMENT_ALERTS.name(), keyReader,
                requiringFacts(Topics.PAYMENT_ALERTS.valueSerde().deserializer()));
        risks = driver.createOutputTopic(Topics.INVOICE_RISK.name(), keyReader,
                Topics.INVOICE_RISK.valueSerde().deserializer());
        deadLetters = driver.createOutputTopic(Topics.DEAD_LETTERS.name(), keyReader,
                Topics.DEAD_LETTERS.valueSerde().deserializer());
    }

    /**
     * Every alert a test reads goes through this check, so no test can pass on an alert that lacks a key the
     * alert-service relies on.
     */
    private static Deserializer<PaymentAlert> requiringFacts(Deserializer<PaymentAlert> inner) {
        return (topic, bytes) -> {
            PaymentAlert alert = inner.deserialize(topic, bytes);
            if (alert != null && CHECKED_TYPES.contains(alert.getType())) {
                assertCarriesRequiredFacts(alert);
            }
            return alert;
        };
    }

    /** Fails unless {@code alert} carries every key {@link AlertFacts#REQUIRED} lists for its type, none blank. */
    public static void assertCarriesRequiredFacts(PaymentAlert alert) {
        Set<String> required = AlertFacts.REQUIRED.get(alert.getType());
        assertThat(alert.getFacts())
                .as("facts of %s %s", alert.getType(), alert.getAlertId())
                .containsKeys(required.toArray(String[]::new));
        required.forEach(key -> assertThat(alert.getFacts().get(key))
                .as("fact %s of %s", key, alert.getType()).isNotBlank());
    }

    /** Pipes an invoice event keyed by its tenant|client, with the ingest timestamp = the wall clock. */
    public void pipe(String tenant, String client, InvoiceEvent event) {
        invoices.pipeInput(ClientKey.of(tenant, client), event);
    }

    /**
     * Moves event time on to {@code at} without touching any test client: a void of a never-issued invoice of
     * {@link #CLOCK_TENANT}. The watermark (newest event time minus the allowed lateness) follows.
     */
    public void tick(Instant at) {
        pipe(CLOCK_TENANT, "clock", Events.voided(CLOCK_TENANT, "clock", "tick-" + at.toEpochMilli(), at));
    }

    /** Ticks to {@code at} plus the allowed lateness, so everything dated at or before {@code at} is judged. */
    public void passLateness(Instant at) {
        tick(at.plus(options.allowedLateness()));
    }

    /** A fixture whose wall clock ({@link #REPLAY_WALL}) is after every event: the input is history. */
    public static TopologyFixture replay() {
        return new TopologyFixture(TopologyOptions.defaults(), REPLAY_WALL);
    }

    public TopologyOptions options() {
        return options;
    }

    public void pipeSettings(FreelancerSettings s) {
        settings.pipeInput(s.getTenantId(), s);
    }

    public void advanceWallClock(Duration d) {
        driver.advanceWallClockTime(d);
    }

    /**
     * Lets the profile punctuator run (the wall clock moves on by one profile interval), so every client changed
     * since the last emission has its latest profile on client-profiles and in the profile store. Profiles are
     * emitted at most once per interval; alerts and risk never wait for this.
     */
    public void flushProfiles() {
        driver.advanceWallClockTime(options.profileEmitInterval());
    }

    /** The latest profile of a client in the queryable profile store, after {@link #flushProfiles()}. */
    public ClientProfile storedProfile(String tenant, String client) {
        flushProfiles();
        KeyValueStore<String, ClientProfile> store = driver.getKeyValueStore(ProcessorStores.CLIENT_PROFILES);
        return store.get(ClientKey.of(tenant, client));
    }

    @Override
    public void close() {
        driver.close();
        try (var files = Files.walk(stateDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temp dir
        }
    }
}
