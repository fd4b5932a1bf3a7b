package io.paywatch.alerts;

import io.paywatch.contract.AlertDelivery;
import io.paywatch.contract.AlertType;
import io.paywatch.contract.DeliveryStatus;
import io.paywatch.contract.PaymentAlert;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue #12, "nothing lost": the cooldown of invoice-scoped alerts (INVOICE_OVERDUE, INVOICE_AT_RISK) is per
 * invoice. An alert about another invoice of the same client is news and is emailed; only the same invoice
 * re-alerted inside the cooldown is held back. The truth in each test is the list of (alert, invoices) written in
 * the test itself, not anything the service computed.
 */
class CooldownPerInvoiceTest extends AlertServiceHarness {

    /** Cooldown of the fixture tenant: 24 hours. */
    private static final Duration COOLDOWN = Duration.ofHours(24);

    @Test
    void twoInvoicesOfOneClientOverdueTheSameDayAreBothEmailed() throws Exception {
        String to = "two-invoices@example.com";
        startContextWithTenant("two-inv", to);
        publish(overdue("two-inv-a", "two-inv", "INV-A"));
        publish(overdue("two-inv-b", "two-inv", "INV-B"));
        // Another client's overdue invoice of the same number is its own business, too.
        publish(Fixtures.alert("two-inv-other", "two-inv", "globex", "Globex", AlertType.INVOICE_OVERDUE)
                .setInvoiceIds(List.of("INV-A")).build());

        List<MimeMessage> mail = awaitMail(to, 3);
        Map<String, AlertDelivery> log = awaitLog(l -> l.containsKey("two-inv-a") && l.containsKey("two-inv-b")
                && l.containsKey("two-inv-other"));
        awaitAllAlertsCommitted();
        assertThat(log.get("two-inv-a").getStatus()).isEqualTo(DeliveryStatus.SENT);
        assertThat(log.get("two-inv-b").getStatus()).isEqualTo(DeliveryStatus.SENT);
        assertThat(log.get("two-inv-other").getStatus()).isEqualTo(DeliveryStatus.SENT);
        assertThat(log.get("two-inv-b").getInvoiceIds()).containsExactly("INV-B");
        assertThat(alertIds(mail)).containsExactlyInAnyOrder("two-inv-a", "two-inv-b", "two-inv-other");
    }

    @Test
    void theSameInvoiceReAlertedInsideTheCooldownIsHeldBackAndAfterItIsEmailed() throws Exception {
        String to = "same-invoice@example.com";
        startContextWithTenant("same-inv", to);
        publish(overdue("same-inv-1", "same-inv", "INV-S"));
        awaitMail(to, 1);
        awaitLog(l -> l.containsKey("same-inv-1"));

        // One hour later the escalation step re-alerts the same invoice: held back.
        MutableClock.set(DAYTIME.plus(Duration.ofHours(1)));
        publish(overdue("same-inv-2", "same-inv", "INV-S"));
        AlertDelivery held = awaitDelivery("same-inv-2");
        assertThat(held.getStatus()).isEqualTo(DeliveryStatus.SUPPRESSED_COOLDOWN);
        assertThat(held.getDetail()).contains("INV-S");

        // One second before the cooldown ends: still held. At its end: emailed.
        MutableClock.set(DAYTIME.plus(COOLDOWN).minusSeconds(1));
        publish(overdue("same-inv-3", "same-inv", "INV-S"));
        assertThat(awaitDelivery("same-inv-3").getStatus()).isEqualTo(DeliveryStatus.SUPPRESSED_COOLDOWN);
        MutableClock.set(DAYTIME.plus(COOLDOWN));
        publish(overdue("same-inv-4", "same-inv", "INV-S"));
        awaitMail(to, 2);
        awaitAllAlertsCommitted();
        assertThat(alertIds(mailTo(to))).containsExactlyInAnyOrder("same-inv-1", "same-inv-4");
    }

    @Test
    void anAlertAboutSeveralInvoicesIsHeldOnlyWhenEveryOneOfThemWasJustEmailed() throws Exception {
        String to = "multi-invoice@example.com";
        startContextWithTenant("multi-inv", to);
        publish(overdue("multi-1", "multi-inv", "INV-1"));
        awaitMail(to, 1);
        awaitLog(l -> l.containsKey("multi-1"));
        // INV-2 is news: the alert about INV-1 and INV-2 goes out.
        publish(overdue("multi-12", "multi-inv", "INV-1", "INV-2"));
        awaitMail(to, 2);
        awaitLog(l -> l.containsKey("multi-12"));
        // Both were emailed within the cooldown: nothing new.
        publish(overdue("multi-21", "multi-inv", "INV-2", "INV-1"));
        assertThat(awaitDelivery("multi-21").getStatus()).isEqualTo(DeliveryStatus.SUPPRESSED_COOLDOWN);
        awaitAllAlertsCommitted();
        assertThat(alertIds(mailTo(to))).containsExactlyInAnyOrder("multi-1", "multi-12");
    }

    @Test
    void thePerInvoiceCooldownIsRebuiltFromTheLogAfterARestart() throws Exception {
        String to = "restart-cooldown@example.com";
        startContextWithTenant("rc", to);
        publish(overdue("rc-a", "rc", "INV-RA"));
        publish(Fixtures.alert("rc-risk-a", "rc", "acme", "Acme", AlertType.INVOICE_AT_RISK)
                .setInvoiceIds(List.of("INV-RA")).build());
        awaitMail(to, 2);
        awaitAllAlertsCommitted();
        stopContext();

        MutableClock.set(DAYTIME.plus(Duration.ofHours(2)));
        startContext();
        publish(overdue("rc-a-again", "rc", "INV-RA"));
        publish(overdue("rc-b", "rc", "INV-RB"));
        publish(Fixtures.alert("rc-risk-a-again", "rc", "acme", "Acme", AlertType.INVOICE_AT_RISK)
                .setInvoiceIds(List.of("INV-RA")).build());
        publish(Fixtures.alert("rc-risk-b", "rc", "acme", "Acme", AlertType.INVOICE_AT_RISK)
                .setInvoiceIds(List.of("INV-RB")).build());
        Set<String> ids = Set.of("rc-a-again", "rc-b", "rc-risk-a-again", "rc-risk-b");
        Map<String, AlertDelivery> log = awaitLog(l -> ids.stream().allMatch(l::containsKey));
        awaitAllAlertsCommitted();
        assertThat(log.get("rc-a-again").getStatus()).isEqualTo(DeliveryStatus.SUPPRESSED_COOLDOWN);
        assertThat(log.get("rc-risk-a-again").getStatus()).isEqualTo(DeliveryStatus.SUPPRESSED_COOLDOWN);
        assertThat(log.get("rc-b").getStatus()).isEqualTo(DeliveryStatus.SENT);
        assertThat(log.get("rc-risk-b").getStatus()).isEqualTo(DeliveryStatus.SENT);
        assertThat(alertIds(awaitMail(to, 4))).containsExactlyInAnyOrder("rc-a", "rc-risk-a", "rc-b", "rc-risk-b");
    }

    @Test
    void clientScopedAlertsStillCoolDownPerClientAndType() throws Exception {
        String to = "client-scoped@example.com";
        startContextWithTenant("cs", to);
        // GHOSTING is about the client, whatever invoices it mentions: one email per cooldown.
        publish(Fixtures.alert("cs-ghost-1", "cs", "acme", "Acme", AlertType.GHOSTING)
                .setInvoiceIds(List.of("INV-G1")).build());
        awaitMail(to, 1);
        awaitLog(l -> l.containsKey("cs-ghost-1"));
        publish(Fixtures.alert("cs-ghost-2", "cs", "acme", "Acme", AlertType.GHOSTING)
                .setInvoiceIds(List.of("INV-G2")).build());
        assertThat(awaitDelivery("cs-ghost-2").getStatus()).isEqualTo(DeliveryStatus.SUPPRESSED_COOLDOWN);
        awaitAllAlertsCommitted();
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> mailTo(to).size() == 1);
    }

    private static PaymentAlert overdue(String alertId, String tenantId, String... invoices) {
        return Fixtures.alert(alertId, tenantId, "acme", "Acme", AlertType.INVOICE_OVERDUE)
                .setOccurredAt(Instant.parse("2025-03-12T09:00:00Z"))
                .setInvoiceIds(List.of(invoices)).build();
    }
}
