package io.paywatch.producer.publish;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.util.Map;

/** Builds the service's {@link TransactionalPublisher} from configuration; Micronaut closes it on shutdown. */
@Factory
public class PublisherFactory {

    /** The one publisher of the service. */
    @Singleton
    @Bean(preDestroy = "close")
    public TransactionalPublisher publisher(PublisherConfiguration config,
            @Value("${kafka.bootstrap.servers}") String bootstrapServers) {
        return new TransactionalPublisher(new PublisherSettings(bootstrapServers, config.transactionalIdPrefix(),
                config.poolSize(), config.compression(), config.linger(), config.maxBlock(), config.deliveryTimeout(),
                config.extra() == null ? Map.of() : config.extra()));
    }
}
