package io.paywatch.producer.publish;

/** Kafka did not acknowledge a publish in time; nothing of the request was committed. */
public class KafkaUnavailableException extends RuntimeException {

    public KafkaUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
