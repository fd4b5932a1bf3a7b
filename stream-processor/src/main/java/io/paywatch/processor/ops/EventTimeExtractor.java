package io.paywatch.processor.ops;

import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.InvoiceDueDateChanged;
import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.InvoiceIssued;
import io.paywatch.contract.InvoiceVoided;
import io.paywatch.contract.MessageEvent;
import io.paywatch.contract.MessageReceived;
import io.paywatch.contract.MessageSent;
import io.paywatch.contract.PaymentReceived;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

import java.time.Instant;

/**
 * Uses the event time carried in the payload as the record time. The Kafka timestamp is the ingest time, so
 * without this a replay of last year's history would run on today's stream time and the stream-time punctuator
 * could not replay overdue alerts at the moments they happened.
 */
public final class EventTimeExtractor implements TimestampExtractor {

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        Instant eventTime = eventTime(record.value());
        if (eventTime != null) {
            return eventTime.toEpochMilli();
        }
        return record.timestamp() >= 0 ? record.timestamp() : Math.max(0, partitionTime);
    }

    /** The event time of a Paywatch input value, or null for anything else. */
    public static Instant eventTime(Object value) {
        if (value instanceof InvoiceEvent e) {
            return eventTime(e.getPayload());
        }
        if (value instanceof MessageEvent e) {
            return eventTime(e.getPayload());
        }
        if (value instanceof InvoiceIssued e) {
            return e.getIssuedAt();
        }
        if (value instanceof PaymentReceived e) {
            return e.getPaidAt();
        }
        if (value instanceof InvoiceVoided e) {
            return e.getVoidedAt();
        }
        if (value instanceof InvoiceDueDateChanged e) {
            return e.getChangedAt();
        }
        if (value instanceof MessageSent e) {
            return e.getSentAt();
        }
        if (value instanceof MessageReceived e) {
            return e.getReceivedAt();
        }
        if (value instanceof FreelancerSettings s) {
            return s.getUpdatedAt();
        }
        return null;
    }
}
