package io.paywatch.producer.webhook.stripe;

import io.paywatch.producer.webhook.Hmac;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Verifies {@code Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>...]}: v1 is the hex HMAC-SHA256 of
 * {@code "<t>.<raw body>"} under the endpoint secret. Any matching v1 is enough (Stripe sends several while a
 * secret is being rolled). A timestamp outside the tolerance is refused, so a captured request cannot be replayed.
 */
public final class StripeSignatureVerifier {

    /** Stripe's own default tolerance. */
    public static final Duration DEFAULT_TOLERANCE = Duration.ofSeconds(300);

    private final Clock clock;
    private final Duration tolerance;

    public StripeSignatureVerifier(Clock clock, Duration tolerance) {
        this.clock = clock;
        this.tolerance = tolerance;
    }

    /** Why a signature was refused. */
    public static final class InvalidSignature extends Exception {
        public InvalidSignature(String reason) {
            super(reason);
        }
    }

    /** Returns normally when the body is authentic and fresh. */
    public void verify(String header, byte[] body, String secret) throws InvalidSignature {
        if (header == null || header.isBlank()) {
            throw new InvalidSignature("missing Stripe-Signature header");
        }
        Long timestamp = null;
        List<String> v1 = new ArrayList<>();
        for (String part : header.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String name = part.substring(0, eq).strip();
            String value = part.substring(eq + 1).strip();
            if (name.equals("t")) {
                try {
                    timestamp = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new InvalidSignature("timestamp is not a number");
                }
            } else if (name.equals("v1")) {
                v1.add(value.toLowerCase());
            }
        }
        if (timestamp == null) {
            throw new InvalidSignature("no timestamp (t=) in Stripe-Signature");
        }
        if (v1.isEmpty()) {
            throw new InvalidSignature("no v1 signature in Stripe-Signature");
        }
        long age = clock.instant().getEpochSecond() - timestamp;
        if (age > tolerance.toSeconds()) {
            throw new InvalidSignature("timestamp is " + age + " s old, more than " + tolerance.toSeconds() + " s");
        }
        if (-age > tolerance.toSeconds()) {
            throw new InvalidSignature("timestamp is in the future");
        }
        byte[] expected = HexFormat.of().formatHex(Hmac.sha256(secret,
                (timestamp + ".").getBytes(StandardCharsets.UTF_8), body)).getBytes(StandardCharsets.US_ASCII);
        boolean match = false;
        for (String candidate : v1) {
            // Every candidate is compared, in constant time, so timing says nothing about which one matched.
            match |= MessageDigest.isEqual(expected, candidate.getBytes(StandardCharsets.US_ASCII));
        }
        if (!match) {
            throw new InvalidSignature("no v1 signature matches the body");
        }
    }
}
