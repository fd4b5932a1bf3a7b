package io.paywatch.schemas;

import io.paywatch.contract.AlertDelivery;
import io.paywatch.contract.ClientContacts;
import io.paywatch.contract.ClientProfile;
import io.paywatch.contract.DeadLetter;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.InvoiceRisk;
import io.paywatch.contract.MailPosition;
import io.paywatch.contract.MessageEvent;
import io.paywatch.contract.PaymentAlert;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import java.time.Duration;
import java.util.List;

/**
 * The topic catalogue: every Paywatch topic, declared once, with its serdes and retention.
 *
 * <p>Event topics are one envelope topic per stream (a union value), not one topic per event type:
 * an invoice, its payments and its voiding for one client must be read in the order they happened,
 * and only one partition of one topic gives that order. Keys are {@link ClientKey} strings
 * ({@code tenant|client}) except where noted, so every per-client topic is co-partitioned.
 */
public final class Topics {

    private Topics() {
    }

    /** Retention of event history: long enough to replay a full year and a bit. */
    public static final Duration EVENT_RETENTION = Duration.ofDays(400);

    private static final Serde<String> KEYS = Serdes.String();

    /** Invoice lifecycle events (issued, paid, voided, due date changed), keyed tenant|client. */
    public static final TopicSpec<String, InvoiceEvent> INVOICE_EVENTS = new TopicSpec<>("invoice-events", KEYS,
            AvroSerde.of(InvoiceEvent.class), false, EVENT_RETENTION,
            "Invoice lifecycle events, keyed tenant|client.");

    /** Communication events (message sent, message received), keyed tenant|client. */
    public static final TopicSpec<String, MessageEvent> MESSAGE_EVENTS = new TopicSpec<>("message-events", KEYS,
            AvroSerde.of(MessageEvent.class), false, EVENT_RETENTION,
            "Messages between freelancer and client, keyed tenant|client.");

    /** Each tenant's settings, keyed by tenantId alone; latest wins. */
    public static final TopicSpec<String, FreelancerSettings> FREELANCER_SETTINGS = new TopicSpec<>(
            "freelancer-settings", KEYS, AvroSerde.of(FreelancerSettings.class), true, null,
            "Tenant settings, keyed tenantId, compacted.");

    /** The latest profile of every client, keyed tenant|client. */
    public static final TopicSpec<String, ClientProfile> CLIENT_PROFILES = new TopicSpec<>("client-profiles", KEYS,
            AvroSerde.of(ClientProfile.class), true, null, "Client profiles, keyed tenant|client, compacted.");

    /** Late-payment risk assessed at issue time, keyed tenant|client. */
    public static final TopicSpec<String, InvoiceRisk> INVOICE_RISK = new TopicSpec<>("invoice-risk", KEYS,
            AvroSerde.of(InvoiceRisk.class), false, EVENT_RETENTION,
            "Risk of each invoice at issue time, keyed tenant|client.");

    /** Alerts for freelancers, keyed tenant|client. */
    public static final TopicSpec<String, PaymentAlert> PAYMENT_ALERTS = new TopicSpec<>("payment-alerts", KEYS,
            AvroSerde.of(PaymentAlert.class), false, EVENT_RETENTION, "Alerts, keyed tenant|client.");

    /** Records that could not be processed, keyed sourceTopic/partition/offset. */
    public static final TopicSpec<String, DeadLetter> DEAD_LETTERS = new TopicSpec<>("dead-letters", KEYS,
            AvroSerde.of(DeadLetter.class), false, Duration.ofDays(30),
            "Unprocessable records with the reason, keyed topic/partition/offset.");

    /** The alert service's delivery log, keyed alertId; latest status wins. */
    public static final TopicSpec<String, AlertDelivery> ALERT_DELIVERIES = new TopicSpec<>("alert-deliveries",
            KEYS, AvroSerde.of(AlertDelivery.class), true, null, "Delivery log of alerts, keyed alertId, compacted.");

    /**
     * Each client's mail contacts (addresses and whole domains), keyed tenant|client; latest wins. The mail
     * import reads them to tell which client a message is from or to.
     */
    public static final TopicSpec<String, ClientContacts> CLIENT_CONTACTS = new TopicSpec<>("client-contacts", KEYS,
            AvroSerde.of(ClientContacts.class), true, null,
            "Mail addresses and domains of each client, keyed tenant|client, compacted.");

    /**
     * The IMAP watcher's read position per folder, keyed {@code tenant|account|folder}; latest wins. Written in
     * the same transaction as the events of the mail it covers.
     */
    public static final TopicSpec<String, MailPosition> MAIL_POSITIONS = new TopicSpec<>("mail-positions", KEYS,
            AvroSerde.of(MailPosition.class), true, null,
            "IMAP watcher positions (UIDVALIDITY and last UID), keyed tenant|account|folder, compacted.");

    /** Every topic, in the order they are created. */
    public static final List<TopicSpec<?, ?>> ALL = List.of(INVOICE_EVENTS, MESSAGE_EVENTS, FREELANCER_SETTINGS,
            CLIENT_PROFILES, INVOICE_RISK, PAYMENT_ALERTS, DEAD_LETTERS, ALERT_DELIVERIES, CLIENT_CONTACTS,
            MAIL_POSITIONS);
}
