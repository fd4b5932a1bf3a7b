package io.paywatch.producer.publish;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import io.paywatch.producer.security.KafkaClientSecurity;

import java.util.HashMap;
import java.util.Map;

/** Builds the service's {@link TransactionalPublisher} from configuration; Micronaut closes it on shutdown. */
@Factory
public class PublisherFactory {

    /** The one publisher of the service. */
    @Singleton
    @Bean(preDestroy = "close")
    public TransactionalPublisher publisher(PublisherConfiguration config,
            @Value("${kafka.bootstrap.servers}") String bootstrapServers, KafkaClientSecurity security) {
        Map<String, String> extra = new HashMap<>();
        // The connection's security (SASL, TLS) comes from kafka.*, the same keys the health check reads.
        security.settings().forEach((k, v) -> extra.put(k, String.valueOf(v)));
        if (config.extra() != null) {
            extra.putAll(config.extra());
        }
        return new TransactionalPublisher(new PublisherSettings(bootstrapServers, config.transactionalIdPrefix(),
                config.poolSize(), config.compression(), config.linger(), config.maxBlock(), config.deliveryTimeout(),
                extra));
    }
}
