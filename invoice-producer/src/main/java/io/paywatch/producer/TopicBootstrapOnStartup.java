package io.paywatch.producer;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.paywatch.schemas.TopicBootstrap;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * Creates the catalogue's topics before anything publishes, so the service never relies on auto-creation.
 * {@code paywatch.topics.bootstrap-on-startup=false} turns it off (topics managed elsewhere, or tests of an
 * unreachable broker).
 */
@Context
@Requires(property = "paywatch.topics.bootstrap-on-startup", notEquals = "false")
public class TopicBootstrapOnStartup {

    private static final Logger LOG = LoggerFactory.getLogger(TopicBootstrapOnStartup.class);
    /** Attempts before start-up fails: a broker that is still starting, or still deleting topics, answers
     *  UnknownTopicOrPartition for a moment after topics are created. */
    private static final int ATTEMPTS = 5;
    private static final long BACKOFF_MILLIS = 500;

    public TopicBootstrapOnStartup(TopicsConfiguration topics,
            @Value("${kafka.bootstrap.servers}") String bootstrapServers) {
        TopicBootstrap bootstrap = new TopicBootstrap(topics.partitions(), topics.replicationFactor());
        Map<String, Object> admin = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        for (int attempt = 1; ; attempt++) {
            try {
                bootstrap.ensureTopics(admin);
                return;
            } catch (IllegalStateException e) {
                if (attempt >= ATTEMPTS) {
                    throw e;
                }
                LOG.warn("Topic bootstrap attempt {} failed ({}), retrying", attempt, e.getCause());
                try {
                    Thread.sleep(BACKOFF_MILLIS * attempt);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
