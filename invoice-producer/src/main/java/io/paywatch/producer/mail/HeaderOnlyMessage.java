package io.paywatch.producer.mail;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import java.io.ByteArrayInputStream;
import java.util.Properties;

/**
 * A {@link MimeMessage} built from a message's header block alone: the importers hand over the bytes up to the
 * first empty line and never the body, so neither a body nor an attachment is ever held, parsed or stored.
 * Headers may be folded, RFC 2047-encoded, or raw UTF-8 (RFC 6532).
 */
public final class HeaderOnlyMessage {

    private static final Session SESSION = session();

    private HeaderOnlyMessage() {
    }

    private static Session session() {
        Properties p = new Properties();
        p.setProperty("mail.mime.allowutf8", "true");
        p.setProperty("mail.mime.address.strict", "false");
        p.setProperty("mail.mime.decodetext.strict", "false");
        return Session.getInstance(p);
    }

    /** Parses a header block (with or without its terminating empty line). */
    public static MimeMessage of(byte[] headerBlock) throws MessagingException {
        return new MimeMessage(SESSION, new ByteArrayInputStream(headerBlock));
    }
}
