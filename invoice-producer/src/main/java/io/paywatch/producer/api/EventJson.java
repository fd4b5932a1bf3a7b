package io.paywatch.producer.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;
import java.util.Set;

/**
 * One event as JSON: a {@code type} discriminator plus the contract's field names. Timestamps are ISO-8601
 * strings (parsed by the validator so that a bad one is reported against its field, not as malformed JSON).
 * Which fields a type takes is listed in {@link EventType}.
 */
@Serdeable
@Schema(description = "One event. 'type' selects the contract record; the other fields follow its Avro field names. "
        + "Timestamps are ISO-8601 (2024-03-01T10:15:30Z, an offset, or a plain date: that calendar date in the "
        + "tenant's time zone, from its local midnight).")
public record EventJson(
        @Nullable @Schema(example = "InvoiceIssued", allowableValues = {"InvoiceIssued", "PaymentReceived",
                "InvoiceVoided", "InvoiceDueDateChanged", "MessageSent", "MessageReceived"}) String type,
        @Nullable @Schema(description = "Globally unique; the idempotency key") String eventId,
        @Nullable @Schema(description = "Optional; must equal the API key's tenant") String tenantId,
        @Nullable String clientId,
        @Nullable String clientName,
        @Nullable String invoiceId,
        @Nullable String issuedAt,
        @Nullable @Schema(description = "InvoiceIssued: defaults to issuedAt + paymentTermsDays or the tenant's terms") String dueAt,
        @Nullable Integer paymentTermsDays,
        @Nullable MoneyJson amount,
        @Nullable String paidAt,
        @Nullable String voidedAt,
        @Nullable @Schema(description = "InvoiceVoided: VOIDED, WRITTEN_OFF or DELETED") String reason,
        @Nullable String changedAt,
        @Nullable String newDueAt,
        @Nullable String threadId,
        @Nullable String sentAt,
        @Nullable String receivedAt,
        @Nullable @Schema(description = "EMAIL, PHONE, CHAT, MEETING, SMS or OTHER") String channel,
        @Nullable Boolean expectsReply,
        @Nullable @Schema(description = "Defaults to API") String source) {

    /** Field names every type accepts. */
    public static final Set<String> COMMON_FIELDS = Set.of("type", "eventId", "tenantId", "clientId", "source");

    /** A builder for a new event of the given type, for the CSV and webhook mappers. */
    public static Builder builder(EventType type) {
        return new Builder(type);
    }

    /** The event types, with the fields each accepts beyond {@link #COMMON_FIELDS}. */
    public enum EventType {
        InvoiceIssued(List.of("clientName", "invoiceId", "issuedAt", "dueAt", "paymentTermsDays", "amount")),
        PaymentReceived(List.of("invoiceId", "paidAt", "amount")),
        InvoiceVoided(List.of("invoiceId", "voidedAt", "reason")),
        InvoiceDueDateChanged(List.of("invoiceId", "changedAt", "newDueAt")),
        MessageSent(List.of("threadId", "sentAt", "channel", "expectsReply")),
        MessageReceived(List.of("threadId", "receivedAt", "channel"));

        private final List<String> fields;

        EventType(List<String> fields) {
            this.fields = fields;
        }

        /** Whether a JSON field is meaningful for this type. */
        public boolean accepts(String field) {
            return COMMON_FIELDS.contains(field) || fields.contains(field);
        }

        /** Parses a type name, or null when unknown. */
        public static EventType parse(String name) {
            for (EventType t : values()) {
                if (t.name().equals(name)) {
                    return t;
                }
            }
            return null;
        }
    }

    /** Fluent builder; every field starts null. */
    public static final class Builder {
        private final EventType type;
        private String eventId, tenantId, clientId, clientName, invoiceId, issuedAt, dueAt, paidAt, voidedAt,
                reason, changedAt, newDueAt, threadId, sentAt, receivedAt, channel, source;
        private Integer paymentTermsDays;
        private MoneyJson amount;
        private Boolean expectsReply;

        private Builder(EventType type) {
            this.type = type;
        }

        public Builder eventId(String v) { eventId = v; return this; }
        public Builder tenantId(String v) { tenantId = v; return this; }
        public Builder clientId(String v) { clientId = v; return this; }
        public Builder clientName(String v) { clientName = v; return this; }
        public Builder invoiceId(String v) { invoiceId = v; return this; }
        public Builder issuedAt(String v) { issuedAt = v; return this; }
        public Builder dueAt(String v) { dueAt = v; return this; }
        public Builder paymentTermsDays(Integer v) { paymentTermsDays = v; return this; }
        public Builder amount(MoneyJson v) { amount = v; return this; }
        public Builder paidAt(String v) { paidAt = v; return this; }
        public Builder voidedAt(String v) { voidedAt = v; return this; }
        public Builder reason(String v) { reason = v; return this; }
        public Builder changedAt(String v) { changedAt = v; return this; }
        public Builder newDueAt(String v) { newDueAt = v; return this; }
        public Builder threadId(String v) { threadId = v; return this; }
        public Builder sentAt(String v) { sentAt = v; return this; }
        public Builder receivedAt(String v) { receivedAt = v; return this; }
        public Builder channel(String v) { channel = v; return this; }
        public Builder expectsReply(Boolean v) { expectsReply = v; return this; }
        public Builder source(String v) { source = v; return this; }

        public EventJson build() {
            return new EventJson(type.name(), eventId, tenantId, clientId, clientName, invoiceId, issuedAt, dueAt,
                    paymentTermsDays, amount, paidAt, voidedAt, reason, changedAt, newDueAt, threadId, sentAt,
                    receivedAt, channel, expectsReply, source);
        }
    }
}
