package io.paywatch.producer.validation;

import io.paywatch.contract.Channel;
import io.paywatch.contract.InvoiceDueDateChanged;
import io.paywatch.contract.InvoiceIssued;
import io.paywatch.contract.InvoiceVoided;
import io.paywatch.contract.MessageReceived;
import io.paywatch.contract.MessageSent;
import io.paywatch.contract.Money;
import io.paywatch.contract.PaymentReceived;
import io.paywatch.contract.SourceSystem;
import io.paywatch.contract.VoidReason;
import io.paywatch.producer.api.EventJson;
import io.paywatch.producer.api.EventJson.EventType;
import io.paywatch.producer.api.MoneyJson;
import io.paywatch.producer.problem.Violation;
import io.paywatch.producer.publish.OutboundEvent;
import io.paywatch.schemas.ClientKey;
import io.paywatch.schemas.LogSafe;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Locale;

/**
 * The one validation path of every ingress (JSON API, webhooks, CSV): checks an {@link EventJson} against the
 * contract's rules and, when it is valid, builds the Avro record to publish. Every violation is collected, not
 * just the first, so a client can fix a request in one go.
 */
public final class EventValidator {

    /** Longest id accepted (event, tenant, client, invoice, thread ids). */
    public static final int MAX_ID_LENGTH = 128;
    /** Longest display name accepted. */
    public static final int MAX_NAME_LENGTH = 256;
    /** Earliest event time accepted: anything before is a data-entry error (or a unix-seconds/millis mix-up). */
    public static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    /** How far in the future an event time may be, to absorb clock skew and time zones. */
    public static final Duration FUTURE_SKEW = Duration.ofDays(1);
    /** Longest payment terms accepted, in days. */
    public static final int MAX_TERMS_DAYS = 3650;

    /** Reason given for an id or a name holding a character {@link LogSafe#firstUnsafe} flags. */
    public static final String UNSAFE_CHARACTER = "contains a control, line-break or bidirectional-override "
            + "character (CR, LF, ESC, U+2028...)";

    private final Clock clock;

    public EventValidator(Clock clock) {
        this.clock = clock;
    }

    /** The validator's clock, which bounds how far ahead an event time may be. */
    public Instant now() {
        return clock.instant();
    }

    /**
     * Who is sending: the authenticated tenant, its default payment terms, the source to stamp when the event
     * names none, and the tenant's time zone, in which a plain date is read (start of that local day) and terms
     * add calendar days.
     */
    public record Context(String tenantId, int defaultTermsDays, SourceSystem defaultSource, ZoneId zone) {

        public Context {
            zone = zone == null ? ZoneOffset.UTC : zone;
        }

        /** A context in UTC (a tenant whose zone is unknown). */
        public Context(String tenantId, int defaultTermsDays, SourceSystem defaultSource) {
            this(tenantId, defaultTermsDays, defaultSource, ZoneOffset.UTC);
        }
    }

    /** Outcome for one event: either violations, or the record to publish. */
    public record Checked(List<Violation> violations, OutboundEvent event, String type) {
        public boolean valid() {
            return violations.isEmpty();
        }
    }

    /**
     * Validates one event. {@code path} prefixes every field name ({@code ""} for a single event,
     * {@code "[3]."} for the fourth of a batch).
     */
    public Checked validate(EventJson e, String path, Context ctx) {
        Errors errors = new Errors(path);
        EventType type = null;
        if (e.type() == null || e.type().isBlank()) {
            errors.add("type", "is required", "missing");
        } else {
            type = EventType.parse(e.type());
            if (type == null) {
                errors.add("type", "unknown event type '" + e.type() + "'", "unknown_type");
            }
        }
        String typeLabel = type == null ? "unknown" : type.name();
        String tenantId = e.tenantId() == null ? ctx.tenantId() : e.tenantId();
        String eventId = id(errors, "eventId", e.eventId());
        id(errors, "tenantId", tenantId);
        if (tenantId != null && tenantId.indexOf(ClientKey.SEPARATOR) >= 0) {
            errors.add("tenantId", "must not contain '|'", "invalid");
        }
        String clientId = id(errors, "clientId", e.clientId());
        SourceSystem source = ctx.defaultSource();
        if (e.source() != null) {
            source = enumValue(errors, "source", e.source(), SourceSystem.class);
        }
        Instant now = clock.instant();
        if (type == null) {
            return new Checked(errors.list, null, typeLabel);
        }
        OutboundEvent out = switch (type) {
            case InvoiceIssued -> invoiceIssued(e, errors, now, ctx, eventId, tenantId, clientId, source);
            case PaymentReceived -> {
                String invoiceId = id(errors, "invoiceId", e.invoiceId());
                Instant paidAt = eventTime(errors, "paidAt", e.paidAt(), now, ctx.zone());
                Money amount = money(errors, "amount", e.amount());
                yield errors.ok() ? OutboundEvent.invoice(tenantId, clientId, PaymentReceived.newBuilder()
                        .setEventId(eventId).setTenantId(tenantId).setClientId(clientId).setInvoiceId(invoiceId)
                        .setPaidAt(paidAt).setAmount(amount).setSource(source).build(), eventId, source.name()) : null;
            }
            case InvoiceVoided -> {
                String invoiceId = id(errors, "invoiceId", e.invoiceId());
                Instant voidedAt = eventTime(errors, "voidedAt", e.voidedAt(), now, ctx.zone());
                VoidReason reason = e.reason() == null ? VoidReason.VOIDED
                        : enumValue(errors, "reason", e.reason(), VoidReason.class);
                yield errors.ok() ? OutboundEvent.invoice(tenantId, clientId, InvoiceVoided.newBuilder()
                        .setEventId(eventId).setTenantId(tenantId).setClientId(clientId).setInvoiceId(invoiceId)
                        .setVoidedAt(voidedAt).setReason(reason).setSource(source).build(), eventId, source.name()) : null;
            }
            case InvoiceDueDateChanged -> {
                String invoiceId = id(errors, "invoiceId", e.invoiceId());
                Instant changedAt = eventTime(errors, "changedAt", e.changedAt(), now, ctx.zone());
                Instant newDueAt = dueTime(errors, "newDueAt", e.newDueAt(), now, ctx.zone());
                yield errors.ok() ? OutboundEvent.invoice(tenantId, clientId, InvoiceDueDateChanged.newBuilder()
                        .setEventId(eventId).setTenantId(tenantId).setClientId(clientId).setInvoiceId(invoiceId)
                        .setChangedAt(changedAt).setNewDueAt(newDueAt).setSource(source).build(), eventId,
                        source.name()) : null;
            }
            case MessageSent -> {
                String threadId = id(errors, "threadId", e.threadId());
                Instant sentAt = eventTime(errors, "sentAt", e.sentAt(), now, ctx.zone());
                Channel channel = e.channel() == null ? Channel.OTHER
                        : enumValue(errors, "channel", e.channel(), Channel.class);
                yield errors.ok() ? OutboundEvent.message(tenantId, clientId, MessageSent.newBuilder()
                        .setEventId(eventId).setTenantId(tenantId).setClientId(clientId).setThreadId(threadId)
                        .setSentAt(sentAt).setChannel(channel)
                        .setExpectsReply(e.expectsReply() == null || e.expectsReply())
                        .setSource(source).build(), eventId, source.name()) : null;
            }
            case MessageReceived -> {
                String threadId = e.threadId() == null ? null : id(errors, "threadId", e.threadId());
                Instant receivedAt = eventTime(errors, "receivedAt", e.receivedAt(), now, ctx.zone());
                Channel channel = e.channel() == null ? Channel.OTHER
                        : enumValue(errors, "channel", e.channel(), Channel.class);
                yield errors.ok() ? OutboundEvent.message(tenantId, clientId, MessageReceived.newBuilder()
                        .setEventId(eventId).setTenantId(tenantId).setClientId(clientId).setThreadId(threadId)
                        .setReceivedAt(receivedAt).setChannel(channel).setSource(source).build(), eventId,
                        source.name()) : null;
            }
        };
        return new Checked(errors.list, errors.ok() ? out : null, typeLabel);
    }

    private OutboundEvent invoiceIssued(EventJson e, Errors errors, Instant now, Context ctx, String eventId,
            String tenantId, String clientId, SourceSystem source) {
        String invoiceId = id(errors, "invoiceId", e.invoiceId());
        String clientName = e.clientName();
        if (clientName != null && clientName.length() > MAX_NAME_LENGTH) {
            errors.add("clientName", "is longer than " + MAX_NAME_LENGTH + " characters", "too_long");
        } else if (clientName != null && LogSafe.firstUnsafe(clientName) >= 0) {
            // A name is printed on consoles and in alerts: ESC/CR/LF in it could forge a line.
            errors.add("clientName", UNSAFE_CHARACTER, "invalid_character");
        }
        Instant issuedAt = eventTime(errors, "issuedAt", e.issuedAt(), now, ctx.zone());
        Money amount = money(errors, "amount", e.amount());
        Integer terms = e.paymentTermsDays();
        if (terms != null && (terms < 0 || terms > MAX_TERMS_DAYS)) {
            errors.add("paymentTermsDays", "must be between 0 and " + MAX_TERMS_DAYS, "out_of_range");
            terms = null;
        }
        Instant dueAt = null;
        if (e.dueAt() != null) {
            dueAt = dueTime(errors, "dueAt", e.dueAt(), now, ctx.zone());
            if (dueAt != null && issuedAt != null && dueAt.isBefore(issuedAt)) {
                errors.add("dueAt", "is before issuedAt", "before_issued");
            }
        }
        if (!errors.ok()) {
            return null;
        }
        if (dueAt == null) {
            // No due date: the invoice's own terms, else the tenant's default terms. Terms are calendar days in
            // the tenant's zone (net 30 from 15 Oct is 14 Nov, whatever daylight saving does in between).
            int days = terms != null ? terms : ctx.defaultTermsDays();
            dueAt = Timestamps.plusCalendarDays(issuedAt, days, ctx.zone());
            terms = days;
        } else if (terms == null) {
            // Derived terms count calendar dates in the tenant's zone, as the stream processor does.
            terms = Timestamps.calendarDaysBetween(issuedAt, dueAt, ctx.zone());
        }
        return OutboundEvent.invoice(tenantId, clientId, InvoiceIssued.newBuilder()
                .setEventId(eventId).setTenantId(tenantId).setClientId(clientId).setClientName(clientName)
                .setInvoiceId(invoiceId).setIssuedAt(issuedAt).setDueAt(dueAt).setPaymentTermsDays(terms)
                .setAmount(amount).setSource(source).build(), eventId, source.name());
    }

    private static String id(Errors errors, String field, String value) {
        if (value == null || value.isBlank()) {
            errors.add(field, "is required", "missing");
            return null;
        }
        if (value.length() > MAX_ID_LENGTH) {
            errors.add(field, "is longer than " + MAX_ID_LENGTH + " characters", "too_long");
            return null;
        }
        if (LogSafe.firstUnsafe(value) >= 0) {
            errors.add(field, UNSAFE_CHARACTER, "invalid_character");
            return null;
        }
        return value;
    }

    /** An event time: required, ISO-8601, not before 2000 and not more than a day ahead of the clock. */
    private static Instant eventTime(Errors errors, String field, String text, Instant now, ZoneId zone) {
        Instant t = timestamp(errors, field, text, zone);
        if (t == null) {
            return null;
        }
        if (t.isBefore(EARLIEST)) {
            errors.add(field, "is before " + EARLIEST, "too_early");
            return null;
        }
        if (t.isAfter(now.plus(FUTURE_SKEW))) {
            errors.add(field, "is more than " + FUTURE_SKEW.toHours() + " hours in the future", "in_future");
            return null;
        }
        return t;
    }

    /** A due date: may lie in the future, but not before 2000 nor beyond the longest terms. */
    private static Instant dueTime(Errors errors, String field, String text, Instant now, ZoneId zone) {
        Instant t = timestamp(errors, field, text, zone);
        if (t == null) {
            return null;
        }
        if (t.isBefore(EARLIEST)) {
            errors.add(field, "is before " + EARLIEST, "too_early");
            return null;
        }
        if (t.isAfter(now.plus(Duration.ofDays(MAX_TERMS_DAYS)))) {
            errors.add(field, "is more than " + MAX_TERMS_DAYS + " days in the future", "in_future");
            return null;
        }
        return t;
    }

    /** An ISO-8601 instant, or a plain date read as the start of that date in the tenant's zone. */
    private static Instant timestamp(Errors errors, String field, String text, ZoneId zone) {
        if (text == null || text.isBlank()) {
            errors.add(field, "is required", "missing");
            return null;
        }
        Instant t = Timestamps.parse(text, zone);
        if (t == null) {
            errors.add(field, "is not an ISO-8601 timestamp (2024-03-01T10:15:30Z) or date (2024-03-01)",
                    "bad_timestamp");
        }
        return t;
    }

    private static Money money(Errors errors, String field, MoneyJson m) {
        if (m == null) {
            errors.add(field, "is required", "missing");
            return null;
        }
        boolean ok = true;
        if (m.amountMinor() == null) {
            errors.add(field + ".amountMinor", "is required", "missing");
            ok = false;
        } else if (m.amountMinor() <= 0) {
            errors.add(field + ".amountMinor", "must be greater than zero", "not_positive");
            ok = false;
        }
        if (m.currency() == null || m.currency().isBlank()) {
            errors.add(field + ".currency", "is required", "missing");
            ok = false;
        } else if (!isCurrency(m.currency())) {
            errors.add(field + ".currency", "'" + m.currency() + "' is not an ISO-4217 currency code",
                    "unknown_currency");
            ok = false;
        }
        return ok ? new Money(m.amountMinor(), m.currency()) : null;
    }

    /** Whether the code is an upper-case ISO-4217 code known to the JDK. */
    public static boolean isCurrency(String code) {
        if (code.length() != 3 || !code.equals(code.toUpperCase(Locale.ROOT))) {
            return false;
        }
        try {
            Currency.getInstance(code);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static <E extends Enum<E>> E enumValue(Errors errors, String field, String text, Class<E> type) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(text)) {
                return constant;
            }
        }
        List<String> names = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            names.add(constant.name());
        }
        errors.add(field, "must be one of " + names, "unknown_value");
        return null;
    }

    /** Collects violations under a path prefix. */
    private static final class Errors {
        private final String path;
        private final List<Violation> list = new ArrayList<>();

        Errors(String path) {
            this.path = path;
        }

        void add(String field, String reason, String code) {
            list.add(new Violation(path + field, reason, code));
        }

        boolean ok() {
            return list.isEmpty();
        }
    }
}
