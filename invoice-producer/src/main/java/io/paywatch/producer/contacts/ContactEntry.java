package io.paywatch.producer.contacts;

import java.net.IDN;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One entry of a client's contacts: an exact address ({@code anna@acme.example}) or a whole domain
 * ({@code @acme.example}), normalised to lower case with an internationalised domain in its ASCII (punycode) form.
 *
 * @param value  {@code anna@acme.example} for an address, {@code acme.example} (no {@code @}) for a domain
 * @param domain whether this is a whole domain
 */
public record ContactEntry(String value, boolean domain) {

    /** Longest address accepted (RFC 5321's path limit). */
    public static final int MAX_LENGTH = 254;

    private static final Pattern LOCAL = Pattern.compile("[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    /** Thrown for an entry that is neither an address nor a domain; the message is the reason. */
    public static final class Invalid extends IllegalArgumentException {
        public Invalid(String reason) {
            super(reason);
        }
    }

    /** Parses {@code anna@acme.example} or {@code @acme.example}. */
    public static ContactEntry parse(String text) {
        if (text == null || text.isBlank()) {
            throw new Invalid("is empty: give an address (anna@acme.example) or a domain (@acme.example)");
        }
        if (text.length() > MAX_LENGTH) {
            throw new Invalid("is longer than " + MAX_LENGTH + " characters");
        }
        String s = text.strip();
        int at = s.lastIndexOf('@');
        if (at < 0) {
            throw new Invalid("has no '@': give an address (anna@acme.example) or a whole domain (@acme.example)");
        }
        String domain = domain(s.substring(at + 1));
        if (at == 0) {
            return new ContactEntry(domain, true);
        }
        String local = s.substring(0, at).toLowerCase(Locale.ROOT);
        if (!LOCAL.matcher(local).matches()) {
            throw new Invalid("'" + local + "' is not a plain address local part (letters, digits, . + - _ ...)");
        }
        return new ContactEntry(local + "@" + domain, false);
    }

    /** A domain in lower-case ASCII, or {@link Invalid}. */
    static String domain(String text) {
        String ascii;
        try {
            ascii = IDN.toASCII(text, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new Invalid("'" + text + "' is not a domain name");
        }
        String[] labels = ascii.split("\\.", -1);
        if (labels.length < 2) {
            throw new Invalid("'" + text + "' is not a domain name with at least two labels (acme.example)");
        }
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                throw new Invalid("'" + text + "' is not a domain name");
            }
        }
        return ascii;
    }

    /** The entry as the API shows it: the address, or {@code @domain}. */
    public String display() {
        return domain ? "@" + value : value;
    }
}
