package io.paywatch.alerts.policy;

import io.paywatch.alerts.Fixtures;
import io.paywatch.contract.AlertOptIns;
import io.paywatch.contract.AlertType;
import io.paywatch.contract.DeliveryMode;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.Language;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.schemas.AlertFacts;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeliveryPolicyTest {

    private static final Duration MAX_AGE = Duration.ofDays(14);

    private final FreelancerSettings rome = Fixtures.settings("t", "x@example.com", Language.IT).build();
    private final PaymentAlert overdue = Fixtures.alert("a", "t", "c", "Acme", AlertType.INVOICE_OVERDUE).build();

    @Test
    void nightInTheTenantsZoneDefersUntilQuietHoursEnd() {
        // 21:30 UTC is 22:30 in Rome (CET, UTC+1): held until 08:00 Rome = 07:00 UTC next morning.
        Decision d = DeliveryPolicy.decideEmail(overdue, rome, Instant.parse("2025-03-12T21:30:00Z"),
                Optional.empty(), MAX_AGE);
        assertThat(d).isEqualTo(new Decision.DeferQuietHours(Instant.parse("2025-03-13T07:00:00Z")));
        // After midnight, the same morning.
        assertThat(QuietHours.nextEnd(Instant.parse("2025-03-13T01:00:00Z"), rome))
                .isEqualTo(Instant.parse("2025-03-13T07:00:00Z"));
        assertThat(DeliveryPolicy.decideEmail(overdue, rome, Instant.parse("2025-03-13T07:00:00Z"),
                Optional.empty(), MAX_AGE)).isInstanceOf(Decision.Send.class);
    }

    @Test
    void quietHoursFollowDaylightSavingTime() {
        // 30 March 2025: Rome moves to CEST (UTC+2); 08:00 local is 06:00 UTC.
        assertThat(QuietHours.nextEnd(Instant.parse("2025-03-29T22:00:00Z"), rome))
                .isEqualTo(Instant.parse("2025-03-30T06:00:00Z"));
    }

    @Test
    void quietHoursThatDoNotWrapMidnight() {
        FreelancerSettings lunch = Fixtures.settings("t", "x@example.com", Language.EN).setTimezone("UTC")
                .setQuietHoursStartMinute(12 * 60).setQuietHoursEndMinute(13 * 60).build();
        assertThat(QuietHours.isQuiet(Instant.parse("2025-03-12T12:30:00Z"), lunch)).isTrue();
        assertThat(QuietHours.isQuiet(Instant.parse("2025-03-12T13:00:00Z"), lunch)).isFalse();
        assertThat(QuietHours.isQuiet(Instant.parse("2025-03-12T23:00:00Z"), lunch)).isFalse();
    }

    @Test
    void cooldownPerClientAndType() {
        Instant now = Instant.parse("2025-03-12T10:00:00Z");
        assertThat(DeliveryPolicy.decideEmail(overdue, rome, now, Optional.of(now.minus(Duration.ofHours(23))), MAX_AGE))
                .isInstanceOf(Decision.Cooldown.class);
        assertThat(DeliveryPolicy.decideEmail(overdue, rome, now, Optional.of(now.minus(Duration.ofHours(24))), MAX_AGE))
                .isInstanceOf(Decision.Send.class);
    }

    @Test
    void optOutAndDigest() {
        Instant day = Instant.parse("2025-03-12T10:00:00Z");
        FreelancerSettings noOverdue = Fixtures.settings("t", "x@example.com", Language.EN)
                .setAlertOptIns(AlertOptIns.newBuilder().setInvoiceOverdue(false).build()).build();
        assertThat(DeliveryPolicy.decideEmail(overdue, noOverdue, day, Optional.empty(), MAX_AGE))
                .isInstanceOf(Decision.OptedOut.class);
        FreelancerSettings digest = Fixtures.settings("t", "x@example.com", Language.EN)
                .setDeliveryMode(DeliveryMode.DAILY_DIGEST).build();
        assertThat(DeliveryPolicy.decideEmail(overdue, digest, day, Optional.empty(), MAX_AGE))
                .isInstanceOf(Decision.QueueForDigest.class);
        assertThat(DeliveryPolicy.decideEmail(overdue, null, day, Optional.empty(), MAX_AGE))
                .isInstanceOf(Decision.NoSettings.class);
        // AT_RISK and AFTER_HOURS are opt-in by default.
        FreelancerSettings defaults = Fixtures.settings("t", "x@example.com", Language.EN)
                .setAlertOptIns(AlertOptIns.newBuilder().build()).build();
        assertThat(DeliveryPolicy.optedIn(Fixtures.alert("a", "t", "c", "A", AlertType.INVOICE_AT_RISK).build(),
                defaults)).isFalse();
    }

    @Test
    void backoffIsExponentialAndCapped() {
        Duration initial = Duration.ofSeconds(5);
        Duration max = Duration.ofMinutes(15);
        assertThat(DeliveryPolicy.backoff(1, initial, max, 2.0)).isEqualTo(Duration.ofSeconds(5));
        assertThat(DeliveryPolicy.backoff(3, initial, max, 2.0)).isEqualTo(Duration.ofSeconds(20));
        assertThat(DeliveryPolicy.backoff(40, initial, max, 2.0)).isEqualTo(max);
    }

    @Test
    void alertsOlderThanTheMaximumAgeAreStaleWhateverTheSettings() {
        Instant occurred = overdue.getOccurredAt();
        Instant limit = occurred.plus(MAX_AGE);
        assertThat(DeliveryPolicy.decideEmail(overdue, rome, limit.minusSeconds(3600), Optional.empty(), MAX_AGE))
                .isInstanceOf(Decision.Send.class); // one hour short of the limit: still news
        assertThat(DeliveryPolicy.decideEmail(overdue, rome, limit.plusSeconds(1), Optional.empty(), MAX_AGE))
                .isEqualTo(new Decision.Stale(MAX_AGE.plusSeconds(1)));
        assertThat(DeliveryPolicy.stale(overdue, limit, MAX_AGE)).as("exactly the maximum age is still news")
                .isEmpty();
        // Before settings exist, in digest mode, opted out: stale wins, so a backfill never parks or queues.
        FreelancerSettings digest = Fixtures.settings("t", "x@example.com", Language.EN)
                .setDeliveryMode(DeliveryMode.DAILY_DIGEST).build();
        Instant monthsLater = occurred.plus(Duration.ofDays(120));
        assertThat(DeliveryPolicy.decideEmail(overdue, null, monthsLater, Optional.empty(), MAX_AGE))
                .isInstanceOf(Decision.Stale.class);
        assertThat(DeliveryPolicy.decideEmail(overdue, digest, monthsLater, Optional.empty(), MAX_AGE))
                .isInstanceOf(Decision.Stale.class);
        // An alert dated in the future (clock skew) is never stale.
        assertThat(DeliveryPolicy.stale(overdue, occurred.minus(Duration.ofDays(30)), MAX_AGE)).isEmpty();
    }

    @Test
    void anOverdueAlertAboutASettledInvoiceIsResolvedBeforeAnyOtherRule() {
        Instant now = Instant.parse("2025-03-12T10:00:00Z");
        Map<String, String> facts = new java.util.HashMap<>(overdue.getFacts());
        facts.put(AlertFacts.SETTLED_DATE, "2025-02-20");
        PaymentAlert settled = Fixtures.alert("a", "t", "c", "Acme", AlertType.INVOICE_OVERDUE).setFacts(facts).build();
        assertThat(DeliveryPolicy.decideEmail(settled, rome, now, Optional.empty(), MAX_AGE))
                .isEqualTo(new Decision.Resolved("2025-02-20"));
        // Before staleness, missing settings, cooldown and quiet hours: it is history whatever else holds.
        PaymentAlert old = Fixtures.alert("a", "t", "c", "Acme", AlertType.INVOICE_OVERDUE).setFacts(facts)
                .setOccurredAt(now.minus(Duration.ofDays(100))).build();
        assertThat(DeliveryPolicy.decideEmail(old, null, Instant.parse("2025-03-12T21:30:00Z"),
                Optional.of(now), MAX_AGE)).isInstanceOf(Decision.Resolved.class);
        // Not resolved: no settledDate, a blank one, or another type carrying it (a correction).
        assertThat(DeliveryPolicy.resolved(overdue)).isEmpty();
        facts.put(AlertFacts.SETTLED_DATE, " ");
        assertThat(DeliveryPolicy.resolved(Fixtures.alert("a", "t", "c", "Acme", AlertType.INVOICE_OVERDUE)
                .setFacts(facts).build())).isEmpty();
        PaymentAlert correction = Fixtures.alert("k", "t", "c", "Acme", AlertType.OVERDUE_CORRECTED).build();
        assertThat(correction.getFacts()).containsKey(AlertFacts.SETTLED_DATE);
        assertThat(DeliveryPolicy.decideEmail(correction, rome, now, Optional.empty(), MAX_AGE, true))
                .isInstanceOf(Decision.Send.class);
    }

    @Test
    void aCorrectionIgnoresTheCooldownAndStalenessAndIsSentOnlyWhenTheAlarmItWithdrawsWasEmailed() {
        Instant now = Instant.parse("2025-03-12T10:00:00Z");
        PaymentAlert correction = Fixtures.alert("k", "t", "c", "Acme", AlertType.OVERDUE_CORRECTED).build();
        assertThat(DeliveryPolicy.decideEmail(correction, rome, now, Optional.of(now.minus(Duration.ofHours(1))),
                MAX_AGE, true)).isInstanceOf(Decision.Send.class);
        PaymentAlert late = Fixtures.alert("k", "t", "c", "Acme", AlertType.OVERDUE_CORRECTED)
                .setOccurredAt(now.minus(Duration.ofDays(30))).build();
        assertThat(DeliveryPolicy.decideEmail(late, rome, now, Optional.empty(), MAX_AGE, true))
                .isInstanceOf(Decision.Send.class);
        // The alarm it withdraws never reached the freelancer (cooldown, stale, a backfill): nothing to correct.
        assertThat(DeliveryPolicy.decideEmail(late, rome, now, Optional.empty(), MAX_AGE, false))
                .isInstanceOf(Decision.NothingToCorrect.class);
        assertThat(DeliveryPolicy.decideEmail(correction, rome, now, Optional.empty(), MAX_AGE, false))
                .isInstanceOf(Decision.NothingToCorrect.class);
        // Quiet hours, opt-out and digest still apply.
        assertThat(DeliveryPolicy.decideEmail(correction, rome, Instant.parse("2025-03-12T21:30:00Z"),
                Optional.empty(), MAX_AGE, true)).isInstanceOf(Decision.DeferQuietHours.class);
        FreelancerSettings optedOut = Fixtures.settings("t", "x@example.com", Language.IT)
                .setAlertOptIns(AlertOptIns.newBuilder().setInvoiceOverdue(false).build()).build();
        assertThat(DeliveryPolicy.decideEmail(correction, optedOut, now, Optional.empty(), MAX_AGE, true))
                .isInstanceOf(Decision.OptedOut.class);
        // Every other type keeps its cooldown, whatever the overdue history.
        assertThat(DeliveryPolicy.decideEmail(overdue, rome, now, Optional.of(now.minus(Duration.ofHours(1))),
                MAX_AGE, true)).isInstanceOf(Decision.Cooldown.class);
    }

    @Test
    void invoiceScopedAlertsCoolDownPerInvoiceClientScopedOnesPerClient() {
        // Two invoices of one client: two keys, so one invoice's email does not hold the other's alert back.
        assertThat(DeliveryPolicy.cooldownKeys("t", "acme", AlertType.INVOICE_OVERDUE, List.of("INV-B", "INV-A",
                "INV-B"))).containsExactly("t|acme|INVOICE_OVERDUE|INV-A", "t|acme|INVOICE_OVERDUE|INV-B");
        assertThat(DeliveryPolicy.cooldownKeys("t", "acme", AlertType.INVOICE_AT_RISK, List.of("INV-A")))
                .containsExactly("t|acme|INVOICE_AT_RISK|INV-A");
        // Without invoices, or for a type about the client as a whole: the client-level key.
        assertThat(DeliveryPolicy.cooldownKeys("t", "acme", AlertType.INVOICE_OVERDUE, List.of()))
                .containsExactly("t|acme|INVOICE_OVERDUE");
        assertThat(DeliveryPolicy.cooldownKeys("t", "acme", AlertType.INVOICE_OVERDUE, null))
                .containsExactly("t|acme|INVOICE_OVERDUE");
        for (AlertType type : List.of(AlertType.GHOSTING, AlertType.PAYMENT_DRIFT, AlertType.RECOVERED,
                AlertType.RESPONSIVE_AGAIN, AlertType.AFTER_HOURS_CONTACT)) {
            assertThat(DeliveryPolicy.cooldownKeys("t", "acme", type, List.of("INV-A"))).as("%s", type)
                    .containsExactly("t|acme|" + type.name());
        }
    }

    @Test
    void theDedupeHorizonMustOutliveTheStalenessLimit() {
        // Otherwise an alert replayed after its log entry expired would be younger than max-alert-age: sent twice.
        assertThatThrownBy(() -> new io.paywatch.alerts.delivery.DeliveryConfiguration("g", Duration.ofMillis(100),
                Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofMinutes(15), 2.0, Duration.ofDays(14),
                Duration.ofDays(14))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dedupe-horizon").hasMessageContaining("max-alert-age");
        assertThat(new io.paywatch.alerts.delivery.DeliveryConfiguration("g", Duration.ofMillis(100),
                Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofMinutes(15), 2.0, Duration.ofDays(14),
                Duration.ofDays(15)).effectiveDedupeHorizon()).isEqualTo(Duration.ofDays(15));
        // Unset, it follows max-alert-age: 30 days by default, 216 days with a 200-day limit.
        assertThat(new io.paywatch.alerts.delivery.DeliveryConfiguration("g", Duration.ofMillis(100),
                Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofMinutes(15), 2.0, Duration.ofDays(14),
                null).effectiveDedupeHorizon()).isEqualTo(Duration.ofDays(30));
        assertThat(new io.paywatch.alerts.delivery.DeliveryConfiguration("g", Duration.ofMillis(100),
                Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofMinutes(15), 2.0, Duration.ofDays(200),
                null).effectiveDedupeHorizon()).isEqualTo(Duration.ofDays(216));
    }
}
