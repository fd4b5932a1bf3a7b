package io.paywatch.producer;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.paywatch.producer.security.KafkaClientSecurity;
import io.paywatch.schemas.KafkaSecurity;
import io.paywatch.schemas.TopicBootstrap;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.util.Map;

/**
 * Creates the catalogue's topics before anything publishes, so the service never relies on auto-creation.
 * {@code paywatch.topics.bootstrap-on-startup=false} turns it off (topics managed elsewhere, or tests of an
 * unreachable broker).
 */
@Context
@Requires(property = "paywatch.topics.bootstrap-on-startup", notEquals = "false")
public class TopicBootstrapOnStartup {

    public TopicBootstrapOnStartup(TopicsConfiguration topics,
            @Value("${kafka.bootstrap.servers}") String bootstrapServers, KafkaClientSecurity security) {
        new TopicBootstrap(topics.partitions(), topics.replicationFactor()).ensureTopics(KafkaSecurity.with(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), security.settings()));
    }
}
