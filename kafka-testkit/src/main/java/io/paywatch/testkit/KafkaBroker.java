package io.paywatch.testkit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;

import org.awaitility.Awaitility;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** A real Kafka broker that tests talk to, whatever started it. */
public interface KafkaBroker extends AutoCloseable {

    /** The bootstrap servers clients connect to. */
    String bootstrapServers();

    /** Human-readable description of how the broker runs, for the start-up line. */
    String describe();

    /** A fresh admin client; the caller closes it. */
    default Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    /**
     * Deletes every topic and consumer group that tests created, so that the next test class starts
     * on fresh topics. Internal topics (__consumer_offsets, __transaction_state) stay.
     */
    default void resetTopics() {
        try (Admin admin = admin()) {
            Collection<String> groups = admin.listConsumerGroups().all().get(30, TimeUnit.SECONDS)
                    .stream().map(ConsumerGroupListing::groupId).collect(Collectors.toList());
            if (!groups.isEmpty()) {
                // A group still in use (a leaked client) cannot be deleted; it is harmless to skip it.
                admin.deleteConsumerGroups(groups).deletedGroups().forEach((g, f) -> {
                    try {
                        f.get(30, TimeUnit.SECONDS);
                    } catch (Exception ignored) {
                        // non-empty group: left in place
                    }
                });
            }
            Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<String> ours = topics.stream().filter(t -> !t.startsWith("__")).toList();
            if (!ours.isEmpty()) {
                admin.deleteTopics(ours).all().get(60, TimeUnit.SECONDS);
                waitUntilGone(admin, ours);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while resetting topics", e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("could not reset topics on the test broker", e);
        }
    }

    private static void waitUntilGone(Admin admin, List<String> topics) {
        // Topic deletion is asynchronous in KRaft: wait until the metadata no longer lists them.
        Awaitility.await("topics deleted: " + topics).atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    Set<String> left = admin.listTopics().names().get(30, TimeUnit.SECONDS);
                    return topics.stream().noneMatch(left::contains);
                });
    }

    @Override
    void close();
}
