package io.paywatch.alerts;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.paywatch.schemas.TopicBootstrap;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/** Creates the catalogue's topics before the delivery worker reads them, so nothing relies on auto-creation. */
@Context
public class TopicBootstrapOnStartup {

    private static final Logger LOG = LoggerFactory.getLogger(TopicBootstrapOnStartup.class);
    private static final int ATTEMPTS = 5;

    public TopicBootstrapOnStartup(TopicsConfiguration topics,
            @Value("${kafka.bootstrap.servers}") String bootstrapServers) throws InterruptedException {
        TopicBootstrap bootstrap = new TopicBootstrap(topics.partitions(), topics.replicationFactor());
        for (int attempt = 1; ; attempt++) {
            try {
                bootstrap.ensureTopics(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
                return;
            } catch (IllegalStateException e) {
                // Describing a topic right after creating it can fail with UnknownTopicOrPartition until the
                // metadata propagates; the bootstrap is idempotent, so trying again is safe.
                if (attempt >= ATTEMPTS) {
                    throw e;
                }
                LOG.warn("Topic bootstrap attempt {} failed ({}); retrying", attempt, e.getMessage());
                Thread.sleep(200L * attempt);
            }
        }
    }
}
