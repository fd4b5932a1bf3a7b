package io.paywatch.processor.query;

import io.paywatch.contract.ClientProfile;
import io.paywatch.contract.ClientType;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.processor.Events;
import io.paywatch.processor.ProcessorStores;
import io.paywatch.processor.TopologyFixture;
import io.paywatch.processor.TopologyOptions;
import io.paywatch.processor.payments.OpenInvoiceState;
import io.paywatch.schemas.AvroSerde;
import io.paywatch.schemas.ClientKey;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static io.paywatch.processor.Events.issued;
import static io.paywatch.processor.Events.paid;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The classification the query API shows is true as of today, not as of the client's last event. Events go through
 * {@code PaywatchTopology.buildTopology} (TopologyTestDriver, wall clock pinned just after the last event); the
 * answer is built by the API's own code ({@link QueryController#asOfNow}) from the driver's stores, with the query's
 * "now" pinned. The truth (days past due, late invoices, the class) is counted in the test from calendar dates in the
 * tenant's zone.
 */
class ClassificationAsOfTodayTest {

    static {
        AvroSerde.of(FreelancerSettings.class); // registers the contract package with Avro's class-trust check
    }

    private static final String T = "asof-tenant";
    private static final ZoneId ROME = ZoneId.of("Europe/Rome");
    private static final FreelancerSettings SETTINGS = Events.settings(T).setTimezone(ROME.getId()).build();
    private static final int GRACE = 3; // the contract default, as the settings above leave it
    /** The last event of every client below is on 20 March; the processor's clock is pinned two hours later. */
    private static final Instant WALL = at("2026-03-20").plus(2, ChronoUnit.HOURS);
    /** The query's "now": 15 April 2026, 12:00 in Rome. */
    private static final Instant TODAY = LocalDate.parse("2026-04-15").atTime(12, 0).atZone(ROME).toInstant();

    private static Instant at(String date) {
        return LocalDate.parse(date).atTime(LocalTime.of(10, 0)).atZone(ROME).toInstant();
    }

    private static int daysPastDueToday(String issued, int terms) {
        return (int) ChronoUnit.DAYS.between(LocalDate.parse(issued).plusDays(terms), LocalDate.ofInstant(TODAY, ROME));
    }

    private static TopologyFixture fixture() {
        TopologyFixture f = new TopologyFixture(TopologyOptions.defaults(), WALL);
        f.pipeSettings(SETTINGS);
        return f;
    }

    /** Two invoices paid within terms (28 and 27 days on 30-day terms), the history every client below shares. */
    private static void paidOnTime(TopologyFixture f, String c) {
        f.pipe(T, c, issued(T, c, c + "-1", at("2026-01-05"), 30, 100_00));
        f.pipe(T, c, paid(T, c, c + "-1", at("2026-02-02"), 100_00));
        f.pipe(T, c, issued(T, c, c + "-2", at("2026-02-02"), 30, 100_00));
        f.pipe(T, c, paid(T, c, c + "-2", at("2026-03-01"), 100_00));
    }

    /** What the API answers for the client today, from the driver's stores (the API's own code). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> answerToday(TopologyFixture f, String c) {
        ClientProfile profile = f.storedProfile(T, c);
        KeyValueStore<String, OpenInvoiceState> store = f.driver.getKeyValueStore(ProcessorStores.OPEN_INVOICES);
        List<ReceivablesAsOf.OpenItem> open;
        try (KeyValueIterator<String, OpenInvoiceState> it = store.prefixScan(ClientKey.of(T, c) + '\u001F',
                new StringSerializer())) {
            open = ProfileQueries.openItems(it).getOrDefault(c, List.of());
        }
        return QueryController.asOfNow(profile, open, SETTINGS, TODAY);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> classification(Map<String, Object> answer) {
        return (Map<String, Object>) answer.get("classification");
    }

    @SuppressWarnings("unchecked")
    private static List<String> reasons(Map<String, Object> answer) {
        return (List<String>) classification(answer).get("reasons");
    }

    @SuppressWarnings("unchecked")
    private static Integer impact(Map<String, Object> answer, String factor) {
        return ((List<Map<String, Object>>) classification(answer).get("factors")).stream()
                .filter(x -> factor.equals(x.get("name"))).map(x -> (Integer) x.get("impact")).findFirst()
                .orElse(null);
    }

    @Test
    void aClientSilentSinceMarchWithThreeOfFourInvoicesNowOverdueIsNotReadAsPayingWithinTerms() {
        try (TopologyFixture f = fixture()) {
            String c = "silent";
            paidOnTime(f, c);
            String[][] open = {{"2026-03-01", "s-3"}, {"2026-03-03", "s-4"}, {"2026-03-05", "s-5"},
                    {"2026-03-20", "s-6"}};
            for (String[] o : open) {
                f.pipe(T, c, issued(T, c, o[1], at(o[0]), 30, 100_00));
            }
            // The truth, from calendar dates: due 31 Mar, 2 Apr, 4 Apr (15, 13 and 11 days past due on 15 Apr, all
            // beyond the 3-day grace) and 19 Apr (not yet due).
            int beyondGrace = 0;
            int longest = Integer.MIN_VALUE;
            for (String[] o : open) {
                int d = daysPastDueToday(o[0], 30);
                beyondGrace += d > GRACE ? 1 : 0;
                longest = Math.max(longest, d);
            }
            assertThat(beyondGrace).isEqualTo(3);
            assertThat(longest).isEqualTo(15);
            // Late on 3 of 5 invoices (the 2 paid on time, the 3 unpaid beyond the grace): more than half.
            int late = beyondGrace;
            int outcomes = 2 + beyondGrace;
            assertThat((double) late / outcomes).isGreaterThan(0.5);

            // The stored profile is an event-time fact as of 20 March (nothing overdue then): it stays as it was.
            ClientProfile stored = f.storedProfile(T, c);
            assertThat(stored.getReceivables().getOverdueCount()).isZero();
            assertThat(stored.getClassification().getType()).isEqualTo(ClientType.IDEAL);

            Map<String, Object> answer = answerToday(f, c);
            assertThat(answer).containsEntry("today", "2026-04-15");
            assertThat((Map<String, Object>) answer.get("receivables")).containsEntry("overdueCount", 3);
            assertThat(classification(answer)).containsEntry("type", "SLOW_PAYER");
            assertThat(reasons(answer)).noneMatch(r -> r.contains("Pays within terms"))
                    .contains("Late on 3 of 5 invoices (more than your 3-day grace past due): 3 still unpaid.");
            // min(20, 10 per invoice beyond the grace)
            assertThat(impact(answer, "overdueInvoices")).isEqualTo(-20);
            String oldest = "the oldest " + longest + " days past due";
            assertThat(((List<Map<String, Object>>) classification(answer).get("factors")))
                    .anyMatch(x -> "overdueInvoices".equals(x.get("name"))
                            && String.valueOf(x.get("detail")).contains(oldest));
        }
    }

    @Test
    void oneInvoiceOverdueAmongManyPaidOnTimeKeepsTheClassButIsNamedNotHiddenBehindPaysWithinTerms() {
        try (TopologyFixture f = fixture()) {
            String c = "mostly";
            paidOnTime(f, c);
            f.pipe(T, c, issued(T, c, "m-3", at("2026-03-01"), 30, 100_00)); // due 31 Mar: 15 days past due
            f.pipe(T, c, issued(T, c, "m-4", at("2026-03-20"), 30, 100_00)); // due 19 Apr: not yet
            int d = daysPastDueToday("2026-03-01", 30);
            assertThat(d).isEqualTo(15).isGreaterThan(GRACE);

            Map<String, Object> answer = answerToday(f, c);
            // Late on 1 of 3: not more than half, so the class stays; the reasons say what is late.
            assertThat(classification(answer)).containsEntry("type", "IDEAL");
            assertThat(reasons(answer)).noneMatch(r -> r.startsWith("Pays within terms"))
                    .anyMatch(r -> r.contains("late on 1 of 3 invoices") && r.contains("1 still unpaid"))
                    .contains("Has 1 unpaid invoice more than 3 days past due, the oldest 15 days.");
            assertThat(impact(answer, "overdueInvoices")).isEqualTo(-10);
        }
    }

    @Test
    void anIdealClientWithNothingOverdueTodayStaysIdealAndPaysWithinTerms() {
        try (TopologyFixture f = fixture()) {
            String c = "ideal";
            paidOnTime(f, c);
            f.pipe(T, c, issued(T, c, "i-3", at("2026-03-20"), 30, 100_00)); // due 19 Apr
            assertThat(daysPastDueToday("2026-03-20", 30)).isNegative();

            Map<String, Object> answer = answerToday(f, c);
            assertThat(classification(answer)).containsEntry("type", "IDEAL");
            assertThat(reasons(answer)).anyMatch(r -> r.startsWith("Pays within terms:"));
            assertThat(impact(answer, "overdueInvoices")).isNull();
            // The same as the stored classification: nothing changed between the last event and today.
            assertThat(classification(answer).get("score"))
                    .isEqualTo(f.storedProfile(T, c).getClassification().getScore());
        }
    }

    @Test
    void aGenuinelySlowPayerIsStillASlowPayerToday() {
        try (TopologyFixture f = fixture()) {
            String c = "slow";
            // Three invoices on 30-day terms paid 20, 25 and 22 days late (beyond any grace); nothing open.
            f.pipe(T, c, issued(T, c, "w-1", at("2025-11-01"), 30, 100_00));
            f.pipe(T, c, paid(T, c, "w-1", at("2025-12-21"), 100_00));
            f.pipe(T, c, issued(T, c, "w-2", at("2025-12-01"), 30, 100_00));
            f.pipe(T, c, paid(T, c, "w-2", at("2026-01-25"), 100_00));
            f.pipe(T, c, issued(T, c, "w-3", at("2026-01-10"), 30, 100_00));
            f.pipe(T, c, paid(T, c, "w-3", at("2026-03-03"), 100_00));
            assertThat(ChronoUnit.DAYS.between(LocalDate.parse("2025-12-01"), LocalDate.parse("2025-12-21")))
                    .isEqualTo(20).isGreaterThan(GRACE);

            Map<String, Object> answer = answerToday(f, c);
            assertThat(classification(answer)).containsEntry("type", "SLOW_PAYER");
            assertThat(reasons(answer))
                    .contains("Late on 3 of 3 invoices (more than your 3-day grace past due): 3 paid late.");
            assertThat(f.storedProfile(T, c).getClassification().getType()).isEqualTo(ClientType.SLOW_PAYER);
        }
    }
}
