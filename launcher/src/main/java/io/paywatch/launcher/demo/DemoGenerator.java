package io.paywatch.launcher.demo;

import io.paywatch.contract.Channel;
import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.InvoiceIssued;
import io.paywatch.contract.MessageEvent;
import io.paywatch.contract.MessageReceived;
import io.paywatch.contract.MessageSent;
import io.paywatch.contract.Money;
import io.paywatch.contract.PaymentReceived;
import io.paywatch.contract.SourceSystem;
import io.paywatch.launcher.demo.DemoScenario.DemoClient;
import io.paywatch.launcher.demo.DemoScenario.DemoRecord;
import io.paywatch.launcher.demo.DemoScenario.DemoTenant;
import io.paywatch.launcher.demo.DemoScenario.OpenInvoice;
import io.paywatch.launcher.demo.DemoScenario.Persona;
import io.paywatch.schemas.AvroSerde;
import io.paywatch.schemas.ClientKey;
import io.paywatch.schemas.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes the demo: first the generated year, compressed into {@code replay} of wall time, then live
 * activity every few seconds (messages, replies, new invoices, late payments), until closed.
 *
 * <p>It writes straight to the input topics with the contract serdes, as the invoice-producer does after
 * validation: the same keys ({@code tenant|client}), the same Avro encoding and an idempotent producer with
 * {@code acks=all}. The year is replayed once per data directory; later runs go straight to live activity.
 */
public final class DemoGenerator implements AutoCloseable {

    private static final long SEED = 20_240_917L;

    private final KafkaProducer<String, byte[]> producer;
    private final Path stateFile;
    private final Duration replay;
    private final Duration liveInterval;
    private final Clock clock;
    private final PrintStream out;
    private final AtomicLong published = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    public DemoGenerator(String bootstrapServers, Path home, Duration replay, Duration liveInterval, Clock clock,
            PrintStream out) {
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 10,
                ProducerConfig.CLIENT_ID_CONFIG, "paywatch-demo-generator"),
                new StringSerializer(), new ByteArraySerializer());
        this.stateFile = home.resolve("demo.properties");
        this.replay = replay;
        this.liveInterval = liveInterval;
        this.clock = clock;
        this.out = out;
        this.thread = new Thread(this::run, "demo-generator");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Records published so far. */
    public long published() {
        return published.get();
    }

    private void run() {
        try {
            Instant anchor = loadAnchor();
            boolean replayed = anchor != null;
            if (anchor == null) {
                anchor = clock.instant();
            }
            DemoScenario scenario = new DemoScenario(anchor, SEED);
            if (!replayed) {
                out.printf("demo: replaying a year (%s to %s): %s records in about %d s%n",
                        scenario.start().toString().substring(0, 10), anchor.toString().substring(0, 10),
                        scenario.records().size(), replay.toSeconds());
                replay(scenario);
                saveAnchor(anchor);
                out.printf("demo: year replayed (%d records); now live, one event every %d ms%n",
                        published.get(), liveInterval.toMillis());
            } else {
                out.println("demo: the year was replayed on an earlier run (" + stateFile + "); going live");
            }
            live(scenario);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (running) {
                out.println("demo: stopped on error: " + e);
            }
        }
    }

    /** Publishes the year, spreading event time evenly over the replay duration. */
    private void replay(DemoScenario scenario) throws InterruptedException {
        long span = Duration.between(scenario.start(), scenario.anchor()).toMillis();
        long began = System.nanoTime();
        for (DemoRecord r : scenario.records()) {
            if (!running) {
                return;
            }
            long due = Math.max(0, Duration.between(scenario.start(), r.eventTime()).toMillis()) * replay.toMillis()
                    / span;
            long wait = due - (System.nanoTime() - began) / 1_000_000;
            if (wait > 5) {
                producer.flush();
                Thread.sleep(wait);
            }
            send(r.topic(), r.key(), r.value());
        }
        producer.flush();
    }

    /** Live activity with event time "now": the same personas, at human speed compressed to seconds. */
    private void live(DemoScenario scenario) throws InterruptedException {
        Deque<OpenInvoice> payable = new ArrayDeque<>();
        scenario.openAtAnchor().stream().filter(o -> o.client().persona() != Persona.GHOST).forEach(payable::add);
        long tick = 0;
        String run = UUID.randomUUID().toString().substring(0, 8);
        while (running) {
            tick++;
            Instant now = clock.instant();
            for (DemoTenant tenant : DemoScenario.TENANTS) {
                for (DemoClient client : tenant.clients()) {
                    liveStep(tenant, client, tick, now, run);
                }
            }
            if (tick % 5 == 0 && !payable.isEmpty()) {
                OpenInvoice o = payable.poll();
                // Deterministic id: paying the same invoice again on a later run is a duplicate, not money.
                send(Topics.INVOICE_EVENTS.name(), ClientKey.of(o.tenantId(), o.client().id()),
                        new InvoiceEvent(PaymentReceived.newBuilder().setEventId("demo-live-paid-" + o.invoiceId())
                                .setTenantId(o.tenantId()).setClientId(o.client().id()).setInvoiceId(o.invoiceId())
                                .setPaidAt(now).setAmount(o.amount()).setSource(SourceSystem.DEMO).build()));
            }
            producer.flush();
            Thread.sleep(liveInterval.toMillis());
        }
    }

    private void liveStep(DemoTenant tenant, DemoClient client, long tick, Instant now, String run) {
        String key = ClientKey.of(tenant.id(), client.id());
        String threadId = "L-" + run + "-" + client.id() + "-" + tick;
        boolean working = DemoScenario.isWorkingTime(now, java.time.ZoneId.of(tenant.timezone()));
        switch (client.persona()) {
            case MICROMANAGER -> {
                if (tick % 5 == 0) {
                    send(Topics.MESSAGE_EVENTS.name(), key, new MessageEvent(MessageReceived.newBuilder()
                    .setEventId("demo-live-" + run + "-" + client.id() + "-" + tick).setTenantId(tenant.id())
                    .setClientId(client.id()).setReceivedAt(now).setChannel(Channel.CHAT)
                    .setSource(SourceSystem.DEMO).build()));
                }
            }
            case IDEAL, SLOW_DRIFTER, GHOST -> {
                // About one exchange a minute per client, and only in working hours: live traffic at night
                // would make every client look like one who writes after hours.
                if (tick % 15 != 0 || !working) {
                    return;
                }
                send(Topics.MESSAGE_EVENTS.name(), key, new MessageEvent(MessageSent.newBuilder()
                        .setEventId("demo-live-" + run + "-sent-" + client.id() + "-" + tick).setTenantId(tenant.id())
                        .setClientId(client.id()).setThreadId(threadId).setSentAt(now).setChannel(Channel.EMAIL)
                        .setExpectsReply(true).setSource(SourceSystem.DEMO).build()));
                if (client.persona() != Persona.GHOST) {
                    send(Topics.MESSAGE_EVENTS.name(), key, new MessageEvent(MessageReceived.newBuilder()
                            .setEventId("demo-live-" + run + "-recv-" + client.id() + "-" + tick)
                            .setTenantId(tenant.id()).setClientId(client.id()).setThreadId(threadId)
                            .setReceivedAt(now.plusSeconds(1)).setChannel(Channel.EMAIL)
                            .setSource(SourceSystem.DEMO).build()));
                }
                if (client.persona() == Persona.IDEAL && tick % 45 == 0) {
                    long n = tick / 45;
                    send(Topics.INVOICE_EVENTS.name(), key, new InvoiceEvent(InvoiceIssued.newBuilder()
                            .setEventId("demo-live-" + run + "-issued-" + client.id() + "-" + n)
                            .setTenantId(tenant.id()).setClientId(client.id()).setClientName(client.name())
                            .setInvoiceId("INV-" + client.id().toUpperCase(java.util.Locale.ROOT) + "-L" + run + "-" + n)
                            .setIssuedAt(now).setDueAt(now.plus(Duration.ofDays(30))).setPaymentTermsDays(30)
                            .setAmount(new Money(client.amountMinor(), client.currency()))
                            .setSource(SourceSystem.DEMO).build()));
                }
            }
            default -> {
            }
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void send(String topic, String key, Object value) {
        AvroSerde serde = (AvroSerde) Topics.ALL.stream().filter(t -> t.name().equals(topic)).findFirst()
                .orElseThrow().valueSerde();
        producer.send(new ProducerRecord<>(topic, key, serde.encode((org.apache.avro.specific.SpecificRecord) value)),
                (meta, error) -> {
                    if (error != null && running) {
                        out.println("demo: could not publish to " + topic + ": " + error);
                    }
                });
        published.incrementAndGet();
    }

    private Instant loadAnchor() throws IOException {
        if (!Files.exists(stateFile)) {
            return null;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(stateFile)) {
            p.load(r);
        }
        String anchor = p.getProperty("anchor");
        return anchor == null ? null : Instant.parse(anchor);
    }

    private void saveAnchor(Instant anchor) throws IOException {
        Properties p = new Properties();
        p.setProperty("anchor", anchor.toString());
        p.setProperty("seed", Long.toString(SEED));
        try (Writer w = Files.newBufferedWriter(stateFile)) {
            p.store(w, "The demo year was replayed up to this anchor; delete this file to replay again.");
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }
}
