package io.paywatch.producer.csv;

import io.paywatch.contract.InvoiceIssued;
import io.paywatch.contract.PaymentReceived;
import io.paywatch.contract.SourceSystem;
import io.paywatch.producer.api.EventJson;
import io.paywatch.producer.api.EventJson.EventType;
import io.paywatch.producer.api.MoneyJson;
import io.paywatch.producer.problem.Violation;
import io.paywatch.producer.publish.OutboundEvent;
import io.paywatch.producer.validation.EventValidator;
import io.paywatch.producer.validation.Timestamps;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalQueries;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns one accounts-receivable row into events through the API's own {@link EventValidator}: an
 * InvoiceIssued at its invoice date, plus a PaymentReceived at its paid date when the row shows more paid than
 * earlier imports published.
 *
 * <p><b>Dates.</b> A date without a time, in any {@code --date-format} (ISO included), is the start of that
 * calendar date in the import's zone (the tenant's); terms ({@code --terms-days}, a terms column) add calendar
 * days there. Dates are resolved strictly: 2/30/2024 is refused, not read as 29 February.
 *
 * <p><b>A row is a snapshot of its invoice.</b> The paid column ({@code paidAmount}, "Amount Paid") is the
 * cumulative amount paid so far; without it, a paid date means paid in full. The payment published is the
 * difference from the level earlier imports reached ({@link ImportState}), with an id derived from the invoice and
 * the cumulative level: {@code csv:<tenant>:<invoice>:paid} when the invoice goes from nothing to paid in full,
 * {@code csv:<tenant>:<invoice>:paid:<cumulativeMinor>} otherwise. Importing the same export twice gives the same
 * ids (dropped downstream as duplicates) or nothing new; week 2's 800.00 after week 1's 400.00 publishes 400.00.
 * A cumulative level below the previous one (a refund, a correction) or above the invoice amount is refused.
 */
public final class RowMapper {

    /** How dates and amounts are written in the file, and the zone its dates are in. */
    public record Format(String datePattern, ZoneId zone, String defaultCurrency, Locale locale) {
    }

    /** An event with its event time (epoch millis), which orders the import. */
    public record Dated(long eventTime, OutboundEvent event) {
    }

    /** A row's outcome: the events to publish, or the reasons it was refused. */
    public record Row(List<Dated> dated, List<String> reasons) {
        /** The events alone. */
        public List<OutboundEvent> events() {
            return dated.stream().map(Dated::event).toList();
        }
    }

    private final ColumnMapping mapping;
    private final Format format;
    private final EventValidator validator;
    private final EventValidator.Context context;
    private final DateTimeFormatter dates;
    private final AmountParser amounts;
    private final ImportState state;

    public RowMapper(ColumnMapping mapping, Format format, EventValidator validator, String tenantId,
            int defaultTermsDays, ImportState state) {
        this.mapping = mapping;
        this.format = format;
        this.validator = validator;
        this.context = new EventValidator.Context(tenantId, defaultTermsDays, SourceSystem.CSV, format.zone());
        this.dates = "iso".equalsIgnoreCase(format.datePattern()) ? null : formatter(format.datePattern());
        this.amounts = new AmountParser(format.locale());
        this.state = state;
    }

    /**
     * A strict formatter for a {@code java.time} pattern: with {@code yyyy} the era defaults to AD, so the strict
     * resolver (which refuses 30 February instead of moving it to the 29th) accepts the usual patterns.
     *
     * @throws IllegalArgumentException for a pattern java.time does not accept
     */
    public static DateTimeFormatter formatter(String pattern) {
        return new DateTimeFormatterBuilder().appendPattern(pattern).parseDefaulting(ChronoField.ERA, 1)
                .toFormatter(Locale.ROOT).withResolverStyle(ResolverStyle.STRICT);
    }

    /** Maps a row given as column name -> value. */
    public Row map(Function<String, String> column) {
        List<String> reasons = new ArrayList<>();
        String invoiceId = value(column, "invoiceId");
        String currency = value(column, "currency");
        if (currency == null) {
            currency = format.defaultCurrency();
        }
        if (currency == null) {
            reasons.add("currency: no currency column value and no --currency");
        } else if (!EventValidator.isCurrency(currency)) {
            reasons.add(label("currency") + ": '" + currency + "' is not an ISO-4217 currency code");
            currency = null;
        }
        Long amount = amount(column, "amount", currency, reasons, true);
        String issuedAt = date(column, "issuedAt", reasons);
        String dueAt = date(column, "dueAt", reasons);
        String paidAt = date(column, "paidAt", reasons);
        Long paidAmount = amount(column, "paidAmount", currency, reasons, false);
        Integer terms = null;
        String termsText = value(column, "paymentTermsDays");
        if (termsText != null) {
            try {
                terms = Integer.parseInt(termsText);
            } catch (NumberFormatException e) {
                reasons.add(label("paymentTermsDays") + ": '" + termsText + "' is not a whole number of days");
            }
        }
        if (!reasons.isEmpty()) {
            return new Row(List.of(), reasons);
        }
        // The row's cumulative paid level, and what earlier imports already published for this invoice.
        long cumulative = paidAmount != null ? paidAmount : paidAt != null ? amount : 0;
        long previous = invoiceId == null ? 0 : state.level(invoiceId);
        if (cumulative > 0 && paidAt == null) {
            reasons.add(label("paidAt") + ": is required when " + label("paidAmount") + " shows a payment");
        }
        if (cumulative > amount) {
            reasons.add(label("paidAmount") + ": paid " + cumulative + " is more than the invoice amount " + amount
                    + " (minor units)");
        }
        if (cumulative < previous) {
            reasons.add(label("paidAmount") + ": paid went down from " + previous + " to " + cumulative
                    + " (minor units) since an earlier import; refunds and corrections are not imported");
        }
        if (!reasons.isEmpty()) {
            return new Row(List.of(), reasons);
        }
        String base = "csv:" + context.tenantId() + ":" + invoiceId;
        // The invoice's id carries what an updated export can change (amount owed, currency, due date or terms):
        // the same row again is a duplicate, an export that corrected the amount or moved the due date re-issues
        // the invoice (the stream processor updates an open invoice), so a re-import always leaves the true state.
        String snapshot = amount + currency + ":" + (dueAt != null ? dueAt : "net" + (terms != null ? terms
                : context.defaultTermsDays()));
        List<EventJson> events = new ArrayList<>(2);
        events.add(EventJson.builder(EventType.InvoiceIssued).eventId(base + ":issued:" + snapshot)
                .clientId(value(column, "clientId")).clientName(value(column, "clientName")).invoiceId(invoiceId)
                .issuedAt(issuedAt).dueAt(dueAt).paymentTermsDays(terms)
                .amount(new MoneyJson(amount, currency)).build());
        if (cumulative > previous) {
            String id = previous == 0 && cumulative == amount ? base + ":paid" : base + ":paid:" + cumulative;
            events.add(EventJson.builder(EventType.PaymentReceived).eventId(id)
                    .clientId(value(column, "clientId")).invoiceId(invoiceId).paidAt(paidAt)
                    .amount(new MoneyJson(cumulative - previous, currency)).build());
        }
        List<Dated> out = new ArrayList<>(2);
        for (EventJson e : events) {
            EventValidator.Checked checked = validator.validate(e, "", context);
            for (Violation v : checked.violations()) {
                String reason = label(v.field()) + ": " + v.reason();
                // The payment repeats the invoice's ids and amount: report each problem once.
                if (!reasons.contains(reason)) {
                    reasons.add(reason);
                }
            }
            if (checked.valid()) {
                out.add(new Dated(eventTime(checked.event(), e), checked.event()));
            }
        }
        if (!reasons.isEmpty()) {
            return new Row(List.of(), reasons);
        }
        if (cumulative > previous) {
            state.advance(invoiceId, cumulative, cumulative < amount);
        }
        return new Row(out, List.of());
    }

    /** The event time of a validated CSV event: its invoice date or its paid date. */
    private long eventTime(OutboundEvent event, EventJson json) {
        String text = json.type().equals(InvoiceIssued.class.getSimpleName()) ? json.issuedAt() : json.paidAt();
        assert json.type().equals(InvoiceIssued.class.getSimpleName())
                || json.type().equals(PaymentReceived.class.getSimpleName());
        // The mapper wrote the text as an ISO instant; the validator accepted it, so it parses.
        return Instant.parse(text).toEpochMilli();
    }

    /** Names a field with its CSV column, for messages a person can act on. */
    private String label(String field) {
        String base = field.contains(".") ? field.substring(0, field.indexOf('.')) : field;
        String column = mapping.column(base);
        if (base.equals("eventId")) {
            column = mapping.column("invoiceId");
        }
        return column == null || column.equals(base) ? field : field + " (" + column + ")";
    }

    private String value(Function<String, String> column, String field) {
        String v = column.apply(mapping.column(field));
        return v == null || v.isBlank() ? null : v.strip();
    }

    /** A date or date-time of the file as an ISO instant; a date alone is the start of that day in the zone. */
    private String date(Function<String, String> column, String field, List<String> reasons) {
        String text = value(column, field);
        if (text == null) {
            return null;
        }
        if (dates == null) {
            Instant t = Timestamps.parse(text, format.zone());
            if (t == null) {
                reasons.add(label(field) + ": '" + text + "' is not an ISO-8601 date");
                return null;
            }
            return t.toString();
        }
        try {
            // One parse, then read what the pattern carries (parseBest would throw and catch per missing field).
            TemporalAccessor parsed = dates.parse(text);
            Instant t;
            if (parsed.isSupported(ChronoField.OFFSET_SECONDS) || parsed.query(TemporalQueries.zoneId()) != null) {
                t = ZonedDateTime.from(parsed).toInstant();
            } else if (parsed.isSupported(ChronoField.HOUR_OF_DAY)) {
                t = LocalDateTime.from(parsed).atZone(format.zone()).toInstant();
            } else {
                t = Timestamps.startOfDay(LocalDate.from(parsed), format.zone());
            }
            return t.toString();
        } catch (java.time.DateTimeException e) {
            reasons.add(label(field) + ": '" + text + "' does not match --date-format " + format.datePattern());
            return null;
        }
    }

    /** Parses an amount in the file's --locale into minor units of the currency; exact, never through a double. */
    private Long amount(Function<String, String> column, String field, String currency, List<String> reasons,
            boolean required) {
        String text = value(column, field);
        if (text == null) {
            if (required) {
                reasons.add(label(field) + ": is required");
            }
            return null;
        }
        if (currency == null) {
            return null; // reported already; the digits allowed depend on it
        }
        AmountParser.Result r = amounts.parse(text, currency);
        if (r.error() != null) {
            reasons.add(label(field) + ": '" + text + "' " + r.error());
            return null;
        }
        if (r.minor() < 0) {
            reasons.add(label(field) + ": '" + text + "' is negative: a credit note or refund row is not an invoice "
                    + "or a payment, and is not imported");
            return null;
        }
        return r.minor();
    }

    /** Convenience for tests and callers holding a map. */
    public Row map(Map<String, String> row) {
        return map(row::get);
    }
}
