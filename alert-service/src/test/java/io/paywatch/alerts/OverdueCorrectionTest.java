package io.paywatch.alerts;

import io.micrometer.core.instrument.MeterRegistry;
import io.paywatch.alerts.delivery.DeliveryMetrics;
import io.paywatch.contract.AlertDelivery;
import io.paywatch.contract.AlertType;
import io.paywatch.contract.DeliveryStatus;
import io.paywatch.contract.Language;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.schemas.AlertFacts;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The two alert semantics about settled invoices, on the real broker and GreenMail: an INVOICE_OVERDUE about an
 * invoice that was already settled when it was raised is logged SUPPRESSED_RESOLVED and delivered nowhere; an
 * OVERDUE_CORRECTED (a late payment proved an earlier overdue alert wrong) is emailed through the cooldown, and
 * even when old, when an alert it withdraws was emailed (else there is nothing to correct: SUPPRESSED_RESOLVED),
 * but waits for the end of quiet hours.
 */
class OverdueCorrectionTest extends AlertServiceHarness {

    @Test
    void anOverdueAlertAboutAnAlreadySettledInvoiceIsLoggedButNeitherEmailedNorWebhooked() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            startContext();
            String to = "resolved@example.com";
            publish(Fixtures.settings("resolved", to, Language.EN)
                    .setWebhookUrl(receiver.url())
                    .setWebhookSecret("whsec_resolved").build());
            // History: paid on 20 February, before this (recent) alert was raised from a backfill.
            publish(settled(Fixtures.alert("res-settled", "resolved", "acme", "Acme", AlertType.INVOICE_OVERDUE),
                    "2025-02-20"));
            // News: the same client and type, not settled. It must not be held back by a cooldown (nothing was sent).
            publish(Fixtures.alert("res-open", "resolved", "acme", "Acme", AlertType.INVOICE_OVERDUE)
                    .setInvoiceIds(List.of("INV-2025-018")).build());
            // A correction carries settledDate too, and is news: the alarm it withdraws (res-open) was emailed.
            awaitLog(l -> l.containsKey("res-open"));
            publish(withdrawing(Fixtures.alert("res-correction", "resolved", "acme", "Acme",
                    AlertType.OVERDUE_CORRECTED).setInvoiceIds(List.of("INV-2025-018")), "res-open"));

            List<MimeMessage> mail = awaitMail(to, 2);
            Map<String, AlertDelivery> log = awaitLog(l -> l.containsKey("res-settled#webhook")
                    && l.containsKey("res-open#webhook") && l.containsKey("res-correction#webhook"));
            awaitAllAlertsCommitted();

            assertThat(log.get("res-settled").getStatus()).isEqualTo(DeliveryStatus.SUPPRESSED_RESOLVED);
            assertThat(log.get("res-settled").getDetail()).contains("2025-02-20");
            assertThat(log.get("res-settled#webhook").getStatus()).isEqualTo(DeliveryStatus.SUPPRESSED_RESOLVED);
            assertThat(log.get("res-open").getStatus()).isEqualTo(DeliveryStatus.SENT);
            assertThat(log.get("res-correction").getStatus()).isEqualTo(DeliveryStatus.SENT);
            assertThat(mailTo(to)).hasSize(2);
            assertThat(mail).extracting(AlertServiceHarness::alertId)
                    .containsExactlyInAnyOrder("res-open", "res-correction");
            assertThat(receiver.alertIds()).containsExactlyInAnyOrder("res-open", "res-correction");

            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.counter(DeliveryMetrics.EMAILS_SUPPRESSED, "reason", "resolved").count())
                    .isEqualTo(1.0);
            assertThat(registry.counter(DeliveryMetrics.WEBHOOKS_SUPPRESSED, "reason", "resolved").count())
                    .isEqualTo(1.0);
            assertThat(registry.counter(DeliveryMetrics.EMAILS_SUPPRESSED, "reason", "cooldown").count())
                    .isEqualTo(0.0);
        }
    }

    @Test
    void aCorrectionGoesThroughTheCooldownAndStalenessButWaitsForTheEndOfQuietHours() throws Exception {
        startContext();
        String to = "corrections@example.com";
        publish(Fixtures.settings("corr", to, Language.EN).build()); // cooldown 24 h, quiet 20:00-08:00 Rome
        // The alarm that a bank feed will later prove wrong, then a second one about the same invoice inside the
        // cooldown (the control; the overdue cooldown is per invoice since issue #12).
        publish(Fixtures.alert("ov-1", "corr", "acme", "Acme", AlertType.INVOICE_OVERDUE).build());
        awaitLog(l -> l.containsKey("ov-1"));
        publish(Fixtures.alert("ov-2", "corr", "acme", "Acme", AlertType.INVOICE_OVERDUE).build());
        awaitLog(l -> l.containsKey("ov-2"));
        // Two corrections about the same client within the cooldown: both are emailed.
        publish(Fixtures.alert("corr-1", "corr", "acme", "Acme", AlertType.OVERDUE_CORRECTED).build());
        awaitLog(l -> l.containsKey("corr-1"));
        publish(Fixtures.alert("corr-2", "corr", "acme", "Acme", AlertType.OVERDUE_CORRECTED)
                .setInvoiceIds(List.of("INV-2025-018")).build());
        // A correction 30 days after its alarm (older than max-alert-age): emailed, because Acme's alarm went out.
        publish(Fixtures.alert("corr-late", "corr", "acme", "Acme", AlertType.OVERDUE_CORRECTED)
                .setInvoiceIds(List.of("INV-2025-019")).setOccurredAt(DAYTIME.minus(Duration.ofDays(30))).build());
        // The same age about a client no overdue email ever went to (a backfill): nothing to correct.
        publish(Fixtures.alert("corr-history", "corr", "globex", "Globex", AlertType.OVERDUE_CORRECTED)
                .setOccurredAt(DAYTIME.minus(Duration.ofDays(30))).build());
        // With the ids it withdraws (as the stream-processor sends them): news only if one of them was emailed.
        // ov-1 went out; ov-2 was held back by the cooldown, so its freelancer never read that alarm.
        publish(withdrawing(Fixtures.alert("corr-of-sent", "corr", "acme", "Acme", AlertType.OVERDUE_CORRECTED)
                .setInvoiceIds(List.of("INV-2025-021")), "ov-1"));
        publish(withdrawing(Fixtures.alert("corr-of-unsent", "corr", "acme", "Acme", AlertType.OVERDUE_CORRECTED)
                .setInvoiceIds(List.of("INV-2025-022")), "ov-2,never-raised"));

        Map<String, AlertDelivery> log = awaitLog(l -> l.containsKey("corr-2") && l.containsKey("corr-late")
                && l.containsKey("corr-history") && l.containsKey("corr-of-sent") && l.containsKey("corr-of-unsent"));
        assertThat(log.get("ov-1").getStatus()).isEqualTo(DeliveryStatus.SENT);
        assertThat(log.get("ov-2").getStatus()).isEqualTo(DeliveryStatus.SUPPRESSED_COOLDOWN);
        assertThat(log.get("corr-1").getStatus()).isEqualTo(DeliveryStatus.SENT);
        assertThat(log.get("corr-2").getStatus()).isEqualTo(DeliveryStatus.SENT);
        assertThat(log.get("corr-late").getStatus()).isEqualTo(DeliveryStatus.SENT);
        assertThat(log.get("corr-history").getStatus()).isEqualTo(DeliveryStatus.SUPPRESSED_RESOLVED);
        assertThat(log.get("corr-of-sent").getStatus()).isEqualTo(DeliveryStatus.SENT);
        assertThat(log.get("corr-of-unsent").getStatus()).isEqualTo(DeliveryStatus.SUPPRESSED_RESOLVED);
        List<MimeMessage> mail = awaitMail(to, 5);
        awaitAllAlertsCommitted();
        assertThat(mailTo(to)).hasSize(5);
        Map<String, String> subjects = new HashMap<>();
        for (MimeMessage m : mail) {
            subjects.put(alertId(m), subject(m));
        }
        assertThat(subjects).containsOnlyKeys("ov-1", "corr-1", "corr-2", "corr-late", "corr-of-sent");
        assertThat(subjects.get("corr-1"))
                .isEqualTo("Correction: Acme had already settled invoice INV-2025-017 on 21 February 2025, "
                        + "no reminder needed");
        String body = mailTo(to).stream().filter(m -> alertId(m).equals("corr-1")).findFirst().map(
                OverdueCorrectionTest::text).orElseThrow();
        assertThat(body).contains("Please disregard our alert that invoice INV-2025-017")
                .contains("was 4 days past due on 12 March 2025").contains("due on 23 February 2025");

        // At night (22:30 in Rome) a correction waits for the end of quiet hours like any email.
        MutableClock.set(Instant.parse("2025-03-12T21:30:00Z"));
        publish(Fixtures.alert("corr-night", "corr", "acme", "Acme", AlertType.OVERDUE_CORRECTED)
                .setInvoiceIds(List.of("INV-2025-020")).build());
        AlertDelivery held = awaitDelivery("corr-night");
        assertThat(held.getStatus()).isEqualTo(DeliveryStatus.DEFERRED_QUIET_HOURS);
        assertThat(held.getNotBefore()).isEqualTo(Instant.parse("2025-03-13T07:00:00Z"));
        MutableClock.set(Instant.parse("2025-03-13T06:59:00Z"));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> mailTo(to).size() == 5);
        MutableClock.set(Instant.parse("2025-03-13T07:00:00Z"));
        assertThat(awaitMail(to, 6)).extracting(AlertServiceHarness::alertId).contains("corr-night");
        assertThat(awaitStatus("corr-night", DeliveryStatus.SENT).getStatus()).isEqualTo(DeliveryStatus.SENT);
    }

    private static PaymentAlert withdrawing(PaymentAlert.Builder alert, String withdrawnAlertIds) {
        Map<String, String> facts = new HashMap<>(alert.getFacts());
        facts.put(AlertFacts.WITHDRAWN_ALERT_IDS, withdrawnAlertIds);
        return alert.setFacts(facts).build();
    }

    private static PaymentAlert settled(PaymentAlert.Builder alert, String settledDate) {
        Map<String, String> facts = new HashMap<>(alert.getFacts());
        facts.put(AlertFacts.SETTLED_DATE, settledDate);
        return alert.setFacts(facts).build();
    }

    private static String text(MimeMessage m) {
        try {
            return (String) ((jakarta.mail.internet.MimeMultipart) m.getContent()).getBodyPart(0).getContent();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
