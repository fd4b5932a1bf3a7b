package io.paywatch.schemas;

import io.paywatch.contract.DeadLetter;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The one dead-letter shape both services write. */
class DeadLetterRecordsTest {

    @Test
    void keepsTheOriginalBytesWhereTheyCameFromAndWhy() {
        byte[] key = "t1|acme".getBytes(StandardCharsets.UTF_8);
        byte[] value = {0x00, (byte) 0xff, 0x13};
        Exception error = new IllegalArgumentException("bad magic byte");
        DeadLetter letter = DeadLetterRecords.letter("payment-alerts", 2, 41L, key, value,
                DeadLetterRecords.reason("PaymentAlert could not be decoded", error), error, "alert-service",
                Instant.parse("2025-03-12T10:00:00Z"));
        ProducerRecord<byte[], byte[]> record = DeadLetterRecords.record(letter);

        assertThat(record.topic()).isEqualTo(Topics.DEAD_LETTERS.name());
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("payment-alerts/2/41");
        DeadLetter back = Topics.DEAD_LETTERS.valueSerde().deserializer().deserialize(record.topic(), record.value());
        assertThat(back.getReason()).isEqualTo("PaymentAlert could not be decoded: bad magic byte");
        assertThat(back.getExceptionClass()).isEqualTo(IllegalArgumentException.class.getName());
        assertThat(back.getKey().array()).isEqualTo(key);
        assertThat(back.getValue().array()).isEqualTo(value);
        assertThat(back.getApplication()).isEqualTo("alert-service");
        assertThat(back.getFailedAt()).isEqualTo(Instant.parse("2025-03-12T10:00:00Z"));
    }

    @Test
    void aPunctuationHasNoSourceTopicAndAMessagelessErrorIsNamedByItsClass() {
        assertThat(DeadLetterRecords.key(null, 0, -1)).isEqualTo("punctuation/0/-1");
        assertThat(DeadLetterRecords.reason(null, new NullPointerException())).isEqualTo("NullPointerException");
        DeadLetter letter = DeadLetterRecords.letter(null, 0, -1, null, null, "r", null, "app", Instant.EPOCH);
        assertThat(letter.getSourceTopic()).isEqualTo("punctuation");
        assertThat(letter.getExceptionClass()).isNull();
        assertThat(letter.getKey()).isNull();
    }
}
