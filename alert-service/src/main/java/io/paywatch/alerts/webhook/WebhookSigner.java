package io.paywatch.alerts.webhook;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Stripe-style signatures: {@code t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">}. The timestamp
 * inside the signed text lets receivers reject replays older than their tolerance.
 */
public final class WebhookSigner {

    private WebhookSigner() {
    }

    /** The signature header value for {@code body} signed at {@code unixSeconds}. */
    public static String header(String secret, long unixSeconds, String body) {
        return "t=" + unixSeconds + ",v1=" + hmacHex(secret, unixSeconds + "." + body);
    }

    /** Verifies a header as a receiver would (constant-time compare); used by tests and documented for users. */
    public static boolean verify(String secret, String header, String body) {
        long t = -1;
        String v1 = null;
        for (String part : header.split(",")) {
            String[] kv = part.split("=", 2);
            if (kv.length == 2 && kv[0].strip().equals("t")) {
                t = Long.parseLong(kv[1].strip());
            } else if (kv.length == 2 && kv[0].strip().equals("v1")) {
                v1 = kv[1].strip();
            }
        }
        if (t < 0 || v1 == null) {
            return false;
        }
        byte[] expected = hmacHex(secret, t + "." + body).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, v1.getBytes(StandardCharsets.US_ASCII));
    }

    static String hmacHex(String secret, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is mandatory in every JVM", e);
        }
    }
}
