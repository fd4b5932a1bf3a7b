package io.paywatch.alerts.email;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import jakarta.inject.Singleton;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * /health component "smtp": connects to the SMTP server (EHLO, STARTTLS and AUTH as configured) and quits.
 * DOWN means alerts are being parked for retry, not lost.
 */
@Singleton
public class SmtpHealthIndicator extends AbstractHealthIndicator<Map<String, Object>> {

    private final SmtpConfiguration smtp;
    private final Session session;

    public SmtpHealthIndicator(SmtpConfiguration smtp) {
        this.smtp = smtp;
        this.session = SmtpSessionProvider.createSession(smtp);
    }

    @Override
    protected Map<String, Object> getHealthInformation() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("host", smtp.host());
        details.put("port", smtp.port());
        long start = System.nanoTime();
        try (Transport transport = session.getTransport()) {
            transport.connect();
            details.put("connectMillis", (System.nanoTime() - start) / 1_000_000);
            healthStatus = HealthStatus.UP;
        } catch (MessagingException e) {
            details.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
            healthStatus = HealthStatus.DOWN;
        }
        return details;
    }

    @Override
    protected String getName() {
        return "smtp";
    }
}
