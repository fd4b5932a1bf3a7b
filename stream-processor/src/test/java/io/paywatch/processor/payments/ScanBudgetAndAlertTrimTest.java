package io.paywatch.processor.payments;

import io.paywatch.contract.AlertType;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.schemas.AlertFacts;
import io.paywatch.processor.ProcessorStores;
import io.paywatch.processor.TopologyFixture;
import io.paywatch.processor.TopologyOptions;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.paywatch.processor.Events.issued;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bounded work of the deadline scan (at most maxDuePerScan due-index entries per trigger, the rest on the next
 * one) and the per-tenant bound of the alert history through the whole topology, which the client processor keeps
 * cheap with an in-memory due hint and in-memory alert counts (the other bounds: {@code alerting.AlertLogTest}).
 */
class ScanBudgetAndAlertTrimTest {

    private static final String T = "t1";
    private static final Instant WALL = TopologyFixture.WALL_START;

    private static TopologyOptions options(int maxDuePerScan, int recentAlertsPerTenant) {
        TopologyOptions d = TopologyOptions.defaults();
        return new TopologyOptions(d.wallClockScanInterval(), d.streamTimeScanInterval(), maxDuePerScan,
                d.dedupeTtl(), d.replayIdle(), d.replayLag(), recentAlertsPerTenant);
    }

    @Test
    void aScanHandlesAtMostItsBudgetAndTheNextTriggersHandleTheRestEachOnce() {
        try (TopologyFixture f = new TopologyFixture(options(2, 200), WALL)) {
            // Five invoices of five clients falling due on five different days: all overdue by the first scan.
            for (int i = 0; i < 5; i++) {
                f.pipe(T, "c" + i, issued(T, "c" + i, "inv-" + i, WALL.plus(Duration.ofDays(i)), 10, 100_00));
            }
            // The risk at issue of each invoice is a due-index entry at its issue time and shares the budget: once
            // the watermark (newest event time, or wall clock, less the allowed lateness) passes the issue times,
            // at most two per trigger are handled.
            List<Integer> risksPerTrigger = new ArrayList<>();
            risksPerTrigger.add(f.risks.readValuesToList().size());
            f.advanceWallClock(Duration.ofDays(5).plus(TopologyOptions.ALLOWED_LATENESS));
            risksPerTrigger.add(f.risks.readValuesToList().size());
            f.advanceWallClock(Duration.ofSeconds(30));
            risksPerTrigger.add(f.risks.readValuesToList().size());
            f.advanceWallClock(Duration.ofSeconds(30));
            risksPerTrigger.add(f.risks.readValuesToList().size());
            assertThat(risksPerTrigger).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(2));
            assertThat(risksPerTrigger.stream().mapToInt(Integer::intValue).sum()).isEqualTo(5);
            assertThat(f.alerts.isEmpty()).isTrue();
            // Overdue steps are judged by the wall clock less the allowed lateness too: all five are due now.
            f.advanceWallClock(Duration.ofDays(15));
            assertThat(overdueInvoices(f.alerts.readValuesToList())).containsExactly("inv-0", "inv-1");
            f.advanceWallClock(Duration.ofSeconds(30));
            assertThat(overdueInvoices(f.alerts.readValuesToList())).containsExactly("inv-2", "inv-3");
            f.advanceWallClock(Duration.ofSeconds(30));
            assertThat(overdueInvoices(f.alerts.readValuesToList())).containsExactly("inv-4");
            f.advanceWallClock(Duration.ofSeconds(30));
            assertThat(f.alerts.isEmpty()).as("each step is raised once").isTrue();
            // The next escalation (30 days past due) is still found after the budgeted scans.
            f.advanceWallClock(Duration.ofDays(30));
            List<PaymentAlert> next = new ArrayList<>(f.alerts.readValuesToList());
            f.advanceWallClock(Duration.ofSeconds(30));
            next.addAll(f.alerts.readValuesToList());
            f.advanceWallClock(Duration.ofSeconds(30));
            next.addAll(f.alerts.readValuesToList());
            assertThat(overdueInvoices(next)).containsExactly("inv-0", "inv-1", "inv-2", "inv-3", "inv-4");
            assertThat(next).allSatisfy(a -> assertThat(a.getFacts()).containsEntry(AlertFacts.ESCALATION_STEP, "2"));
        }
    }

    @Test
    void theRecentAlertStoreKeepsTheNewestAlertsOfEachTenantOnly() {
        try (TopologyFixture f = new TopologyFixture(options(500, 3), WALL)) {
            for (int i = 0; i < 5; i++) {
                f.pipe(T, "c" + i, issued(T, "c" + i, "inv-" + i, WALL.plus(Duration.ofDays(i)), 10, 100_00));
            }
            f.pipe("t2", "x", issued("t2", "x", "other", WALL, 10, 100_00));
            f.advanceWallClock(Duration.ofDays(20).plus(TopologyOptions.ALLOWED_LATENESS));
            List<PaymentAlert> raised = f.alerts.readValuesToList();
            assertThat(raised).hasSize(6);
            // A second round of alerts (30 days past due) must evict the first round, oldest first.
            f.advanceWallClock(Duration.ofDays(30));
            assertThat(f.alerts.readValuesToList()).hasSize(6);

            KeyValueStore<String, PaymentAlert> recent = f.driver.getKeyValueStore(ProcessorStores.RECENT_ALERTS);
            List<KeyValue<String, PaymentAlert>> all = new ArrayList<>();
            try (KeyValueIterator<String, PaymentAlert> it = recent.all()) {
                it.forEachRemaining(all::add);
            }
            List<PaymentAlert> t1 = all.stream().filter(kv -> kv.key.startsWith(T + "|")).map(kv -> kv.value).toList();
            assertThat(t1).extracting(a -> a.getInvoiceIds().get(0)).containsExactly("inv-2", "inv-3", "inv-4");
            assertThat(t1).allSatisfy(a -> assertThat(a.getFacts()).containsEntry(AlertFacts.ESCALATION_STEP, "2"));
            assertThat(all.stream().filter(kv -> kv.key.startsWith("t2|")).count()).isEqualTo(2);
        }
    }

    private static List<String> overdueInvoices(List<PaymentAlert> alerts) {
        assertThat(alerts).allSatisfy(a -> assertThat(a.getType()).isEqualTo(AlertType.INVOICE_OVERDUE));
        return alerts.stream().map(a -> a.getInvoiceIds().get(0)).toList();
    }
}
