package io.paywatch.processor.ops;

import io.paywatch.schemas.LogSafe;
import io.paywatch.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Sends an undecodable record's original bytes and the reason to dead-letters, then continues. */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);

    /**
     * Topics read by the global thread (the settings GlobalKTable). Kafka Streams 4.3.1 cannot send a handler's
     * dead-letter records from there: {@code RecordDeserializer.handleDeserializationFailure} casts the global
     * context to {@code RecordCollector.Supplier}, the ClassCastException kills the global thread and every
     * instance goes to ERROR (one undecodable settings record stopped the whole fleet; found by system-tests'
     * ClusterFaultsSystemTest). Their dead letters are sent by this handler's own producer instead.
     */
    static final Set<String> GLOBAL_TOPICS = Set.of(Topics.FREELANCER_SETTINGS.name());

    private ProcessorMetrics metrics;
    private String application;
    private Map<String, Object> producerConfig;
    private Producer<byte[], byte[]> globalProducer;

    @Override
    public void configure(Map<String, ?> configs) {
        metrics = ProcessorMetrics.from(configs);
        application = DeadLetters.application(configs);
        // Connection and security settings of the application, for the global thread's dead letters.
        producerConfig = new HashMap<>();
        Set<String> known = ProducerConfig.configNames();
        configs.forEach((k, v) -> {
            if (known.contains(k) && v != null && !k.startsWith("transactional")) {
                producerConfig.put(k, v);
            }
        });
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, application + "-global-dead-letters");
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
            Exception exception) {
        // The payload is not logged: it may hold client data; its coordinates are enough to find it.
        LOG.warn("Dead-lettering undecodable record {}/{}/{}: {}", record.topic(), record.partition(),
                record.offset(), LogSafe.escape(exception.getMessage()));
        metrics.deadLettered(record.topic(), "deserialization");
        ProducerRecord<byte[], byte[]> letter = DeadLetters.record(record.topic(), record.partition(),
                record.offset(), record.key(), record.value(), exception, application, Clock.systemUTC());
        if (GLOBAL_TOPICS.contains(record.topic())) {
            sendFromGlobalThread(letter);
            return Response.resume();
        }
        return Response.resume(List.of(letter));
    }

    /**
     * Sends and waits (at most 30 s), so the letter is durable before the global thread moves past the record.
     * Outside the EOS transaction (the global thread has none): every instance reads the whole global topic, so
     * each instance dead-letters the record once, under the same key {@code topic/partition/offset}. If the send
     * fails the record is still skipped (the error is logged): stopping the global thread stops every instance.
     */
    private synchronized void sendFromGlobalThread(ProducerRecord<byte[], byte[]> letter) {
        try {
            if (globalProducer == null) {
                globalProducer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(),
                        new ByteArraySerializer());
            }
            globalProducer.send(letter).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.error("Interrupted while dead-lettering {}", new String(letter.key()));
        } catch (Exception e) {
            LOG.error("Could not dead-letter {}; the record is skipped", new String(letter.key()), e);
        }
    }
}

