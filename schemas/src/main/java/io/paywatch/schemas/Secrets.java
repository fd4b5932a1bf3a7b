package io.paywatch.schemas;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

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

    private static final String BEARER = "Bearer ";

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
        return digestEquals(sha256Hex(presentedKey).getBytes(StandardCharsets.US_ASCII), configuredSha256Hex);
    }

    /**
     * The key an {@code Authorization} header value carries under the {@code Bearer} scheme (the scheme name in
     * any case, RFC 7235), surrounding blanks stripped.
     *
     * @return the key, or null when the header is missing, names another scheme or carries only blanks
     */
    public static String bearerKey(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        String key = authorization.substring(BEARER.length()).strip();
        return key.isEmpty() ? null : key;
    }

    /**
     * The last of {@code candidates} whose configured hex SHA-256 ({@code sha256HexOf}, as in
     * {@link #matchesSha256Hex}) {@code presentedKey} hashes to. Every candidate is compared in constant time,
     * whether or not an earlier one matched, so timing tells neither whether a key is known nor whose it is.
     *
     * @param sha256HexOf a candidate's configured hash; candidates whose hash is null never match
     * @return the matching candidate, or null when none matches or {@code presentedKey} is null
     */
    public static <T> T lastMatchingSha256Hex(String presentedKey, Iterable<T> candidates,
            Function<? super T, String> sha256HexOf) {
        if (presentedKey == null) {
            return null;
        }
        byte[] presented = sha256Hex(presentedKey).getBytes(StandardCharsets.US_ASCII);
        T match = null;
        for (T candidate : candidates) {
            String hash = sha256HexOf.apply(candidate);
            if (hash != null && digestEquals(presented, hash)) {
                match = candidate;
            }
        }
        return match;
    }

    private static boolean digestEquals(byte[] presentedSha256Hex, String configuredSha256Hex) {
        return MessageDigest.isEqual(presentedSha256Hex,
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
     * The start-up rule every service's {@code PlaceholderSecretsCheck} applies: the names of the settings in
     * {@code settings} that hold a placeholder ({@link #placeholderSettings}), for the caller to log as a warning.
     *
     * @param service                 the service named in the error
     * @param allowPlaceholderSecrets {@code paywatch.security.allow-placeholder-secrets}
     * @return the offending setting names, sorted; empty when there are none
     * @throws IllegalStateException ({@link #placeholderError}) when there are some and they are not allowed
     */
    public static Set<String> refusePlaceholders(String service, Map<String, String> settings,
            boolean allowPlaceholderSecrets) {
        Set<String> found = placeholderSettings(settings);
        if (!found.isEmpty() && !allowPlaceholderSecrets) {
            throw new IllegalStateException(placeholderError(service, found));
        }
        return found;
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
