package io.paywatch.schemas;

/**
 * Makes user-supplied text safe to print on one log or console line. Control characters (C0, DEL, C1), the
 * Unicode line and paragraph separators and the bidirectional overrides are replaced by {@code \n}, {@code \r},
 * {@code \t} or {@code \}{@code uXXXX} escapes, so a value can neither split a log line (forging a second
 * entry such as a fake "ALERT") nor move the cursor or recolour a terminal with ESC sequences. A backslash is
 * doubled, so an escape in the output is never ambiguous with one typed by the user.
 */
public final class LogSafe {

    /** Longest text printed; the rest is cut and marked with an ellipsis, so one value cannot flood a log. */
    public static final int MAX_CHARS = 512;

    private LogSafe() {
    }

    /** The text escaped for one line; {@code "null"} for null. */
    public static String escape(CharSequence text) {
        if (text == null) {
            return "null";
        }
        int n = Math.min(text.length(), MAX_CHARS);
        StringBuilder b = null;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (needsEscape(c) || c == '\\') {
                if (b == null) {
                    b = new StringBuilder(n + 16).append(text, 0, i);
                }
                switch (c) {
                    case '\n' -> b.append("\\n");
                    case '\r' -> b.append("\\r");
                    case '\t' -> b.append("\\t");
                    case '\\' -> b.append("\\\\");
                    default -> b.append(String.format("\\u%04x", (int) c));
                }
            } else if (b != null) {
                b.append(c);
            }
        }
        String out = b == null ? text.subSequence(0, n).toString() : b.toString();
        return text.length() > MAX_CHARS ? out + "…" : out;
    }

    /**
     * Whether a character is one that must never appear raw in a log line or an id: C0 and C1 controls, DEL,
     * the line/paragraph separators (U+2028, U+2029), the bidirectional embeddings, overrides and isolates
     * (U+202A..U+202E, U+2066..U+2069, which reorder what a terminal shows) and lone surrogates.
     */
    public static boolean needsEscape(char c) {
        return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == '\u2028' || c == '\u2029'
                || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');
    }

    /** The index of the first character {@link #needsEscape} flags, or of a lone surrogate; -1 when none. */
    public static int firstUnsafe(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (needsEscape(c)) {
                return i;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return i;
            }
            if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }
}
