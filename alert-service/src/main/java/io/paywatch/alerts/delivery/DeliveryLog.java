package io.paywatch.alerts.delivery;

import io.paywatch.alerts.DeadLetterSink;
import io.paywatch.alerts.TopicTail;
import io.paywatch.alerts.policy.DeliveryPolicy;
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
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * The delivery log: the compacted alert-deliveries topic, rebuilt into memory at start and kept current.
 * It is the only memory of what was sent, so a restart, a rebalance or a replay never sends twice, and the
 * only place a held alert waits, so a held alert survives any crash.
 *
 * <p>Parked entries (quiet hours, digest, retrying) carry the alert itself in the record header
 * {@value #ALERT_HEADER}, in the contract's single-object encoding, and headers live and die with the record under
 * compaction. Owned by the worker's thread.
 *
 * <p><b>Bounded.</b> A settled entry (SENT, SUPPRESSED_*, OPTED_OUT) is kept for the dedupe horizon after its
 * {@code updatedAt}; {@link #expire} then drops it from memory and tombstones it on the topic, so both the heap and
 * the compacted topic hold about one entry per alert of the last horizon, plus whatever is parked (never expired).
 *
 * <p><b>Indexed.</b> A delivery round reads only what it needs: parked entries by {@code notBefore}
 * ({@link #due}), digest-queued entries by tenant ({@link #queuedForDigest}), last email per cooldown key
 * ({@link #lastEmailSent}), and settled entries by {@code updatedAt} for expiry. No round scans the whole log.
 */
public final class DeliveryLog implements AutoCloseable {

    /** Record header that carries the parked alert. */
    public static final String ALERT_HEADER = "paywatch-alert";

    /** Suffix of the log key of the webhook channel; the email channel is keyed by the bare alertId. */
    public static final String WEBHOOK_SUFFIX = "#webhook";

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryLog.class);
    private static final Set<DeliveryStatus> PARKED = Set.of(DeliveryStatus.DEFERRED_QUIET_HOURS,
            DeliveryStatus.RETRYING, DeliveryStatus.QUEUED_FOR_DIGEST);
    private static final Comparator<Entry> BY_NOT_BEFORE = Comparator
            .comparing((Entry e) -> e.delivery().getNotBefore() == null ? Instant.MIN : e.delivery().getNotBefore())
            .thenComparing(Entry::key);
    private static final Comparator<Entry> BY_UPDATED_AT = Comparator
            .comparing((Entry e) -> e.delivery().getUpdatedAt()).thenComparing(Entry::key);

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

    private record CooldownMark(Instant sentAt, String key) {
    }

    private final Map<String, Entry> entries = new HashMap<>();
    private final NavigableSet<Entry> parkedByNotBefore = new TreeSet<>(BY_NOT_BEFORE);
    private final NavigableSet<Entry> settledByUpdatedAt = new TreeSet<>(BY_UPDATED_AT);
    private final Map<String, Map<String, Entry>> digestByTenant = new HashMap<>();
    private final Map<String, Instant> lastEmailSent = new HashMap<>();
    private final NavigableSet<CooldownMark> cooldownByTime = new TreeSet<>(
            Comparator.comparing(CooldownMark::sentAt).thenComparing(CooldownMark::key));
    private final Deserializer<AlertDelivery> deliveries = Topics.ALERT_DELIVERIES.valueSerde().deserializer();
    private final Serializer<AlertDelivery> deliveryWriter = Topics.ALERT_DELIVERIES.valueSerde().serializer();
    private final Deserializer<PaymentAlert> alerts = Topics.PAYMENT_ALERTS.valueSerde().deserializer();
    private final Serializer<PaymentAlert> alertWriter = Topics.PAYMENT_ALERTS.valueSerde().serializer();
    private final KafkaProducer<String, byte[]> producer;
    private final Duration writeTimeout;
    private final DeadLetterSink deadLetters;
    private final TopicTail tail;
    private long tombstonesWritten;

    public DeliveryLog(String bootstrapServers, Map<String, Object> kafkaSecurity, String clientId,
            KafkaProducer<String, byte[]> producer, Duration writeTimeout, DeadLetterSink deadLetters) {
        this.producer = producer;
        this.writeTimeout = writeTimeout;
        this.deadLetters = deadLetters;
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

    /** Parked entries whose {@code notBefore} is at or before {@code now} (none set counts as due), oldest first. */
    public List<Entry> due(Instant now) {
        List<Entry> due = new ArrayList<>();
        for (Entry e : parkedByNotBefore) {
            Instant notBefore = e.delivery().getNotBefore();
            if (notBefore != null && notBefore.isAfter(now)) {
                break;
            }
            due.add(e);
        }
        return due;
    }

    /** Email entries waiting for the digest, by tenantId; the maps are copies. */
    public Map<String, List<Entry>> queuedForDigest() {
        Map<String, List<Entry>> copy = new LinkedHashMap<>();
        digestByTenant.forEach((tenant, byKey) -> copy.put(tenant, List.copyOf(byKey.values())));
        return copy;
    }

    /** Number of parked entries (any channel). */
    public int parkedCount() {
        return parkedByNotBefore.size();
    }

    /**
     * When the last email of {@code type} about this client was accepted by SMTP, whatever the invoices (the
     * client-level mark every SENT email sets).
     */
    public Optional<Instant> lastEmailSent(String tenantId, String clientId, AlertType type) {
        return Optional.ofNullable(lastEmailSent.get(DeliveryPolicy.clientCooldownKey(tenantId, clientId, type)));
    }

    /**
     * The cooldown mark of an alert: for a client-scoped type, its client-level mark; for an invoice-scoped type
     * ({@link DeliveryPolicy#cooldownKeys}), the oldest of its invoices' marks, and empty as soon as one of its
     * invoices was never emailed within the horizon (that invoice is news, so the alert is not held).
     */
    public Optional<Instant> lastEmailSent(List<String> cooldownKeys) {
        Instant oldest = null;
        for (String key : cooldownKeys) {
            Instant at = lastEmailSent.get(key);
            if (at == null) {
                return Optional.empty();
            }
            if (oldest == null || at.isBefore(oldest)) {
                oldest = at;
            }
        }
        return Optional.ofNullable(oldest);
    }

    /** Number of keys in the log view. */
    public int size() {
        return entries.size();
    }

    /** Number of cooldown marks held (client-level and per-invoice). */
    public int cooldownMarks() {
        return lastEmailSent.size();
    }

    /** Tombstones this instance wrote since it started. */
    public long tombstonesWritten() {
        return tombstonesWritten;
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

    /**
     * Forgets settled entries whose {@code updatedAt} is before {@code cutoff} (at most {@code max} per call, oldest
     * first, so a backlog is spread over rounds), and tombstones those {@code owned} says this instance owns (the
     * other instances tombstone theirs; every instance forgets them, so memory stays bounded either way). Cooldown
     * marks older than the cutoff go too. Returns the number of entries forgotten.
     */
    public int expire(Instant cutoff, Predicate<Entry> owned, int max) {
        List<Entry> old = new ArrayList<>();
        for (Entry e : settledByUpdatedAt) {
            if (old.size() >= max || !e.delivery().getUpdatedAt().isBefore(cutoff)) {
                break;
            }
            old.add(e);
        }
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        for (Entry e : old) {
            remove(e.key());
            if (owned.test(e)) {
                sends.add(producer.send(new ProducerRecord<>(Topics.ALERT_DELIVERIES.name(), e.key(), null)));
            }
        }
        for (Future<RecordMetadata> send : sends) {
            try {
                send.get(writeTimeout.toMillis(), TimeUnit.MILLISECONDS);
                tombstonesWritten++;
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted tombstoning the delivery log", ie);
            } catch (ExecutionException | TimeoutException ex) {
                // Forgotten in memory anyway; the next start re-reads it and expires it again.
                LOG.warn("Delivery log tombstone not acknowledged: {}", ex.getMessage());
            }
        }
        Iterator<CooldownMark> marks = cooldownByTime.iterator();
        while (marks.hasNext()) {
            CooldownMark mark = marks.next();
            if (!mark.sentAt().isBefore(cutoff)) {
                break;
            }
            marks.remove();
            lastEmailSent.remove(mark.key(), mark.sentAt());
        }
        return old.size();
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        Entry current = entries.get(record.key());
        if (current != null && current.partition() == record.partition() && current.offset() >= record.offset()) {
            return; // our own write, already applied when it was acknowledged
        }
        if (record.value() == null) {
            remove(record.key());
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
            try {
                deadLetters.deadLetter(record, "AlertDelivery could not be decoded", e);
            } catch (IllegalStateException dlq) {
                LOG.error("Could not dead-letter delivery log record: {}", dlq.getMessage());
            }
        }
    }

    private void put(Entry entry) {
        remove(entry.key());
        entries.put(entry.key(), entry);
        AlertDelivery d = entry.delivery();
        if (entry.parked()) {
            parkedByNotBefore.add(entry);
            if (!entry.webhook() && d.getStatus() == DeliveryStatus.QUEUED_FOR_DIGEST) {
                digestByTenant.computeIfAbsent(d.getTenantId(), t -> new LinkedHashMap<>()).put(entry.key(), entry);
            }
        } else {
            settledByUpdatedAt.add(entry);
        }
        if (!entry.webhook() && d.getStatus() == DeliveryStatus.SENT) {
            List<String> keys = new ArrayList<>(DeliveryPolicy.cooldownKeys(d.getTenantId(), d.getClientId(),
                    d.getType(), d.getInvoiceIds()));
            String clientKey = DeliveryPolicy.clientCooldownKey(d.getTenantId(), d.getClientId(), d.getType());
            if (!keys.contains(clientKey)) {
                keys.add(clientKey);
            }
            for (String key : keys) {
                mark(key, d.getUpdatedAt());
            }
        }
    }

    private void mark(String key, Instant sentAt) {
        Instant previous = lastEmailSent.get(key);
        if (previous != null && !sentAt.isAfter(previous)) {
            return;
        }
        if (previous != null) {
            cooldownByTime.remove(new CooldownMark(previous, key));
        }
        lastEmailSent.put(key, sentAt);
        cooldownByTime.add(new CooldownMark(sentAt, key));
    }

    private void remove(String key) {
        Entry old = entries.remove(key);
        if (old == null) {
            return;
        }
        parkedByNotBefore.remove(old);
        settledByUpdatedAt.remove(old);
        Map<String, Entry> queued = digestByTenant.get(old.delivery().getTenantId());
        if (queued != null) {
            queued.remove(key);
            if (queued.isEmpty()) {
                digestByTenant.remove(old.delivery().getTenantId());
            }
        }
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
