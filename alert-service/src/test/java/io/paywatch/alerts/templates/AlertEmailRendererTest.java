package io.paywatch.alerts.templates;

import io.paywatch.alerts.Fixtures;
import io.paywatch.contract.AlertType;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.Language;
import io.paywatch.contract.Money;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.schemas.AlertFacts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class AlertEmailRendererTest {

    private static final Map<Language, String> GREETING = Map.of(Language.EN, "Hello Giulia,",
            Language.IT, "Ciao Giulia,", Language.ES, "Hola, Giulia:", Language.FR, "Bonjour Giulia,",
            Language.ID, "Halo Giulia,");

    /** The figure each type's subject must name. */
    private static final Map<AlertType, String> SUBJECT_FIGURE = Map.of(AlertType.INVOICE_OVERDUE, "17",
            AlertType.INVOICE_AT_RISK, "82", AlertType.PAYMENT_DRIFT, "44", AlertType.RECOVERED, "27",
            AlertType.GHOSTING, "6", AlertType.RESPONSIVE_AGAIN, "6", AlertType.AFTER_HOURS_CONTACT, "45",
            AlertType.OVERDUE_CORRECTED, "21");

    private final AlertEmailRenderer renderer = new AlertEmailRenderer();

    static Stream<Arguments> everyTypeInEveryLanguage() {
        return Arrays.stream(AlertType.values()).filter(t -> t != AlertType.UNKNOWN)
                .flatMap(t -> Arrays.stream(Language.values()).map(l -> Arguments.of(t, l)));
    }

    @ParameterizedTest(name = "{0} in {1}")
    @MethodSource("everyTypeInEveryLanguage")
    void explainsTheAlertWithItsFactsInTheTenantsLanguage(AlertType type, Language language) {
        FreelancerSettings settings = Fixtures.settings("t1", "giulia@example.com", language).build();
        PaymentAlert alert = Fixtures.alert("a-1", "t1", "c-9", "Acme Studio", type).build();

        RenderedEmail email = renderer.render(alert, settings);

        assertThat(email.subject()).contains("Acme Studio").contains(SUBJECT_FIGURE.get(type))
                .doesNotContain("{").doesNotContain("\n").doesNotContain("\r");
        assertThat(email.text()).startsWith(GREETING.get(language)).contains("INV-2025-017")
                .doesNotContain("{");
        // EUR 1,234.50 from 123450 minor units, whatever the locale's separators.
        assertThat(email.text().replaceAll("[^0-9]", "")).contains("123450");
        String digits = email.text().replaceAll("[^0-9,.]", " ");
        for (String value : Fixtures.facts(type).values()) {
            if (value.matches("\\d{4}-\\d{2}-\\d{2}")) {
                String date = LocalDate.parse(value).format(DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG)
                        .withLocale(AlertEmailRenderer.locale(language)));
                assertThat(email.text()).as("date %s in %s %s", value, type, language).contains(date);
            } else if (value.matches("[0-9.]+")) {
                String figure = value.startsWith("0.") ? value.substring(2) : value.split("\\.")[0];
                assertThat(digits).as("fact %s in %s %s", value, type, language).contains(figure);
            }
        }
        assertThat(email.html()).contains("<html lang=\"" + language.name().toLowerCase(Locale.ROOT) + "\"")
                .contains(Html.escape(email.subject())).contains("INV-2025-017");
    }

    @ParameterizedTest
    @EnumSource(value = AlertType.class, names = "UNKNOWN", mode = EnumSource.Mode.EXCLUDE)
    void everyLanguageHasItsOwnSubject(AlertType type) {
        Set<String> subjects = Arrays.stream(Language.values())
                .map(l -> renderer.render(Fixtures.alert("a", "t", "c", "Acme", type).build(),
                        Fixtures.settings("t", "x@example.com", l).build()).subject())
                .collect(Collectors.toSet());
        assertThat(subjects).hasSize(Language.values().length);
    }

    @Test
    void missingFiguresFallBackToTheShortSubject() {
        // Without the figures the short subject is used instead of a sentence with a hole.
        PaymentAlert alert = Fixtures.alert("a", "t", "c", "Acme", AlertType.INVOICE_OVERDUE)
                .setFacts(Map.of()).build();
        RenderedEmail email = renderer.render(alert, Fixtures.settings("t", "x@example.com", Language.EN).build());
        assertThat(email.subject()).isEqualTo("Acme has let an invoice go overdue: send a reminder");
        assertThat(email.text()).doesNotContain("days past due").contains("INV-2025-017");
    }

    @Test
    void wordValuedFactsAreShownInTheTenantsLanguage() {
        RenderedEmail en = renderer.render(Fixtures.alert("a", "t", "c", "Acme", AlertType.GHOSTING).build(),
                Fixtures.settings("t", "x@example.com", Language.EN).build());
        assertThat(en.text()).contains("- Also has an overdue invoice: yes")
                .contains("- Conversations awaiting a reply: 2").contains("- Unanswered follow-ups: 1");
        RenderedEmail it = renderer.render(Fixtures.alert("a", "t", "c", "Acme", AlertType.PAYMENT_DRIFT).build(),
                Fixtures.settings("t", "x@example.com", Language.IT).build());
        assertThat(it.text()).contains("- Confronto con: la tua norma").contains("- La tua tolleranza: 7 giorni");
    }

    /** A PAYMENT_DRIFT (norm rule) or RECOVERED (kind norm) with {@code lineDays} set, or absent when null. */
    private static PaymentAlert lineAlert(AlertType type, String lineDays) {
        Map<String, String> facts = new java.util.HashMap<>(Fixtures.facts(type));
        if (type == AlertType.RECOVERED) {
            facts.put(AlertFacts.EWMA_DAYS_TO_PAY, "43.2");
        }
        if (lineDays != null) {
            facts.put(AlertFacts.LINE_DAYS, lineDays);
        }
        return Fixtures.alert("a", "t", "c", "Acme", type).setFacts(facts).build();
    }

    @Test
    void aDriftAgainstTheClientsOwnTermsSaysTheTermsNotTheNorm() {
        FreelancerSettings en = Fixtures.settings("t", "x@example.com", Language.EN).build();

        PaymentAlert drift = lineAlert(AlertType.PAYMENT_DRIFT, "45");
        assertThat(AlertEmailRenderer.variant(drift)).contains(AlertEmailRenderer.TERMS_LINE);
        RenderedEmail email = renderer.render(drift, en);
        assertThat(email.subject()).isEqualTo(
                "Acme now pays later than their 45-day payment terms (44.5 days on average): keep an eye on open invoices");
        assertThat(email.text()).contains("the typical time Acme takes to pay rose to 44.5 days, against their 45-day "
                + "payment terms (your norm is 30 days).")
                .contains("- Compared with: the client's payment terms")
                .doesNotContain("30-day norm").doesNotContain("against your norm of");

        PaymentAlert recovered = lineAlert(AlertType.RECOVERED, "45");
        assertThat(AlertEmailRenderer.variant(recovered)).contains(AlertEmailRenderer.TERMS_LINE);
        RenderedEmail back = renderer.render(recovered, en);
        assertThat(back.subject()).isEqualTo(
                "Acme is back within their 45-day payment terms (43.2 days on average): no action needed");
        assertThat(back.text()).contains("fell to 43.2 days, within their 45-day payment terms.")
                .contains("back within their payment terms").doesNotContain("your payment norm")
                .doesNotContain("30-day norm");
    }

    @Test
    void aLineEqualToTheNormOrNoLineFactKeepsTheNormWording() {
        FreelancerSettings en = Fixtures.settings("t", "x@example.com", Language.EN).build();
        // lineDays 30 (the norm), and an older alert without lineDays: both "your 30-day norm".
        for (String lineDays : new String[] {"30", null}) {
            PaymentAlert drift = lineAlert(AlertType.PAYMENT_DRIFT, lineDays);
            assertThat(AlertEmailRenderer.variant(drift)).as("lineDays %s", lineDays).contains("norm");
            assertThat(renderer.render(drift, en).subject()).as("lineDays %s", lineDays).isEqualTo(
                    "Acme now pays later than your 30-day norm (44.5 days on average): keep an eye on open invoices");
            PaymentAlert recovered = lineAlert(AlertType.RECOVERED, lineDays);
            assertThat(AlertEmailRenderer.variant(recovered)).contains("norm");
            assertThat(renderer.render(recovered, en).subject()).isEqualTo(
                    "Acme is back within your 30-day norm (43.2 days on average): no action needed");
        }
        // Without lineDays the placeholder falls back to the norm.
        assertThat(renderer.values(lineAlert(AlertType.PAYMENT_DRIFT, null), en))
                .containsEntry(AlertFacts.LINE_DAYS, "30");
        // A baseline drift is worded against the client's usual whatever its line.
        Map<String, String> baseline = new java.util.HashMap<>(Fixtures.facts(AlertType.PAYMENT_DRIFT));
        baseline.put(AlertFacts.DRIFT_REASON, "baseline");
        baseline.put(AlertFacts.LINE_DAYS, "45");
        assertThat(AlertEmailRenderer.variant(Fixtures.alert("a", "t", "c", "Acme", AlertType.PAYMENT_DRIFT)
                .setFacts(baseline).build())).contains("baseline");
    }

    @ParameterizedTest
    @EnumSource(Language.class)
    void everyLanguageSaysTheTermsForATermsLineDriftAndRecovery(Language language) {
        FreelancerSettings settings = Fixtures.settings("t", "x@example.com", language).build();
        for (AlertType type : List.of(AlertType.PAYMENT_DRIFT, AlertType.RECOVERED)) {
            RenderedEmail terms = renderer.render(lineAlert(type, "45"), settings);
            RenderedEmail norm = renderer.render(lineAlert(type, "30"), settings);
            assertThat(terms.subject()).as("%s in %s", type, language).contains("45").doesNotContain("{")
                    .isNotEqualTo(norm.subject());
            assertThat(norm.subject()).contains("30");
            assertThat(terms.text()).doesNotContain("{");
        }
    }

    @Test
    void clientNamesCannotInjectHeadersOrHtml() {
        String evil = "Evil <script>alert(1)</script>\r\nBcc: victim@example.com\nX-Injected: yes";
        PaymentAlert alert = Fixtures.alert("a", "t", "c", evil, AlertType.GHOSTING)
                .setInvoiceIds(List.of("INV-1\r\nCc: other@example.com"))
                .setFacts(Map.of(AlertFacts.BUSINESS_DAYS_SILENT, "6", "note\r\nX-Evil: 1", "<b>bold</b>")).build();
        RenderedEmail email = renderer.render(alert, Fixtures.settings("t", "x@example.com", Language.EN)
                .setDisplayName("Giulia\r\nBcc: a@b.c").build());

        assertThat(email.subject()).doesNotContain("\r").doesNotContain("\n")
                .contains("Evil <script>alert(1)</script> Bcc: victim@example.com X-Injected: yes");
        assertThat(email.html()).doesNotContain("<script>").doesNotContain("<b>bold</b>")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;");
        // A fact the renderer does not choose is never shown, under its key or otherwise.
        assertThat(email.text()).doesNotContain("X-Evil").doesNotContain("bold");
        // Line breaks inside event text never start a new line of their own in the text body either.
        assertThat(email.text().lines()).noneMatch(l -> l.startsWith("Bcc:") || l.startsWith("Cc:")
                || l.startsWith("X-Evil") || l.startsWith("X-Injected"));
    }

    @Test
    void moneyUsesTheCurrencysOwnDecimals() {
        Locale en = AlertEmailRenderer.locale(Language.EN);
        assertThat(AlertEmailRenderer.money(money(123450, "EUR"), en)).isEqualTo("€1,234.50");
        assertThat(AlertEmailRenderer.money(money(123450, "JPY"), en)).contains("123,450").doesNotContain(".");
        assertThat(AlertEmailRenderer.money(money(123450, "KWD"), en)).contains("123.450");
        assertThat(AlertEmailRenderer.money(money(123450, "EUR"), AlertEmailRenderer.locale(Language.IT)))
                .isEqualTo("1.234,50\u00a0€");
        assertThat(AlertEmailRenderer.money(money(5, "XXQ"), en)).isEqualTo("5 XXQ (minor units)");
    }

    @Test
    void digestListsEveryAlert() {
        FreelancerSettings settings = Fixtures.settings("t", "x@example.com", Language.FR).build();
        List<PaymentAlert> alerts = List.of(
                Fixtures.alert("a1", "t", "c1", "Acme", AlertType.INVOICE_OVERDUE).build(),
                Fixtures.alert("a2", "t", "c2", "Globex", AlertType.GHOSTING).build());
        RenderedEmail email = renderer.renderDigest(alerts, settings, LocalDate.parse("2025-03-13"));
        assertThat(email.subject()).contains("2").contains("13 mars 2025");
        assertThat(email.text()).contains("Acme").contains("Globex").contains("17 jours").contains("6 jours");
    }

    @Test
    void frenchWritesTheFirstOfTheMonthAsAnOrdinal() {
        FreelancerSettings settings = Fixtures.settings("t", "x@example.com", Language.FR).build();
        List<PaymentAlert> alerts = List.of(Fixtures.alert("a1", "t", "c1", "Acme", AlertType.INVOICE_OVERDUE).build());
        assertThat(renderer.renderDigest(alerts, settings, LocalDate.parse("2026-12-01")).subject())
                .contains("1er décembre 2026").doesNotContain(" 1 décembre");
        // Only the first: "le 11 décembre", "le 21 décembre" stay cardinal, and other languages are unchanged.
        assertThat(renderer.renderDigest(alerts, settings, LocalDate.parse("2026-12-11")).subject())
                .contains(" 11 décembre 2026");
        assertThat(renderer.renderDigest(alerts, settings, LocalDate.parse("2026-12-21")).subject())
                .contains(" 21 décembre 2026");
        assertThat(renderer.renderDigest(alerts, Fixtures.settings("t", "x@example.com", Language.EN).build(),
                LocalDate.parse("2026-12-01")).subject()).contains(" 1 December 2026");
    }

    @Test
    void italianElidesTheArticleBeforeEightAndEleven() {
        assertThat(AlertEmailRenderer.spell(Language.IT, "Il 11 ottobre, al 8 marzo, del 80%, il 12 maggio, Al 1 aprile"))
                .isEqualTo("L'11 ottobre, all'8 marzo, dell'80%, il 12 maggio, Al 1 aprile");
        assertThat(AlertEmailRenderer.spell(Language.FR, "le 11 octobre")).isEqualTo("le 11 octobre");
    }

    private static Money money(long minor, String currency) {
        return Money.newBuilder().setAmountMinor(minor).setCurrency(currency).build();
    }
}
