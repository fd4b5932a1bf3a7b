package io.paywatch.producer.contacts;

import io.micronaut.context.annotation.Value;
import io.paywatch.contract.ClientContacts;
import io.paywatch.producer.follow.CompactedTopicFollower;
import io.paywatch.producer.security.KafkaClientSecurity;
import io.paywatch.schemas.ClientKey;
import io.paywatch.schemas.Topics;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

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
    private final CompactedTopicFollower<ClientContacts> follower;

    public ContactsStore(@Value("${kafka.bootstrap.servers}") String bootstrapServers,
            @Value("${paywatch.contacts.follow-topic:true}") boolean followTopic,
            @Value("${paywatch.contacts.initial-load-timeout:10s}") Duration initialLoadTimeout,
            KafkaClientSecurity security) {
        follower = new CompactedTopicFollower<>(Topics.CLIENT_CONTACTS, bootstrapServers, security.settings(),
                followTopic, initialLoadTimeout, this::applyRecord,
                () -> LOG.info("Read the client contacts of {} tenants", byTenant.size()));
    }

    /** One client's contacts, or empty when the tenant saved none for it. */
    public Optional<ClientContacts> get(String tenantId, String clientId) {
        follower.awaitLoaded();
        return Optional.ofNullable(byTenant.getOrDefault(tenantId, Map.of()).get(clientId));
    }

    /** Every client's contacts of one tenant (a copy). */
    public Map<String, ClientContacts> all(String tenantId) {
        follower.awaitLoaded();
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

    /** Applies one record of the topic (its key is the client key; an unparseable key is skipped). */
    private void applyRecord(ConsumerRecord<String, ClientContacts> r) {
        ClientKey key;
        try {
            key = ClientKey.parse(r.key());
        } catch (RuntimeException e) {
            return;
        }
        apply(key.tenantId(), key.clientId(), r.value());
    }

    /**
     * One tenant's contacts, reading the whole compacted topic once (for the mail import).
     *
     * @throws RuntimeException when Kafka cannot be read within about {@code timeout}
     */
    public static TenantContacts readOnce(String bootstrapServers, String tenantId, Duration timeout) {
        String prefix = ClientKey.tenantPrefix(tenantId);
        Map<String, ClientContacts> clients = new HashMap<>();
        try (KafkaConsumer<String, ClientContacts> c = CompactedTopicFollower.consumer(Topics.CLIENT_CONTACTS,
                bootstrapServers, Map.of())) {
            Map<TopicPartition, Long> ends = CompactedTopicFollower.assignAll(c, Topics.CLIENT_CONTACTS);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!CompactedTopicFollower.caughtUp(c, ends)) {
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

    @Override
    @PreDestroy
    public void close() {
        follower.close();
    }
}
