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
 * Sends a record that breaks the contract ({@link ContractViolation}, thrown before any state was written) to
 * dead-letters with the original source bytes and the reason, then continues: one bad record must not stop every
 * client's processing.
 *
 * <p>Anything else is a bug, and a bug is not dead-lettered: the client processor rolled the record's staged writes
 * back, and this handler fails the task (counted as {@link ProcessorMetrics#PROCESSING_FAILED}). Under
 * exactly_once_v2 the task's transaction aborts, so nothing of the record (or of the others since the last commit)
 * is committed, and the record is processed again, whole, by the next owner of the task (README, "Half-applied
 * events"). Dead-lettering it instead would drop a valid payment or invoice for good, and a lost payment is a false
 * overdue alert later.
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
        if (!(exception instanceof ContractViolation)) {
            LOG.error("Processing of record {}/{}/{} failed; failing the task so it is retried whole",
                    context.topic(), context.partition(), context.offset(), exception);
            metrics.processingFailed(context.topic());
            return Response.fail();
        }
        LOG.warn("Dead-lettering record {}/{}/{} that breaks the contract: {}", context.topic(),
                context.partition(), context.offset(), LogSafe.escape(exception.getMessage()));
        metrics.deadLettered(context.topic(), "processing");
        return Response.resume(List.of(DeadLetters.record(context.topic(), context.partition(), context.offset(),
                context.sourceRawKey(), context.sourceRawValue(), exception, application, Clock.systemUTC())));
    }
}

