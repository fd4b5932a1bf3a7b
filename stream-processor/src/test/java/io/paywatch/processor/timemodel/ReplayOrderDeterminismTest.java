package io.paywatch.processor.timemodel;

import io.paywatch.contract.AlertType;
import io.paywatch.contract.ClientProfile;
import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.InvoiceRisk;
import io.paywatch.contract.RiskBasis;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.processor.Events;
import io.paywatch.processor.ProcessorStores;
import io.paywatch.processor.TopologyFixture;
import io.paywatch.processor.TopologyOptions;
import io.paywatch.schemas.AlertFacts;
import io.paywatch.schemas.ClientKey;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
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
 * Issue 10: replay order does not change the answers. Histories replayed through the production topology
 * (TopologyTestDriver, wall clock after every event: a backfill) in event-time order and in orders where each
 * event is displaced by less than the allowed lateness give identical alert sets (alertId, type, stage) and
 * identical final profiles and identical invoice-risk records, and the INVOICE_OVERDUE set is the one computed
 * from the generated truth.
 */
class ReplayOrderDeterminismTest {

    private static final Duration L = TopologyOptions.ALLOWED_LATENESS;

    /** What one replay produced. */
    private record Outcome(Set<String> alerts, Set<String> overdue, Map<String, ClientProfile> profiles,
            Set<String> afterCatchUp, Set<String> overdueAfterCatchUp, Map<String, ClientProfile> profilesAfter,
            List<PaymentAlert> all, Map<String, InvoiceRisk> risks) {
    }

    private static String identity(PaymentAlert a) {
        String stage = a.getFacts().getOrDefault(AlertFacts.ESCALATION_STEP, "-");
        return a.getAlertId() + "|" + a.getType() + "|" + stage;
    }

    private static String overdueKey(PaymentAlert a) {
        return ClientKey.of(a.getTenantId(), a.getClientId()) + "|" + a.getInvoiceIds().get(0) + "#"
                + a.getFacts().get(AlertFacts.ESCALATION_STEP);
    }

    private static Outcome replay(GeneratedHistory history, List<GeneratedHistory.Event> order) {
        try (TopologyFixture f = TopologyFixture.replay()) {
            history.settings().forEach(f::pipeSettings);
            for (GeneratedHistory.Event e : order) {
                f.invoices.pipeInput(e.key(), e.event());
            }
            List<PaymentAlert> first = f.alerts.readValuesToList();
            Map<String, InvoiceRisk> risks = new TreeMap<>();
            Map<String, ClientProfile> profiles = profiles(f, history);
            // The backfill is over: after replay-idle the wall clock (2030) judges every step left, at most
            // max-due-per-scan per wall-clock scan (the overdue steps waited for the catch-up to end).
            f.advanceWallClock(f.options().replayIdle().plusSeconds(30));
            drain(f);
            List<PaymentAlert> later = f.alerts.readValuesToList();
            for (InvoiceRisk r : f.risks.readValuesToList()) {
                assertThat(risks.put(r.getTenantId() + "|" + r.getClientId() + "|" + r.getInvoiceId(), r))
                        .as("one risk per invoice").isNull();
            }
            Map<String, ClientProfile> profilesAfter = profiles(f, history);
            List<PaymentAlert> all = new ArrayList<>(first);
            all.addAll(later);
            assertThat(all).extracting(PaymentAlert::getAlertId).as("each alert once on the topic")
                    .doesNotHaveDuplicates();
            return new Outcome(ids(first), overdue(first), profiles, ids(all), overdue(all), profilesAfter, all,
                    risks);
        }
    }

    private static Set<String> ids(List<PaymentAlert> alerts) {
        return alerts.stream().map(ReplayOrderDeterminismTest::identity).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> overdue(List<PaymentAlert> alerts) {
        return alerts.stream().filter(a -> a.getType() == AlertType.INVOICE_OVERDUE)
                .map(ReplayOrderDeterminismTest::overdueKey).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Map<String, ClientProfile> profiles(TopologyFixture f, GeneratedHistory history) {
        f.flushProfiles();
        KeyValueStore<String, ClientProfile> store = f.driver.getKeyValueStore(ProcessorStores.CLIENT_PROFILES);
        Map<String, ClientProfile> profiles = new TreeMap<>();
        for (String key : history.clientKeys()) {
            profiles.put(key, store.get(key));
        }
        return profiles;
    }

    @Test
    void sixtyClientsGiveTheSameAlertsAndProfilesInEventTimeOrderAndInOrdersDisplacedByLessThanTheLateness() {
        GeneratedHistory history = GeneratedHistory.generate(20261130L, 60, 10);
        assertThat(history.invoices).extracting(GeneratedHistory.Truth::kind).contains("on-time", "late", "partial",
                "voided", "written-off-then-paid", "never-paid", "partial-never-completed");
        Outcome ordered = replay(history, history.events);

        // The truth, computed from the generated history alone.
        // No overdue step is judged while the catch-up runs (a payment of the same sync may still come); once it
        // has ended, the wall clock's watermark judges them all, each as of its own time.
        assertThat(ordered.overdue()).as("overdue alerts during the catch-up").isEmpty();
        Instant wallWatermark = TopologyFixture.REPLAY_WALL.plus(Duration.ofMinutes(2).plusSeconds(30))
                .plus(DRAIN_STEP.multipliedBy(DRAIN_STEPS)).minus(L);
        assertThat(ordered.overdueAfterCatchUp()).isEqualTo(history.expectedOverdue(wallWatermark));
        assertThat(ordered.overdueAfterCatchUp()).hasSizeGreaterThan(100);
        assertThat(ordered.all()).extracting(PaymentAlert::getType).doesNotContain(AlertType.OVERDUE_CORRECTED)
                .contains(AlertType.INVOICE_AT_RISK, AlertType.PAYMENT_DRIFT);
        assertThat(ordered.profiles().values()).doesNotContainNull();
        // Risk at issue from what the client had settled by then: one per invoice, many from client history (the
        // basis needs 3 settlements by the issue date; the early invoices of each client have fewer).
        assertThat(ordered.risks()).hasSize(history.invoices.size());
        assertThat(ordered.risks().values()).filteredOn(r -> r.getBasis() == RiskBasis.CLIENT_HISTORY)
                .hasSizeGreaterThan(history.invoices.size() / 3);

        for (long seed : new long[] {1, 2, 3}) {
            List<GeneratedHistory.Event> order = history.displaced(seed, L);
            assertThat(order).isNotEqualTo(history.events);
            Outcome shuffled = replay(history, order);
            assertThat(shuffled.alerts()).as("alerts, order %d", seed).isEqualTo(ordered.alerts());
            assertThat(shuffled.profiles()).as("profiles, order %d", seed).isEqualTo(ordered.profiles());
            assertThat(shuffled.afterCatchUp()).as("alerts after the catch-up, order %d", seed)
                    .isEqualTo(ordered.afterCatchUp());
            assertThat(shuffled.profilesAfter()).as("profiles after the catch-up, order %d", seed)
                    .isEqualTo(ordered.profilesAfter());
            assertThat(shuffled.risks()).as("invoice-risk, order %d", seed).isEqualTo(ordered.risks());
        }
    }

    /**
     * Issue 10, item 1: 600 invoices "L-k" (issued day k, paid day k+100) alternating with 600 "E-k" (issued day
     * k+1, paid day k+11), 30-day terms, one client. The rows become events (issue and payment per row) and are
     * published in event-time order, as the CSV import does; the same events built directly in event-time order
     * give the same alerts.
     */
    @Test
    void theAlternatingHistoryOfIssueTenGivesNoOverdueForEarlyInvoicesAndTheFullLadderForLateOnes() {
        String t = "s";
        String c = "S1";
        LocalDate day0 = LocalDate.of(2024, 1, 1);
        // The file's rows, in the file's order: L-0, E-0, L-1, E-1...; each row gives its issue then its payment.
        List<InvoiceEvent> rowOrder = new ArrayList<>();
        for (int k = 0; k < 600; k++) {
            rowOrder.add(Events.issued(t, c, "L-" + k, at(day0.plusDays(k)), 30, 100_00));
            rowOrder.add(Events.paid(t, c, "L-" + k, at(day0.plusDays(k + 100)), 100_00));
            rowOrder.add(Events.issued(t, c, "E-" + k, at(day0.plusDays(k + 1)), 30, 50_00));
            rowOrder.add(Events.paid(t, c, "E-" + k, at(day0.plusDays(k + 11)), 50_00));
        }
        List<InvoiceEvent> sorted = new ArrayList<>(rowOrder);
        sorted.sort(Comparator.comparing(io.paywatch.processor.ops.EventTimeExtractor::eventTime)); // stable
        // Built directly in event-time order: per day, the issues of that day, then its payments.
        List<InvoiceEvent> direct = new ArrayList<>();
        for (int d = 0; d <= 699; d++) {
            if (d <= 599) {
                direct.add(Events.issued(t, c, "L-" + d, at(day0.plusDays(d)), 30, 100_00));
            }
            if (d >= 1 && d <= 600) {
                direct.add(Events.issued(t, c, "E-" + (d - 1), at(day0.plusDays(d)), 30, 50_00));
            }
            if (d >= 100) {
                direct.add(Events.paid(t, c, "L-" + (d - 100), at(day0.plusDays(d)), 100_00));
            }
            if (d >= 11 && d <= 610) {
                direct.add(Events.paid(t, c, "E-" + (d - 11), at(day0.plusDays(d)), 50_00));
            }
        }
        // Expected, by hand: an L invoice is due day k+30 and paid day k+100 (70 days late), so with the default
        // grace of 3 days its steps at 4, 30 and 60 days past due fire and the one at 90 (day k+120) does not. An E
        // invoice is paid 20 days before it is due.
        Set<String> expected = new TreeSet<>();
        for (int k = 0; k < 600; k++) {
            for (int step = 1; step <= 3; step++) {
                expected.add("L-" + k + "#" + step);
            }
        }
        Set<String> fromSorted = alternating(t, c, sorted);
        assertThat(fromSorted).isEqualTo(expected);
        assertThat(alternating(t, c, direct)).isEqualTo(expected);
    }

    private static Set<String> alternating(String t, String c, List<InvoiceEvent> events) {
        try (TopologyFixture f = TopologyFixture.replay()) {
            events.forEach(e -> f.pipe(t, c, e));
            f.advanceWallClock(Duration.ofMinutes(3)); // the backfill is over: every step left is judged
            drain(f);
            List<PaymentAlert> all = f.alerts.readValuesToList();
            assertThat(all).extracting(PaymentAlert::getAlertId).doesNotHaveDuplicates();
            assertThat(all).extracting(PaymentAlert::getType).doesNotContain(AlertType.OVERDUE_CORRECTED);
            List<PaymentAlert> alerts = all.stream().filter(a -> a.getType() == AlertType.INVOICE_OVERDUE).toList();
            ClientProfile profile = f.storedProfile(t, c);
            assertThat(profile.getPayments().getPaidInvoices()).isEqualTo(1200);
            assertThat(profile.getReceivables().getOpenCount()).isZero();
            return alerts.stream().map(a -> a.getInvoiceIds().get(0) + "#" + a.getFacts().get(AlertFacts.ESCALATION_STEP))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static final Duration DRAIN_STEP = Duration.ofSeconds(30);
    private static final int DRAIN_STEPS = 10;

    /** Wall-clock scans enough to judge every step left (each scan judges at most max-due-per-scan entries). */
    private static void drain(TopologyFixture f) {
        for (int i = 0; i < DRAIN_STEPS; i++) {
            f.advanceWallClock(DRAIN_STEP);
        }
    }

    private static Instant at(LocalDate date) {
        return date.atStartOfDay(ZoneOffset.UTC).toInstant();
    }
}
