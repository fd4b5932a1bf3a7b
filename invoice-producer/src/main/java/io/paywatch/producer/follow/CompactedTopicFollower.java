package io.paywatch.producer.follow;

import io.paywatch.schemas.TopicSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Reads a compacted topic into the service's memory: every partition from the beginning at start-up, committed
 * records only ({@code read_committed}, no consumer group), then follows it. {@link #awaitLoaded} waits (at most the
 * initial-load timeout) until the start-up read has reached the end offsets of that moment, so a restarted instance
 * never answers from a half-read topic. Kafka unreachable: the wait ends at once (nothing can be published either),
 * and the follower retries every 2 s. Used for the tenants' settings (time zones) and client contacts.
 *
 * @param <V> the topic's value type; a null value (a tombstone) is handed to {@code apply} like any other record
 */
public final class CompactedTopicFollower<V> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CompactedTopicFollower.class);

    private final TopicSpec<String, V> topic;
    private final String bootstrapServers;
    private final Map<String, Object> security;
    private final Consumer<ConsumerRecord<String, V>> apply;
    private final Runnable onLoaded;
    private final Duration initialLoadTimeout;
    private final CountDownLatch loaded = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, V> consumer;
    private final Thread follower;

    /**
     * @param topic              the compacted topic, from the catalogue
     * @param follow             false: read nothing (tests, tools); {@link #awaitLoaded} returns at once
     * @param apply              called on the follower thread for every record with a key, in offset order
     * @param onLoaded           called once the start-up read has caught up (for a log line)
     * @param initialLoadTimeout the longest {@link #awaitLoaded} waits
     */
    public CompactedTopicFollower(TopicSpec<String, V> topic, String bootstrapServers, Map<String, Object> security,
            boolean follow, Duration initialLoadTimeout, Consumer<ConsumerRecord<String, V>> apply,
            Runnable onLoaded) {
        this.topic = topic;
        this.bootstrapServers = bootstrapServers;
        this.security = Map.copyOf(security);
        this.apply = apply;
        this.onLoaded = onLoaded;
        this.initialLoadTimeout = initialLoadTimeout;
        if (follow) {
            follower = new Thread(this::follow, topic.name());
            follower.setDaemon(true);
            follower.start();
        } else {
            follower = null;
            loaded.countDown();
        }
    }

    /** Waits for the start-up read (at most the initial-load timeout; a warning says when it gave up). */
    public void awaitLoaded() {
        try {
            if (!loaded.await(initialLoadTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("{} not read from Kafka within {}; using what is known", topic.name(), initialLoadTimeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A read_committed consumer of {@code topic} without a group (partitions are assigned, not subscribed). */
    public static <V> KafkaConsumer<String, V> consumer(TopicSpec<String, V> topic, String bootstrapServers,
            Map<String, Object> security) {
        Map<String, Object> config = new HashMap<>(security);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return new KafkaConsumer<>(config, new StringDeserializer(), topic.valueSerde().deserializer());
    }

    /**
     * Assigns every partition of {@code topic} from the beginning and returns the end offsets at that moment (empty
     * when the topic does not exist yet).
     */
    public static Map<TopicPartition, Long> assignAll(KafkaConsumer<?, ?> consumer, TopicSpec<?, ?> topic) {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(5));
        if (partitions == null || partitions.isEmpty()) {
            return Map.of();
        }
        List<TopicPartition> tps = partitions.stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
        return consumer.endOffsets(tps, Duration.ofSeconds(10));
    }

    /** Whether the consumer has read up to {@code ends} on every partition. */
    public static boolean caughtUp(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (consumer.position(end.getKey(), Duration.ofSeconds(10)) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void follow() {
        while (running) {
            KafkaConsumer<String, V> c = consumer(topic, bootstrapServers, security);
            try {
                consumer = c;
                Map<TopicPartition, Long> ends = assignAll(c, topic);
                if (ends.isEmpty()) {
                    // No topic yet (the bootstrap creates it): nothing saved, so nothing to wait for.
                    loaded.countDown();
                    sleepQuietly();
                    continue;
                }
                while (running) {
                    for (ConsumerRecord<String, V> r : c.poll(Duration.ofMillis(500))) {
                        if (r.key() != null) {
                            apply.accept(r);
                        }
                    }
                    if (loaded.getCount() > 0 && caughtUp(c, ends)) {
                        onLoaded.run();
                        loaded.countDown();
                    }
                }
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (running) {
                    // Kafka unreachable: nothing can be published either (503), so requests need not wait for it.
                    loaded.countDown();
                    LOG.warn("Reading {} failed, retrying: {}", topic.name(), e.toString());
                    sleepQuietly();
                }
            } finally {
                // Short: at shutdown the broker may already be gone, and nothing here needs a clean leave.
                c.close(Duration.ofMillis(200));
            }
        }
    }

    private void sleepQuietly() {
        try {
            Thread.sleep(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        KafkaConsumer<String, V> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (follower != null) {
            try {
                // The wakeup ends a poll, and a sleep between retries ends within 2 s. An interrupt now would land
                // in the consumer's close, which then logs an error and throws InterruptException out of the thread.
                follower.join(3_000);
                if (follower.isAlive()) {
                    follower.interrupt();
                    follower.join(2_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
