package io.paywatch.alerts;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.paywatch.alerts.security.KafkaClientSecurity;
import io.paywatch.schemas.KafkaSecurity;
import io.paywatch.schemas.TopicBootstrap;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.util.Map;

/** Creates the catalogue's topics before the delivery worker reads them, so nothing relies on auto-creation. */
@Context
public class TopicBootstrapOnStartup {

    public TopicBootstrapOnStartup(TopicsConfiguration topics,
            @Value("${kafka.bootstrap.servers}") String bootstrapServers, KafkaClientSecurity security) {
        new TopicBootstrap(topics.partitions(), topics.replicationFactor()).ensureTopics(KafkaSecurity.with(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), security.settings()));
    }
}
