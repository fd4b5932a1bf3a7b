package io.paywatch.producer.mail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds raw RFC 5322 messages (CRLF line ends) for the mail tests: headers in the order given, then a body. */
final class Mail {

    private final List<String> headers = new ArrayList<>();
    private String body = "Hello,\r\nthe body text is never read.\r\n";

    static Mail message() {
        return new Mail();
    }

    /** A header line as written (it may already be folded with CRLF + space). */
    Mail header(String name, String value) {
        headers.add(name + ": " + value);
        return this;
    }

    Mail from(String v) {
        return header("From", v);
    }

    Mail to(String v) {
        return header("To", v);
    }

    Mail id(String v) {
        return header("Message-ID", "<" + v + ">");
    }

    Mail date(String rfc5322) {
        return header("Date", rfc5322);
    }

    Mail subject(String v) {
        return header("Subject", v);
    }

    Mail body(String v) {
        body = v;
        return this;
    }

    String text() {
        return String.join("\r\n", headers) + "\r\n\r\n" + body;
    }

    byte[] bytes() {
        return text().getBytes(StandardCharsets.UTF_8);
    }

    /** The header block alone, as the importers pass it on. */
    byte[] headerBlock() {
        return (String.join("\r\n", headers) + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
    }
}
