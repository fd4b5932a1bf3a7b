package io.paywatch.launcher;

import io.paywatch.contract.PaymentAlert;
import io.paywatch.schemas.AlertFacts;
import io.paywatch.schemas.LogSafe;
import io.paywatch.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;

import java.io.PrintStream;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Prints every alert on {@code payment-alerts} as it is committed. It starts at the end of the topic, so a
 * restart does not print old alerts again, and reads only committed (exactly-once) output.
 */
public final class AlertPrinter implements AutoCloseable {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT);

    private final KafkaConsumer<String, PaymentAlert> consumer;
    private final PrintStream out;
    private final AtomicLong printed = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    public AlertPrinter(String bootstrapServers, PrintStream out) {
        this.out = out;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, "paywatch-launcher-alert-printer"),
                Topics.PAYMENT_ALERTS.keySerde().deserializer(), Topics.PAYMENT_ALERTS.valueSerde().deserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.PAYMENT_ALERTS.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        // seekToEnd is lazy: resolve the positions now, so alerts raised from here on are all printed.
        partitions.forEach(consumer::position);
        this.thread = new Thread(this::run, "alert-printer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Alerts printed so far. */
    public long printed() {
        return printed.get();
    }

    private void run() {
        try {
            while (running) {
                ConsumerRecords<String, PaymentAlert> records;
                try {
                    records = consumer.poll(Duration.ofMillis(500));
                } catch (RecordDeserializationException e) {
                    // One undecodable record (the alert service dead-letters it) must not end the printing.
                    out.println("alert printer: skipped an undecodable record at " + e.topicPartition() + "@"
                            + e.offset());
                    consumer.seek(e.topicPartition(), e.offset() + 1);
                    continue;
                }
                for (ConsumerRecord<String, PaymentAlert> record : records) {
                    PaymentAlert a = record.value();
                    if (a != null) {
                        out.println(format(a));
                        printed.incrementAndGet();
                    }
                }
            }
        } catch (WakeupException e) {
            // close() was called.
        } catch (RuntimeException e) {
            if (running) {
                out.println("alert printer stopped: " + e);
            }
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** One console line per alert. */
    static String format(PaymentAlert a) {
        // Names, ids and the summary come from user input: escaped, so ESC/CR/LF in them cannot forge a line.
        // A client never named carries its id as its name: print it once.
        String client = a.getClientName() != null && !a.getClientName().equals(a.getClientId())
                ? LogSafe.escape(a.getClientName()) + " (" + LogSafe.escape(a.getClientId()) + ")"
                : LogSafe.escape(a.getClientId());
        return String.format(Locale.ROOT, "ALERT  %s  %-8s %-19s %s / %s: %s",
                DAY.format(a.getOccurredAt().atZone(zone(a))),
                a.getSeverity(), a.getType(), LogSafe.escape(a.getTenantId()), client, LogSafe.escape(a.getSummary()));
    }

    /**
     * The zone the alert's date is a calendar date in: its {@link AlertFacts#TIMEZONE} fact (the tenant's zone the
     * processor judged it in, as the emails use it), UTC only when the alert does not name a valid zone. In UTC an
     * alert raised at local midnight in a zone ahead of UTC would read as the day before.
     */
    static ZoneId zone(PaymentAlert a) {
        String id = a.getFacts() == null ? null : a.getFacts().get(AlertFacts.TIMEZONE);
        try {
            return id == null || id.isBlank() ? ZoneOffset.UTC : ZoneId.of(id.strip());
        } catch (DateTimeException e) {
            return ZoneOffset.UTC;
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
