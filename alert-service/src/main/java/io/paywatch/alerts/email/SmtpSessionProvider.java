package io.paywatch.alerts.email;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.email.javamail.sender.DefaultSessionProvider;
import io.micronaut.email.javamail.sender.SessionProvider;
import jakarta.inject.Singleton;
import jakarta.mail.Authenticator;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;

import java.util.Properties;

/** Builds the Jakarta Mail session from the typed {@link SmtpConfiguration} instead of loose javamail.* keys. */
@Singleton
@Replaces(DefaultSessionProvider.class)
public class SmtpSessionProvider implements SessionProvider {

    private final Session session;

    public SmtpSessionProvider(SmtpConfiguration smtp) {
        this.session = createSession(smtp);
    }

    @Override
    public Session session() {
        return session;
    }

    /** A session for {@code smtp}; also used by the health check to open a test connection. */
    static Session createSession(SmtpConfiguration smtp) {
        String protocol = smtp.ssl() ? "smtps" : "smtp";
        Properties props = new Properties();
        props.put("mail.transport.protocol", protocol);
        props.put("mail." + protocol + ".host", smtp.host());
        props.put("mail." + protocol + ".port", Integer.toString(smtp.port()));
        props.put("mail." + protocol + ".auth", Boolean.toString(smtp.authenticated()));
        props.put("mail." + protocol + ".starttls.enable", Boolean.toString(smtp.starttls()));
        props.put("mail." + protocol + ".starttls.required", Boolean.toString(smtp.starttlsRequired()));
        props.put("mail." + protocol + ".ssl.checkserveridentity", "true");
        // Short timeouts: when SMTP is down the alert must be parked quickly, not hold the worker for minutes.
        props.put("mail." + protocol + ".connectiontimeout", Long.toString(smtp.connectTimeout().toMillis()));
        props.put("mail." + protocol + ".timeout", Long.toString(smtp.readTimeout().toMillis()));
        props.put("mail." + protocol + ".writetimeout", Long.toString(smtp.readTimeout().toMillis()));
        props.put("mail." + protocol + ".from", smtp.from());
        Authenticator authenticator = null;
        if (smtp.authenticated()) {
            String user = smtp.username();
            String password = smtp.password() == null ? "" : smtp.password();
            authenticator = new Authenticator() {
                @Override
                protected PasswordAuthentication getPasswordAuthentication() {
                    return new PasswordAuthentication(user, password);
                }
            };
        }
        return Session.getInstance(props, authenticator);
    }
}
