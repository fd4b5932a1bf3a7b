package io.paywatch.producer.publish;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Publishes a group of records all-or-nothing: one Kafka transaction per call, on an idempotent acks=all
 * producer, returning only once the transaction is committed. A read_committed consumer therefore sees the
 * whole batch or none of it, and a caller that got an answer knows Kafka holds the records.
 *
 * <p>A transactional producer runs one transaction at a time, so a small pool of them serves concurrent
 * requests. A producer that fails is closed and replaced, because after a timeout its transaction state is
 * unknown. Record timestamps are left to the producer (ingest time); event time travels in the payload, so
 * Kafka's time-based retention never deletes a years-old backfill.
 */
public final class TransactionalPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionalPublisher.class);

    private final PublisherSettings settings;
    private final BlockingQueue<Producer<String, byte[]>> idle;
    private final AtomicInteger created = new AtomicInteger();
    private final AtomicInteger live = new AtomicInteger();
    private final Queue<String> freeIds = new ConcurrentLinkedQueue<>();
    private final Map<Producer<String, byte[]>, String> ids = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public TransactionalPublisher(PublisherSettings settings) {
        this.settings = settings;
        this.idle = new ArrayBlockingQueue<>(settings.poolSize());
    }

    /**
     * Sends every record in one transaction and waits for the commit.
     *
     * @return the metadata of each record, in order
     * @throws KafkaUnavailableException when Kafka did not commit in time; nothing was committed
     */
    public List<RecordMetadata> publish(List<OutboundEvent> events) {
        if (events.isEmpty()) {
            return List.of();
        }
        Producer<String, byte[]> producer = borrow();
        boolean healthy = false;
        try {
            producer.beginTransaction();
            List<Future<RecordMetadata>> acks = new ArrayList<>(events.size());
            for (OutboundEvent e : events) {
                acks.add(producer.send(new ProducerRecord<>(e.topic(), e.key(), e.value())));
            }
            producer.commitTransaction();
            List<RecordMetadata> metadata = new ArrayList<>(acks.size());
            for (Future<RecordMetadata> ack : acks) {
                // Already complete: commitTransaction flushed and succeeded.
                metadata.add(ack.get(settings.deliveryTimeout().toMillis(), TimeUnit.MILLISECONDS));
            }
            healthy = true;
            return metadata;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailableException("interrupted while publishing", e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            healthy = tryAbort(producer);
            throw new KafkaUnavailableException("Kafka did not commit the write: " + cause.getMessage(), cause);
        } finally {
            if (healthy) {
                giveBack(producer);
            } else {
                discard(producer);
            }
        }
    }

    /** Aborts the open transaction; true when the producer can be reused. */
    private static boolean tryAbort(Producer<String, byte[]> producer) {
        try {
            producer.abortTransaction();
            return true;
        } catch (RuntimeException e) {
            LOG.debug("abort failed, replacing the producer: {}", e.toString());
            return false;
        }
    }

    private Producer<String, byte[]> borrow() {
        if (closed) {
            throw new KafkaUnavailableException("publisher is closed", null);
        }
        Producer<String, byte[]> producer = idle.poll();
        if (producer != null) {
            return producer;
        }
        if (live.incrementAndGet() > settings.poolSize()) {
            live.decrementAndGet();
            try {
                producer = idle.poll(settings.maxBlock().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaUnavailableException("interrupted waiting for a producer", e);
            }
            if (producer == null) {
                throw new KafkaUnavailableException("all producers busy for " + settings.maxBlock(), null);
            }
            return producer;
        }
        try {
            return newProducer();
        } catch (RuntimeException e) {
            live.decrementAndGet();
            throw new KafkaUnavailableException("cannot initialise a Kafka producer: " + e.getMessage(), e);
        }
    }

    private Producer<String, byte[]> newProducer() {
        Map<String, Object> config = new HashMap<>(settings.extra());
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // A replacement reuses a discarded producer's id: initTransactions then fences the old one and aborts
        // its open transaction at once, instead of read_committed readers waiting for transaction.timeout.ms.
        String id = freeIds.poll();
        if (id == null) {
            id = settings.transactionalIdPrefix() + "-" + created.getAndIncrement();
        }
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, settings.compression());
        config.put(ProducerConfig.LINGER_MS_CONFIG, (int) settings.linger().toMillis());
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, settings.maxBlock().toMillis());
        long delivery = settings.deliveryTimeout().toMillis();
        // delivery.timeout.ms must cover linger.ms + request.timeout.ms.
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1000, delivery - settings.linger().toMillis() - 1));
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) delivery);
        config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) Math.max(delivery * 2, 10_000));
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
                new ByteArraySerializer());
        try {
            producer.initTransactions();
            ids.put(producer, id);
            return producer;
        } catch (RuntimeException e) {
            freeIds.offer(id);
            producer.close(Duration.ZERO);
            throw e;
        }
    }

    private void giveBack(Producer<String, byte[]> producer) {
        if (closed || !idle.offer(producer)) {
            discard(producer);
        }
    }

    private void discard(Producer<String, byte[]> producer) {
        live.decrementAndGet();
        String id = ids.remove(producer);
        if (id != null) {
            freeIds.offer(id);
        }
        try {
            // The open transaction (if any) is aborted by the coordinator when the next producer with a new
            // id starts, or after transaction.timeout.ms.
            producer.close(Duration.ZERO);
        } catch (RuntimeException e) {
            LOG.debug("closing a failed producer: {}", e.toString());
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Producer<String, byte[]> p = idle.poll(); p != null; p = idle.poll()) {
            live.decrementAndGet();
            p.close(Duration.ofSeconds(5));
        }
    }
}
