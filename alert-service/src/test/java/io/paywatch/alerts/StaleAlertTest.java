package io.paywatch.alerts;

import io.micrometer.core.instrument.MeterRegistry;
import io.paywatch.alerts.delivery.DeliveryConfiguration;
import io.paywatch.alerts.delivery.DeliveryMetrics;
import io.paywatch.contract.AlertDelivery;
import io.paywatch.contract.AlertType;
import io.paywatch.contract.DeliveryStatus;
import io.paywatch.contract.Language;
import io.paywatch.contract.PaymentAlert;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** max-alert-age: history replayed from a backfill is logged SUPPRESSED_STALE, neither emailed nor webhooked. */
class StaleAlertTest extends AlertServiceHarness {

    @Test
    void alertsOlderThanMaxAlertAgeAreLoggedAndCountedButNotDelivered() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            startContext();
            assertThat(context.getBean(DeliveryConfiguration.class).maxAlertAge()).isEqualTo(Duration.ofDays(14));
            String to = "backfill@example.com";
            publish(Fixtures.settings("backfill", to, Language.EN)
                    .setWebhookUrl(receiver.url())
                    .setWebhookSecret("whsec_stale").build());
            // A backfill: the condition became true 120 days ago. Then today's alert of the same type and client,
            // which must not be held back by a cooldown (the stale one was never emailed), and one exactly at
            // the limit, which is still news.
            publish(alert("stale-old", AlertType.INVOICE_OVERDUE, Duration.ofDays(120)));
            publish(alert("stale-fresh", AlertType.INVOICE_OVERDUE, Duration.ofHours(1)));
            publish(alert("stale-limit", AlertType.PAYMENT_DRIFT, Duration.ofDays(14)));

            List<MimeMessage> mail = awaitMail(to, 2);
            Map<String, AlertDelivery> log = awaitLog(l -> l.containsKey("stale-old#webhook")
                    && l.containsKey("stale-fresh#webhook") && l.containsKey("stale-limit#webhook"));
            awaitAllAlertsCommitted();

            assertThat(log.get("stale-old").getStatus()).isEqualTo(DeliveryStatus.SUPPRESSED_STALE);
            assertThat(log.get("stale-old").getDetail()).contains("120 days").contains("PT336H");
            assertThat(log.get("stale-old#webhook").getStatus()).isEqualTo(DeliveryStatus.SUPPRESSED_STALE);
            assertThat(log.get("stale-fresh").getStatus()).isEqualTo(DeliveryStatus.SENT);
            assertThat(log.get("stale-limit").getStatus()).isEqualTo(DeliveryStatus.SENT);
            assertThat(mailTo(to)).hasSize(2);
            assertThat(mail).extracting(AlertServiceHarness::alertId)
                    .containsExactlyInAnyOrder("stale-fresh", "stale-limit");
            assertThat(receiver.alertIds()).containsExactlyInAnyOrder("stale-fresh", "stale-limit");

            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.counter(DeliveryMetrics.EMAILS_SUPPRESSED, "reason", "stale").count()).isEqualTo(1.0);
            assertThat(registry.counter(DeliveryMetrics.WEBHOOKS_SUPPRESSED, "reason", "stale").count())
                    .isEqualTo(1.0);
        }
    }

    @Test
    void theLimitIsTypedConfigurationMeasuredAgainstTheInjectedClock() throws Exception {
        startContext(Map.of("paywatch.alerts.delivery.max-alert-age", "P200D"));
        String to = "long-memory@example.com";
        publish(Fixtures.settings("long-memory", to, Language.IT).build());
        publish(Fixtures.alert("old-but-allowed", "long-memory", "acme", "Acme", AlertType.GHOSTING)
                .setOccurredAt(DAYTIME.minus(Duration.ofDays(120))).build());
        assertThat(awaitMail(to, 1)).hasSize(1);
        stopContext();

        // The same 120-day-old alert under the default 14 days, now by the clock: suppressed.
        startContext();
        publish(Fixtures.alert("old-and-stale", "long-memory", "acme", "Acme", AlertType.GHOSTING)
                .setOccurredAt(DAYTIME.minus(Duration.ofDays(120))).build());
        Map<String, AlertDelivery> log = awaitLog(l -> l.containsKey("old-and-stale"));
        assertThat(log.get("old-and-stale").getStatus()).isEqualTo(DeliveryStatus.SUPPRESSED_STALE);
        awaitAllAlertsCommitted();
        assertThat(mailTo(to)).hasSize(1);
    }

    private static PaymentAlert alert(String id, AlertType type, Duration age) {
        return Fixtures.alert(id, "backfill", "acme", "Acme", type).setOccurredAt(DAYTIME.minus(age)).build();
    }
}
