package io.paywatch.processor.responsiveness;

import io.paywatch.contract.AlertType;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.contract.Severity;
import io.paywatch.processor.Events;
import io.paywatch.processor.TopologyFixture;
import io.paywatch.processor.TopologyOptions;
import io.paywatch.schemas.AlertFacts;
import io.paywatch.schemas.ClientKey;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static io.paywatch.processor.responsiveness.TrackerHarness.received;
import static io.paywatch.processor.responsiveness.TrackerHarness.sent;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A GHOSTING is CRITICAL when the client had an invoice more than the grace past due at the GHOSTING's own date (its
 * deadline), whatever was paid or issued afterwards. A replay (a backfill: the wall clock years later) holds the
 * message events and applies them after the whole history, so it must ask about the deadline, not about the moment
 * of release, to say what the live run said. Through {@code PaywatchTopology.buildTopology}; Europe/Rome, grace 3.
 */
class GhostingSeverityInReplayTest {

    private static final String T = "t-sev";
    private static final ZoneId ROME = ZoneId.of("Europe/Rome");

    private static List<PaymentAlert> replayGhosting(String client, Instant issued, int terms, Instant paid) {
        String key = ClientKey.of(T, client);
        try (TopologyFixture f = TopologyFixture.replay()) {
            f.pipeSettings(Events.settings(T).setTimezone(ROME.getId()).build());
            f.pipe(T, client, Events.issued(T, client, "inv-1", issued, terms, 1_000_00));
            f.messages.pipeInput(key, sent(T, client, "th", "2025-02-03T09:00:00Z", true));
            f.pipe(T, client, Events.paid(T, client, "inv-1", paid, 1_000_00));
            f.messages.pipeInput(key, received(T, client, "th", "2025-03-10T09:00:00Z"));
            f.advanceWallClock(TopologyOptions.defaults().replayIdle().plusSeconds(30));
            f.advanceWallClock(Duration.ofMinutes(5));
            return f.alerts.readValuesToList().stream().filter(a -> a.getType() == AlertType.GHOSTING).toList();
        }
    }

    @Test
    void anInvoiceOverdueAtTheDeadlineAndPaidLaterMakesTheReplayedGhostingCritical() {
        // Message Mon 3 Feb 10:00 Rome; 5 business days: Mon 10 Feb 10:00 Rome (09:00Z). inv-1 issued 1 Jan, net 30:
        // due 31 Jan, 10 days past due on 10 Feb (> grace 3); paid 20 Feb, after the deadline.
        Instant deadline = Instant.parse("2025-02-10T09:00:00Z");
        LocalDate due = LocalDate.of(2025, 1, 1).plusDays(30);
        assertThat(ChronoUnit.DAYS.between(due, LocalDate.of(2025, 2, 10))).isEqualTo(10);
        List<PaymentAlert> ghosting = replayGhosting("late", Instant.parse("2024-12-31T23:00:00Z"), 30,
                Instant.parse("2025-02-20T10:00:00Z"));
        assertThat(ghosting).singleElement().satisfies(a -> {
            assertThat(a.getOccurredAt()).isEqualTo(deadline);
            assertThat(a.getSeverity()).isEqualTo(Severity.CRITICAL);
            assertThat(a.getFacts()).containsEntry(AlertFacts.OVERDUE_INVOICE, "true");
        });
    }

    @Test
    void anInvoicePaidBeforeTheDeadlineOrIssuedAfterItLeavesTheGhostingAWarning() {
        // Paid 5 Feb, before the 10 Feb deadline: nothing overdue then.
        List<PaymentAlert> paidBefore = replayGhosting("paid-before", Instant.parse("2024-12-31T23:00:00Z"), 30,
                Instant.parse("2025-02-05T10:00:00Z"));
        assertThat(paidBefore).singleElement().satisfies(a -> {
            assertThat(a.getSeverity()).isEqualTo(Severity.WARNING);
            assertThat(a.getFacts()).containsEntry(AlertFacts.OVERDUE_INVOICE, "false");
        });
        // Issued 12 Feb, after the deadline, net 1 and paid 5 Mar: overdue later, never at the deadline.
        List<PaymentAlert> issuedAfter = replayGhosting("issued-after", Instant.parse("2025-02-12T10:00:00Z"), 1,
                Instant.parse("2025-03-05T10:00:00Z"));
        assertThat(issuedAfter).singleElement().satisfies(a -> {
            assertThat(a.getSeverity()).isEqualTo(Severity.WARNING);
            assertThat(a.getFacts()).containsEntry(AlertFacts.OVERDUE_INVOICE, "false");
        });
    }
}
