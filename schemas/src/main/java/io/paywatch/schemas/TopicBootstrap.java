package io.paywatch.schemas;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates the catalogue's topics that do not exist yet. Every service calls it at start-up; it is
 * idempotent, so services may race. Paywatch never relies on broker auto-creation.
 */
public final class TopicBootstrap {

    private static final Logger LOG = LoggerFactory.getLogger(TopicBootstrap.class);

    private final int partitions;
    private final short replicationFactor;

    /**
     * @param partitions        partitions of every topic; per-client topics must share it to stay co-partitioned
     * @param replicationFactor replication factor of every topic
     */
    public TopicBootstrap(int partitions, short replicationFactor) {
        if (partitions < 1 || replicationFactor < 1) {
            throw new IllegalArgumentException("partitions and replication factor must be at least 1");
        }
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
    }

    /** Attempts of {@link #ensureTopics(Map)} before start-up fails. */
    static final int ATTEMPTS = 5;
    /** Backoff before the second attempt; it grows linearly. */
    static final Duration BACKOFF = Duration.ofMillis(300);

    /**
     * Connects with {@code adminConfig} (at least bootstrap.servers, plus any security settings), ensures
     * every catalogue topic exists and closes the connection. This is the call every service makes at start-up.
     * It retries a few times: a broker that is still starting, or whose metadata has not caught up with a topic
     * just created or deleted, answers UnknownTopicOrPartition for a moment, and the bootstrap is idempotent.
     */
    public List<String> ensureTopics(Map<String, Object> adminConfig) {
        for (int attempt = 1; ; attempt++) {
            try (Admin admin = Admin.create(adminConfig)) {
                return ensureTopics(admin);
            } catch (IllegalStateException e) {
                if (e.getCause() instanceof AuthenticationException
                        || e.getCause() instanceof org.apache.kafka.common.errors.AuthorizationException) {
                    // Retrying cannot fix credentials: say what was refused (never the password).
                    String what = e.getCause() instanceof AuthenticationException
                            ? "Kafka refused this service's credentials" : "Kafka denied this service access (ACLs)";
                    throw new IllegalStateException(what + " (security.protocol="
                            + adminConfig.getOrDefault("security.protocol", "PLAINTEXT") + ", sasl.mechanism="
                            + adminConfig.getOrDefault("sasl.mechanism", "GSSAPI") + "): "
                            + e.getCause().getMessage().replaceAll("\\.+$", "")
                            + ". Check kafka.security.protocol and kafka.sasl.* (README, Security).", e.getCause());
                }
                if (attempt >= ATTEMPTS) {
                    throw e;
                }
                LOG.warn("Topic bootstrap attempt {} of {} failed ({}); retrying", attempt, ATTEMPTS,
                        e.getCause() == null ? e.getMessage() : e.getCause().toString());
                try {
                    Thread.sleep(BACKOFF.toMillis() * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** Ensures every topic of {@link Topics#ALL} exists. Returns the names it created. */
    public List<String> ensureTopics(Admin admin) {
        return ensure(admin, Topics.ALL);
    }

    /** Ensures the given topics exist. Returns the names it created. */
    public List<String> ensure(Admin admin, List<TopicSpec<?, ?>> specs) {
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (TopicSpec<?, ?> spec : specs) {
                if (!existing.contains(spec.name())) {
                    missing.add(new NewTopic(spec.name(), partitions, replicationFactor).configs(spec.configs()));
                }
            }
            List<String> created = new ArrayList<>();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).values().forEach((name, future) -> {
                    try {
                        future.get(30, TimeUnit.SECONDS);
                        created.add(name);
                    } catch (ExecutionException e) {
                        if (!(e.getCause() instanceof TopicExistsException)) {
                            throw new IllegalStateException("could not create topic " + name, e.getCause());
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted creating " + name, e);
                    } catch (TimeoutException e) {
                        throw new IllegalStateException("timed out creating " + name, e);
                    }
                });
            }
            // Only topics that already existed: metadata of a just-created topic may not have propagated yet.
            warnOnPartitionMismatch(admin, specs.stream().filter(t -> existing.contains(t.name())).toList());
            if (!created.isEmpty()) {
                LOG.info("Created topics {} ({} partitions, replication {})", created, partitions, replicationFactor);
            }
            return created;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during topic bootstrap", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("topic bootstrap failed: is Kafka reachable?", e.getCause() instanceof
                    AuthenticationException || e.getCause() instanceof org.apache.kafka.common.errors.AuthorizationException
                    ? e.getCause() : e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("topic bootstrap failed: is Kafka reachable?", e);
        }
    }

    private void warnOnPartitionMismatch(Admin admin, List<TopicSpec<?, ?>> specs) throws InterruptedException {
        if (specs.isEmpty()) {
            return;
        }
        Map<String, TopicDescription> described;
        try {
            described = admin.describeTopics(specs.stream().map(TopicSpec::name).toList())
                    .allTopicNames().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // A check, not a requirement: a topic deleted concurrently must not fail start-up.
            LOG.warn("Could not check partition counts: {}", e.toString());
            return;
        }
        described.forEach((name, d) -> {
            if (d.partitions().size() != partitions) {
                // Streams refuses to join or merge topics that are not co-partitioned, so say so early.
                LOG.warn("Topic {} has {} partitions, expected {}", name, d.partitions().size(), partitions);
            }
        });
    }
}
