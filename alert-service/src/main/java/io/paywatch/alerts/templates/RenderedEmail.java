package io.paywatch.alerts.templates;

/**
 * A rendered email: subject (no CR/LF), plain-text body and HTML body (every value escaped).
 */
public record RenderedEmail(String subject, String text, String html) {
}
