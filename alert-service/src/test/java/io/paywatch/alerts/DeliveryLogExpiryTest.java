package io.paywatch.alerts;

import io.paywatch.alerts.delivery.DeliveryWorker;
import io.paywatch.contract.AlertDelivery;
import io.paywatch.contract.AlertType;
import io.paywatch.contract.DeliveryStatus;
import io.paywatch.contract.Language;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue #12, "bounded" end to end: the running service forgets and tombstones settled entries past the dedupe
 * horizon (default: max-alert-age 14 days + 16 = 30 days), and a replay of an alert whose entry is gone is not
 * emailed again: it is older than max-alert-age by then, so it is settled as stale.
 */
class DeliveryLogExpiryTest extends AlertServiceHarness {

    @Test
    void settledEntriesPastTheHorizonAreTombstonedAndAReplayAfterwardsIsNotEmailedAgain() throws Exception {
        String to = "expiry@example.com";
        startContext();
        publish(Fixtures.settings("expiry", to, Language.EN).setCooldownHours(0).build());
        List<String> ids = List.of("expiry-1", "expiry-2", "expiry-3");
        for (String id : ids) {
            publish(Fixtures.alert(id, "expiry", "acme", "Acme", AlertType.INVOICE_OVERDUE)
                    .setInvoiceIds(List.of("INV-" + id)).build());
        }
        awaitMail(to, 3);
        awaitAllAlertsCommitted();
        DeliveryWorker worker = context.getBean(DeliveryWorker.class);
        await().atMost(WAIT).until(() -> worker.deliveryLogSize() == 3);
        assertThat(worker.cooldownMarks()).isEqualTo(4); // one per invoice, one for (acme, INVOICE_OVERDUE)

        // 29 days later nothing is forgotten yet; 30 days and a second later everything settled is.
        MutableClock.set(DAYTIME.plus(Duration.ofDays(29)));
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                .until(() -> worker.deliveryLogSize() == 3);
        MutableClock.set(DAYTIME.plus(Duration.ofDays(30)).plusSeconds(1));
        await().atMost(WAIT).until(() -> worker.deliveryLogSize() == 0 && worker.cooldownMarks() == 0);
        awaitLog(l -> ids.stream().allMatch(id -> l.containsKey(id) && l.get(id) == null));

        // The stream-processor replays one of them (a reprocessing from scratch): not emailed again.
        publish(Fixtures.alert("expiry-2", "expiry", "acme", "Acme", AlertType.INVOICE_OVERDUE)
                .setInvoiceIds(List.of("INV-expiry-2")).build());
        AlertDelivery replayed = awaitLog(l -> l.get("expiry-2") != null).get("expiry-2");
        assertThat(replayed.getStatus()).isEqualTo(DeliveryStatus.SUPPRESSED_STALE);
        awaitAllAlertsCommitted();

        // A restart rebuilds only what survived.
        stopContext();
        startContext();
        DeliveryWorker restarted = context.getBean(DeliveryWorker.class);
        assertThat(restarted.deliveryLogSize()).isEqualTo(1);
        assertThat(mailTo(to)).hasSize(3);
        Map<String, AlertDelivery> log = awaitLog(l -> true);
        assertThat(log.get("expiry-1")).isNull();
    }
}
