package io.paywatch.alerts.email;

import io.paywatch.alerts.templates.RenderedEmail;

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
 * @param language  BCP 47 tag of the language both bodies are written in, sent as {@code Content-Language}; null
 *                  when unknown (the header is then left out rather than guessed)
 */
public record OutgoingEmail(String messageId, String to, String toName, String subject, String text, String html,
        String language) {

    /** The email of a rendered alert or digest, in the language it was rendered in. */
    public static OutgoingEmail of(String messageId, String to, String toName, RenderedEmail rendered) {
        return new OutgoingEmail(messageId, to, toName, rendered.subject(), rendered.text(), rendered.html(),
                rendered.language());
    }

    public OutgoingEmail {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(html, "html");
        subject = HeaderSafe.clean(subject);
        toName = toName == null ? null : HeaderSafe.clean(toName);
        language = language == null || !language.matches("[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*") ? null : language;
    }
}
