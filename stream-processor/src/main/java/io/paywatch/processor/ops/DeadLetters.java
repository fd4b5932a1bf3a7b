package io.paywatch.processor.ops;

import io.paywatch.contract.DeadLetter;
import io.paywatch.schemas.DeadLetterRecords;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;

import java.time.Clock;
import java.util.Map;

/**
 * Builds dead-letter records: the original bytes, where they came from and why they failed. The record itself is
 * built by the shared {@link DeadLetterRecords} (schemas), so alert-service and stream-processor write one shape.
 */
public final class DeadLetters {

    private DeadLetters() {
    }

    /** The dead-letter key: {@code topic/partition/offset}, so a record is dead-lettered at most once per key. */
    public static String key(String topic, int partition, long offset) {
        return DeadLetterRecords.key(topic, partition, offset);
    }

    /** A producer record for the dead-letter topic, ready for a Kafka Streams handler response. */
    public static ProducerRecord<byte[], byte[]> record(String topic, int partition, long offset, byte[] key,
            byte[] value, Throwable error, String application, Clock clock) {
        return DeadLetterRecords.record(DeadLetterRecords.letter(topic, partition, offset, key, value,
                DeadLetterRecords.reason(null, error), error, application, clock.instant()));
    }

    /** The application id in a streams configuration, for {@link DeadLetter#getApplication()}. */
    public static String application(Map<String, ?> configs) {
        Object id = configs.get(StreamsConfig.APPLICATION_ID_CONFIG);
        return id == null ? "stream-processor" : id.toString();
    }
}
