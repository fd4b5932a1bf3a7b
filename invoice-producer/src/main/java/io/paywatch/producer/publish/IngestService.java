package io.paywatch.producer.publish;

import io.micronaut.http.HttpStatus;
import io.paywatch.contract.SourceSystem;
import io.paywatch.producer.api.EventJson;
import io.paywatch.producer.auth.TenantConfiguration;
import io.paywatch.producer.metrics.IngestMetrics;
import io.paywatch.producer.problem.ProblemException;
import io.paywatch.producer.problem.Violation;
import io.paywatch.producer.validation.EventValidator;
import io.paywatch.producer.validation.RequestConsistency;
import io.paywatch.producer.zones.TenantZones;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validate-everything-then-publish-in-one-transaction, shared by the JSON API and the webhooks: a request is
 * either wholly in Kafka (and answered 202/200) or not at all (and answered 4xx/503).
 */
@Singleton
public class IngestService {

    private static final Logger LOG = LoggerFactory.getLogger(IngestService.class);

    private final EventValidator validator;
    private final TransactionalPublisher publisher;
    private final IngestMetrics metrics;
    private final PublisherConfiguration config;
    private final TenantZones zones;

    public IngestService(EventValidator validator, TransactionalPublisher publisher, IngestMetrics metrics,
            PublisherConfiguration config, TenantZones zones) {
        this.validator = validator;
        this.publisher = publisher;
        this.metrics = metrics;
        this.config = config;
        this.zones = zones;
    }

    /**
     * Validates every event for {@code tenant} and publishes them all in one transaction.
     *
     * @param paths field prefix of each event in the request ({@code ""} or {@code "[i]."})
     * @return the published events
     * @throws ProblemException 403 for another tenant's event, 400 listing every violation, 503 when Kafka is down
     */
    public List<OutboundEvent> ingest(List<EventJson> events, List<String> paths, TenantConfiguration tenant,
            SourceSystem defaultSource) {
        List<Violation> foreign = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            String claimed = events.get(i).tenantId();
            if (claimed != null && !claimed.equals(tenant.getTenantId())) {
                foreign.add(new Violation(paths.get(i) + "tenantId", "is not the tenant of the API key", "forbidden"));
            }
        }
        if (!foreign.isEmpty()) {
            events.forEach(e -> metrics.rejected(String.valueOf(e.type()), "forbidden"));
            throw new ProblemException(HttpStatus.FORBIDDEN, "events belong to another tenant", foreign, Map.of());
        }
        // Plain dates and terms are read in the tenant's zone (its saved settings, see TenantZones).
        EventValidator.Context ctx = new EventValidator.Context(tenant.getTenantId(), tenant.getDefaultTermsDays(),
                defaultSource, zones.zone(tenant));
        List<Violation> violations = new ArrayList<>();
        List<OutboundEvent> valid = new ArrayList<>(events.size());
        List<EventValidator.Checked> checked = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            EventValidator.Checked c = validator.validate(events.get(i), paths.get(i), ctx);
            checked.add(c);
            violations.addAll(c.violations());
            if (c.valid()) {
                valid.add(c.event());
            }
        }
        if (violations.isEmpty()) {
            violations.addAll(RequestConsistency.check(events, paths));
        }
        if (!violations.isEmpty()) {
            rejectAll(checked);
            throw ProblemException.invalid(violations);
        }
        publish(valid);
        return valid;
    }

    /** Publishes already-validated records in one transaction, counting them. */
    public void publish(List<OutboundEvent> valid) {
        try {
            publisher.publish(valid);
        } catch (KafkaUnavailableException e) {
            LOG.warn("Kafka unavailable, refused {} events: {}", valid.size(), e.getMessage());
            valid.forEach(v -> metrics.rejected(v.type(), "kafka_unavailable"));
            throw new ProblemException(HttpStatus.SERVICE_UNAVAILABLE,
                    "Kafka did not acknowledge the write; nothing was published, retry later", List.of(),
                    Map.of("Retry-After", Long.toString(Math.max(1, config.retryAfter().toSeconds()))));
        }
        valid.forEach(v -> metrics.accepted(v.type(), v.source()));
    }

    /** Counts every event of a refused request once per distinct reason it had. */
    private void rejectAll(List<EventValidator.Checked> checked) {
        for (EventValidator.Checked c : checked) {
            Set<String> reasons = new HashSet<>();
            c.violations().forEach(v -> reasons.add(v.code()));
            if (reasons.isEmpty()) {
                reasons.add("batch_rejected");
            }
            reasons.forEach(r -> metrics.rejected(c.type(), r));
        }
    }
}
