package io.paywatch.producer.publish;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** What the import commands (CSV, mail) share around Kafka: the topic check before a run and the batch flush. */
public final class CommandLineKafka {

    private CommandLineKafka() {
    }

    /**
     * Null when {@code topic} exists on {@code bootstrapServers}; otherwise a one-line reason for the user. A command
     * never creates topics (the service does, from the catalogue).
     */
    public static String missingTopic(String bootstrapServers, String topic) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000))) {
            Set<String> names = admin.listTopics().names().get(20, TimeUnit.SECONDS);
            if (!names.contains(topic)) {
                return "topic " + topic + " does not exist on " + bootstrapServers
                        + ": start invoice-producer once (it creates the catalogue's topics)";
            }
            return null;
        } catch (Exception e) {
            return "cannot reach Kafka at " + bootstrapServers + ": " + e;
        }
    }

    /**
     * Publishes {@code pending} in one transaction (nothing when {@code publisher} is null: a dry run) and empties it.
     *
     * @return how many events were in the batch
     */
    public static long flush(TransactionalPublisher publisher, List<OutboundEvent> pending) {
        int n = pending.size();
        if (publisher != null && n > 0) {
            publisher.publish(pending);
        }
        pending.clear();
        return n;
    }
}
