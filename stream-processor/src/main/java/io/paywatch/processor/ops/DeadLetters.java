package io.paywatch.processor.ops;

import io.paywatch.contract.DeadLetter;
import io.paywatch.schemas.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

/** Builds dead-letter records: the original bytes, where they came from and why they failed. */
public final class DeadLetters {

    private DeadLetters() {
    }

    /** The dead-letter key: {@code topic/partition/offset}, so a record is dead-lettered at most once per key. */
    public static String key(String topic, int partition, long offset) {
        return (topic == null ? "punctuation" : topic) + "/" + partition + "/" + offset;
    }

    /** A producer record for the dead-letter topic, ready for a Kafka Streams handler response. */
    public static ProducerRecord<byte[], byte[]> record(String topic, int partition, long offset, byte[] key,
            byte[] value, Throwable error, String application, Clock clock) {
        String reason = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        DeadLetter letter = DeadLetter.newBuilder()
                .setSourceTopic(topic == null ? "punctuation" : topic)
                .setPartition(partition)
                .setOffset(offset)
                .setKey(key == null ? null : ByteBuffer.wrap(key))
                .setValue(value == null ? null : ByteBuffer.wrap(value))
                .setReason(reason)
                .setExceptionClass(error.getClass().getName())
                .setApplication(application)
                .setFailedAt(clock.instant())
                .build();
        String dlqKey = key(topic, partition, offset);
        return new ProducerRecord<>(Topics.DEAD_LETTERS.name(), dlqKey.getBytes(StandardCharsets.UTF_8),
                Topics.DEAD_LETTERS.valueSerde().serializer().serialize(Topics.DEAD_LETTERS.name(), letter));
    }

    /** The application id in a streams configuration, for {@link DeadLetter#getApplication()}. */
    public static String application(Map<String, ?> configs) {
        Object id = configs.get(StreamsConfig.APPLICATION_ID_CONFIG);
        return id == null ? "stream-processor" : id.toString();
    }
}
