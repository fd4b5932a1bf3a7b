package io.paywatch.processor.payments;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Deterministic alert ids: a hash of tenant, client, type and the condition (invoice, escalation step,
 * episode...). The same condition always gives the same id, so a replay or a second punctuation path raises
 * the same alert, which the alert service delivers once.
 */
public final class AlertIds {

    private AlertIds() {
    }

    /** {@code <type>-<first 128 bits of SHA-256 of tenant, client, type and parts>}. */
    public static String of(String tenantId, String clientId, String type, Object... parts) {
        StringBuilder text = new StringBuilder().append(tenantId).append('\u001F').append(clientId)
                .append('\u001F').append(type);
        for (Object part : parts) {
            text.append('\u001F').append(part);
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return type.toLowerCase(Locale.ROOT).replace('_', '-') + "-"
                    + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }
}
