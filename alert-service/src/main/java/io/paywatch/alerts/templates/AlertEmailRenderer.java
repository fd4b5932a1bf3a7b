package io.paywatch.alerts.templates;

import io.paywatch.alerts.email.HeaderSafe;
import io.paywatch.contract.AlertType;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.Language;
import io.paywatch.contract.Money;
import io.paywatch.contract.PaymentAlert;
import jakarta.inject.Singleton;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.NumberFormat;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Turns an alert and the tenant's settings into a subject, a plain-text body and an HTML body in the tenant's
 * language. Figures come from the alert's facts; a sentence whose figures are missing is left out.
 *
 * <p>Escaping is explicit and happens in one place per output: {@link HeaderSafe#clean} for the subject,
 * {@link Html#escape} for every line of the HTML body. Values are never interpolated into markup.
 */
@Singleton
public class AlertEmailRenderer {

    /** Facts shown in the figures table, in this order, with a translated label; others follow by name. */
    public static final List<String> KNOWN_FACTS = List.of("daysPastDue", "dueDate", "daysToPay",
            "ewmaDaysToPay", "normDays", "baselineDays", "lateInvoices", "recentInvoices", "avgDaysLate",
            "riskProbability", "businessDaysSilent", "unansweredFollowUps", "replyLatencyHours",
            "afterHoursShare", "inboundPerWeek");

    private static final int MAX_LINES = 4;
    private static final int MAX_INVOICES_LISTED = 5;

    private final MessageBundle bundle = new MessageBundle();

    /** Locale used for numbers, money and dates of each language. */
    public static Locale locale(Language language) {
        return switch (language) {
            case IT -> Locale.forLanguageTag("it-IT");
            case ES -> Locale.forLanguageTag("es-ES");
            case FR -> Locale.forLanguageTag("fr-FR");
            case ID -> Locale.forLanguageTag("id-ID");
            default -> Locale.forLanguageTag("en-GB");
        };
    }

    /** The email for one alert. */
    public RenderedEmail render(PaymentAlert alert, FreelancerSettings settings) {
        Language language = settings.getLanguage();
        Map<String, String> values = values(alert, settings);
        String subject = subject(alert, language, values);
        List<String> lines = lines(alert.getType(), language, values);
        Map<String, String> facts = factTable(alert, language, values);

        StringBuilder text = new StringBuilder();
        text.append(greeting(language, settings)).append("\n\n").append(subject).append("\n\n");
        lines.forEach(l -> text.append(l).append('\n'));
        if (!facts.isEmpty()) {
            text.append('\n').append(label(language, "facts.heading")).append('\n');
            facts.forEach((k, v) -> text.append("- ").append(k).append(": ").append(v).append('\n'));
        }
        text.append("\n-- \n").append(label(language, "footer")).append('\n');

        StringBuilder html = htmlStart(language);
        html.append("<p>").append(Html.escape(greeting(language, settings))).append("</p>\n");
        html.append("<h2 style=\"font-size:18px\">").append(Html.escape(subject)).append("</h2>\n");
        lines.forEach(l -> html.append("<p>").append(Html.escape(l)).append("</p>\n"));
        appendFactTable(html, language, facts);
        htmlEnd(html, language);
        return new RenderedEmail(subject, text.toString(), html.toString());
    }

    /** One email listing several alerts of one tenant: the daily digest. */
    public RenderedEmail renderDigest(List<PaymentAlert> alerts, FreelancerSettings settings, LocalDate day) {
        Language language = settings.getLanguage();
        Map<String, String> head = Map.of("count", Integer.toString(alerts.size()),
                "date", day.format(DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(locale(language))));
        String subject = HeaderSafe.clean(bundle.fill(language, "digest.subject", head).orElseThrow());
        StringBuilder text = new StringBuilder();
        StringBuilder html = htmlStart(language);
        String greeting = greeting(language, settings);
        String intro = bundle.fill(language, "digest.intro", head).orElseThrow();
        text.append(greeting).append("\n\n").append(intro).append("\n");
        html.append("<p>").append(Html.escape(greeting)).append("</p>\n<p>").append(Html.escape(intro))
                .append("</p>\n");
        for (PaymentAlert alert : alerts) {
            Map<String, String> values = values(alert, settings);
            String title = subject(alert, language, values);
            List<String> lines = lines(alert.getType(), language, values);
            text.append("\n* ").append(title).append('\n');
            lines.forEach(l -> text.append("  ").append(l).append('\n'));
            html.append("<h3 style=\"font-size:16px\">").append(Html.escape(title)).append("</h3>\n");
            lines.forEach(l -> html.append("<p>").append(Html.escape(l)).append("</p>\n"));
        }
        text.append("\n-- \n").append(label(language, "footer")).append('\n');
        htmlEnd(html, language);
        return new RenderedEmail(subject, text.toString(), html.toString());
    }

    private String subject(PaymentAlert alert, Language language, Map<String, String> values) {
        String type = alert.getType().name();
        String subject = bundle.fill(language, type + ".subject", values)
                .or(() -> bundle.fill(language, type + ".subject.short", values))
                .or(() -> bundle.fill(language, "UNKNOWN.subject", values))
                .orElse("Paywatch");
        return HeaderSafe.clean(subject);
    }

    private List<String> lines(AlertType type, Language language, Map<String, String> values) {
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= MAX_LINES; i++) {
            bundle.fill(language, type.name() + ".line" + i, values).ifPresent(lines::add);
        }
        if (lines.isEmpty()) {
            bundle.fill(language, "UNKNOWN.line1", values).ifPresent(lines::add);
        }
        bundle.fill(language, type.name() + ".action", values).ifPresent(lines::add);
        bundle.fill(language, "detected", values).ifPresent(lines::add);
        return lines;
    }

    private Map<String, String> factTable(PaymentAlert alert, Language language, Map<String, String> values) {
        Map<String, String> table = new LinkedHashMap<>();
        table.put(label(language, "label.client"), values.get("client"));
        Optional.ofNullable(values.get("invoices")).ifPresent(v -> table.put(label(language, "label.invoices"), v));
        Optional.ofNullable(values.get("amount")).ifPresent(v -> table.put(label(language, "label.amount"), v));
        for (String fact : KNOWN_FACTS) {
            String value = values.get(fact);
            if (value != null && alert.getFacts().containsKey(fact)) {
                table.put(label(language, "fact." + fact), value);
            }
        }
        new TreeMap<>(alert.getFacts()).forEach((k, v) -> {
            if (!KNOWN_FACTS.contains(k)) {
                table.put(HeaderSafe.clean(k), HeaderSafe.clean(v));
            }
        });
        return table;
    }

    /** The placeholder values of one alert, formatted for the tenant's language; all free of line breaks. */
    Map<String, String> values(PaymentAlert alert, FreelancerSettings settings) {
        Language language = settings.getLanguage();
        Locale locale = locale(language);
        ZoneId zone = zone(settings);
        Map<String, String> v = new LinkedHashMap<>();
        String client = alert.getClientName() == null || alert.getClientName().isBlank()
                ? alert.getClientId() : alert.getClientName();
        v.put("client", HeaderSafe.clean(client));
        if (!alert.getInvoiceIds().isEmpty()) {
            List<String> ids = alert.getInvoiceIds().stream().map(HeaderSafe::clean).toList();
            String listed = String.join(", ", ids.subList(0, Math.min(ids.size(), MAX_INVOICES_LISTED)));
            v.put("invoices", ids.size() > MAX_INVOICES_LISTED
                    ? listed + " (+" + (ids.size() - MAX_INVOICES_LISTED) + ")" : listed);
        }
        if (!alert.getAmounts().isEmpty()) {
            v.put("amount", String.join(" + ", alert.getAmounts().stream().map(m -> money(m, locale)).toList()));
        }
        v.put("date", DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(locale)
                .format(alert.getOccurredAt().atZone(zone)));
        v.put("summary", HeaderSafe.clean(alert.getSummary()));
        alert.getFacts().forEach((k, raw) -> v.put(k, formatFact(raw, locale)));
        v.putIfAbsent("normDays", Integer.toString(settings.getPaymentNormDays()));
        decimal(alert.getFacts().get("ewmaDaysToPay")).ifPresent(ewma -> {
            BigDecimal norm = decimal(alert.getFacts().get("normDays"))
                    .orElse(BigDecimal.valueOf(settings.getPaymentNormDays()));
            BigDecimal delta = ewma.subtract(norm);
            v.put("deltaDays", (delta.signum() > 0 ? "+" : "") + number(delta, locale));
        });
        percent(alert.getFacts().get("riskProbability"), locale).ifPresent(p -> v.put("riskPercent", p));
        percent(alert.getFacts().get("afterHoursShare"), locale).ifPresent(p -> v.put("afterHoursPercent", p));
        percent(alert.getFacts().get("riskProbability"), locale)
                .ifPresent(p -> v.put("riskProbability", p));
        percent(alert.getFacts().get("afterHoursShare"), locale)
                .ifPresent(p -> v.put("afterHoursShare", p));
        return v;
    }

    /** Money from minor units, with the currency's own number of decimals (0 for JPY, 3 for KWD). */
    public static String money(Money money, Locale locale) {
        String code = HeaderSafe.clean(money.getCurrency());
        try {
            Currency currency = Currency.getInstance(code);
            int digits = Math.max(0, currency.getDefaultFractionDigits());
            NumberFormat format = NumberFormat.getCurrencyInstance(locale);
            format.setCurrency(currency);
            format.setMinimumFractionDigits(digits);
            format.setMaximumFractionDigits(digits);
            return format.format(BigDecimal.valueOf(money.getAmountMinor(), digits));
        } catch (IllegalArgumentException e) {
            // Not an ISO-4217 code: show the exact stored figure rather than guess the decimals.
            return money.getAmountMinor() + " " + code + " (minor units)";
        }
    }

    private static String formatFact(String raw, Locale locale) {
        String clean = HeaderSafe.clean(raw);
        Optional<BigDecimal> number = decimal(clean);
        if (number.isPresent()) {
            return number(number.get(), locale);
        }
        try {
            return LocalDate.parse(clean).format(DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG)
                    .withLocale(locale));
        } catch (DateTimeParseException e) {
            return clean;
        }
    }

    private static Optional<BigDecimal> decimal(String raw) {
        if (raw == null || !raw.strip().matches("-?\\d{1,15}(\\.\\d{1,10})?")) {
            return Optional.empty();
        }
        return Optional.of(new BigDecimal(raw.strip()));
    }

    private static String number(BigDecimal value, Locale locale) {
        NumberFormat format = NumberFormat.getNumberInstance(locale);
        format.setMaximumFractionDigits(1);
        format.setRoundingMode(RoundingMode.HALF_UP);
        return format.format(value);
    }

    private static Optional<String> percent(String raw, Locale locale) {
        return decimal(raw).map(p -> {
            NumberFormat format = NumberFormat.getPercentInstance(locale);
            format.setMaximumFractionDigits(0);
            return format.format(p);
        });
    }

    private static ZoneId zone(FreelancerSettings settings) {
        try {
            return ZoneId.of(settings.getTimezone());
        } catch (DateTimeException e) {
            return ZoneId.of("UTC");
        }
    }

    private String greeting(Language language, FreelancerSettings settings) {
        String name = settings.getDisplayName() == null ? null : HeaderSafe.clean(settings.getDisplayName());
        return name == null || name.isBlank() ? label(language, "greeting.anonymous")
                : bundle.fill(language, "greeting", Map.of("name", name)).orElseThrow();
    }

    private String label(Language language, String key) {
        return bundle.text(language, key).orElse(key);
    }

    private static StringBuilder htmlStart(Language language) {
        return new StringBuilder("<!DOCTYPE html>\n<html lang=\"").append(language.name().toLowerCase())
                .append("\"><head><meta charset=\"utf-8\"></head>\n")
                .append("<body style=\"font-family:sans-serif;color:#222;max-width:640px\">\n");
    }

    private void appendFactTable(StringBuilder html, Language language, Map<String, String> facts) {
        if (facts.isEmpty()) {
            return;
        }
        html.append("<h3 style=\"font-size:15px\">").append(Html.escape(label(language, "facts.heading")))
                .append("</h3>\n<table style=\"border-collapse:collapse\">\n");
        facts.forEach((k, v) -> html.append("<tr><th style=\"text-align:left;padding:2px 12px 2px 0\">")
                .append(Html.escape(k)).append("</th><td>").append(Html.escape(v)).append("</td></tr>\n"));
        html.append("</table>\n");
    }

    private void htmlEnd(StringBuilder html, Language language) {
        html.append("<p style=\"color:#777;font-size:12px\">").append(Html.escape(label(language, "footer")))
                .append("</p>\n</body></html>\n");
    }
}
