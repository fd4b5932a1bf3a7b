package io.paywatch.alerts;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads every partition of a compacted topic from the beginning and keeps following it, without a consumer
 * group: each instance needs the whole table (all tenants' settings, the whole delivery log), like a
 * GlobalKTable. Used only from the delivery worker's thread.
 */
public final class TopicTail implements AutoCloseable {

    private final String topic;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Consumer<ConsumerRecord<String, byte[]>> sink;
    private final List<TopicPartition> partitions;

    public TopicTail(String bootstrapServers, Map<String, Object> kafkaSecurity, String topic, String clientId,
            Consumer<ConsumerRecord<String, byte[]>> sink) {
        this.topic = topic;
        this.sink = sink;
        Map<String, Object> config = new HashMap<>(kafkaSecurity);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Only committed log writes count: an aborted transaction by any writer must not look delivered.
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        List<PartitionInfo> infos = partitionsOf(consumer, topic, METADATA_WAIT);
        this.partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** How long a start-up waits for a topic's metadata before giving up. */
    static final Duration METADATA_WAIT = Duration.ofSeconds(30);

    /**
     * The topic's partitions. A topic created a moment ago (by this service's own bootstrap, or another
     * service's) can still be unknown to the broker's metadata cache, and partitionsFor then answers an empty
     * list at once rather than waiting, so ask again until it appears or the wait is over.
     */
    private static List<PartitionInfo> partitionsOf(KafkaConsumer<String, byte[]> consumer, String topic,
            Duration wait) {
        Instant deadline = Instant.now().plus(wait);
        while (true) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, wait);
            if (infos != null && !infos.isEmpty()) {
                return infos;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("topic " + topic + " does not exist");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for topic " + topic, e);
            }
        }
    }

    /** Reads until every partition reached the end offset it had when this call started. */
    public int catchUp(Duration timeout) {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        Instant deadline = Instant.now().plus(timeout);
        int read = 0;
        while (!reached(end)) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("could not read " + topic + " to its end within " + timeout);
            }
            read += drain(consumer.poll(Duration.ofMillis(100)));
        }
        return read;
    }

    /** Applies whatever has already been fetched, without waiting. */
    public int pollNow() {
        return drain(consumer.poll(Duration.ZERO));
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private int drain(Iterable<ConsumerRecord<String, byte[]>> records) {
        int n = 0;
        for (ConsumerRecord<String, byte[]> record : records) {
            sink.accept(record);
            n++;
        }
        return n;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
