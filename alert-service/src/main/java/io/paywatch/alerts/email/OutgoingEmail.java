package io.paywatch.alerts.email;

import java.util.Objects;

/**
 * One email ready to go: the rendered subject and bodies plus the deterministic Message-ID.
 *
 * @param messageId Message-ID without angle brackets; derived from the alertId so a re-send is the same message
 * @param to        recipient address
 * @param toName    recipient display name, may be null
 * @param subject   subject line, already free of CR/LF
 * @param text      plain-text body
 * @param html      HTML body, every interpolated value already escaped
 */
public record OutgoingEmail(String messageId, String to, String toName, String subject, String text, String html) {

    public OutgoingEmail {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(html, "html");
        subject = HeaderSafe.clean(subject);
        toName = toName == null ? null : HeaderSafe.clean(toName);
    }
}
