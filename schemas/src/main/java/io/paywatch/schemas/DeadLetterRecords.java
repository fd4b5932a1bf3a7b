package io.paywatch.schemas;

import io.paywatch.contract.DeadLetter;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Builds {@code dead-letters} records the same way for every service (stream-processor handlers, alert-service
 * input topics): the original key and value bytes untouched, where they came from, why they failed, who failed
 * them and when.
 *
 * <p>Key: {@code <topic>/<partition>/<offset>} (see {@link #key}), so re-dead-lettering the same input record
 * (a restart re-reads a compacted input from the beginning) lands on the same key instead of piling up.
 */
public final class DeadLetterRecords {

    /** The source-topic name used for failures that have no input record (a Kafka Streams punctuation). */
    public static final String NO_SOURCE_TOPIC = "punctuation";

    private DeadLetterRecords() {
    }

    /** The dead-letter key {@code topic/partition/offset}; a null topic is {@value #NO_SOURCE_TOPIC}. */
    public static String key(String topic, int partition, long offset) {
        return (topic == null ? NO_SOURCE_TOPIC : topic) + "/" + partition + "/" + offset;
    }

    /**
     * The reason text for an error: {@code context + ": " + message}, or the message alone when {@code context} is
     * null; the exception's simple class name stands in for a missing message.
     */
    public static String reason(String context, Throwable error) {
        String message = error == null ? null : error.getMessage();
        if (message == null) {
            message = error == null ? "unknown" : error.getClass().getSimpleName();
        }
        return context == null ? message : context + ": " + message;
    }

    /**
     * The dead letter for one input record.
     *
     * @param topic       source topic (null for a punctuation)
     * @param partition   source partition
     * @param offset      source offset
     * @param key         original key bytes, or null
     * @param value       original value bytes, or null
     * @param reason      why it failed, in plain words (no secrets)
     * @param error       the exception that stopped it, or null; its class name is kept
     * @param application the application (or Kafka Streams application id) that dead-lettered it
     * @param failedAt    wall-clock time of the failure
     */
    public static DeadLetter letter(String topic, int partition, long offset, byte[] key, byte[] value, String reason,
            Throwable error, String application, Instant failedAt) {
        return DeadLetter.newBuilder()
                .setSourceTopic(topic == null ? NO_SOURCE_TOPIC : topic)
                .setPartition(partition)
                .setOffset(offset)
                .setKey(key == null ? null : ByteBuffer.wrap(key))
                .setValue(value == null ? null : ByteBuffer.wrap(value))
                .setReason(reason)
                .setExceptionClass(error == null ? null : error.getClass().getName())
                .setApplication(application)
                .setFailedAt(failedAt)
                .build();
    }

    /** {@code letter} as a byte-level producer record for {@link Topics#DEAD_LETTERS}, keyed {@link #key}. */
    public static ProducerRecord<byte[], byte[]> record(DeadLetter letter) {
        String dlqKey = key(letter.getSourceTopic(), letter.getPartition(), letter.getOffset());
        return new ProducerRecord<>(Topics.DEAD_LETTERS.name(), dlqKey.getBytes(StandardCharsets.UTF_8),
                Topics.DEAD_LETTERS.valueSerde().serializer().serialize(Topics.DEAD_LETTERS.name(), letter));
    }
}
