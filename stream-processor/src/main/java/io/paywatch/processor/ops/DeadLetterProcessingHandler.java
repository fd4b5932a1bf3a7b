package io.paywatch.processor.ops;

import io.paywatch.schemas.LogSafe;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Sends a record that failed in the topology (a {@link ContractViolation} or a bug) to dead-letters with the
 * original source bytes, then continues: one bad record must not stop every client's processing.
 */
public final class DeadLetterProcessingHandler implements ProcessingExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProcessingHandler.class);

    private ProcessorMetrics metrics;
    private String application;

    @Override
    public void configure(Map<String, ?> configs) {
        metrics = ProcessorMetrics.from(configs);
        application = DeadLetters.application(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (exception instanceof ContractViolation) {
            LOG.warn("Dead-lettering record {}/{}/{} that breaks the contract: {}", context.topic(),
                    context.partition(), context.offset(), LogSafe.escape(exception.getMessage()));
        } else {
            LOG.error("Dead-lettering record {}/{}/{} after a processing failure", context.topic(),
                    context.partition(), context.offset(), exception);
        }
        metrics.deadLettered(context.topic(), "processing");
        return Response.resume(List.of(DeadLetters.record(context.topic(), context.partition(), context.offset(),
                context.sourceRawKey(), context.sourceRawValue(), exception, application, Clock.systemUTC())));
    }
}

