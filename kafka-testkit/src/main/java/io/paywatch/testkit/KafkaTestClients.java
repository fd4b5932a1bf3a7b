package io.paywatch.testkit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/** Producers and read_committed consumers wired to the shared broker, with the settings tests need. */
public final class KafkaTestClients {

    private KafkaTestClients() {
    }

    /** An idempotent acks=all producer. */
    public static <K, V> KafkaProducer<K, V> producer(Serializer<K> keys, Serializer<V> values) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return new KafkaProducer<>(config, keys, values);
    }

    /** A read_committed consumer in a fresh group, reading from the earliest offset. */
    public static <K, V> KafkaConsumer<K, V> consumer(Deserializer<K> keys, Deserializer<V> values) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(config, keys, values);
    }

    /**
     * Reads {@code topic} from the start until {@code done} holds for what was read, or fails after
     * {@code timeout}. Returns everything read.
     */
    public static <K, V> List<ConsumerRecord<K, V>> readUntil(String topic, Deserializer<K> keys,
            Deserializer<V> values, Duration timeout, Predicate<List<ConsumerRecord<K, V>>> done) {
        List<ConsumerRecord<K, V>> read = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = consumer(keys, values)) {
            consumer.subscribe(List.of(topic));
            await().atMost(timeout).pollInterval(Duration.ZERO).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
                return done.test(read);
            });
        }
        return read;
    }

    /** Reads {@code topic} until at least {@code count} records arrived. */
    public static <K, V> List<ConsumerRecord<K, V>> readAtLeast(String topic, Deserializer<K> keys,
            Deserializer<V> values, int count, Duration timeout) {
        return readUntil(topic, keys, values, timeout, r -> r.size() >= count);
    }
}
