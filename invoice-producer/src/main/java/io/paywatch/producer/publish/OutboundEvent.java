package io.paywatch.producer.publish;

import io.paywatch.contract.ClientContacts;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.MailPosition;
import io.paywatch.contract.MessageEvent;
import io.paywatch.schemas.ClientKey;
import io.paywatch.schemas.TopicSpec;
import io.paywatch.schemas.Topics;
import org.apache.avro.specific.SpecificRecord;

/**
 * A validated record ready for Kafka: topic, key and Avro-encoded value, plus the labels metrics use.
 * The value is encoded here, once, with the catalogue's serde, so the publisher deals only in bytes.
 */
public record OutboundEvent(String topic, String key, byte[] value, String type, String eventId, String source) {

    /** An invoice lifecycle event, keyed tenant|client. */
    public static OutboundEvent invoice(String tenantId, String clientId, SpecificRecord payload, String eventId,
            String source) {
        InvoiceEvent envelope = new InvoiceEvent(payload);
        return of(Topics.INVOICE_EVENTS, ClientKey.of(tenantId, clientId), envelope,
                payload.getSchema().getName(), eventId, source);
    }

    /** A communication event, keyed tenant|client. */
    public static OutboundEvent message(String tenantId, String clientId, SpecificRecord payload, String eventId,
            String source) {
        MessageEvent envelope = new MessageEvent(payload);
        return of(Topics.MESSAGE_EVENTS, ClientKey.of(tenantId, clientId), envelope,
                payload.getSchema().getName(), eventId, source);
    }

    /** A tenant's settings, keyed by tenantId alone. */
    public static OutboundEvent settings(FreelancerSettings settings) {
        return of(Topics.FREELANCER_SETTINGS, settings.getTenantId(), settings, "FreelancerSettings",
                "settings:" + settings.getTenantId(), "API");
    }

    /** One client's mail contacts, keyed tenant|client (compacted: the latest value wins). */
    public static OutboundEvent contacts(ClientContacts contacts) {
        String key = ClientKey.of(contacts.getTenantId(), contacts.getClientId());
        return of(Topics.CLIENT_CONTACTS, key, contacts, "ClientContacts", "contacts:" + key, "API");
    }

    /** The IMAP watcher's position in one folder, keyed tenant|account|folder (compacted). */
    public static OutboundEvent mailPosition(MailPosition position) {
        String key = positionKey(position.getTenantId(), position.getAccount(), position.getFolder());
        return of(Topics.MAIL_POSITIONS, key, position, "MailPosition", "mail-position:" + key, "MAIL");
    }

    /** The key of a watcher position: {@code tenant|account|folder}. */
    public static String positionKey(String tenantId, String account, String folder) {
        return tenantId + ClientKey.SEPARATOR + account + ClientKey.SEPARATOR + folder;
    }

    private static <V> OutboundEvent of(TopicSpec<String, V> spec, String key, V value, String type, String eventId,
            String source) {
        byte[] bytes = spec.valueSerde().serializer().serialize(spec.name(), value);
        return new OutboundEvent(spec.name(), key, bytes, type, eventId, source);
    }
}
