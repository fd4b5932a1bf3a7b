package io.paywatch.producer.webhook;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

/** HMAC-SHA256 helpers shared by the webhook adapters. Comparisons are constant-time. */
public final class Hmac {

    private Hmac() {
    }

    /** HMAC-SHA256 of the concatenated parts under a UTF-8 key. */
    public static byte[] sha256(String key, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            for (byte[] part : parts) {
                mac.update(part);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /**
     * Whether a base64 signature header equals the HMAC-SHA256 of the raw body (QuickBooks intuit-signature,
     * Xero x-xero-signature, FreshBooks).
     */
    public static boolean base64Matches(String header, String key, byte[] body) {
        if (header == null || key == null) {
            return false;
        }
        byte[] presented;
        try {
            presented = Base64.getDecoder().decode(header.strip());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(presented, sha256(key, body));
    }
}
