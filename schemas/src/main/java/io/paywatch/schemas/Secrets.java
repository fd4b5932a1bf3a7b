package io.paywatch.schemas;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The one place where the three services hash and compare credentials and recognise placeholder secrets.
 *
 * <p>API keys and ops tokens are configured as lower-case hex SHA-256 ({@code printf '%s' KEY | sha256sum}).
 * {@link #matchesSha256Hex} hashes the presented key and compares the two digests with
 * {@link MessageDigest#isEqual}, which takes the same time whatever the first differing byte.
 */
public final class Secrets {

    /**
     * Values shipped in this repository's files, or printed in its documentation, as examples: a service refuses
     * to start with one of them configured (see each service's {@code PlaceholderSecretsCheck}) unless
     * {@code paywatch.security.allow-placeholder-secrets=true}. Hashes are listed for keys configured as hashes.
     */
    static final Set<String> KNOWN_PLACEHOLDERS = Set.of(
            "whsec_demo_only_change_me",
            "demo-quickbooks-verifier-change-me",
            "demo-xero-key-change-me",
            // SHA-256 of the documented demo API key "paywatch-demo-key" (invoice-producer README)
            "fd453b482c37643cafc233a8a8c6418f2558373f2887ada875b187c4bc6fcd63",
            // SHA-256 of "paywatch-compose-demo-key" (ops/config/paywatch.yml before per-install keys)
            "1e8a1599cca36f3daeba41cc49c37d605f351946dde698d07f02fd535a58ef33");

    /** Words that mark an example value wherever it was copied from. */
    private static final String[] PLACEHOLDER_MARKERS = {"change_me", "change-me", "changeme", "replace-me",
            "replace_me"};

    private Secrets() {
    }

    /** Lower-case hex SHA-256 of the UTF-8 text. */
    public static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * Whether {@code presentedKey} hashes to {@code configuredSha256Hex} (any case, surrounding blanks ignored).
     * Constant time in the content of both; false when either is null.
     */
    public static boolean matchesSha256Hex(String presentedKey, String configuredSha256Hex) {
        if (presentedKey == null || configuredSha256Hex == null) {
            return false;
        }
        return MessageDigest.isEqual(sha256Hex(presentedKey).getBytes(StandardCharsets.US_ASCII),
                configuredSha256Hex.strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    }

    /** Whether a configured secret, key or key hash is one of the repository's example values. */
    public static boolean isPlaceholder(String value) {
        if (value == null || value.isBlank()) {
            return false;
        }
        String v = value.strip().toLowerCase(Locale.ROOT);
        if (KNOWN_PLACEHOLDERS.contains(v)) {
            return true;
        }
        for (String marker : PLACEHOLDER_MARKERS) {
            if (v.contains(marker)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The names (never the values) of the settings in {@code settings} that hold a placeholder, sorted.
     *
     * @param settings setting name to configured value; null values are skipped
     */
    public static Set<String> placeholderSettings(Map<String, String> settings) {
        Map<String, String> sorted = new TreeMap<>();
        settings.forEach((k, v) -> {
            if (isPlaceholder(v)) {
                sorted.put(k, "");
            }
        });
        return sorted.keySet();
    }

    /**
     * The start-up error for placeholder settings: names the settings and the flag, never a value.
     */
    public static String placeholderError(String service, Set<String> settings) {
        return service + " refuses to start: " + String.join(", ", settings) + (settings.size() == 1 ? " holds" : " hold")
                + " a placeholder secret shipped with Paywatch. Configure a real secret (see README, Security), or set "
                + "paywatch.security.allow-placeholder-secrets=true for local development only.";
    }
}
