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
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.chrono.IsoChronology;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.FormatStyle;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.Currency;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns an alert and the tenant's settings into a subject, a plain-text body and an HTML body in the tenant's
 * language. Every sentence and every figure comes from the tenant's bundle ({@code templates/alerts_<lang>}); a
 * sentence or figure whose values are missing is left out, never printed with a hole.
 *
 * <p>What the freelancer reads is chosen here, not by the producer: the figures table lists, per alert type, the
 * figures in {@link #FIGURES}, each with a translated label and a value formatted for the language (money from
 * minor units with the currency's ISO-4217 digits, dates in the tenant's zone). Fact keys themselves, and facts not
 * chosen (escalation step, thread id, time zone, detector internals, the English {@code summary}), never appear.
 *
 * <p>Time: an alert is judged as of its {@code occurredAt} (for an overdue step, the step's day), and the email is
 * read later. So sentences state figures with their date ("on 12 March it was 30 days past due"), never a
 * present-tense figure that was true only then.
 *
 * <p>Escaping is explicit and happens in one place per output: {@link HeaderSafe#clean} for the subject and every
 * value, {@link Html#escape} for every line of the HTML body. Values are never interpolated into markup.
 */
@Singleton
public class AlertEmailRenderer {

    /** Always-present value: the client's name, falling back to its id. */
    public static final String CLIENT = "client";
    /** Value present when the alert names invoices: the first few invoice ids. */
    public static final String INVOICES = "invoices";
    /** Value present when the alert carries amounts: the amounts at stake, formatted in the tenant's locale. */
    public static final String AMOUNT = "amount";
    /** Always-present value: the day the alert's condition was true (its occurredAt), long date in the tenant's zone. */
    public static final String DATE = "date";
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
    /** Derived value: the invoice total from the processor's {@code amountMinor} + {@code currency}, when it differs from the amount at stake. */
    public static final String INVOICE_TOTAL = "invoiceTotal";
    /** Derived value: the tenant's at-risk threshold (processor fact {@code threshold}) as a percentage. */
    public static final String THRESHOLD_PERCENT = "thresholdPercent";
    /** Derived value: the tenant's after-hours threshold (processor fact {@code afterHoursShareThreshold}) as a percentage. */
    public static final String SHARE_THRESHOLD_PERCENT = "shareThresholdPercent";
    /** Derived value: when the first unanswered message was sent (processor fact {@code unansweredSince}), date and time. */
    public static final String WAITING_SINCE = "waitingSince";
    /** Derived value: the client's last message (processor fact {@code lastInboundAt}), date and time or "never". */
    public static final String LAST_HEARD = "lastHeard";
    /** Derived value: the tenant's ghosting threshold in business days (processor fact). */
    public static final String THRESHOLD_DAYS = "thresholdDays";
    /** Derived value: the tenant's follow-up limit (processor fact). */
    public static final String FOLLOW_UP_LIMIT = "followUpLimit";
    /** Derived values of the after-hours window (processor facts of the same names). */
    public static final String AFTER_HOURS_IN_WINDOW = "afterHoursInWindow";
    public static final String INBOUND_IN_WINDOW = "inboundInWindow";
    public static final String WINDOW_DAYS = "windowDays";
    /** Derived value: the tenant's working hours, localized times. */
    public static final String WORKING_HOURS = "workingHours";

    /**
     * The values the renderer itself provides, besides the {@link AlertFacts} facts: {@code client} and
     * {@code date} always; {@code invoices} and {@code amount} when the alert has them; {@code name} in the greeting
     * and {@code count} in the digest.
     */
    public static final Set<String> BASE_VALUES = Set.of(CLIENT, INVOICES, AMOUNT, DATE, NAME, COUNT);

    /**
     * The values the renderer computes, each with the facts it needs. Facts not in {@link AlertFacts} are the
     * stream-processor's diagnostics ({@code ExtraFacts}, {@code ResponsivenessTracker}): read when present, never
     * required, and never shown under their own name.
     */
    public static final Map<String, Set<String>> DERIVED_VALUES = Map.ofEntries(
            Map.entry(DELTA_DAYS, Set.of(AlertFacts.EWMA_DAYS_TO_PAY, AlertFacts.NORM_DAYS)),
            Map.entry(RISK_PERCENT, Set.of(AlertFacts.LATE_PROBABILITY)),
            Map.entry(AFTER_HOURS_PERCENT, Set.of(AlertFacts.AFTER_HOURS_SHARE)),
            Map.entry(INVOICE_TOTAL, Set.of(ProcessorFacts.AMOUNT_MINOR, ProcessorFacts.CURRENCY)),
            Map.entry(THRESHOLD_PERCENT, Set.of(ProcessorFacts.THRESHOLD)),
            Map.entry(SHARE_THRESHOLD_PERCENT, Set.of(ProcessorFacts.AFTER_HOURS_SHARE_THRESHOLD)),
            Map.entry(WAITING_SINCE, Set.of(ProcessorFacts.UNANSWERED_SINCE)),
            Map.entry(LAST_HEARD, Set.of(ProcessorFacts.LAST_INBOUND_AT)),
            Map.entry(THRESHOLD_DAYS, Set.of(ProcessorFacts.GHOSTING_THRESHOLD_DAYS)),
            Map.entry(FOLLOW_UP_LIMIT, Set.of(ProcessorFacts.FOLLOW_UPS_BEFORE_GHOSTING)),
            Map.entry(AFTER_HOURS_IN_WINDOW, Set.of(ProcessorFacts.AFTER_HOURS_IN_WINDOW)),
            Map.entry(INBOUND_IN_WINDOW, Set.of(ProcessorFacts.INBOUND_IN_WINDOW)),
            Map.entry(WINDOW_DAYS, Set.of(ProcessorFacts.WINDOW_DAYS)),
            Map.entry(WORKING_HOURS, Set.of(ProcessorFacts.WORKING_HOURS)));

    /**
     * The figures table of each type, in order: ids of {@code figure.<id>.label} / {@code figure.<id>.value} in the
     * bundles. A figure is shown only when both fill. The client comes first in every email.
     */
    public static final Map<AlertType, List<String>> FIGURES = figures();

    private static Map<AlertType, List<String>> figures() {
        Map<AlertType, List<String>> f = new EnumMap<>(AlertType.class);
        f.put(AlertType.INVOICE_OVERDUE, List.of("client", "invoice", "outstanding", "invoiceTotal", "issuedDate",
                "dueDate", "pastDue", "usualDaysToPay", "norm"));
        f.put(AlertType.INVOICE_AT_RISK, List.of("client", "invoice", "invoiceAmount", "issuedDate", "dueDate", "risk",
                "threshold", "expectedSettleDate", "expectedDaysToPay", "lateOfRecent", "avgDaysLate",
                "usualDaysToPay", "norm"));
        f.put(AlertType.PAYMENT_DRIFT, List.of("client", "lastInvoice", "invoiceAmount", "lastDaysToPay",
                "usualDaysToPay", "baseline", "norm", "tolerance", "comparedWith", "lateOfRecent", "avgDaysLate"));
        f.put(AlertType.RECOVERED, List.of("client", "lastInvoice", "invoiceAmount", "lastDaysToPay",
                "usualDaysToPay", "baseline", "norm", "recovered"));
        f.put(AlertType.GHOSTING, List.of("client", "waitingSince", "silentDays", "followUps", "openThreads",
                "lastHeard", "rule", "overdueInvoice", "invoice", "invoiceAmount"));
        f.put(AlertType.RESPONSIVE_AGAIN, List.of("client", "waitingSince", "repliedOn", "silence", "replyTime",
                "openThreads", "invoice", "invoiceAmount"));
        f.put(AlertType.AFTER_HOURS_CONTACT, List.of("client", "afterHours", "afterHoursCount", "perWeek",
                "workingHours", "shareThreshold", "invoice", "invoiceAmount"));
        f.put(AlertType.OVERDUE_CORRECTED, List.of("client", "invoice", "invoiceAmount", "dueDate", "settledDate",
                "claimed"));
        f.put(AlertType.UNKNOWN, List.of("client", "invoice", "invoiceAmount"));
        return f;
    }

    /**
     * Main lines of a type ({@code <TYPE>.line1..4}) name only facts in {@link AlertFacts#REQUIRED} for that type
     * and base values, so they always render; detail lines ({@code <TYPE>.detail1..2}) name facts or values an
     * alert may lack and are left out without them. A variant ({@link #variant}) may override any of them with
     * {@code <TYPE>.<variant>.<part>}; {@code <TYPE>.if.<fact>.<raw value>} adds a line when a word fact has
     * that value.
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

    /** The value of the Content-Language header and of the HTML {@code lang} attribute (BCP 47: "en", "it"...). */
    public static String languageTag(Language language) {
        return language.name().toLowerCase(Locale.ROOT);
    }

    /**
     * The variant of a PAYMENT_DRIFT or RECOVERED judged against the client's own payment terms rather than the
     * tenant's norm: its {@link AlertFacts#LINE_DAYS} is longer than its {@link AlertFacts#NORM_DAYS} ("its 45-day
     * payment terms" instead of "your 30-day norm").
     */
    public static final String TERMS_LINE = "termsLine";

    /**
     * Which wording of its type an alert gets, from the rule that fired: GHOSTING by silence or by unanswered
     * follow-ups ({@code silence}, {@code followUps}), PAYMENT_DRIFT against the norm or the client's own baseline,
     * RECOVERED by what was recovered. A PAYMENT_DRIFT by the norm rule, or a RECOVERED of kind norm, whose line
     * ({@link AlertFacts#LINE_DAYS}) is longer than the norm gets {@link #TERMS_LINE}: the client was judged against
     * its invoices' payment terms. Without {@code lineDays} (alerts raised before it existed) the line is the norm.
     * Empty when the type has one wording or the alert does not say.
     */
    public static Optional<String> variant(PaymentAlert alert) {
        Map<String, String> facts = alert.getFacts();
        return switch (alert.getType()) {
            case GHOSTING -> {
                String reason = facts.get(ProcessorFacts.GHOSTING_REASON);
                if (ProcessorFacts.REASON_FOLLOW_UPS.equals(reason)) {
                    yield Optional.of("followUps");
                }
                yield ProcessorFacts.REASON_THRESHOLD.equals(reason) ? Optional.of("silence") : Optional.empty();
            }
            case PAYMENT_DRIFT -> Optional.ofNullable(facts.get(AlertFacts.DRIFT_REASON))
                    .filter(r -> r.equals("norm") || r.equals("baseline"))
                    .map(r -> r.equals("norm") && termsLine(facts) ? TERMS_LINE : r);
            case RECOVERED -> Optional.ofNullable(facts.get(AlertFacts.RECOVERY_KIND))
                    .filter(r -> r.equals("norm") || r.equals("baseline") || r.equals("terms"))
                    .map(r -> r.equals("norm") && termsLine(facts) ? TERMS_LINE : r);
            default -> Optional.empty();
        };
    }

    /** Whether the alert's line ({@code lineDays}) is longer than its norm: the client's terms, not the norm. */
    private static boolean termsLine(Map<String, String> facts) {
        Optional<BigDecimal> line = decimal(facts.get(AlertFacts.LINE_DAYS));
        Optional<BigDecimal> norm = decimal(facts.get(AlertFacts.NORM_DAYS));
        return line.isPresent() && norm.isPresent() && line.get().compareTo(norm.get()) > 0;
    }

    /** The email for one alert. */
    public RenderedEmail render(PaymentAlert alert, FreelancerSettings settings) {
        Language language = settings.getLanguage();
        Map<String, String> values = values(alert, settings);
        String subject = subject(alert, language, values);
        List<String> lines = lines(alert, language, values);
        Map<String, String> figures = figureTable(alert, language, values);

        StringBuilder text = new StringBuilder();
        text.append(greeting(language, settings)).append("\n\n").append(subject).append("\n\n");
        lines.forEach(l -> text.append(l).append('\n'));
        if (!figures.isEmpty()) {
            text.append('\n').append(label(language, "facts.heading")).append('\n');
            String separator = label(language, "figure.separator");
            figures.forEach((k, v) -> text.append("- ").append(k).append(separator).append(v).append('\n'));
        }
        text.append("\n-- \n").append(label(language, "footer")).append('\n');

        StringBuilder html = htmlStart(language);
        html.append("<p>").append(Html.escape(greeting(language, settings))).append("</p>\n");
        html.append("<h2 style=\"font-size:18px\">").append(Html.escape(subject)).append("</h2>\n");
        lines.forEach(l -> html.append("<p>").append(Html.escape(l)).append("</p>\n"));
        appendFigureTable(html, language, figures);
        htmlEnd(html, language);
        return new RenderedEmail(subject, text.toString(), html.toString(), languageTag(language));
    }

    /** One email listing several alerts of one tenant: the daily digest. */
    public RenderedEmail renderDigest(List<PaymentAlert> alerts, FreelancerSettings settings, LocalDate day) {
        Language language = settings.getLanguage();
        Map<String, String> head = Map.of(COUNT, Integer.toString(alerts.size()),
                DATE, day.format(longDate(locale(language))));
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
            List<String> lines = lines(alert, language, values);
            text.append("\n* ").append(title).append('\n');
            lines.forEach(l -> text.append("  ").append(l).append('\n'));
            html.append("<h3 style=\"font-size:16px\">").append(Html.escape(title)).append("</h3>\n");
            lines.forEach(l -> html.append("<p>").append(Html.escape(l)).append("</p>\n"));
        }
        text.append("\n-- \n").append(label(language, "footer")).append('\n');
        htmlEnd(html, language);
        return new RenderedEmail(subject, text.toString(), html.toString(), languageTag(language));
    }

    private String subject(PaymentAlert alert, Language language, Map<String, String> values) {
        String subject = part(alert, language, "subject", values)
                .or(() -> part(alert, language, "subject.short", values))
                .or(() -> fill(language, "UNKNOWN.subject", values))
                .orElse("Paywatch");
        return HeaderSafe.clean(subject);
    }

    /** {@code <TYPE>.<variant>.<part>} when the alert has a variant and it fills, else {@code <TYPE>.<part>}. */
    private Optional<String> part(PaymentAlert alert, Language language, String part, Map<String, String> values) {
        String type = alert.getType().name();
        return variant(alert).flatMap(v -> fill(language, type + "." + v + "." + part, values))
                .or(() -> fill(language, type + "." + part, values));
    }

    private List<String> lines(PaymentAlert alert, Language language, Map<String, String> values) {
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= MAX_LINES; i++) {
            part(alert, language, "line" + i, values).ifPresent(lines::add);
        }
        if (lines.isEmpty()) {
            fill(language, "UNKNOWN.line1", values).ifPresent(lines::add);
        }
        for (int i = 1; i <= MAX_DETAIL_LINES; i++) {
            part(alert, language, "detail" + i, values).ifPresent(lines::add);
        }
        String type = alert.getType().name();
        new TreeMap<>(alert.getFacts()).forEach((k, raw) ->
                fill(language, type + ".if." + k + "." + raw, values).ifPresent(lines::add));
        part(alert, language, "action", values).ifPresent(lines::add);
        return lines;
    }

    /** A bundle sentence filled with {@code values}, with the language's spelling rules applied. */
    private Optional<String> fill(Language language, String key, Map<String, String> values) {
        return bundle.fill(language, key, values).map(text -> spell(language, text));
    }

    /** Italian elides the article before a number said with a vowel: "l'8 ottobre", "all'11 %", "dell'80 %". */
    private static final java.util.regex.Pattern ITALIAN_ELISION =
            java.util.regex.Pattern.compile("\\b([IiAaDd])(e?)l (?=(?:8\\d*|11|11\\d{3})\\b)");

    static String spell(Language language, String text) {
        if (language != Language.IT) {
            return text;
        }
        java.util.regex.Matcher m = ITALIAN_ELISION.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String first = m.group(1);
            String article = switch (first) {
                case "I" -> "L'";
                case "i" -> "l'";
                default -> first + m.group(2) + "ll'";
            };
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(article));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Translated label to formatted value, in {@link #FIGURES} order; only figures whose values the alert has. */
    Map<String, String> figureTable(PaymentAlert alert, Language language, Map<String, String> values) {
        Map<String, String> table = new LinkedHashMap<>();
        for (String id : FIGURES.getOrDefault(alert.getType(), FIGURES.get(AlertType.UNKNOWN))) {
            Optional<String> label = fill(language, "figure." + id + ".label", values);
            Optional<String> value = fill(language, "figure." + id + ".value", values);
            if (label.isPresent() && value.isPresent()) {
                table.putIfAbsent(label.get(), value.get());
            }
        }
        return table;
    }

    /**
     * The placeholder values of one alert, formatted for the tenant's language; all free of line breaks. Keys are
     * {@link AlertFacts} facts, {@link #BASE_VALUES} and {@link #DERIVED_VALUES}; nothing else.
     */
    Map<String, String> values(PaymentAlert alert, FreelancerSettings settings) {
        Language language = settings.getLanguage();
        Locale locale = locale(language);
        // The zone the processor computed the alert's dates in (its timezone fact), so {date} and the date facts
        // agree; the tenant's current zone when the alert does not say.
        ZoneId zone = zone(alert.getFacts().get(AlertFacts.TIMEZONE)).orElseGet(() -> zone(settings));
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
        v.put(DATE, longDate(locale).format(alert.getOccurredAt().atZone(zone)));
        Map<String, String> facts = alert.getFacts();
        for (String key : AlertFacts.ALL) {
            String raw = facts.get(key);
            if (raw != null && !raw.isBlank()) {
                // A word-valued fact (driftReason "norm", overdueInvoice "true") is shown in the tenant's language.
                v.put(key, bundle.text(language, "value." + key + "." + raw.strip())
                        .orElseGet(() -> formatFact(raw, locale)));
            }
        }
        v.putIfAbsent(AlertFacts.NORM_DAYS, Integer.toString(settings.getPaymentNormDays()));
        // An alert raised before lineDays existed was judged against the norm.
        v.putIfAbsent(AlertFacts.LINE_DAYS, v.get(AlertFacts.NORM_DAYS));
        if (variant(alert).filter(TERMS_LINE::equals).isPresent()) {
            // "Compared with: your payment norm" would be wrong for a client judged against its terms.
            for (String key : List.of(AlertFacts.DRIFT_REASON, AlertFacts.RECOVERY_KIND)) {
                if (facts.containsKey(key)) {
                    bundle.text(language, "value." + key + "." + TERMS_LINE).ifPresent(t -> v.put(key, t));
                }
            }
        }
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
        invoiceTotal(alert, locale).ifPresent(t -> v.put(INVOICE_TOTAL, t));
        percent(facts.get(ProcessorFacts.THRESHOLD), locale).ifPresent(p -> v.put(THRESHOLD_PERCENT, p));
        percent(facts.get(ProcessorFacts.AFTER_HOURS_SHARE_THRESHOLD), locale)
                .ifPresent(p -> v.put(SHARE_THRESHOLD_PERCENT, p));
        dateTime(facts.get(ProcessorFacts.UNANSWERED_SINCE), zone, locale).ifPresent(t -> v.put(WAITING_SINCE, t));
        String lastInbound = facts.get(ProcessorFacts.LAST_INBOUND_AT);
        if ("never".equals(lastInbound)) {
            v.put(LAST_HEARD, label(language, "value.never"));
        } else {
            dateTime(lastInbound, zone, locale).ifPresent(t -> v.put(LAST_HEARD, t));
        }
        integer(facts.get(ProcessorFacts.GHOSTING_THRESHOLD_DAYS), locale).ifPresent(n -> v.put(THRESHOLD_DAYS, n));
        integer(facts.get(ProcessorFacts.FOLLOW_UPS_BEFORE_GHOSTING), locale).ifPresent(n -> v.put(FOLLOW_UP_LIMIT, n));
        integer(facts.get(ProcessorFacts.AFTER_HOURS_IN_WINDOW), locale).ifPresent(n -> v.put(AFTER_HOURS_IN_WINDOW, n));
        integer(facts.get(ProcessorFacts.INBOUND_IN_WINDOW), locale).ifPresent(n -> v.put(INBOUND_IN_WINDOW, n));
        integer(facts.get(ProcessorFacts.WINDOW_DAYS), locale).ifPresent(n -> v.put(WINDOW_DAYS, n));
        workingHours(facts.get(ProcessorFacts.WORKING_HOURS), locale).ifPresent(h -> v.put(WORKING_HOURS, h));
        return v;
    }

    /**
     * The invoice's total from the processor's {@code amountMinor}/{@code currency}, when it differs from the amount
     * at stake (a partly paid invoice): the freelancer then sees both what was invoiced and what is still owed.
     */
    private static Optional<String> invoiceTotal(PaymentAlert alert, Locale locale) {
        String minor = alert.getFacts().get(ProcessorFacts.AMOUNT_MINOR);
        String currency = alert.getFacts().get(ProcessorFacts.CURRENCY);
        if (minor == null || currency == null || !minor.strip().matches("-?\\d{1,18}")) {
            return Optional.empty();
        }
        long total = Long.parseLong(minor.strip());
        boolean sameAsStake = alert.getAmounts().size() == 1 && alert.getAmounts().get(0).getAmountMinor() == total
                && alert.getAmounts().get(0).getCurrency().equals(currency.strip());
        return sameAsStake ? Optional.empty() : Optional.of(money(new Money(total, currency.strip()), locale));
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

    private static DateTimeFormatter longDate(Locale locale) {
        return localized(FormatStyle.LONG, null, locale);
    }

    /**
     * The locale's own date (and time) pattern, except that French writes the first day of a month as an ordinal,
     * "le 1er décembre 2026" (Académie française; the JDK's CLDR pattern "d MMMM y" prints "1 décembre").
     */
    private static DateTimeFormatter localized(FormatStyle date, FormatStyle time, Locale locale) {
        String pattern = DateTimeFormatterBuilder.getLocalizedDateTimePattern(date, time, IsoChronology.INSTANCE,
                locale);
        if (!"fr".equals(locale.getLanguage()) || !pattern.startsWith("d ")) {
            return (time == null ? DateTimeFormatter.ofLocalizedDate(date)
                    : DateTimeFormatter.ofLocalizedDateTime(date, time)).withLocale(locale);
        }
        return new DateTimeFormatterBuilder().appendText(ChronoField.DAY_OF_MONTH, FRENCH_DAYS)
                .appendPattern(pattern.substring(1)).toFormatter(locale);
    }

    /** Day of month as French writes it in a date: 1er, 2, 3, ... 31. */
    private static final Map<Long, String> FRENCH_DAYS = frenchDays();

    private static Map<Long, String> frenchDays() {
        Map<Long, String> days = new LinkedHashMap<>();
        for (long d = 1; d <= 31; d++) {
            days.put(d, d == 1 ? "1er" : Long.toString(d));
        }
        return days;
    }

    private static String formatFact(String raw, Locale locale) {
        String clean = HeaderSafe.clean(raw);
        Optional<BigDecimal> number = decimal(clean);
        if (number.isPresent()) {
            return number(number.get(), locale);
        }
        try {
            return LocalDate.parse(clean.strip()).format(longDate(locale));
        } catch (DateTimeParseException e) {
            return clean;
        }
    }

    /** An ISO instant as a long date and a short time in the tenant's zone ("5 March 2025, 10:00"). */
    private static Optional<String> dateTime(String raw, ZoneId zone, Locale locale) {
        if (raw == null) {
            return Optional.empty();
        }
        try {
            Instant at = Instant.parse(raw.strip());
            return Optional.of(localized(FormatStyle.LONG, FormatStyle.SHORT, locale).format(at.atZone(zone)));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** "HH:MM-HH:MM" as two localized times. */
    private static Optional<String> workingHours(String raw, Locale locale) {
        if (raw == null || !raw.strip().matches("\\d{2}:\\d{2}-\\d{2}:\\d{2}")) {
            return Optional.empty();
        }
        String[] parts = raw.strip().split("-");
        DateTimeFormatter time = DateTimeFormatter.ofLocalizedTime(FormatStyle.SHORT).withLocale(locale);
        try {
            return Optional.of(time.format(LocalTime.parse(parts[0])) + "\u2013" + time.format(LocalTime.parse(parts[1])));
        } catch (DateTimeParseException e) {
            return Optional.empty(); // 24:00 and such: better no figure than a wrong one
        }
    }

    private static Optional<String> integer(String raw, Locale locale) {
        return raw != null && raw.strip().matches("\\d{1,9}")
                ? Optional.of(NumberFormat.getIntegerInstance(locale).format(Long.parseLong(raw.strip())))
                : Optional.empty();
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

    private static Optional<ZoneId> zone(String id) {
        try {
            return id == null ? Optional.empty() : Optional.of(ZoneId.of(id.strip()));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
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
        return new StringBuilder("<!DOCTYPE html>\n<html lang=\"").append(languageTag(language))
                .append("\"><head><meta charset=\"utf-8\"></head>\n")
                .append("<body style=\"font-family:sans-serif;color:#222;max-width:640px\">\n");
    }

    private void appendFigureTable(StringBuilder html, Language language, Map<String, String> figures) {
        if (figures.isEmpty()) {
            return;
        }
        html.append("<h3 style=\"font-size:15px\">").append(Html.escape(label(language, "facts.heading")))
                .append("</h3>\n<table style=\"border-collapse:collapse\">\n");
        figures.forEach((k, v) -> html.append("<tr><th style=\"text-align:left;padding:2px 12px 2px 0\">")
                .append(Html.escape(k)).append("</th><td>").append(Html.escape(v)).append("</td></tr>\n"));
        html.append("</table>\n");
    }

    private void htmlEnd(StringBuilder html, Language language) {
        html.append("<p style=\"color:#777;font-size:12px\">").append(Html.escape(label(language, "footer")))
                .append("</p>\n</body></html>\n");
    }
}
