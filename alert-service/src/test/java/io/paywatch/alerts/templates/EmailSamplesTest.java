package io.paywatch.alerts.templates;

import io.paywatch.contract.AlertType;
import io.paywatch.contract.Language;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.schemas.AlertFacts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every alert type, in every wording it has (GHOSTING by silence and by follow-ups, drift against the norm and
 * the baseline, the three RECOVERED kinds, OVERDUE_CORRECTED, UNKNOWN), rendered in every language from alerts
 * shaped exactly like the stream-processor's ({@link RealisticAlerts}), read the way the freelancer reads them.
 *
 * <p>Fails on: a fact key in the email; a figure without a label, or a bare number on a line; a stage number
 * outside its range; an English phrase in a non-English email (three words in a row of the English rendering of
 * the same alert, or of the producer's English summary); a missing client name, or the client's id instead.
 *
 * <p>The rendered samples (text part with its Subject and Content-Language, and the HTML part) are committed under
 * {@code src/test/resources/samples/} for reviewers; this test fails when they differ from what the renderer
 * produces. Regenerate them with {@code -Dpaywatch.samples.write=true}.
 */
class EmailSamplesTest {

    private static final Path SAMPLES = Path.of("src", "test", "resources", "samples");
    private static final Pattern FIGURE_ROW = Pattern.compile("- (.+?): (.+)");
    private static final Pattern WORD = Pattern.compile("\\p{L}[\\p{L}']*");
    private static final Pattern RANGE = Pattern.compile("\\((\\d+) (?:to|-|–) (\\d+)\\)\\D{0,3}(\\d+)");

    private final AlertEmailRenderer renderer = new AlertEmailRenderer();

    static Stream<Arguments> everySampleInEveryLanguage() {
        return RealisticAlerts.all().stream()
                .flatMap(s -> Arrays.stream(Language.values()).map(l -> Arguments.of(s.name(), s.alert(), l)));
    }

    @Test
    void theSamplesCoverEveryAlertTypeAndEveryWording() {
        List<PaymentAlert> alerts = RealisticAlerts.all().stream().map(RealisticAlerts.Sample::alert).toList();
        assertThat(alerts).extracting(PaymentAlert::getType).containsAll(Arrays.asList(AlertType.values()));
        assertThat(alerts).filteredOn(a -> a.getType() == AlertType.RECOVERED)
                .extracting(a -> a.getFacts().get(AlertFacts.RECOVERY_KIND))
                .containsExactlyInAnyOrder("norm", "baseline", "terms");
        assertThat(alerts).filteredOn(a -> a.getType() == AlertType.PAYMENT_DRIFT)
                .extracting(a -> a.getFacts().get(AlertFacts.DRIFT_REASON)).containsExactlyInAnyOrder("norm", "baseline");
        assertThat(alerts).filteredOn(a -> a.getType() == AlertType.GHOSTING)
                .extracting(a -> AlertEmailRenderer.variant(a).orElse("none"))
                .containsExactlyInAnyOrder("silence", "followUps");
    }

    @ParameterizedTest(name = "{0} in {2}")
    @MethodSource("everySampleInEveryLanguage")
    void readsAsTheFreelancerNeedsIt(String name, PaymentAlert alert, Language language) throws IOException {
        RenderedEmail email = renderer.render(alert, RealisticAlerts.settings(language));
        RenderedEmail english = renderer.render(alert, RealisticAlerts.settings(Language.EN));

        assertThat(email.language()).isEqualTo(language.name().toLowerCase(Locale.ROOT));
        assertThat(problems(alert, email, language, english)).as("%s in %s:%n%s", name, language, email.text())
                .isEmpty();
        sample(name + "." + email.language() + ".txt", "Subject: " + email.subject() + "\nContent-Language: "
                + email.language() + "\n\n" + email.text());
        sample(name + "." + email.language() + ".html", email.html());
    }

    /** The checks, on the literal lines the issue reported from the captured emails. */
    @Test
    void theChecksCatchWhatTheIssueReported() {
        PaymentAlert overdue = RealisticAlerts.overdue30();
        PaymentAlert ghosting = RealisticAlerts.ghostingSilence();
        RenderedEmail good = renderer.render(overdue, RealisticAlerts.settings(Language.IT));
        RenderedEmail english = renderer.render(overdue, RealisticAlerts.settings(Language.EN));
        String heading = "I numeri";

        assertThat(problems(overdue, withText(good, good.text().replace(heading + "\n",
                heading + "\n- Reminder stage (0 to 3): 4\n")), Language.IT, english))
                .anyMatch(p -> p.contains("outside its range"));
        assertThat(problems(overdue, withText(good, good.text().replace(heading + "\n",
                heading + "\n- amountMinor: 428700\n- outstandingMinor: 228700\n")), Language.IT, english))
                .anyMatch(p -> p.contains("fact key amountMinor")).anyMatch(p -> p.contains("minor units"));
        assertThat(problems(overdue, withText(good, good.text().replace(heading + "\n",
                heading + "\n- 4287\n")), Language.IT, english)).anyMatch(p -> p.contains("unlabelled"));
        assertThat(problems(overdue, withText(good, good.text() + "- summary: " + overdue.getSummary() + "\n"),
                Language.IT, english)).anyMatch(p -> p.contains("English"));
        assertThat(problems(overdue, withText(good, good.text() + "It is now 30 days past due.\n"), Language.IT,
                english)).anyMatch(p -> p.contains("English"));
        // What the issue saw: a GHOSTING alert without a client name, named in the email by its id.
        ghosting.setClientName(null);
        RenderedEmail byId = renderer.render(ghosting, RealisticAlerts.settings(Language.EN));
        assertThat(problems(ghosting, byId, Language.EN, byId)).anyMatch(p -> p.contains("client name"));
    }

    private static RenderedEmail withText(RenderedEmail email, String text) {
        return new RenderedEmail(email.subject(), text, email.html(), email.language());
    }

    /** What is wrong with {@code email} for the freelancer; empty when nothing. */
    static List<String> problems(PaymentAlert alert, RenderedEmail email, Language language, RenderedEmail english) {
        List<String> problems = new ArrayList<>();
        String all = email.subject() + "\n" + email.text() + "\n" + email.html();

        // 1. Fact keys never appear: camelCase keys nowhere, one-word keys never as a label.
        Set<String> keys = new HashSet<>(alert.getFacts().keySet());
        keys.addAll(AlertFacts.ALL);
        for (String key : keys) {
            if (!key.equals(key.toLowerCase(Locale.ROOT))
                    && Pattern.compile("\\b" + Pattern.quote(key) + "\\b").matcher(all).find()) {
                problems.add("fact key " + key + " appears");
            }
        }
        for (String[] row : figureRows(email.text())) {
            if (keys.contains(row[0]) || row[0].matches("[a-z]+[A-Z]\\w*")) {
                problems.add("figure labelled by the fact key " + row[0]);
            }
        }
        // Minor units are never shown raw (428700 for EUR 4,287.00).
        for (var fact : alert.getFacts().entrySet()) {
            if (fact.getKey().endsWith("Minor") && fact.getValue().length() >= 3 && all.contains(fact.getValue())
                    && !fact.getValue().matches("\\d{1,3}")) {
                boolean noDecimals = "JPY".equals(alert.getFacts().get("currency"));
                if (!noDecimals) {
                    problems.add("raw minor units " + fact.getValue() + " of " + fact.getKey());
                }
            }
        }
        // 2. Every figure has a label with words; no line is a bare number.
        for (String line : email.text().split("\n")) {
            String content = line.startsWith("- ") ? line.substring(2) : line;
            if (content.matches("[\\d\\s.,:%€$¥+-]+") && content.matches(".*\\d.*")) {
                problems.add("unlabelled number: " + line);
            }
        }
        for (String[] row : figureRows(email.text())) {
            if (!WORD.matcher(row[0]).find()) {
                problems.add("unlabelled number: " + row[0] + ": " + row[1]);
            }
        }
        // 3. A stage (or any "(a to b)" range) shows a value inside its range; the internal step is not shown.
        Matcher range = RANGE.matcher(all);
        while (range.find()) {
            int low = Integer.parseInt(range.group(1));
            int high = Integer.parseInt(range.group(2));
            int value = Integer.parseInt(range.group(3));
            if (value < low || value > high) {
                problems.add("stage " + value + " outside its range " + low + " to " + high);
            }
        }
        if (language == Language.EN && Pattern.compile("(?i)\\b(stage|escalation step)\\b").matcher(all).find()) {
            problems.add("the internal escalation step is shown");
        }
        // 4. No English in a non-English email: 3-word phrases of the English rendering or of the English summary.
        if (language != Language.EN) {
            Set<String> mine = shingles(email.subject() + "\n" + email.text(), Set.of());
            Set<String> valueWords = words(String.join(" ", alert.getInvoiceIds()) + " "
                    + (alert.getClientName() == null ? alert.getClientId() : alert.getClientName()) + " Giulia Paywatch");
            Set<String> englishPhrases = shingles(english.subject() + "\n" + english.text(), valueWords);
            englishPhrases.addAll(shingles(alert.getSummary(), valueWords));
            alert.getFacts().values().forEach(v -> englishPhrases.addAll(shingles(v, valueWords)));
            Set<String> found = new LinkedHashSet<>(englishPhrases);
            found.retainAll(mine);
            if (!found.isEmpty()) {
                problems.add("English in a " + language + " email: " + found);
            }
        }
        // 5. The client's display name, never its id when a name exists, in the subject and both bodies.
        String name = alert.getClientName();
        if (name == null || name.isBlank()) {
            problems.add("the alert carries no client name");
        } else {
            for (String part : List.of(email.subject(), email.text(), email.html())) {
                if (!part.contains(Html.escape(name)) && !part.contains(name)) {
                    problems.add("client name missing");
                }
            }
            if (!name.contains(alert.getClientId()) && all.contains(alert.getClientId())) {
                problems.add("client id " + alert.getClientId() + " shown instead of the client name");
            }
        }
        // 6. The plain-text part says everything the HTML part says.
        for (String line : email.text().split("\n")) {
            if (line.isBlank() || line.equals("-- ")) {
                continue;
            }
            Matcher row = FIGURE_ROW.matcher(line);
            List<String> pieces = row.matches() ? List.of(row.group(1).strip(), row.group(2).strip()) : List.of(line);
            for (String piece : pieces) {
                if (!email.html().contains(Html.escape(piece))) {
                    problems.add("text line not in the HTML part: " + piece);
                }
            }
        }
        if (!email.html().contains("<html lang=\"" + email.language() + "\"")) {
            problems.add("HTML lang differs from Content-Language");
        }
        if (email.text().contains("{") || email.subject().contains("{")) {
            problems.add("unfilled placeholder");
        }
        return problems;
    }

    private static List<String[]> figureRows(String text) {
        List<String[]> rows = new ArrayList<>();
        for (String line : text.split("\n")) {
            Matcher m = FIGURE_ROW.matcher(line);
            if (m.matches()) {
                rows.add(new String[] {m.group(1).strip(), m.group(2).strip()});
            }
        }
        return rows;
    }

    private static Set<String> words(String text) {
        Set<String> words = new HashSet<>();
        Matcher m = WORD.matcher(text);
        while (m.find()) {
            words.add(m.group().toLowerCase(Locale.ROOT));
        }
        return words;
    }

    /** Runs of three words, lower case, skipping runs that contain a word of a value (names, ids). */
    private static Set<String> shingles(String text, Set<String> skip) {
        Set<String> out = new LinkedHashSet<>();
        for (String line : text.split("\n")) {
            List<String> words = new ArrayList<>();
            Matcher m = WORD.matcher(line);
            while (m.find()) {
                words.add(m.group().toLowerCase(Locale.ROOT));
            }
            for (int i = 0; i + 3 <= words.size(); i++) {
                List<String> run = words.subList(i, i + 3);
                if (run.stream().noneMatch(skip::contains)) {
                    out.add(String.join(" ", run));
                }
            }
        }
        return out;
    }

    private static void sample(String file, String content) throws IOException {
        Path path = SAMPLES.resolve(file);
        if (Boolean.getBoolean("paywatch.samples.write")) {
            Files.createDirectories(SAMPLES);
            Files.writeString(path, content, StandardCharsets.UTF_8);
            return;
        }
        assertThat(path).as("committed sample %s (regenerate with -Dpaywatch.samples.write=true)", file).exists();
        assertThat(normalise(Files.readString(path, StandardCharsets.UTF_8))).as("sample %s", file)
                .isEqualTo(normalise(content));
    }

    /** CLDR updates move between no-break and narrow no-break spaces; the words are what the sample pins. */
    private static String normalise(String text) {
        return text.replace('\u202f', ' ').replace('\u00a0', ' ').lines().collect(Collectors.joining("\n"));
    }
}
