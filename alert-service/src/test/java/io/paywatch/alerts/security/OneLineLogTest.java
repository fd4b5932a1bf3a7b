package io.paywatch.alerts.security;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service's logback.xml keeps one log event on one line whatever a message interpolates: a CR or LF inside
 * a message (a client name or id read from a Kafka record that bypassed the ingestion checks) is printed as
 * {@code \n}, so it can never forge a second entry such as a fake "ALERT". Stack traces still follow on their own
 * lines. Belt and braces to {@code LogSafe.escape} at the call sites.
 */
class OneLineLogTest {

    @Test
    void crAndLfInAMessageStayOnOneLine() throws Exception {
        LoggerContext context = new LoggerContext();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(OneLineLogTest.class.getResource("/logback.xml"));
        @SuppressWarnings("unchecked")
        OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent> stdout =
                (OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent>) context.getLogger("ROOT").getAppender("STDOUT");
        PatternLayoutEncoder encoder = (PatternLayoutEncoder) stdout.getEncoder();
        LoggingEvent event = new LoggingEvent("x", context.getLogger("io.paywatch.alerts.delivery.DeliveryWorker"),
                Level.INFO, "Emailed alert {} to tenant {}", null,
                new Object[] {"a1", "acme\r\n10:00:00.000 INFO  [main] ALERT forged"});
        String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
        assertThat(line).endsWith("\n");
        assertThat(line.substring(0, line.length() - 1)).doesNotContain("\n", "\r")
                .contains("to tenant acme\\r\\n10:00:00.000 INFO  [main] ALERT forged");
        context.stop();
    }
}
