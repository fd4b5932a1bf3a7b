package io.paywatch.producer.csv;

import io.paywatch.contract.SourceSystem;
import io.paywatch.producer.api.EventJson;
import io.paywatch.producer.api.EventJson.EventType;
import io.paywatch.producer.api.MoneyJson;
import io.paywatch.producer.problem.Violation;
import io.paywatch.producer.publish.OutboundEvent;
import io.paywatch.producer.validation.EventValidator;
import io.paywatch.producer.validation.Timestamps;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns one accounts-receivable row into events through the API's own {@link EventValidator}: an
 * InvoiceIssued, plus a PaymentReceived when the row has a paid date. Event ids are derived from tenant and
 * invoice ({@code csv:<tenant>:<invoice>:issued|paid}), so importing the same file twice is a no-op downstream.
 */
public final class RowMapper {

    /** How dates and amounts are written in the file. */
    public record Format(String datePattern, ZoneId zone, String defaultCurrency, char decimalSeparator) {
    }

    /** A row's outcome: the events to publish, or the reasons it was refused. */
    public record Row(List<OutboundEvent> events, List<String> reasons) {
    }

    private final ColumnMapping mapping;
    private final Format format;
    private final EventValidator validator;
    private final EventValidator.Context context;
    private final DateTimeFormatter dates;

    public RowMapper(ColumnMapping mapping, Format format, EventValidator validator, String tenantId,
            int defaultTermsDays) {
        this.mapping = mapping;
        this.format = format;
        this.validator = validator;
        this.context = new EventValidator.Context(tenantId, defaultTermsDays, SourceSystem.CSV);
        this.dates = "iso".equalsIgnoreCase(format.datePattern()) ? null
                : DateTimeFormatter.ofPattern(format.datePattern());
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
        String base = "csv:" + context.tenantId() + ":" + invoiceId;
        List<EventJson> events = new ArrayList<>(2);
        events.add(EventJson.builder(EventType.InvoiceIssued).eventId(base + ":issued")
                .clientId(value(column, "clientId")).clientName(value(column, "clientName")).invoiceId(invoiceId)
                .issuedAt(issuedAt).dueAt(dueAt).paymentTermsDays(terms)
                .amount(new MoneyJson(amount, currency)).build());
        if (paidAt != null) {
            events.add(EventJson.builder(EventType.PaymentReceived).eventId(base + ":paid")
                    .clientId(value(column, "clientId")).invoiceId(invoiceId).paidAt(paidAt)
                    .amount(new MoneyJson(paidAmount != null ? paidAmount : amount, currency)).build());
        }
        List<OutboundEvent> out = new ArrayList<>(2);
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
                out.add(checked.event());
            }
        }
        return reasons.isEmpty() ? new Row(out, List.of()) : new Row(List.of(), reasons);
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

    private String date(Function<String, String> column, String field, List<String> reasons) {
        String text = value(column, field);
        if (text == null) {
            return null;
        }
        if (dates == null) {
            var t = Timestamps.parse(text);
            if (t == null) {
                reasons.add(label(field) + ": '" + text + "' is not an ISO-8601 date");
                return null;
            }
            return t.toString();
        }
        try {
            TemporalAccessor parsed = dates.parseBest(text, LocalDateTime::from, LocalDate::from);
            LocalDateTime local = parsed instanceof LocalDateTime ldt ? ldt : ((LocalDate) parsed).atStartOfDay();
            return local.atZone(format.zone()).toInstant().toString();
        } catch (DateTimeParseException e) {
            reasons.add(label(field) + ": '" + text + "' does not match --date-format " + format.datePattern());
            return null;
        }
    }

    /** Parses "1,234.50" into minor units of the currency; exact, never through a double. */
    private Long amount(Function<String, String> column, String field, String currency, List<String> reasons,
            boolean required) {
        String text = value(column, field);
        if (text == null) {
            if (required) {
                reasons.add(label(field) + ": is required");
            }
            return null;
        }
        char decimal = format.decimalSeparator();
        char grouping = decimal == ',' ? '.' : ',';
        String normal = text.replace(String.valueOf(grouping), "").replace(" ", "").replace("\u00a0", "")
                .replace(decimal, '.');
        try {
            BigDecimal major = new BigDecimal(normal);
            int digits = 2;
            if (currency != null && EventValidator.isCurrency(currency)) {
                digits = Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
            }
            return major.movePointRight(digits).longValueExact();
        } catch (NumberFormatException e) {
            reasons.add(label(field) + ": '" + text + "' is not an amount");
        } catch (ArithmeticException e) {
            reasons.add(label(field) + ": '" + text + "' has more decimals than " + currency + " allows");
        }
        return null;
    }

    /** Convenience for tests and callers holding a map. */
    public Row map(Map<String, String> row) {
        return map(row::get);
    }
}
