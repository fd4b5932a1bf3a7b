package io.paywatch.testkit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Captures every log event of the test JVM (logback) while open, with Paywatch's own loggers and the Micronaut
 * and Kafka configuration loggers (which print every client setting at start-up) turned up to DEBUG, so that a
 * test can search a whole run's logs for values that must never be printed: API keys, passwords, webhook
 * secrets. Closing restores the levels. Needs logback-classic on the test class path (every service has it).
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    /** Loggers raised to DEBUG while capturing. */
    public static final List<String> VERBOSE = List.of("io.paywatch", "io.micronaut.context",
            "io.micronaut.configuration.kafka", "org.apache.kafka.clients.producer.ProducerConfig",
            "org.apache.kafka.clients.consumer.ConsumerConfig", "org.apache.kafka.clients.admin.AdminClientConfig",
            "org.apache.kafka.streams.StreamsConfig", "org.apache.kafka.common.config",
            "org.apache.kafka.common.security");

    private final List<ILoggingEvent> events = Collections.synchronizedList(new ArrayList<>());
    private final Map<Logger, Level> previous = new HashMap<>();
    private final Logger root;

    private LogCapture() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        for (String name : VERBOSE) {
            Logger logger = context.getLogger(name);
            previous.put(logger, logger.getLevel());
            logger.setLevel(Level.DEBUG);
        }
        setContext(context);
        setName("paywatch-log-capture");
        start();
        root.addAppender(this);
    }

    /** Starts capturing until {@link #close()}. */
    public static LogCapture begin() {
        return new LogCapture();
    }

    @Override
    protected void append(ILoggingEvent event) {
        event.prepareForDeferredProcessing();
        events.add(event);
    }

    /** Every event captured so far: level, logger, message and stack trace, as the log would show them. */
    public List<String> text() {
        List<String> out = new ArrayList<>();
        synchronized (events) {
            for (ILoggingEvent e : events) {
                out.add(e.getLevel() + " " + e.getLoggerName() + " - " + e.getFormattedMessage()
                        + (e.getThrowableProxy() == null ? "" : "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy())));
            }
        }
        return out;
    }

    /** The formatted messages of the events of loggers under {@code prefix} (no stack traces). */
    public List<String> messages(String prefix) {
        List<String> out = new ArrayList<>();
        synchronized (events) {
            for (ILoggingEvent e : events) {
                if (e.getLoggerName().startsWith(prefix)) {
                    out.add(e.getFormattedMessage());
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        root.detachAppender(this);
        stop();
        previous.forEach(Logger::setLevel);
    }
}
