package io.paywatch.processor;

import io.paywatch.contract.AlertType;
import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.processor.payments.DriftDetector;
import io.paywatch.schemas.AlertFacts;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PAYMENT_DRIFT means late, not merely slower: 100 generated clients on 30-day terms (norm 30, tolerance 5, the
 * contract defaults), each with a known mean days to pay, replayed through the production topology in event-time
 * order. Every expectation is computed from the generated truth (the days to pay the generator drew), never from
 * the topology's output.
 */
class DriftMaterialityTopologyTest {

    private static final String T = "t-drift";
    private static final int TERMS = 30;
    private static final int NORM = 30;
    private static final int TOLERANCE = 5;
    private static final int INVOICES = 24;
    private static final Instant START = Instant.parse("2024-01-08T09:00:00Z");

    /** The generator's cohorts. */
    enum Cohort {
        /** Pays well: mean 3-20 days, noise sd 1-5. Must never be alerted. */
        GOOD,
        /** Pays well and slows harmlessly (e.g. 5 to 10 days) half-way. Must never be alerted. */
        GOOD_SLOWER,
        /** Pays around the terms: mean 24-30 days. Not asserted beyond the general invariants. */
        AROUND_TERMS,
        /** Pays late throughout: mean 40-60 days. Averages over norm + tolerance: must be alerted. */
        LATE,
        /** Pays well, then past the terms from invoice 12 on (mean 40-55). Must be alerted. */
        TURNS_LATE,
        /** Pays in about 10 days, 40-50 days for invoices 8-15, then about 10 days again: drift, then back. */
        LATE_SPELL
    }

    /** One generated invoice: issue day, days to pay (the truth). */
    record Inv(String id, Instant issuedAt, int daysToPay) {

        Instant paidAt() {
            return issuedAt.plus(Duration.ofDays(daysToPay));
        }

        boolean late() {
            return daysToPay > TERMS;
        }
    }

    record Client(String id, Cohort cohort, List<Inv> invoices) {

        double meanDaysToPay() {
            return invoices.stream().mapToInt(Inv::daysToPay).average().orElseThrow();
        }
    }

    static List<Client> generate(long seed) {
        Random rnd = new Random(seed);
        Cohort[] plan = new Cohort[100];
        int k = 0;
        for (Object[] c : new Object[][] {{Cohort.GOOD, 30}, {Cohort.GOOD_SLOWER, 15}, {Cohort.AROUND_TERMS, 15},
                {Cohort.LATE, 20}, {Cohort.TURNS_LATE, 10}, {Cohort.LATE_SPELL, 10}}) {
            for (int i = 0; i < (int) c[1]; i++) {
                plan[k++] = (Cohort) c[0];
            }
        }
        List<Client> clients = new ArrayList<>();
        for (int c = 0; c < plan.length; c++) {
            Cohort cohort = plan[c];
            double base;
            double after;
            double sd;
            switch (cohort) {
                case GOOD -> {
                    base = 3 + rnd.nextDouble() * 17;
                    after = base;
                    sd = 1 + rnd.nextDouble() * 4;
                }
                case GOOD_SLOWER -> {
                    base = 3 + rnd.nextDouble() * 5;
                    after = base + 5 + rnd.nextDouble() * 7; // 5 -> 10 ... 8 -> 20
                    sd = 1 + rnd.nextDouble() * 2;
                }
                case AROUND_TERMS -> {
                    base = 24 + rnd.nextDouble() * 6;
                    after = base;
                    sd = 2 + rnd.nextDouble() * 3;
                }
                case LATE -> {
                    base = 40 + rnd.nextDouble() * 20;
                    after = base;
                    sd = 2 + rnd.nextDouble() * 6;
                }
                case TURNS_LATE -> {
                    base = 5 + rnd.nextDouble() * 15;
                    after = 40 + rnd.nextDouble() * 15;
                    sd = 1 + rnd.nextDouble() * 3;
                }
                default -> {
                    base = 8 + rnd.nextDouble() * 4;
                    after = 40 + rnd.nextDouble() * 10;
                    sd = 1 + rnd.nextDouble() * 2;
                }
            }
            List<Inv> invoices = new ArrayList<>();
            Instant issued = START.plus(Duration.ofDays(rnd.nextInt(14)));
            for (int i = 0; i < INVOICES; i++) {
                double mu = switch (cohort) {
                    case GOOD_SLOWER -> i < INVOICES / 2 ? base : after;
                    case TURNS_LATE -> i < 12 ? base : after;
                    case LATE_SPELL -> i >= 8 && i < 16 ? after : base;
                    default -> base;
                };
                int dtp = (int) Math.max(0, Math.round(mu + rnd.nextGaussian() * sd));
                invoices.add(new Inv("c" + c + "-inv-" + i, issued, dtp));
                issued = issued.plus(Duration.ofDays(10 + rnd.nextInt(11)));
            }
            clients.add(new Client("c" + c, cohort, invoices));
        }
        return clients;
    }

    record Timed(Instant at, int order, String client, InvoiceEvent event) {
    }

    @Test
    void driftAlertsOnlyClientsWhoPayLateAndRecoveredOnlyEndsAnEpisode() {
        List<Client> clients = generate(20261130L);
        Map<String, Client> byId = new HashMap<>();
        List<Timed> events = new ArrayList<>();
        for (Client c : clients) {
            byId.put(c.id(), c);
            for (Inv inv : c.invoices()) {
                events.add(new Timed(inv.issuedAt(), 0, c.id(),
                        Events.issued(T, c.id(), inv.id(), inv.issuedAt(), TERMS, 500_00)));
                events.add(new Timed(inv.paidAt(), 1, c.id(),
                        Events.paid(T, c.id(), inv.id(), inv.paidAt(), 500_00)));
            }
        }
        events.sort(Comparator.comparing(Timed::at).thenComparingInt(Timed::order)
                .thenComparing(Timed::client));

        Map<String, List<PaymentAlert>> alerts = new TreeMap<>();
        try (TopologyFixture f = new TopologyFixture()) {
            f.pipeSettings(Events.settings(T).build());
            for (Timed e : events) {
                f.pipe(T, e.client(), e.event());
            }
            for (PaymentAlert a : f.alerts.readValuesToList()) {
                if (a.getType() == AlertType.PAYMENT_DRIFT || a.getType() == AlertType.RECOVERED) {
                    alerts.computeIfAbsent(a.getClientId(), x -> new ArrayList<>()).add(a);
                }
            }
        }

        Map<Cohort, int[]> perCohort = new TreeMap<>(); // clients, alerted, recovered
        for (Client c : clients) {
            List<PaymentAlert> mine = alerts.getOrDefault(c.id(), List.of());
            boolean alerted = mine.stream().anyMatch(a -> a.getType() == AlertType.PAYMENT_DRIFT);
            int[] counts = perCohort.computeIfAbsent(c.cohort(), x -> new int[3]);
            counts[0]++;
            counts[1] += alerted ? 1 : 0;
            counts[2] += (int) mine.stream().filter(a -> a.getType() == AlertType.RECOVERED).count();

            // 1. Alerted means: averages over the norm, or its payments were late when it fired.
            for (PaymentAlert drift : mine.stream().filter(a -> a.getType() == AlertType.PAYMENT_DRIFT).toList()) {
                String invoiceId = drift.getInvoiceIds().get(0);
                List<Inv> settledByThen = c.invoices().stream()
                        .filter(i -> !i.paidAt().isAfter(c.invoices().stream()
                                .filter(x -> x.id().equals(invoiceId)).findFirst().orElseThrow().paidAt()))
                        .sorted(Comparator.comparing(Inv::paidAt)).toList();
                List<Inv> last3 = settledByThen.subList(Math.max(0, settledByThen.size() - 3), settledByThen.size());
                boolean tippingLate = last3.stream().filter(i -> i.id().equals(invoiceId)).anyMatch(Inv::late);
                boolean recentLate = tippingLate && last3.stream().filter(Inv::late).count() >= 2;
                assertThat(c.meanDaysToPay() > NORM || recentLate)
                        .as("%s (%s, mean %.1f) alerted at %s, last three %s", c.id(), c.cohort(), c.meanDaysToPay(),
                                invoiceId, last3)
                        .isTrue();
            }
            // 2. Averaging over norm + tolerance: alerted.
            if (c.meanDaysToPay() > NORM + TOLERANCE) {
                assertThat(alerted).as("%s (%s) averages %.1f days", c.id(), c.cohort(), c.meanDaysToPay()).isTrue();
            }
            // 3. RECOVERED only ends a PAYMENT_DRIFT of the same episode, and says what was recovered.
            Map<String, PaymentAlert> openEpisode = new HashMap<>();
            for (PaymentAlert a : mine) {
                String episode = a.getFacts().get("episode");
                if (a.getType() == AlertType.PAYMENT_DRIFT) {
                    assertThat(openEpisode).as("%s: one episode at a time", c.id()).isEmpty();
                    openEpisode.put(episode, a);
                } else {
                    PaymentAlert started = openEpisode.remove(episode);
                    assertThat(started).as("%s: RECOVERED of episode %s without its PAYMENT_DRIFT", c.id(), episode)
                            .isNotNull();
                    String reason = started.getFacts().get(AlertFacts.DRIFT_REASON);
                    String kind = a.getFacts().get(AlertFacts.RECOVERY_KIND);
                    if (DriftDetector.REASON_NORM.equals(reason)) {
                        assertThat(kind).isEqualTo("norm");
                        assertThat(a.getSummary()).contains("back under the 30-day norm");
                    } else {
                        assertThat(kind).isIn("baseline", "terms");
                        assertThat(a.getSummary()).doesNotContain("norm");
                    }
                }
            }
            // 4. Paying well (mean well under the terms, even noisy, even slower than before): never alerted.
            if (c.cohort() == Cohort.GOOD || c.cohort() == Cohort.GOOD_SLOWER) {
                assertThat(mine).as("%s (%s, mean %.1f)", c.id(), c.cohort(), c.meanDaysToPay()).isEmpty();
            }
            // 5. The detector does detect: a good payer turning late, and a late spell that ends.
            if (c.cohort() == Cohort.TURNS_LATE) {
                assertThat(alerted).as("%s turns late", c.id()).isTrue();
            }
            if (c.cohort() == Cohort.LATE_SPELL) {
                assertThat(mine).extracting(PaymentAlert::getType).as("%s", c.id())
                        .containsExactly(AlertType.PAYMENT_DRIFT, AlertType.RECOVERED);
                assertThat(mine.get(1).getFacts()).containsEntry(AlertFacts.RECOVERY_KIND, "baseline");
                assertThat(mine.get(1).getSummary()).startsWith("Client is back to its usual");
            }
        }
        perCohort.forEach((cohort, n) -> System.out.printf(
                "[drift-materiality] %-12s clients=%d alerted=%d recovered=%d%n", cohort, n[0], n[1], n[2]));
        System.out.printf("[drift-materiality] clients averaging over the norm: %d; alerted: %d%n",
                clients.stream().filter(c -> c.meanDaysToPay() > NORM).count(), alerts.values().stream()
                        .filter(l -> l.stream().anyMatch(a -> a.getType() == AlertType.PAYMENT_DRIFT)).count());
    }
}
