package io.paywatch.alerts.security;

import io.micronaut.context.env.Environment;
import io.micronaut.core.naming.conventions.StringConvention;
import io.paywatch.schemas.KafkaSecurity;
import jakarta.inject.Singleton;

import java.util.Map;

/**
 * The Kafka connection-security settings ({@code kafka.security.protocol}, {@code kafka.sasl.*},
 * {@code kafka.ssl.*}; README, Security) for the clients this service builds itself: the delivery worker's consumer and
 * producer, the settings and delivery-log tails and the topic bootstrap. micronaut-kafka's health check reads
 * the same keys.
 */
@Singleton
public class KafkaClientSecurity {

    private final Map<String, Object> settings;

    public KafkaClientSecurity(Environment environment) {
        this.settings = Map.copyOf(KafkaSecurity.select(environment.getProperties("kafka", StringConvention.RAW)));
    }

    /** The settings by their Kafka client names; empty for a PLAINTEXT broker. */
    public Map<String, Object> settings() {
        return settings;
    }

    @Override
    public String toString() {
        // sasl.jaas.config holds a password: only the names are printed.
        return "KafkaClientSecurity" + settings.keySet();
    }
}
