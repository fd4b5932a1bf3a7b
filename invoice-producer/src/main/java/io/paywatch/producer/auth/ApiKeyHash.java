package io.paywatch.producer.auth;

import io.paywatch.schemas.Secrets;

/**
 * Hex SHA-256 of an API key, the form keys are configured in. Run as
 * {@code java -cp invoice-producer.jar io.paywatch.producer.auth.ApiKeyHash KEY}, or use
 * {@code printf '%s' KEY | sha256sum}.
 */
public final class ApiKeyHash {

    private ApiKeyHash() {
    }

    /** Lower-case hex SHA-256 of the UTF-8 key. */
    public static String of(String key) {
        return Secrets.sha256Hex(key);
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: ApiKeyHash KEY");
            System.exit(2);
        }
        System.out.println(of(args[0]));
    }
}
