package io.paywatch.processor;

import io.paywatch.contract.AlertType;
import io.paywatch.contract.InvoiceIssued;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.schemas.AlertFacts;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launcher's slow-payer personas replayed through the production topology, counting PAYMENT_DRIFT and
 * RECOVERED: the processor's side of the report that "Lentissimo SpA paga più lentamente: 32 giorni…" was emailed
 * five times within one second of the demo.
 *
 * <p>The demo anchors its year at the wall clock of the first run, which moves every invoice by a few days with
 * weekends, so several anchors are replayed. Each run: settings, the year in event-time order (as DemoGenerator
 * replays it), then the live phase's payments of the invoices left open at the anchor, then the whole year sent a
 * second time (a launcher restarted in the middle of its replay sends it again).
 */
class DemoSlowPayerDriftTest {

    private static final List<Instant> ANCHORS = List.of(Instant.parse("2026-06-01T08:00:00Z"),
            Instant.parse("2026-03-15T17:00:00Z"), Instant.parse("2025-11-20T10:30:00Z"),
            Instant.parse("2026-09-09T09:09:09Z"));

    /** The drift alerts of one demo run, by phase. */
    private record Run(List<PaymentAlert> year, List<PaymentAlert> live, List<PaymentAlert> again) {

        long count(AlertType type) {
            return java.util.stream.Stream.of(year, live, again).flatMap(List::stream)
                    .filter(a -> a.getType() == type).count();
        }
    }

    private static Run run(DemoSlowPayer persona, Instant anchor) {
        try (TopologyFixture f = new TopologyFixture(TopologyOptions.defaults(), anchor)) {
            DemoSlowPayer.Year year = persona.year(anchor);
            f.pipeSettings(persona.settings(anchor.minus(Duration.ofDays(366))));
            year.events().forEach(r -> f.pipe(persona.tenant, persona.client, r.event()));
            List<PaymentAlert> replayed = driftAlerts(f);

            Instant now = anchor.plus(Duration.ofSeconds(20)); // after the ~20 s replay, one payment every 20 s
            for (InvoiceIssued open : year.openAtAnchor()) {
                now = now.plus(Duration.ofSeconds(20));
                f.advanceWallClock(Duration.ofSeconds(20));
                f.pipe(persona.tenant, persona.client, persona.livePayment(open, now));
            }
            List<PaymentAlert> live = driftAlerts(f);

            year.events().forEach(r -> f.pipe(persona.tenant, persona.client, r.event()));
            List<PaymentAlert> again = driftAlerts(f);
            System.out.printf("demo persona %s, anchor %s: %d PAYMENT_DRIFT %s, %d RECOVERED in the replayed year; "
                    + "%d drift/recovered alerts in the live phase, %d on a second send of the year%n",
                    persona.clientName, anchor,
                    replayed.stream().filter(a -> a.getType() == AlertType.PAYMENT_DRIFT).count(),
                    replayed.stream().filter(a -> a.getType() == AlertType.PAYMENT_DRIFT)
                            .map(a -> a.getOccurredAt() + " ewma " + a.getFacts().get(AlertFacts.EWMA_DAYS_TO_PAY))
                            .toList(),
                    replayed.stream().filter(a -> a.getType() == AlertType.RECOVERED).count(), live.size(),
                    again.size());
            return new Run(replayed, live, again);
        }
    }

    private static List<PaymentAlert> driftAlerts(TopologyFixture f) {
        return f.alerts.readValuesToList().stream()
                .filter(a -> a.getType() == AlertType.PAYMENT_DRIFT || a.getType() == AlertType.RECOVERED).toList();
    }

    @Test
    void lentissimoDriftsOnceInTheDemoYearAndIsNeverAlertedAgain() {
        for (Instant anchor : ANCHORS) {
            Run run = run(DemoSlowPayer.LENTISSIMO, anchor);
            assertThat(run.year()).as("anchor %s", anchor).hasSize(1);
            PaymentAlert drift = run.year().get(0);
            assertThat(drift.getType()).isEqualTo(AlertType.PAYMENT_DRIFT);
            // The email's "32 giorni" is this alert's EWMA: the one alert of the episode.
            assertThat(drift.getFacts().get(AlertFacts.EWMA_DAYS_TO_PAY)).startsWith("32.");
            assertThat(drift.getFacts()).containsEntry(AlertFacts.DRIFT_REASON, "baseline");
            assertThat(drift.getInvoiceIds()).containsExactly("INV-LENTISSIMO-007");
            assertThat(run.live()).as("live payments of the invoices open at the anchor").isEmpty();
            assertThat(run.again()).as("the year sent again").isEmpty();
            assertThat(run.count(AlertType.RECOVERED)).isZero();
        }
    }

    @Test
    void initechDriftsOnceInTheDemoYearAndIsNeverAlertedAgain() {
        for (Instant anchor : ANCHORS) {
            Run run = run(DemoSlowPayer.INITECH, anchor);
            assertThat(run.count(AlertType.PAYMENT_DRIFT)).as("anchor %s", anchor).isEqualTo(1);
            assertThat(run.count(AlertType.RECOVERED)).isZero();
            assertThat(run.year()).hasSize(1);
        }
    }
}
