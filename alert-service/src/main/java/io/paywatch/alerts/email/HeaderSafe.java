package io.paywatch.alerts.email;

/**
 * Makes text safe for a mail header. Client names and event text come from outside; a CR or LF in them
 * would let an attacker start a new header (Bcc:, Content-Type:) or end the headers early.
 */
public final class HeaderSafe {

    /** Longest header value we emit; RFC 5322 lines should stay under 998 characters. */
    public static final int MAX_LENGTH = 200;

    private HeaderSafe() {
    }

    /** Replaces every control character (CR, LF, TAB, NUL, U+2028/2029...) with a space and collapses runs. */
    public static String clean(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(value.length());
        boolean lastSpace = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean space = Character.isISOControl(c) || Character.isWhitespace(c)
                    || c == '\u2028' || c == '\u2029' || c == '\u0085';
            if (space) {
                if (!lastSpace && out.length() > 0) {
                    out.append(' ');
                }
                lastSpace = true;
            } else {
                out.append(c);
                lastSpace = false;
            }
        }
        String cleaned = out.toString().strip();
        return cleaned.length() <= MAX_LENGTH ? cleaned : cleaned.substring(0, MAX_LENGTH - 1) + "…";
    }

    /**
     * A Message-ID local part made only of characters RFC 5322 allows unquoted. Ids that are already safe are
     * kept readable; anything else is hex-encoded, still deterministically.
     */
    public static String messageIdLocalPart(String id) {
        if (id.matches("[A-Za-z0-9._+=-]{1,120}")) {
            return id;
        }
        StringBuilder hex = new StringBuilder("x.");
        for (byte b : id.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            hex.append(String.format("%02x", b));
        }
        return hex.length() <= 200 ? hex.toString() : "h." + sha256(id);
    }

    private static String sha256(String id) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(id.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JVM", e);
        }
    }
}
