package io.paywatch.alerts.templates;

/**
 * A rendered email: subject (no CR/LF), plain-text body, HTML body (every value escaped) and the language both
 * are written in, as a BCP 47 tag for the {@code Content-Language} header ("en", "it", "es", "fr", "id").
 */
public record RenderedEmail(String subject, String text, String html, String language) {
}
