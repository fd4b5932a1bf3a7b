package io.paywatch.alerts.email;

import io.micronaut.email.Contact;
import io.micronaut.email.Email;
import io.micronaut.email.EmailException;
import io.micronaut.email.MultipartBody;
import io.micronaut.email.TransactionalEmailSender;
import jakarta.inject.Singleton;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.AddressException;

/** Sends alert emails over SMTP through Micronaut Email's Jakarta Mail sender. */
@Singleton
public class SmtpMailSender implements MailSender {

    private final TransactionalEmailSender<Message, Void> sender;
    private final SmtpConfiguration smtp;
    private final String messageIdDomain;

    public SmtpMailSender(TransactionalEmailSender<Message, Void> sender, SmtpConfiguration smtp) {
        this.sender = sender;
        this.smtp = smtp;
        int at = smtp.from().lastIndexOf('@');
        this.messageIdDomain = at >= 0 ? smtp.from().substring(at + 1) : "paywatch.local";
    }

    @Override
    public void send(OutgoingEmail email) throws MailDeliveryException {
        String messageId = "<" + HeaderSafe.messageIdLocalPart(email.messageId()) + "@" + messageIdDomain + ">";
        Email.Builder builder = Email.builder()
                .from(new Contact(smtp.from(), smtp.fromName()))
                .to(email.toName() == null ? new Contact(email.to()) : new Contact(email.to(), email.toName()))
                .subject(email.subject())
                .body(new MultipartBody(email.html(), email.text()));
        try {
            sender.send(builder.build(), message -> {
                try {
                    message.setHeader("Message-ID", messageId);
                    message.setHeader("X-Paywatch-Alert-Id", HeaderSafe.clean(email.messageId()));
                    // Tell auto-responders not to answer an automated notification (RFC 3834).
                    message.setHeader("Auto-Submitted", "auto-generated");
                    if (email.language() != null) {
                        // RFC 3282: the language of the text and HTML parts, for screen readers and mail filters.
                        message.setHeader("Content-Language", email.language());
                    }
                } catch (MessagingException e) {
                    throw new IllegalStateException("cannot set headers", e);
                }
            });
        } catch (EmailException | IllegalStateException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            boolean badAddress = cause instanceof AddressException
                    || (cause instanceof SendFailedException sfe && sfe.getValidSentAddresses() == null
                        && sfe.getInvalidAddresses() != null && sfe.getInvalidAddresses().length > 0);
            throw new MailDeliveryException(cause.getClass().getSimpleName() + ": " + cause.getMessage(), e,
                    !badAddress);
        }
    }
}
