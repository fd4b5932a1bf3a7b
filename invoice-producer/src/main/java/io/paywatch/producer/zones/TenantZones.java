package io.paywatch.producer.zones;

import io.micronaut.context.annotation.Value;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.producer.auth.TenantConfiguration;
import io.paywatch.producer.follow.CompactedTopicFollower;
import io.paywatch.producer.security.KafkaClientSecurity;
import io.paywatch.schemas.Topics;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;


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
    private final CompactedTopicFollower<FreelancerSettings> follower;

    public TenantZones(@Value("${kafka.bootstrap.servers}") String bootstrapServers,
            @Value("${paywatch.settings.follow-topic:true}") boolean followTopic,
            @Value("${paywatch.settings.initial-load-timeout:10s}") Duration initialLoadTimeout,
            KafkaClientSecurity security) {
        follower = new CompactedTopicFollower<>(Topics.FREELANCER_SETTINGS, bootstrapServers, security.settings(),
                followTopic, initialLoadTimeout, this::apply,
                () -> LOG.info("Read the saved time zones of {} tenants", saved.size()));
    }

    /** The zone of a tenant (see the class comment for the order). */
    public ZoneId zone(TenantConfiguration tenant) {
        follower.awaitLoaded();
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

    private void apply(ConsumerRecord<String, FreelancerSettings> r) {
        if (r.value() == null) {
            saved.remove(r.key());
        } else {
            saved.put(r.key(), SettingsZones.zoneOf(r).orElse(ZoneOffset.UTC));
        }
    }

    @Override
    @PreDestroy
    public void close() {
        follower.close();
    }
}
