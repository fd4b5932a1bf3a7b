package io.paywatch.alerts;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Where a record of an input topic (payment-alerts, freelancer-settings, alert-deliveries) that cannot be decoded
 * goes: {@code dead-letters}, with the reason, so processing continues and nothing is silently lost.
 */
@FunctionalInterface
public interface DeadLetterSink {

    /**
     * Dead-letters {@code record} (its original bytes) with {@code reason} and the exception's message.
     *
     * @throws IllegalStateException when the dead-letter topic did not acknowledge it in time
     */
    void deadLetter(ConsumerRecord<String, byte[]> record, String reason, Exception error);
}
