package io.paywatch.processor;

import io.paywatch.contract.AlertType;
import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.processor.timemodel.GeneratedHistory;
import io.paywatch.schemas.AlertFacts;
import io.paywatch.schemas.ClientKey;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PAYMENT_DRIFT judges each client against its own invoices' payment terms and the tenant's grace period, through
 * the production topology: five clients with different terms and habits (norm 30, tolerance 5, grace 7), replayed in
 * event-time order. Which clients are truly late is computed here from the generated days to pay and terms, never
 * from the topology's output, and exactly those must get a PAYMENT_DRIFT.
 */
class DriftTermsAndGraceTopologyTest {

    private static final String T = "t-terms";
    private static final int NORM = 30;
    private static final int TOLERANCE = 5;
    private static final int GRACE = 7;
    private static final Instant START = Instant.parse("2024-02-05T09:00:00Z");
    private static final int ISSUE_EVERY_DAYS = 20;

    /** One client: its invoices' terms and the days to pay of each invoice, in issue order. */
    record Client(String id, int termsDays, int... daysToPay) {

        Instant issuedAt(int i) {
            return START.plus(Duration.ofDays((long) i * ISSUE_EVERY_DAYS));
        }

        Instant paidAt(int i) {
            return issuedAt(i).plus(Duration.ofDays(daysToPay[i]));
        }

        /**
         * The truth: some three consecutive invoices were on average paid more than the grace period after their due
         * dates, and at least two of them each were.
         */
        boolean trulyLate() {
            for (int i = 0; i + 3 <= daysToPay.length; i++) {
                int beyondGrace = 0;
                int sum = 0;
                for (int j = i; j < i + 3; j++) {
                    int daysBeyondTerms = daysToPay[j] - termsDays;
                    sum += daysBeyondTerms - GRACE;
                    beyondGrace += daysBeyondTerms > GRACE ? 1 : 0;
                }
                if (sum > 0 && beyondGrace >= 2) {
                    return true;
                }
            }
            return false;
        }
    }

    static final List<Client> CLIENTS = List.of(
            // 45-day terms, pays on day 40-44: on time, though its average is over the 30-day norm + tolerance.
            new Client("on-45-terms", 45, 42, 40, 44, 43, 41, 44, 42, 43, 40, 44, 43, 42),
            // 45-day terms, pays on day 60-66 for a while (15-21 days late), then on day 38-42 again.
            new Client("late-on-45-terms", 45, 62, 65, 63, 66, 64, 60, 65, 63, 40, 38, 42, 39, 41, 40),
            // 30-day terms (the norm), pays on day 40-42: 10-12 days late, beyond the 7-day grace.
            new Client("late-on-30-terms", 30, 41, 40, 42, 41, 40, 42, 41, 42, 40, 41),
            // 60-day terms, paid within days, then on day 50-58: slower than its usual, still before the due date.
            new Client("slower-on-60-terms", 60, 3, 2, 4, 3, 2, 3, 55, 52, 58, 56, 50, 57, 54, 55),
            // 30-day terms, pays on day 35-37: 5-7 days late, within the 7-day grace period.
            new Client("within-grace", 30, 35, 36, 37, 36, 37, 36, 35, 37, 36, 37, 36, 37));

    @Test
    void exactlyTheClientsLateBeyondTheirTermsAndTheGraceDrift() {
        Set<String> trulyLate = CLIENTS.stream().filter(Client::trulyLate).map(Client::id)
                .collect(Collectors.toCollection(TreeSet::new));
        // The truth itself, so a generator typo cannot make the test vacuous.
        assertThat(trulyLate).containsExactly("late-on-30-terms", "late-on-45-terms");

        Map<String, List<PaymentAlert>> alerts = replay(events(CLIENTS));

        Set<String> drifted = alerts.entrySet().stream()
                .filter(e -> e.getValue().stream().anyMatch(a -> a.getType() == AlertType.PAYMENT_DRIFT))
                .map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new));
        assertThat(drifted).as("clients with a PAYMENT_DRIFT").isEqualTo(trulyLate);
        for (Client c : CLIENTS) {
            if (!trulyLate.contains(c.id())) {
                assertThat(alerts.getOrDefault(c.id(), List.of())).as("drift alerts of %s", c.id()).isEmpty();
            }
        }

        // The 45-day client is judged against its terms, and recovers against them, saying so.
        List<PaymentAlert> late45 = alerts.get("late-on-45-terms");
        assertThat(late45).extracting(PaymentAlert::getType)
                .containsExactly(AlertType.PAYMENT_DRIFT, AlertType.RECOVERED);
        assertThat(late45.get(0).getFacts()).containsEntry(AlertFacts.DRIFT_REASON, "norm")
                .containsEntry(AlertFacts.LINE_DAYS, "45").containsEntry(AlertFacts.NORM_DAYS, "30")
                .containsEntry(AlertFacts.TIMEZONE, "Europe/Rome");
        assertThat(late45.get(0).getSummary()).contains("its 45-day payment terms");
        assertThat(late45.get(1).getFacts()).containsEntry(AlertFacts.RECOVERY_KIND, "norm")
                .containsEntry(AlertFacts.LINE_DAYS, "45");
        assertThat(late45.get(1).getSummary()).startsWith("Client is back within its 45-day payment terms");

        // The 30-day client is judged against the norm, as before.
        PaymentAlert late30 = alerts.get("late-on-30-terms").get(0);
        assertThat(late30.getType()).isEqualTo(AlertType.PAYMENT_DRIFT);
        assertThat(late30.getFacts()).containsEntry(AlertFacts.LINE_DAYS, "30");
        assertThat(late30.getSummary()).contains("your 30-day norm");
    }

    @Test
    void theSameAlertsWhateverTheArrivalOrderWithinTheAllowedLateness() {
        List<GeneratedHistory.Event> ordered = events(CLIENTS);
        Map<String, List<PaymentAlert>> inOrder = replay(ordered);
        assertThat(inOrder).isNotEmpty();
        for (long seed : new long[] {1, 2, 3}) {
            List<GeneratedHistory.Event> displaced = GeneratedHistory.displaced(ordered, seed,
                    TopologyOptions.defaults().allowedLateness());
            assertThat(displaced).isNotEqualTo(ordered);
            assertThat(replay(displaced)).as("order %d", seed).isEqualTo(inOrder);
        }
    }

    /** The clients' invoice events in event-time order (issue before payment at equal times, then by client). */
    static List<GeneratedHistory.Event> events(List<Client> clients) {
        record Timed(Instant at, int order, String client, InvoiceEvent event) {
        }
        List<Timed> events = new ArrayList<>();
        for (Client c : clients) {
            for (int i = 0; i < c.daysToPay().length; i++) {
                String invoice = c.id() + "-inv-" + i;
                events.add(new Timed(c.issuedAt(i), 0, c.id(),
                        Events.issued(T, c.id(), invoice, c.issuedAt(i), c.termsDays(), 800_00)));
                events.add(new Timed(c.paidAt(i), 1, c.id(), Events.paid(T, c.id(), invoice, c.paidAt(i), 800_00)));
            }
        }
        events.sort(Comparator.comparing(Timed::at).thenComparingInt(Timed::order).thenComparing(Timed::client));
        return events.stream().map(e -> new GeneratedHistory.Event(ClientKey.of(T, e.client()), e.event())).toList();
    }

    /** Replays the events in the order given; returns the PAYMENT_DRIFT and RECOVERED alerts by client. */
    static Map<String, List<PaymentAlert>> replay(List<GeneratedHistory.Event> events) {
        Instant last = events.stream().map(GeneratedHistory.Event::at).max(Comparator.naturalOrder()).orElseThrow();
        Map<String, List<PaymentAlert>> alerts = new TreeMap<>();
        try (TopologyFixture f = new TopologyFixture()) {
            f.pipeSettings(Events.settings(T).setTimezone("Europe/Rome").setPaymentNormDays(NORM)
                    .setDriftToleranceDays(TOLERANCE).setOverdueGraceDays(GRACE).build());
            for (GeneratedHistory.Event e : events) {
                f.invoices.pipeInput(e.key(), e.event());
            }
            f.passLateness(last);
            for (PaymentAlert a : f.alerts.readValuesToList()) {
                if (a.getTenantId().equals(T)
                        && (a.getType() == AlertType.PAYMENT_DRIFT || a.getType() == AlertType.RECOVERED)) {
                    alerts.computeIfAbsent(a.getClientId(), x -> new ArrayList<>()).add(a);
                }
            }
        }
        alerts.forEach((client, list) -> list.forEach(a -> System.out.printf("[drift-terms] %s %s %s: %s%n",
                client, a.getType(), a.getFacts().get(AlertFacts.DRIFT_REASON), a.getSummary())));
        return alerts;
    }
}
