package io.paywatch.processor.ops;

import io.paywatch.schemas.LogSafe;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.Map;

/** Sends an undecodable record's original bytes and the reason to dead-letters, then continues. */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);

    private ProcessorMetrics metrics;
    private String application;

    @Override
    public void configure(Map<String, ?> configs) {
        metrics = ProcessorMetrics.from(configs);
        application = DeadLetters.application(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
            Exception exception) {
        // The payload is not logged: it may hold client data; its coordinates are enough to find it.
        LOG.warn("Dead-lettering undecodable record {}/{}/{}: {}", record.topic(), record.partition(),
                record.offset(), LogSafe.escape(exception.getMessage()));
        metrics.deadLettered(record.topic(), "deserialization");
        return Response.resume(List.of(DeadLetters.record(record.topic(), record.partition(), record.offset(),
                record.key(), record.value(), exception, application, Clock.systemUTC())));
    }
}

