package io.paywatch.launcher;

import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.MessageEvent;
import io.paywatch.contract.MessageReceived;
import io.paywatch.contract.MessageSent;
import io.paywatch.contract.PaymentReceived;
import io.paywatch.launcher.demo.DemoScenario;
import io.paywatch.launcher.demo.DemoScenario.DemoRecord;
import io.paywatch.schemas.ClientKey;
import io.paywatch.schemas.Topics;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo year: deterministic, in event-time order, and each persona behaves as advertised. */
class DemoScenarioTest {

    static final Instant ANCHOR = Instant.parse("2026-06-30T12:00:00Z");
    final DemoScenario scenario = new DemoScenario(ANCHOR, 42);

    private List<DemoRecord> of(String tenant, String client) {
        return scenario.records().stream().filter(r -> r.key().equals(ClientKey.of(tenant, client))).toList();
    }

    @Test
    void sameSeedAndAnchorGiveTheSameYearInEventTimeOrder() {
        assertThat(new DemoScenario(ANCHOR, 42).records()).isEqualTo(scenario.records());
        assertThat(scenario.records()).extracting(DemoRecord::eventTime).isSorted()
                .allSatisfy(t -> assertThat(t).isBeforeOrEqualTo(ANCHOR));
        assertThat(scenario.records().get(0).topic()).isEqualTo(Topics.FREELANCER_SETTINGS.name());
        assertThat(scenario.records()).extracting(DemoRecord::value).allSatisfy(v -> assertThat(v).isNotNull());
    }

    @Test
    void theSlowPayerDriftsPastThirtyDays() {
        List<Long> days = of("demo", "initech").stream()
                .filter(r -> r.value() instanceof InvoiceEvent e && e.getPayload() instanceof PaymentReceived)
                .map(r -> (PaymentReceived) ((InvoiceEvent) r.value()).getPayload())
                .map(p -> Duration.between(issuedAt(p.getInvoiceId()), p.getPaidAt()).toDays()).toList();
        assertThat(days.subList(0, 3)).allSatisfy(d -> assertThat(d).isLessThan(30));
        assertThat(days.subList(days.size() - 3, days.size())).allSatisfy(d -> assertThat(d).isGreaterThan(40));
    }

    @Test
    void theGhostStopsAnsweringAndPayingAndTheMicromanagerWritesAtNight() {
        Instant lastMonth = ANCHOR.minus(Duration.ofDays(45));
        assertThat(of("demo", "hooli")).filteredOn(r -> r.eventTime().isAfter(lastMonth))
                .noneMatch(r -> r.value() instanceof InvoiceEvent e && e.getPayload() instanceof PaymentReceived);
        // The last silent spell starts within the final two weeks, so its GHOSTING alert is recent news.
        Instant lastTwoWeeks = ANCHOR.minus(Duration.ofDays(14));
        Instant lastReply = of("demo", "hooli").stream()
                .filter(r -> r.value() instanceof MessageEvent m && m.getPayload() instanceof MessageReceived)
                .map(DemoRecord::eventTime).max(Instant::compareTo).orElseThrow();
        assertThat(lastReply).isAfter(ANCHOR.minus(Duration.ofDays(30))).isBefore(ANCHOR.minus(Duration.ofDays(7)));
        assertThat(of("demo", "hooli")).filteredOn(r -> r.eventTime().isAfter(lastTwoWeeks))
                .noneMatch(r -> r.value() instanceof MessageEvent m && m.getPayload() instanceof MessageReceived)
                .anyMatch(r -> r.value() instanceof MessageEvent m && m.getPayload() instanceof MessageSent);
        assertThat(scenario.openAtAnchor()).anyMatch(o -> o.client().id().equals("hooli"));

        List<Instant> inbound = of("demo", "umbrella").stream()
                .filter(r -> r.value() instanceof MessageEvent m && m.getPayload() instanceof MessageReceived)
                .map(DemoRecord::eventTime).toList();
        assertThat(inbound.size()).as("messages a week").isGreaterThan(52 * 8);
        long evening = inbound.stream().filter(t -> t.atZone(ZoneId.of("Europe/London")).getHour() >= 20).count();
        assertThat((double) evening / inbound.size()).isGreaterThan(0.3);
    }

    private Instant issuedAt(String invoiceId) {
        return scenario.records().stream()
                .filter(r -> r.value() instanceof InvoiceEvent e
                        && e.getPayload() instanceof io.paywatch.contract.InvoiceIssued i
                        && i.getInvoiceId().equals(invoiceId))
                .map(DemoRecord::eventTime).findFirst().orElseThrow();
    }
}
