package io.paywatch.schemas;

import java.util.Map;
import java.util.TreeMap;

/**
 * Picks the connection-security settings ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}) out of a
 * service's Kafka configuration, so that every client a service builds by hand (producers, consumers, admin for
 * the topic bootstrap) connects the way micronaut-kafka's own clients (health, Streams) do: all of them read
 * the {@code kafka.*} configuration keys. Blank values are dropped, so an unset environment variable behind a
 * {@code ${KAFKA_SASL_JAAS_CONFIG:}} placeholder changes nothing.
 */
public final class KafkaSecurity {

    private KafkaSecurity() {
    }

    /** The security settings of {@code kafkaConfig}, by their Kafka client names. */
    public static Map<String, Object> select(Map<?, ?> kafkaConfig) {
        Map<String, Object> out = new TreeMap<>();
        kafkaConfig.forEach((k, v) -> {
            String key = String.valueOf(k);
            if (v == null || String.valueOf(v).isBlank()) {
                return;
            }
            if (key.equals("security.protocol") || key.startsWith("sasl.") || key.startsWith("ssl.")) {
                out.put(key, String.valueOf(v));
            }
        });
        return out;
    }

    /** {@code base} plus the security settings (a new map; base is not changed). */
    public static Map<String, Object> with(Map<String, Object> base, Map<String, Object> security) {
        Map<String, Object> out = new java.util.HashMap<>(base);
        out.putAll(security);
        return out;
    }
}
