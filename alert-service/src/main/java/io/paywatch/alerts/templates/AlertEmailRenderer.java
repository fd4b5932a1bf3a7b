package io.paywatch.alerts.templates;

import io.paywatch.alerts.email.HeaderSafe;
import io.paywatch.contract.AlertType;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.Language;
import io.paywatch.contract.Money;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.schemas.AlertFacts;
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
import java.util.Set;
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

    /** Always-present value: the client's name, falling back to its id. */
    public static final String CLIENT = "client";
    /** Value present when the alert names invoices: the first few invoice ids. */
    public static final String INVOICES = "invoices";
    /** Value present when the alert carries amounts: the amounts at stake, formatted in the tenant's locale. */
    public static final String AMOUNT = "amount";
    /** Always-present value: the alert's date (digest: the digest's day), long localized date. */
    public static final String DATE = "date";
    /** Always-present value: the producer's one-line summary (for alert types without a template). */
    public static final String SUMMARY = "summary";
    /** Greeting value: the tenant's display name. */
    public static final String NAME = "name";
    /** Digest value: how many alerts the digest lists. */
    public static final String COUNT = "count";

    /** Derived value: EWMA days to pay minus the norm, signed ("+14.5"). */
    public static final String DELTA_DAYS = "deltaDays";
    /** Derived value: {@link AlertFacts#LATE_PROBABILITY} as a localized percentage. */
    public static final String RISK_PERCENT = "riskPercent";
    /** Derived value: {@link AlertFacts#AFTER_HOURS_SHARE} as a localized percentage. */
    public static final String AFTER_HOURS_PERCENT = "afterHoursPercent";

    /**
     * The values the renderer itself provides, besides the facts: {@code client}, {@code date}, {@code summary}
     * always; {@code invoices} and {@code amount} when the alert has them; {@code name} in the greeting and
     * {@code count} in the digest.
     */
    public static final Set<String> BASE_VALUES = Set.of(CLIENT, INVOICES, AMOUNT, DATE, SUMMARY, NAME, COUNT);

    /** The values the renderer computes from facts, each with the facts it needs. */
    public static final Map<String, Set<String>> DERIVED_VALUES = Map.of(
            DELTA_DAYS, Set.of(AlertFacts.EWMA_DAYS_TO_PAY, AlertFacts.NORM_DAYS),
            RISK_PERCENT, Set.of(AlertFacts.LATE_PROBABILITY),
            AFTER_HOURS_PERCENT, Set.of(AlertFacts.AFTER_HOURS_SHARE));

    /**
     * Facts shown in the figures table, in this order, each with a translated label ({@code fact.<key>});
     * every {@link AlertFacts} key is here, and undeclared keys follow by their own name.
     */
    public static final List<String> KNOWN_FACTS = List.of(AlertFacts.DAYS_PAST_DUE, AlertFacts.DUE_DATE,
            AlertFacts.ISSUED_DATE, AlertFacts.ESCALATION_STEP, AlertFacts.GRACE_DAYS, AlertFacts.DAYS_TO_PAY,
            AlertFacts.EWMA_DAYS_TO_PAY, AlertFacts.NORM_DAYS, AlertFacts.TOLERANCE_DAYS, AlertFacts.BASELINE_DAYS,
            AlertFacts.DRIFT_REASON, AlertFacts.RECOVERY_KIND, AlertFacts.LATE_PROBABILITY,
            AlertFacts.EXPECTED_DAYS_TO_PAY, AlertFacts.EXPECTED_SETTLE_DATE, AlertFacts.LATE_INVOICES, AlertFacts.RECENT_INVOICES,
            AlertFacts.AVG_DAYS_LATE, AlertFacts.BUSINESS_DAYS_SILENT, AlertFacts.UNANSWERED_FOLLOW_UPS,
            AlertFacts.UNANSWERED_THREADS, AlertFacts.THREAD_ID, AlertFacts.REPLY_LATENCY_HOURS,
            AlertFacts.OVERDUE_INVOICE, AlertFacts.AFTER_HOURS_SHARE, AlertFacts.INBOUND_PER_WEEK,
            AlertFacts.SETTLED_DATE, AlertFacts.TIMEZONE);

    /**
     * Main lines of a type ({@code <TYPE>.line1..4}) name only facts in {@link AlertFacts#REQUIRED} for that type
     * and base values, so they always render; detail lines ({@code <TYPE>.detail1..2}) name facts or values an
     * alert may lack and are left out without them.
     */
    public static final int MAX_LINES = 4;
    /** Most optional detail lines per type. */
    public static final int MAX_DETAIL_LINES = 2;
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
        Map<String, String> head = Map.of(COUNT, Integer.toString(alerts.size()),
                DATE, day.format(DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(locale(language))));
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
        for (int i = 1; i <= MAX_DETAIL_LINES; i++) {
            bundle.fill(language, type.name() + ".detail" + i, values).ifPresent(lines::add);
        }
        bundle.fill(language, type.name() + ".action", values).ifPresent(lines::add);
        bundle.fill(language, "detected", values).ifPresent(lines::add);
        return lines;
    }

    private Map<String, String> factTable(PaymentAlert alert, Language language, Map<String, String> values) {
        Map<String, String> table = new LinkedHashMap<>();
        table.put(label(language, "label.client"), values.get(CLIENT));
        Optional.ofNullable(values.get(INVOICES)).ifPresent(v -> table.put(label(language, "label.invoices"), v));
        Optional.ofNullable(values.get(AMOUNT)).ifPresent(v -> table.put(label(language, "label.amount"), v));
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
        v.put(CLIENT, HeaderSafe.clean(client));
        if (!alert.getInvoiceIds().isEmpty()) {
            List<String> ids = alert.getInvoiceIds().stream().map(HeaderSafe::clean).toList();
            String listed = String.join(", ", ids.subList(0, Math.min(ids.size(), MAX_INVOICES_LISTED)));
            v.put(INVOICES, ids.size() > MAX_INVOICES_LISTED
                    ? listed + " (+" + (ids.size() - MAX_INVOICES_LISTED) + ")" : listed);
        }
        if (!alert.getAmounts().isEmpty()) {
            v.put(AMOUNT, String.join(" + ", alert.getAmounts().stream().map(m -> money(m, locale)).toList()));
        }
        v.put(DATE, DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(locale)
                .format(alert.getOccurredAt().atZone(zone)));
        v.put(SUMMARY, HeaderSafe.clean(alert.getSummary()));
        Map<String, String> facts = alert.getFacts();
        // A word-valued fact (driftReason "norm", overdueInvoice "true") is shown in the tenant's language.
        facts.forEach((k, raw) -> v.put(k, bundle.text(language, "value." + k + "." + raw)
                .orElseGet(() -> formatFact(raw, locale))));
        v.putIfAbsent(AlertFacts.NORM_DAYS, Integer.toString(settings.getPaymentNormDays()));
        decimal(facts.get(AlertFacts.EWMA_DAYS_TO_PAY)).ifPresent(ewma -> {
            BigDecimal norm = decimal(facts.get(AlertFacts.NORM_DAYS))
                    .orElse(BigDecimal.valueOf(settings.getPaymentNormDays()));
            BigDecimal delta = ewma.subtract(norm);
            v.put(DELTA_DAYS, (delta.signum() > 0 ? "+" : "") + number(delta, locale));
        });
        percent(facts.get(AlertFacts.LATE_PROBABILITY), locale).ifPresent(p -> {
            v.put(RISK_PERCENT, p);
            v.put(AlertFacts.LATE_PROBABILITY, p);
        });
        percent(facts.get(AlertFacts.AFTER_HOURS_SHARE), locale).ifPresent(p -> {
            v.put(AFTER_HOURS_PERCENT, p);
            v.put(AlertFacts.AFTER_HOURS_SHARE, p);
        });
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
                : bundle.fill(language, "greeting", Map.of(NAME, name)).orElseThrow();
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
