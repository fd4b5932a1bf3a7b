package io.paywatch.alerts.delivery;

import io.paywatch.alerts.TopicTail;
import io.paywatch.contract.AlertDelivery;
import io.paywatch.contract.AlertType;
import io.paywatch.contract.DeliveryStatus;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The delivery log: the compacted alert-deliveries topic, rebuilt into memory at start and kept current.
 * It is the only memory of what was sent, so a restart, a rebalance or a replay never sends twice, and the
 * only place a held alert waits, so a held alert survives any crash.
 *
 * <p>Parked entries (quiet hours, digest, retrying) carry the alert itself in the record header
 * {@value #ALERT_HEADER}, in the contract's single-object encoding: the frozen AlertDelivery record has no
 * field for it, and headers live and die with the record under compaction. Owned by the worker's thread.
 */
public final class DeliveryLog implements AutoCloseable {

    /** Record header that carries the parked alert. */
    public static final String ALERT_HEADER = "paywatch-alert";

    /** Suffix of the log key of the webhook channel; the email channel is keyed by the bare alertId. */
    public static final String WEBHOOK_SUFFIX = "#webhook";

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryLog.class);
    private static final Set<DeliveryStatus> PARKED = Set.of(DeliveryStatus.DEFERRED_QUIET_HOURS,
            DeliveryStatus.RETRYING, DeliveryStatus.QUEUED_FOR_DIGEST);

    /** One key's latest state, and where it sits in the topic so an older record never overwrites it. */
    public record Entry(String key, AlertDelivery delivery, PaymentAlert alert, int partition, long offset) {

        /** True for the webhook channel's entry. */
        public boolean webhook() {
            return key.endsWith(WEBHOOK_SUFFIX);
        }

        /** True while the alert waits for a later attempt. */
        public boolean parked() {
            return PARKED.contains(delivery.getStatus()) && alert != null;
        }
    }

    private final Map<String, Entry> entries = new HashMap<>();
    private final Map<String, Instant> lastEmailSent = new HashMap<>();
    private final Deserializer<AlertDelivery> deliveries = Topics.ALERT_DELIVERIES.valueSerde().deserializer();
    private final Serializer<AlertDelivery> deliveryWriter = Topics.ALERT_DELIVERIES.valueSerde().serializer();
    private final Deserializer<PaymentAlert> alerts = Topics.PAYMENT_ALERTS.valueSerde().deserializer();
    private final Serializer<PaymentAlert> alertWriter = Topics.PAYMENT_ALERTS.valueSerde().serializer();
    private final KafkaProducer<String, byte[]> producer;
    private final Duration writeTimeout;
    private final TopicTail tail;

    public DeliveryLog(String bootstrapServers, Map<String, Object> kafkaSecurity, String clientId,
            KafkaProducer<String, byte[]> producer, Duration writeTimeout) {
        this.producer = producer;
        this.writeTimeout = writeTimeout;
        this.tail = new TopicTail(bootstrapServers, kafkaSecurity, Topics.ALERT_DELIVERIES.name(), clientId,
                this::apply);
    }

    /** The log key of an alert's webhook delivery. */
    public static String webhookKey(String alertId) {
        return alertId + WEBHOOK_SUFFIX;
    }

    /** Reads the log to its current end; called at start and whenever partitions are assigned. */
    public void catchUp(Duration timeout) {
        int read = tail.catchUp(timeout);
        LOG.debug("Delivery log caught up: {} records read, {} keys", read, entries.size());
    }

    /** Applies already-fetched log records (other instances' writes) without waiting. */
    public void pollNow() {
        tail.pollNow();
    }

    /** The latest entry for a log key. */
    public Optional<Entry> get(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    /** Entries waiting for a later attempt, in no particular order. */
    public List<Entry> parked() {
        List<Entry> parked = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (e.parked()) {
                parked.add(e);
            }
        }
        return parked;
    }

    /** When the last email of {@code type} about this client was accepted by SMTP. */
    public Optional<Instant> lastEmailSent(String tenantId, String clientId, AlertType type) {
        return Optional.ofNullable(lastEmailSent.get(cooldownKey(tenantId, clientId, type)));
    }

    /** Number of keys in the log view. */
    public int size() {
        return entries.size();
    }

    /**
     * Writes a status synchronously (acks=all, idempotent) and applies it locally. Returns only once the broker
     * has it, so a later offset commit never gets ahead of the log.
     */
    public Entry write(String key, AlertDelivery delivery, PaymentAlert parkedAlert) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.ALERT_DELIVERIES.name(), key,
                deliveryWriter.serialize(Topics.ALERT_DELIVERIES.name(), delivery));
        if (parkedAlert != null) {
            record.headers().add(ALERT_HEADER, alertWriter.serialize(Topics.PAYMENT_ALERTS.name(), parkedAlert));
        }
        try {
            RecordMetadata meta = producer.send(record).get(writeTimeout.toMillis(), TimeUnit.MILLISECONDS);
            Entry entry = new Entry(key, delivery, parkedAlert, meta.partition(), meta.offset());
            put(entry);
            return entry;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted writing the delivery log", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("delivery log write failed for " + key + ": " + e.getMessage(), e);
        }
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        Entry current = entries.get(record.key());
        if (current != null && current.partition() == record.partition() && current.offset() >= record.offset()) {
            return; // our own write, already applied when it was acknowledged
        }
        if (record.value() == null) {
            entries.remove(record.key());
            return;
        }
        try {
            AlertDelivery delivery = deliveries.deserialize(record.topic(), record.value());
            Header header = record.headers().lastHeader(ALERT_HEADER);
            PaymentAlert alert = header == null ? null : alerts.deserialize(record.topic(), header.value());
            put(new Entry(record.key(), delivery, alert, record.partition(), record.offset()));
        } catch (SerializationException e) {
            LOG.error("Unreadable delivery log record {}-{}@{}: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
        }
    }

    private void put(Entry entry) {
        entries.put(entry.key(), entry);
        AlertDelivery d = entry.delivery();
        if (!entry.webhook() && d.getStatus() == DeliveryStatus.SENT) {
            lastEmailSent.merge(cooldownKey(d.getTenantId(), d.getClientId(), d.getType()), d.getUpdatedAt(),
                    (a, b) -> a.isAfter(b) ? a : b);
        }
    }

    private static String cooldownKey(String tenantId, String clientId, AlertType type) {
        return tenantId + '|' + clientId + '|' + type.name();
    }

    /** All entries, for diagnostics and tests. */
    public Collection<Entry> entries() {
        return List.copyOf(entries.values());
    }

    @Override
    public void close() {
        tail.close();
    }
}
