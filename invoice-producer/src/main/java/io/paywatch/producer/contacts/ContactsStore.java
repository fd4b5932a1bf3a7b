package io.paywatch.producer.contacts;

import io.micronaut.context.annotation.Value;
import io.paywatch.contract.ClientContacts;
import io.paywatch.producer.security.KafkaClientSecurity;
import io.paywatch.schemas.ClientKey;
import io.paywatch.schemas.Topics;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Every tenant's client contacts, read from the compacted {@code client-contacts} topic (from the beginning at
 * start-up, committed records only, then followed) plus what this instance has just committed through
 * {@code PUT /v1/clients/{clientId}/contacts}. The first lookup waits for the start-up read to reach the end of
 * the topic (at most {@code paywatch.contacts.initial-load-timeout}, 10 s), so a restart never answers from a
 * half-read topic. {@link #readOnce} reads one tenant's contacts for the mail import.
 */
@Singleton
public class ContactsStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ContactsStore.class);

    /** tenant -> client -> contacts. */
    private final Map<String, Map<String, ClientContacts>> byTenant = new ConcurrentHashMap<>();
    private final CountDownLatch loaded = new CountDownLatch(1);
    private final Duration initialLoadTimeout;
    private final String bootstrapServers;
    private final Map<String, Object> security;
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, ClientContacts> consumer;
    private final Thread follower;

    public ContactsStore(@Value("${kafka.bootstrap.servers}") String bootstrapServers,
            @Value("${paywatch.contacts.follow-topic:true}") boolean followTopic,
            @Value("${paywatch.contacts.initial-load-timeout:10s}") Duration initialLoadTimeout,
            KafkaClientSecurity security) {
        this.bootstrapServers = bootstrapServers;
        this.security = security.settings();
        this.initialLoadTimeout = initialLoadTimeout;
        if (followTopic) {
            follower = new Thread(this::follow, "client-contacts");
            follower.setDaemon(true);
            follower.start();
        } else {
            follower = null;
            loaded.countDown();
        }
    }

    /** One client's contacts, or empty when the tenant saved none for it. */
    public Optional<ClientContacts> get(String tenantId, String clientId) {
        awaitLoaded();
        return Optional.ofNullable(byTenant.getOrDefault(tenantId, Map.of()).get(clientId));
    }

    /** Every client's contacts of one tenant (a copy). */
    public Map<String, ClientContacts> all(String tenantId) {
        awaitLoaded();
        return Map.copyOf(byTenant.getOrDefault(tenantId, Map.of()));
    }

    /** Records contacts this instance has just committed, so the very next request sees them. */
    public void saved(ClientContacts contacts) {
        apply(contacts.getTenantId(), contacts.getClientId(), contacts);
    }

    private void apply(String tenantId, String clientId, ClientContacts contacts) {
        Map<String, ClientContacts> clients = byTenant.computeIfAbsent(tenantId, t -> new ConcurrentHashMap<>());
        if (contacts == null) {
            clients.remove(clientId);
        } else {
            clients.put(clientId, contacts);
        }
    }

    /** A read_committed consumer of the contacts topic, without a group. */
    static KafkaConsumer<String, ClientContacts> consumer(String bootstrapServers, Map<String, Object> security) {
        Map<String, Object> config = new HashMap<>(security);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return new KafkaConsumer<>(config, new StringDeserializer(),
                Topics.CLIENT_CONTACTS.valueSerde().deserializer());
    }

    /** Assigns every partition from the beginning; returns the end offsets (empty when there is no topic yet). */
    static Map<TopicPartition, Long> assignAll(KafkaConsumer<String, ClientContacts> consumer) {
        List<PartitionInfo> partitions = consumer.partitionsFor(Topics.CLIENT_CONTACTS.name(), Duration.ofSeconds(5));
        if (partitions == null || partitions.isEmpty()) {
            return Map.of();
        }
        List<TopicPartition> tps = partitions.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
        return consumer.endOffsets(tps, Duration.ofSeconds(10));
    }

    static boolean caughtUp(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (consumer.position(end.getKey(), Duration.ofSeconds(10)) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    /**
     * One tenant's contacts, reading the whole compacted topic once (for the mail import).
     *
     * @throws RuntimeException when Kafka cannot be read within about {@code timeout}
     */
    public static TenantContacts readOnce(String bootstrapServers, String tenantId, Duration timeout) {
        String prefix = ClientKey.tenantPrefix(tenantId);
        Map<String, ClientContacts> clients = new HashMap<>();
        try (KafkaConsumer<String, ClientContacts> c = consumer(bootstrapServers, Map.of())) {
            Map<TopicPartition, Long> ends = assignAll(c);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!caughtUp(c, ends)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(Topics.CLIENT_CONTACTS.name() + " not read within " + timeout);
                }
                for (ConsumerRecord<String, ClientContacts> r : c.poll(Duration.ofMillis(200))) {
                    if (r.key() == null || !r.key().startsWith(prefix)) {
                        continue;
                    }
                    if (r.value() == null) {
                        clients.remove(r.key());
                    } else if (tenantId.equals(r.value().getTenantId())) {
                        clients.put(r.key(), r.value());
                    }
                }
            }
        }
        return TenantContacts.of(clients.values());
    }

    private void awaitLoaded() {
        try {
            if (!loaded.await(initialLoadTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Client contacts not read from Kafka within {}; using what is known", initialLoadTimeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void follow() {
        while (running) {
            KafkaConsumer<String, ClientContacts> c = consumer(bootstrapServers, security);
            try {
                consumer = c;
                Map<TopicPartition, Long> ends = assignAll(c);
                if (ends.isEmpty()) {
                    loaded.countDown();
                    sleepQuietly();
                    continue;
                }
                while (running) {
                    for (ConsumerRecord<String, ClientContacts> r : c.poll(Duration.ofMillis(500))) {
                        if (r.key() == null) {
                            continue;
                        }
                        ClientKey key;
                        try {
                            key = ClientKey.parse(r.key());
                        } catch (RuntimeException e) {
                            continue;
                        }
                        apply(key.tenantId(), key.clientId(), r.value());
                    }
                    if (loaded.getCount() > 0 && caughtUp(c, ends)) {
                        LOG.info("Read the client contacts of {} tenants", byTenant.size());
                        loaded.countDown();
                    }
                }
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (running) {
                    loaded.countDown();
                    LOG.warn("Reading client-contacts failed, retrying: {}", e.toString());
                    sleepQuietly();
                }
            } finally {
                c.close(Duration.ofMillis(200));
            }
        }
    }

    private void sleepQuietly() {
        try {
            Thread.sleep(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    @PreDestroy
    public void close() {
        running = false;
        KafkaConsumer<String, ClientContacts> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (follower != null) {
            try {
                follower.join(3_000);
                if (follower.isAlive()) {
                    follower.interrupt();
                    follower.join(2_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
