package io.paywatch.producer.zones;

import io.micronaut.context.annotation.Value;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.producer.auth.TenantConfiguration;
import io.paywatch.producer.security.KafkaClientSecurity;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The time zone of each tenant, in which the service reads plain dates and adds terms. In order:
 * <ol>
 *   <li>the {@code timezone} of the tenant's saved settings: the latest record on the compacted
 *       {@code freelancer-settings} topic (read from the beginning at start-up and followed afterwards), or the
 *       settings this instance has just published through {@code PUT /v1/settings};</li>
 *   <li>{@code paywatch.tenants.<id>.timezone} of the configuration, for a tenant that saved none yet;</li>
 *   <li>UTC, the contract's default (and the stream processor's, for a tenant without settings).</li>
 * </ol>
 * The first lookup waits (at most {@code paywatch.settings.initial-load-timeout}, 10 s by default) for the
 * start-up read to reach the end of the topic, so a restart never reads a date in a stale zone.
 */
@Singleton
public class TenantZones implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TenantZones.class);

    private final Map<String, ZoneId> saved = new ConcurrentHashMap<>();
    private final CountDownLatch loaded = new CountDownLatch(1);
    private final Duration initialLoadTimeout;
    private final String bootstrapServers;
    private final Map<String, Object> security;
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, FreelancerSettings> consumer;
    private final Thread follower;

    public TenantZones(@Value("${kafka.bootstrap.servers}") String bootstrapServers,
            @Value("${paywatch.settings.follow-topic:true}") boolean followTopic,
            @Value("${paywatch.settings.initial-load-timeout:10s}") Duration initialLoadTimeout,
            KafkaClientSecurity security) {
        this.bootstrapServers = bootstrapServers;
        this.security = security.settings();
        this.initialLoadTimeout = initialLoadTimeout;
        if (followTopic) {
            follower = new Thread(this::follow, "tenant-zones");
            follower.setDaemon(true);
            follower.start();
        } else {
            follower = null;
            loaded.countDown();
        }
    }

    /** The zone of a tenant (see the class comment for the order). */
    public ZoneId zone(TenantConfiguration tenant) {
        awaitLoaded();
        ZoneId zone = saved.get(tenant.getTenantId());
        if (zone != null) {
            return zone;
        }
        return SettingsZones.parse(tenant.getTimezone()).orElse(ZoneOffset.UTC);
    }

    /** Records the zone of settings this instance has just committed, so the very next request uses it. */
    public void saved(String tenantId, String timezone) {
        saved.put(tenantId, SettingsZones.parse(timezone).orElse(ZoneOffset.UTC));
    }

    private void awaitLoaded() {
        try {
            if (!loaded.await(initialLoadTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Tenants' saved settings not read from Kafka within {}; using what is known", initialLoadTimeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void follow() {
        while (running) {
            KafkaConsumer<String, FreelancerSettings> c = SettingsZones.consumer(bootstrapServers, security);
            try {
                consumer = c;
                Map<TopicPartition, Long> ends = SettingsZones.assignAll(c);
                if (ends.isEmpty()) {
                    // No settings topic yet (the bootstrap creates it): nothing saved, so nothing to wait for.
                    loaded.countDown();
                    sleepQuietly();
                    continue;
                }
                while (running) {
                    for (ConsumerRecord<String, FreelancerSettings> r : c.poll(Duration.ofMillis(500))) {
                        if (r.key() == null) {
                            continue;
                        }
                        if (r.value() == null) {
                            saved.remove(r.key());
                        } else {
                            saved.put(r.key(), SettingsZones.zoneOf(r).orElse(ZoneOffset.UTC));
                        }
                    }
                    if (loaded.getCount() > 0 && SettingsZones.caughtUp(c, ends)) {
                        LOG.info("Read the saved time zones of {} tenants", saved.size());
                        loaded.countDown();
                    }
                }
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (running) {
                    // Kafka unreachable: nothing can be published either (503), so requests need not wait for it.
                    loaded.countDown();
                    LOG.warn("Reading freelancer-settings failed, retrying: {}", e.toString());
                    sleepQuietly();
                }
            } finally {
                // Short: at shutdown the broker may already be gone, and nothing here needs a clean leave.
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
        KafkaConsumer<String, FreelancerSettings> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (follower != null) {
            try {
                // The wakeup ends a poll, and a sleep between retries ends within 2 s. An interrupt now would land
                // in the consumer's close, which then logs an error and throws InterruptException out of the thread.
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
