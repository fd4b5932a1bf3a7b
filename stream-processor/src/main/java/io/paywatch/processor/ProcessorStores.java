package io.paywatch.processor;

/**
 * Names of the stream-processor's state stores, declared once next to the topology that owns them.
 * The query API reads the queryable ones through Kafka Streams interactive queries.
 */
public final class ProcessorStores {

    private ProcessorStores() {
    }

    /** Latest ClientProfile per client, keyed tenant|client (queryable). */
    public static final String CLIENT_PROFILES = "client-profile-store";

    /**
     * Recent alerts, keyed {@code tenantId|<occurredAt epoch millis, 13 digits zero-padded>|alertId} so a
     * prefix scan by {@code tenantId|} lists a tenant's alerts in time order (queryable, bounded).
     */
    public static final String RECENT_ALERTS = "recent-alert-store";

    /** Tenant settings as a global store, keyed tenantId. */
    public static final String SETTINGS = "freelancer-settings-store";
}
