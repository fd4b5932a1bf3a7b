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
     * The alert history, keyed {@code tenantId|<occurredAt epoch millis, 13 digits zero-padded>|alertId} so a
     * tenant's alerts are one time-ordered key range (queryable; bounded per client, per tenant and in time by
     * {@code alerting.AlertLog}). The name dates from when it held only the newest 200 alerts per tenant; it is kept
     * so an upgraded instance keeps those through the same changelog.
     */
    public static final String RECENT_ALERTS = "recent-alert-store";

    /**
     * Index of the alert history by client: {@code tenantId|clientId<US><13-digit occurredAt>|alertId} (US = U+001F)
     * → the {@link #RECENT_ALERTS} key, so one client's alerts are a prefix scan, oldest first (queryable).
     */
    public static final String ALERT_CLIENT_INDEX = "alert-client-index";

    /** Tenant settings as a global store, keyed tenantId. */
    public static final String SETTINGS = "freelancer-settings-store";

    /** Event ids already applied (eventId -> event time), a window store whose retention is the dedupe TTL. */
    public static final String SEEN_EVENTS = "seen-events";

    /**
     * Invoices not yet settled, and payments held for an invoice not seen yet, keyed
     * {@code tenant|client<US>invoiceId} (US = U+001F) so a prefix scan by {@code tenant|client<US>} lists one
     * client's open invoices. Held entries and unpaid write-offs expire a state horizon after their latest event
     * (README, Stores).
     */
    public static final String OPEN_INVOICES = "open-invoices";

    /**
     * The next overdue threshold of every open invoice, keyed {@code <13-digit epoch millis>|tenant|client<US>invoice};
     * a punctuator range-scans only the keys that are due.
     */
    public static final String DUE_INDEX = "due-index";

    /**
     * Clients whose profile changed but was not emitted yet (clientKey -> asOf of the change), so profiles are
     * emitted once per interval and a task handed over between two emissions still emits them.
     */
    public static final String PENDING_PROFILES = "profile-pending";

    /**
     * Invoices settled within the state horizon, keyed {@code tenant|client<US>invoiceId} at their settlement time
     * (value: settledAt), a window store whose retention is the state horizon (issue 12): a late duplicate payment or
     * a re-sync of an invoice settled long ago (beyond the 50 of {@link #CLIENT_STATE}) does not reopen it.
     */
    public static final String SETTLED_INVOICES = "settled-invoices";

    /** Bounded per-client payment state: last settled invoices, EWMA, baseline, drift state; keyed tenant|client. */
    public static final String CLIENT_STATE = "client-state";

    /**
     * The late-payment risk prior per tenant ({@code payments.TenantPrior}: decayed counts of settlements, late ones
     * and the pairs behind the client-spread estimate), keyed tenantId. Per partition: a task sees only its clients.
     */
    public static final String TENANT_RISK_PRIOR = "tenant-risk-prior";
}
