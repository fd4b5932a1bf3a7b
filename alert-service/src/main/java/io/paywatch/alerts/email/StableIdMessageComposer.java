package io.paywatch.alerts.email;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.email.BodyType;
import io.micronaut.email.Contact;
import io.micronaut.email.Email;
import io.micronaut.email.javamail.composer.DefaultMessageComposer;
import io.micronaut.email.javamail.composer.MessageComposer;
import jakarta.inject.Singleton;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;

/**
 * Composes multipart/alternative messages whose Message-ID survives {@code Transport.send}. Jakarta Mail
 * normally replaces the Message-ID on every save; a re-sent alert must carry the same id so mail clients
 * can recognise a duplicate.
 */
@Singleton
@Replaces(DefaultMessageComposer.class)
public class StableIdMessageComposer implements MessageComposer {

    @Override
    public Message compose(Email email, Session session) throws MessagingException {
        MimeMessage message = new StableIdMimeMessage(session);
        message.setSubject(HeaderSafe.clean(email.getSubject()), StandardCharsets.UTF_8.name());
        message.setFrom(address(email.getFrom()));
        for (Contact to : email.getTo()) {
            message.addRecipient(Message.RecipientType.TO, address(to));
        }
        MimeMultipart alternative = new MimeMultipart("alternative");
        // Plain text first: RFC 2046 puts the preferred (richest) alternative last.
        String text = email.getBody().get(BodyType.TEXT).orElse("");
        MimeBodyPart textPart = new MimeBodyPart();
        textPart.setText(text, StandardCharsets.UTF_8.name(), "plain");
        alternative.addBodyPart(textPart);
        email.getBody().get(BodyType.HTML).ifPresent(html -> {
            try {
                MimeBodyPart htmlPart = new MimeBodyPart();
                htmlPart.setText(html, StandardCharsets.UTF_8.name(), "html");
                alternative.addBodyPart(htmlPart);
            } catch (MessagingException e) {
                throw new IllegalStateException("cannot attach HTML body", e);
            }
        });
        message.setContent(alternative);
        return message;
    }

    private static InternetAddress address(Contact contact) throws MessagingException {
        try {
            InternetAddress address = new InternetAddress(contact.getEmail(), true);
            if (contact.getName() != null && !contact.getName().isBlank()) {
                address.setPersonal(HeaderSafe.clean(contact.getName()), StandardCharsets.UTF_8.name());
            }
            return address;
        } catch (UnsupportedEncodingException e) {
            throw new MessagingException("UTF-8 is always supported", e);
        }
    }

    /** A MimeMessage that keeps a Message-ID set by the caller instead of generating a fresh one. */
    static final class StableIdMimeMessage extends MimeMessage {

        /** Set once the whole message was written out (SMTP: the DATA body, before its terminating dot). */
        private volatile boolean written;

        StableIdMimeMessage(Session session) {
            super(session);
        }

        @Override
        public void writeTo(OutputStream os, String[] ignoreList) throws IOException, MessagingException {
            super.writeTo(os, ignoreList);
            written = true;
        }

        /**
         * False while the server cannot have accepted this message: SMTP accepts only after the end of DATA, which
         * follows the body. {@link SmtpMailSender} retries on a fresh connection only then.
         */
        boolean written() {
            return written;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            if (getHeader("Message-ID") == null) {
                super.updateMessageID();
            }
        }
    }
}
