package io.paywatch.alerts.templates;

import io.paywatch.alerts.Fixtures;
import io.paywatch.contract.AlertType;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.Language;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.schemas.AlertFacts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The templates against {@link AlertFacts}, the one list of fact keys shared with the stream-processor: every
 * placeholder is a declared fact or a value the renderer provides, and an alert carrying only the keys its type
 * requires still gets every main sentence.
 */
class TemplateFactsTest {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z]+)}");
    /** Template keys that are sentences of an alert type whose figures must always be there. */
    private static final Pattern MAIN_KEY = Pattern.compile("([A-Z_]+)\\.(subject|line\\d+|action)");

    /** A plausible value of every declared fact, in the format AlertFacts documents. */
    private static final Map<String, String> PLAUSIBLE = Map.ofEntries(
            Map.entry(AlertFacts.DAYS_PAST_DUE, "17"),
            Map.entry(AlertFacts.DUE_DATE, "2026-01-31"),
            Map.entry(AlertFacts.ISSUED_DATE, "2026-01-01"),
            Map.entry(AlertFacts.ESCALATION_STEP, "1"),
            Map.entry(AlertFacts.GRACE_DAYS, "3"),
            Map.entry(AlertFacts.DAYS_TO_PAY, "38"),
            Map.entry(AlertFacts.EWMA_DAYS_TO_PAY, "44.5"),
            Map.entry(AlertFacts.NORM_DAYS, "30"),
            Map.entry(AlertFacts.TOLERANCE_DAYS, "7"),
            Map.entry(AlertFacts.LINE_DAYS, "45"),
            Map.entry(AlertFacts.BASELINE_DAYS, "29.0"),
            Map.entry(AlertFacts.DRIFT_REASON, "baseline"),
            Map.entry(AlertFacts.RECOVERY_KIND, "baseline"),
            Map.entry(AlertFacts.LATE_PROBABILITY, "0.82"),
            Map.entry(AlertFacts.EXPECTED_DAYS_TO_PAY, "51.3"),
            Map.entry(AlertFacts.EXPECTED_SETTLE_DATE, "2026-02-21"),
            Map.entry(AlertFacts.LATE_INVOICES, "4"),
            Map.entry(AlertFacts.RECENT_INVOICES, "6"),
            Map.entry(AlertFacts.AVG_DAYS_LATE, "11.5"),
            Map.entry(AlertFacts.BUSINESS_DAYS_SILENT, "5"),
            Map.entry(AlertFacts.UNANSWERED_FOLLOW_UPS, "0"),
            Map.entry(AlertFacts.UNANSWERED_THREADS, "1"),
            Map.entry(AlertFacts.THREAD_ID, "thread-7"),
            Map.entry(AlertFacts.REPLY_LATENCY_HOURS, "41.5"),
            Map.entry(AlertFacts.OVERDUE_INVOICE, "false"),
            Map.entry(AlertFacts.AFTER_HOURS_SHARE, "0.60"),
            Map.entry(AlertFacts.INBOUND_PER_WEEK, "3.5"),
            Map.entry(AlertFacts.SETTLED_DATE, "2026-01-29"),
            Map.entry(AlertFacts.TIMEZONE, "Europe/Rome"));

    private final AlertEmailRenderer renderer = new AlertEmailRenderer();

    static Stream<Arguments> everyTypeInEveryLanguage() {
        return Arrays.stream(AlertType.values()).filter(t -> t != AlertType.UNKNOWN)
                .flatMap(t -> Arrays.stream(Language.values()).map(l -> Arguments.of(t, l)));
    }

    @Test
    void plausibleValuesCoverEveryDeclaredFact() {
        // A key added to AlertFacts must get a sample here, so the checks below cover it.
        assertThat(PLAUSIBLE.keySet()).containsExactlyInAnyOrderElementsOf(AlertFacts.ALL);
    }

    @ParameterizedTest
    @EnumSource(Language.class)
    void everyPlaceholderIsAFactOrARendererValue(Language language) {
        Set<String> allowed = new HashSet<>(AlertFacts.ALL);
        allowed.addAll(AlertEmailRenderer.BASE_VALUES);
        allowed.addAll(AlertEmailRenderer.DERIVED_VALUES.keySet());
        Map<String, String> unknown = new TreeMap<>();
        Properties template = template(language);
        for (String key : template.stringPropertyNames()) {
            placeholders(template.getProperty(key)).stream().filter(p -> !allowed.contains(p))
                    .forEach(p -> unknown.put(key, p));
        }
        assertThat(unknown).as("placeholders that are neither AlertFacts keys nor renderer values").isEmpty();
    }

    @Test
    void derivedValuesDoNotShadowFacts() {
        AlertEmailRenderer.DERIVED_VALUES.forEach((name, sources) -> {
            assertThat(sources).as("sources of %s", name).isNotEmpty();
            assertThat(AlertFacts.ALL).as("derived %s must not shadow a fact", name).doesNotContain(name);
        });
        assertThat(AlertEmailRenderer.BASE_VALUES).doesNotContainAnyElementsOf(AlertFacts.ALL);
    }

    @ParameterizedTest
    @EnumSource(Language.class)
    void everyLanguageHasTheSameKeysAndEveryFigure(Language language) {
        Properties english = template(Language.EN);
        assertThat(template(language).stringPropertyNames()).isEqualTo(english.stringPropertyNames());
        assertThat(AlertEmailRenderer.FIGURES).containsOnlyKeys(AlertType.values());
        AlertEmailRenderer.FIGURES.values().stream().flatMap(List::stream).distinct().forEach(id -> {
            assertThat(template(language).getProperty("figure." + id + ".label")).as("label of %s in %s", id, language)
                    .isNotBlank();
            assertThat(template(language).getProperty("figure." + id + ".value")).as("value of %s in %s", id, language)
                    .isNotBlank();
        });
    }

    @ParameterizedTest(name = "{0} in {1}")
    @MethodSource("everyTypeInEveryLanguage")
    void anAlertWithOnlyItsRequiredFactsGetsEveryMainSentence(AlertType type, Language language) {
        FreelancerSettings settings = Fixtures.settings("t1", "giulia@example.com", language).build();
        PaymentAlert alert = Fixtures.alert("a-1", "t1", "c-9", "Acme Studio", type)
                .setFacts(requiredFacts(type)).build();
        Map<String, String> values = renderer.values(alert, settings);
        Properties template = template(language);
        List<String> mainKeys = mainKeys(template, type);
        assertThat(mainKeys).as("main sentences of %s", type).contains(type + ".subject", type + ".line1");

        RenderedEmail email = renderer.render(alert, settings);

        for (String key : mainKeys) {
            String sentence = expected(template, key, alert, values);
            assertThat(sentence).as("%s in %s with only %s", key, language, AlertFacts.REQUIRED.get(type))
                    .isNotNull();
            if (key.endsWith(".subject")) {
                assertThat(email.subject()).isEqualTo(sentence);
            } else {
                assertThat(email.text()).as(key).contains(sentence);
            }
        }
    }

    @ParameterizedTest(name = "{0} in {1}")
    @MethodSource("everyTypeInEveryLanguage")
    void withoutInvoicesOnlyTheInvoiceSentencesAreLeftOut(AlertType type, Language language) {
        // The responsiveness alerts name no invoice: their fact sentences must not depend on one.
        FreelancerSettings settings = Fixtures.settings("t1", "giulia@example.com", language).build();
        PaymentAlert alert = Fixtures.alert("a-1", "t1", "c-9", "Acme Studio", type)
                .setInvoiceIds(List.of()).setAmounts(List.of()).setFacts(requiredFacts(type)).build();
        Properties template = template(language);

        RenderedEmail email = renderer.render(alert, settings);

        Map<String, String> values = renderer.values(alert, settings);
        for (String key : mainKeys(template, type)) {
            Set<String> names = placeholders(template.getProperty(key));
            if (names.contains(AlertEmailRenderer.INVOICES) || names.contains(AlertEmailRenderer.AMOUNT)) {
                continue;
            }
            String sentence = expected(template, key, alert, values);
            assertThat(sentence).as("%s in %s without invoices", key, language).isNotNull();
            assertThat(key.endsWith(".subject") ? email.subject() : email.text()).contains(sentence);
        }
    }

    /** The sentence the renderer uses for a main key: the alert's variant of it when that fills, else the key's. */
    private static String expected(Properties template, String key, PaymentAlert alert, Map<String, String> values) {
        String type = alert.getType().name();
        String part = key.substring(type.length() + 1);
        Language language = Language.valueOf(template.getProperty("language.tag", "EN"));
        String sentence = AlertEmailRenderer.variant(alert)
                .map(v -> template.getProperty(type + "." + v + "." + part))
                .flatMap(t -> MessageBundle.fill(t, values))
                .orElseGet(() -> MessageBundle.fill(template.getProperty(key), values).orElse(null));
        return sentence == null ? null : AlertEmailRenderer.spell(language, sentence);
    }

    @Test
    void theChecksCanFail() {
        // A sentence naming a fact the alert lacks is left out: what the tests above would catch.
        assertThat(MessageBundle.fill("{client} waited {consecutiveUnansweredFollowUps}",
                Map.of("client", "Acme", AlertFacts.UNANSWERED_FOLLOW_UPS, "2"))).isEmpty();
        assertThat(placeholders("{a} and {bB}")).containsExactlyInAnyOrder("a", "bB");
    }

    private static Map<String, String> requiredFacts(AlertType type) {
        return AlertFacts.REQUIRED.get(type).stream()
                .collect(Collectors.toMap(k -> k, k -> PLAUSIBLE.get(k)));
    }

    private static List<String> mainKeys(Properties template, AlertType type) {
        List<String> keys = new ArrayList<>();
        for (String key : new TreeSet<>(template.stringPropertyNames())) {
            Matcher m = MAIN_KEY.matcher(key);
            if (m.matches() && m.group(1).equals(type.name())) {
                keys.add(key);
            }
        }
        return keys;
    }

    private static Set<String> placeholders(String text) {
        Set<String> names = new HashSet<>();
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static Properties template(Language language) {
        String resource = "templates/alerts_" + language.name().toLowerCase(Locale.ROOT) + ".properties";
        Properties props = new Properties();
        try (InputStream in = TemplateFactsTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            props.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            props.setProperty("language.tag", language.name()); // for the spelling rules; not a bundle key
        } catch (IOException e) {
            throw new AssertionError("cannot read " + resource, e);
        }
        return props;
    }
}
