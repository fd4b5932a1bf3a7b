package io.paywatch.alerts.delivery;

import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.paywatch.alerts.security.KafkaClientSecurity;
import io.paywatch.alerts.email.MailSender;
import io.paywatch.alerts.settings.SettingsView;
import io.paywatch.alerts.templates.AlertEmailRenderer;
import io.paywatch.alerts.webhook.WebhookSender;
import io.paywatch.contract.DeadLetter;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.schemas.DeadLetterRecords;
import io.paywatch.schemas.Topics;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one thread that turns alerts into emails and webhook calls: the consumer loop. The channels do the
 * delivering ({@link EmailChannel}, {@link WebhookChannel}, {@link DigestSender}, {@link ParkedAlerts}), the
 * {@link DeliveryLog} remembers, {@link PartitionOwnership} says which parked alerts are this instance's.
 *
 * <p>Per poll batch: every alert is either delivered (SMTP accepted, then SENT written to the delivery log) or
 * durably parked in the log (RETRYING, DEFERRED_QUIET_HOURS, QUEUED_FOR_DIGEST, with the alert in a header),
 * or settled without email (OPTED_OUT, SUPPRESSED_COOLDOWN). Only then are the input offsets committed. An
 * alert whose alertId is already in the log is skipped, which makes replays and rebalances harmless. Between
 * polls the worker releases parked alerts whose time has come, sends due digests and expires settled log entries
 * older than the dedupe horizon.
 */
@Singleton
public class DeliveryWorker {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryWorker.class);
    /** Most settled log entries expired per round, so a large backlog is spread over rounds. */
    private static final int EXPIRY_BATCH = 500;
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SETTINGS_LOOKUP_TIMEOUT = Duration.ofSeconds(5);

    private final DeliveryConfiguration config;
    private final String bootstrapServers;
    /** security.protocol, sasl.*, ssl.* for every client below (README, Security). */
    private final Map<String, Object> kafkaSecurity;
    private final String applicationName;
    private final Clock clock;
    private final MailSender mail;
    private final WebhookSender webhooks;
    private final AlertEmailRenderer renderer;
    private final DeliveryMetrics metrics;
    private final DeliveryHooks hooks;
    private final Deserializer<PaymentAlert> alertSerde = Topics.PAYMENT_ALERTS.valueSerde().deserializer();

    private volatile boolean running;
    private volatile boolean alive;
    private volatile boolean ready;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    // Owned by the worker thread.
    private KafkaProducer<String, byte[]> producer;
    private SettingsView settings;
    private volatile DeliveryLog log;
    private volatile PartitionOwnership ownership;
    private EmailChannel email;
    private WebhookChannel webhook;
    private ParkedAlerts parked;
    private DigestSender digests;

    public DeliveryWorker(DeliveryConfiguration config, @Value("${kafka.bootstrap.servers}") String bootstrapServers,
            @Value("${micronaut.application.name:alert-service}") String applicationName, Clock clock,
            MailSender mail, WebhookSender webhooks, AlertEmailRenderer renderer, DeliveryMetrics metrics,
            DeliveryHooks hooks, KafkaClientSecurity kafkaSecurity) {
        this.config = config;
        this.kafkaSecurity = kafkaSecurity.settings();
        this.bootstrapServers = bootstrapServers;
        this.applicationName = applicationName;
        this.clock = clock;
        this.mail = mail;
        this.webhooks = webhooks;
        this.renderer = renderer;
        this.metrics = metrics;
        this.hooks = hooks;
        metrics.trackDeliveryLog(this);
    }

    /** Starts the worker once the application is up (topics exist by then). */
    @EventListener
    public synchronized void onStartup(StartupEvent event) {
        if (thread != null) {
            return;
        }
        running = true;
        alive = true;
        thread = new Thread(this::run, "alert-delivery");
        thread.start();
    }

    /** True while the worker thread runs; /health reports it. */
    public boolean alive() {
        return alive;
    }

    /** True once the delivery log and settings were read to their end and the worker consumes alerts. */
    public boolean ready() {
        return ready;
    }

    /** Stops the worker after its current step; nothing uncommitted is lost, it is re-read on the next start. */
    @PreDestroy
    public void stop() throws InterruptedException {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        Thread t = thread;
        if (t != null) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    private void run() {
        String clientId = applicationName + "-" + ProcessHandle.current().pid() + "-" + System.identityHashCode(this);
        try {
            producer = createProducer(clientId);
            settings = new SettingsView(bootstrapServers, kafkaSecurity, clientId + "-settings", this::deadLetter);
            log = new DeliveryLog(bootstrapServers, kafkaSecurity, clientId + "-log", producer,
                    config.logWriteTimeout(), this::deadLetter);
            consumer = createConsumer(clientId);
            ownership = new PartitionOwnership(() -> consumer.assignment());
            DeliveryRecorder recorder = new DeliveryRecorder(log, clock, config);
            email = new EmailChannel(recorder, mail, renderer, metrics, hooks);
            webhook = new WebhookChannel(recorder, webhooks, metrics);
            parked = new ParkedAlerts(recorder, email, webhook);
            digests = new DigestSender(recorder, mail, renderer, metrics, hooks);
            settings.catchUp(CATCH_UP_TIMEOUT);
            log.catchUp(CATCH_UP_TIMEOUT);
            ownership.partitions(alertPartitionCount());
            consumer.subscribe(List.of(Topics.PAYMENT_ALERTS.name()), new CatchUpOnAssignment());
            LOG.info("Alert delivery started: {} delivery log keys, {} partitions of {}", log.size(),
                    alertPartitionCount(), Topics.PAYMENT_ALERTS.name());
            ready = true;
            while (running) {
                try {
                    round();
                } catch (WakeupException e) {
                    // stop() woke us up; the loop condition ends the thread
                } catch (RuntimeException e) {
                    LOG.error("Delivery round failed; re-reading from the last committed offsets", e);
                    rewind();
                    pause(config.pollTimeout());
                }
            }
        } catch (WakeupException e) {
            LOG.debug("Woken up during start-up");
        } catch (RuntimeException e) {
            LOG.error("Alert delivery worker stopped", e);
        } finally {
            ready = false;
            alive = false;
            closeQuietly(consumer);
            closeQuietly(log);
            closeQuietly(settings);
            if (producer != null) {
                producer.close(Duration.ofSeconds(5));
            }
        }
    }

    /** One poll, the alerts it brought, the offset commit, then parked alerts, digests and log expiry. */
    private void round() {
        ConsumerRecords<String, byte[]> records = consumer.poll(config.pollTimeout());
        settings.pollNow();
        log.pollNow();
        Map<TopicPartition, OffsetAndMetadata> commit = new LinkedHashMap<>();
        List<String> alertIds = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            String alertId = onArrival(record);
            if (alertId != null) {
                alertIds.add(alertId);
            }
            commit.put(new TopicPartition(record.topic(), record.partition()),
                    new OffsetAndMetadata(record.offset() + 1));
        }
        if (!commit.isEmpty()) {
            hooks.beforeOffsetCommit(alertIds);
            consumer.commitSync(commit);
        }
        parked.releaseDue(alert -> ownership.owns(alert.getTenantId(), alert.getClientId()), this::settingsFor);
        digests.sendDue(ownership::owns, this::settingsFor);
        expireLog();
    }

    private String onArrival(ConsumerRecord<String, byte[]> record) {
        PaymentAlert alert;
        try {
            alert = alertSerde.deserialize(record.topic(), record.value());
        } catch (SerializationException e) {
            deadLetter(record, "PaymentAlert could not be decoded", e);
            return null;
        }
        if (alert == null) {
            return null;
        }
        String alertId = alert.getAlertId();
        FreelancerSettings tenant = settingsFor(alert.getTenantId());
        if (log.get(alertId).isEmpty()) {
            email.deliver(alert, tenant, 0);
        } else {
            LOG.debug("Alert {} already in the delivery log ({}); skipped", alertId,
                    log.get(alertId).get().delivery().getStatus());
        }
        if (WebhookChannel.configured(tenant) && log.get(DeliveryLog.webhookKey(alertId)).isEmpty()) {
            webhook.deliver(alert, tenant, 0);
        }
        return alertId;
    }

    /**
     * Forgets settled log entries older than the dedupe horizon and tombstones the ones of owned partitions, a
     * bounded batch per round. The index makes a round with nothing to expire cost one comparison.
     */
    private void expireLog() {
        Instant cutoff = clock.instant().minus(config.effectiveDedupeHorizon());
        int expired = log.expire(cutoff, e -> ownership.owns(e.delivery().getTenantId(), e.delivery().getClientId()),
                EXPIRY_BATCH);
        if (expired > 0) {
            LOG.debug("Delivery log: {} entries older than {} expired, {} keys left", expired, cutoff, log.size());
        }
    }

    /** Number of keys in the in-memory delivery log (settled within the horizon, plus parked); 0 before start. */
    public int deliveryLogSize() {
        DeliveryLog l = log;
        return l == null ? 0 : l.size();
    }

    /** Number of parked deliveries in the delivery log; 0 before start. */
    public int parkedCount() {
        DeliveryLog l = log;
        return l == null ? 0 : l.parkedCount();
    }

    /** Number of cooldown marks held in memory; 0 before start. */
    public int cooldownMarks() {
        DeliveryLog l = log;
        return l == null ? 0 : l.cooldownMarks();
    }

    /** The payment-alerts partition this service attributes to an alert about {@code tenantId|clientId}. */
    public int partitionFor(String tenantId, String clientId) {
        return ownership.partitionFor(tenantId, clientId);
    }

    private int alertPartitionCount() {
        return consumer.partitionsFor(Topics.PAYMENT_ALERTS.name(), Duration.ofSeconds(30)).size();
    }

    private FreelancerSettings settingsFor(String tenantId) {
        FreelancerSettings tenant = settings.get(tenantId);
        if (tenant == null) {
            // Settings may have been published just before the alert; read to the end once before parking.
            settings.catchUp(SETTINGS_LOOKUP_TIMEOUT);
            tenant = settings.get(tenantId);
        }
        return tenant;
    }

    /**
     * Writes an undecodable input record (payment-alerts, freelancer-settings, alert-deliveries) to dead-letters
     * through the shared {@link DeadLetterRecords}, synchronously: a payment-alerts offset is committed past it only
     * once the dead letter is acknowledged.
     */
    private void deadLetter(ConsumerRecord<String, byte[]> record, String reason, Exception e) {
        metrics.deadLettered();
        LOG.error("Dead-lettering {}-{}@{}: {}: {}", record.topic(), record.partition(), record.offset(), reason,
                e.getMessage());
        DeadLetter letter = DeadLetterRecords.letter(record.topic(), record.partition(), record.offset(),
                record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8), record.value(),
                DeadLetterRecords.reason(reason, e), e, applicationName, clock.instant());
        String key = DeadLetterRecords.key(record.topic(), record.partition(), record.offset());
        ProducerRecord<byte[], byte[]> bytes = DeadLetterRecords.record(letter);
        try {
            producer.send(new ProducerRecord<>(bytes.topic(), key, bytes.value()))
                    .get(config.logWriteTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted dead-lettering", ie);
        } catch (ExecutionException | TimeoutException ex) {
            // Not committed past it: the record is read again rather than lost.
            throw new IllegalStateException("could not dead-letter " + key, ex);
        }
    }

    private void rewind() {
        Set<TopicPartition> assigned = consumer.assignment();
        if (assigned.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned);
        for (TopicPartition tp : assigned) {
            OffsetAndMetadata offset = committed.get(tp);
            if (offset == null) {
                consumer.seekToBeginning(List.of(tp));
            } else {
                consumer.seek(tp, offset.offset());
            }
        }
    }

    private KafkaProducer<String, byte[]> createProducer(String clientId) {
        Map<String, Object> props = new HashMap<>(kafkaSecurity);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    private KafkaConsumer<String, byte[]> createConsumer(String clientId) {
        Map<String, Object> props = new HashMap<>(kafkaSecurity);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.consumerGroup());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // The stream-processor writes alerts under exactly-once; aborted alerts must never be emailed.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.debug("Close failed", e);
        }
    }

    /** On every assignment, read the delivery log to its end first, so a moved partition never re-sends. */
    private final class CatchUpOnAssignment implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            log.catchUp(CATCH_UP_TIMEOUT);
            settings.catchUp(CATCH_UP_TIMEOUT);
            // Partitions may have been added since start: ownership must hash over the current count.
            ownership.partitions(alertPartitionCount());
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // Offsets are committed synchronously after every batch; nothing is pending here.
        }
    }
}
