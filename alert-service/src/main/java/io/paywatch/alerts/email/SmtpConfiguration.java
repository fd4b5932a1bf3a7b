package io.paywatch.alerts.email;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import java.time.Duration;

/**
 * The SMTP server alert emails go through.
 *
 * @param host             SMTP host
 * @param port             SMTP port (25/587 with STARTTLS, 465 with implicit TLS)
 * @param starttls         upgrade the connection with STARTTLS when the server offers it
 * @param starttlsRequired refuse to send if STARTTLS is not available
 * @param ssl              implicit TLS from the first byte (SMTPS)
 * @param username         SMTP user; authentication is on when it is set
 * @param password         SMTP password; never logged
 * @param connectTimeout   TCP connect timeout, short so an outage parks alerts quickly
 * @param readTimeout      socket read and write timeout
 * @param from             envelope and header sender address
 * @param fromName         display name of the sender
 * @param maxMessagesPerConnection messages sent over one SMTP connection before it is closed and a fresh one opened
 * @param idleTimeout      an SMTP connection unused this long is closed (QUIT)
 */
@ConfigurationProperties("paywatch.alerts.smtp")
public record SmtpConfiguration(@NotBlank String host, @Min(1) @Max(65535) int port, boolean starttls,
        boolean starttlsRequired, boolean ssl, @Nullable String username, @Nullable String password,
        @NotNull Duration connectTimeout, @NotNull Duration readTimeout, @NotBlank String from,
        @NotBlank String fromName,
        @Bindable(defaultValue = "100") @Min(1) int maxMessagesPerConnection,
        @Bindable(defaultValue = "10s") @NotNull Duration idleTimeout) {

    /** True when a username is configured. */
    public boolean authenticated() {
        return username != null && !username.isBlank();
    }

    @Override
    public String toString() {
        // Records print every component; the password must never reach a log line.
        return "SmtpConfiguration[host=" + host + ", port=" + port + ", starttls=" + starttls + ", ssl=" + ssl
                + ", auth=" + authenticated() + ", maxMessagesPerConnection=" + maxMessagesPerConnection
                + ", idleTimeout=" + idleTimeout + "]";
    }
}
