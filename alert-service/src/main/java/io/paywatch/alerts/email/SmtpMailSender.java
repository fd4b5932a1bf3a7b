package io.paywatch.alerts.email;

import io.micronaut.email.Contact;
import io.micronaut.email.Email;
import io.micronaut.email.MultipartBody;
import io.micronaut.email.javamail.sender.SessionProvider;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sends alert emails over one reused SMTP connection (connect, EHLO, STARTTLS and AUTH once, not per email).
 *
 * <ul>
 *   <li>The connection is closed after {@code max-messages-per-connection} messages and after {@code idle-timeout}
 *   without a message; the next email opens a fresh one.</li>
 *   <li>Any failure closes it. A send that failed on a <em>reused</em> connection because the connection was lost
 *   (the server timed it out or restarted) is retried once on a fresh connection, but only if the message body had
 *   not been written yet: SMTP accepts a message only at the end of DATA, after the body, so such a message cannot
 *   have been accepted and the retry cannot duplicate it. Every other failure, a refusal by the server included, is
 *   thrown, and the caller records a retry, not SENT.</li>
 *   <li>Thread-safe: one send at a time over the connection; composing happens outside the lock.</li>
 * </ul>
 */
@Singleton
public class SmtpMailSender implements MailSender, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SmtpMailSender.class);

    private final Session session;
    private final StableIdMessageComposer composer;
    private final SmtpConfiguration smtp;
    private final String messageIdDomain;
    private final ScheduledExecutorService idleCloser;

    // Guarded by this.
    private Transport transport;
    private int sentOnConnection;
    private long lastUsedNanos;
    private ScheduledFuture<?> idleClose;
    private long connectionsOpened;
    private long retriedOnFreshConnection;
    private boolean closed;

    @Inject
    public SmtpMailSender(SessionProvider sessions, StableIdMessageComposer composer, SmtpConfiguration smtp) {
        this(sessions.session(), composer, smtp);
    }

    SmtpMailSender(Session session, StableIdMessageComposer composer, SmtpConfiguration smtp) {
        this.session = session;
        this.composer = composer;
        this.smtp = smtp;
        int at = smtp.from().lastIndexOf('@');
        this.messageIdDomain = at >= 0 ? smtp.from().substring(at + 1) : "paywatch.local";
        this.idleCloser = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "smtp-idle-close");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void send(OutgoingEmail email) throws MailDeliveryException {
        StableIdMessageComposer.StableIdMimeMessage message;
        try {
            message = compose(email);
        } catch (MessagingException | RuntimeException e) {
            throw failure(e);
        }
        synchronized (this) {
            if (closed) {
                throw new MailDeliveryException("SMTP sender is closed", null, true);
            }
            cancelIdleClose();
            boolean reused = transport != null;
            try {
                deliver(message);
            } catch (MessagingException e) {
                closeConnection();
                if (!reused || message.written() || !connectionLost(e)) {
                    throw failure(e);
                }
                LOG.debug("SMTP connection was lost before the message was handed over ({}); one retry on a fresh"
                        + " connection", e.getMessage());
                retriedOnFreshConnection++;
                try {
                    deliver(message);
                } catch (MessagingException again) {
                    closeConnection();
                    throw failure(again);
                }
            }
            sentOnConnection++;
            lastUsedNanos = System.nanoTime();
            if (sentOnConnection >= smtp.maxMessagesPerConnection()) {
                closeConnection();
            } else {
                scheduleIdleClose();
            }
        }
    }

    private StableIdMessageComposer.StableIdMimeMessage compose(OutgoingEmail email) throws MessagingException {
        String messageId = "<" + HeaderSafe.messageIdLocalPart(email.messageId()) + "@" + messageIdDomain + ">";
        Email built = Email.builder()
                .from(new Contact(smtp.from(), smtp.fromName()))
                .to(email.toName() == null ? new Contact(email.to()) : new Contact(email.to(), email.toName()))
                .subject(email.subject())
                .body(new MultipartBody(email.html(), email.text()))
                .build();
        Message composed = composer.compose(built, session);
        if (!(composed instanceof StableIdMessageComposer.StableIdMimeMessage message)) {
            throw new IllegalStateException("composer returned " + composed.getClass().getName());
        }
        message.setHeader("Message-ID", messageId);
        message.setHeader("X-Paywatch-Alert-Id", HeaderSafe.clean(email.messageId()));
        // Tell auto-responders not to answer an automated notification (RFC 3834).
        message.setHeader("Auto-Submitted", "auto-generated");
        if (email.language() != null) {
            // RFC 3282: the language of the text and HTML parts, for screen readers and mail filters.
            message.setHeader("Content-Language", email.language());
        }
        message.saveChanges();
        return message;
    }

    /** Sends over the open connection, opening one first if there is none. Returns once the server accepted it. */
    private void deliver(StableIdMessageComposer.StableIdMimeMessage message) throws MessagingException {
        if (transport == null) {
            Transport fresh = session.getTransport();
            fresh.connect();
            transport = fresh;
            sentOnConnection = 0;
            connectionsOpened++;
        }
        transport.sendMessage(message, message.getAllRecipients());
    }

    /** True when the failure is the connection itself (closed, reset, timed out, 421), not a refusal. */
    private boolean connectionLost(MessagingException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
            if (t instanceof MessagingException me && me.getNextException() instanceof IOException) {
                return true;
            }
        }
        if (e instanceof SMTPSendFailedException sfe) {
            return sfe.getReturnCode() == -1 || sfe.getReturnCode() == 421;
        }
        return false;
    }

    private static MailDeliveryException failure(Exception e) {
        Throwable cause = e instanceof IllegalStateException && e.getCause() != null ? e.getCause() : e;
        boolean badAddress = cause instanceof AddressException
                || (cause instanceof SendFailedException sfe && sfe.getValidSentAddresses() == null
                    && sfe.getInvalidAddresses() != null && sfe.getInvalidAddresses().length > 0);
        return new MailDeliveryException(cause.getClass().getSimpleName() + ": " + cause.getMessage(), e,
                !badAddress);
    }

    private void scheduleIdleClose() {
        long idleNanos = smtp.idleTimeout().toNanos();
        idleClose = idleCloser.schedule(this::closeIfIdle, idleNanos, TimeUnit.NANOSECONDS);
    }

    private void cancelIdleClose() {
        if (idleClose != null) {
            idleClose.cancel(false);
            idleClose = null;
        }
    }

    private synchronized void closeIfIdle() {
        if (transport != null && System.nanoTime() - lastUsedNanos >= smtp.idleTimeout().toNanos()) {
            LOG.debug("Closing the SMTP connection after {} idle", smtp.idleTimeout());
            closeConnection();
        }
    }

    private void closeConnection() {
        cancelIdleClose();
        Transport open = transport;
        transport = null;
        sentOnConnection = 0;
        if (open != null) {
            try {
                open.close();
            } catch (MessagingException | RuntimeException e) {
                LOG.debug("Closing the SMTP connection failed: {}", e.getMessage());
            }
        }
    }

    /** Whether a connection is open now (for tests and the health check's detail). */
    synchronized boolean connectionOpen() {
        return transport != null;
    }

    /** Connections opened since start. */
    synchronized long connectionsOpened() {
        return connectionsOpened;
    }

    /** Sends retried once on a fresh connection after the reused one was found lost. */
    synchronized long retriedOnFreshConnection() {
        return retriedOnFreshConnection;
    }

    @Override
    @PreDestroy
    public void close() {
        synchronized (this) {
            closed = true;
            closeConnection();
        }
        idleCloser.shutdownNow();
    }
}
