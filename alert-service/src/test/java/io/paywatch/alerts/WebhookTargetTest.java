package io.paywatch.alerts;

import io.paywatch.contract.AlertDelivery;
import io.paywatch.contract.AlertType;
import io.paywatch.contract.DeliveryStatus;
import io.paywatch.contract.Language;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue #12, SSRF, end to end: with the default configuration a webhook aimed at the service's own machine is never
 * called (the delivery is parked RETRYING with the reason, visible, while the email goes out), and
 * {@code allow-private-targets: true} lets the same receiver be called.
 */
class WebhookTargetTest extends AlertServiceHarness {

    @Test
    void aLoopbackWebhookIsRefusedByDefaultAndCalledWhenAllowed() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            String to = "ssrf@example.com";
            startContext(Map.of("paywatch.alerts.webhook.allow-private-targets", "false"));
            publish(Fixtures.settings("ssrf", to, Language.EN)
                    .setWebhookUrl(receiver.url())
                    .setWebhookSecret("whsec_ssrf").build());
            publish(Fixtures.alert("ssrf-1", "ssrf", "acme", "Acme", AlertType.INVOICE_OVERDUE).build());

            Map<String, AlertDelivery> log = awaitLog(l -> l.containsKey("ssrf-1") && l.containsKey("ssrf-1#webhook"));
            assertThat(log.get("ssrf-1").getStatus()).isEqualTo(DeliveryStatus.SENT);
            assertThat(log.get("ssrf-1#webhook").getStatus()).isEqualTo(DeliveryStatus.RETRYING);
            assertThat(log.get("ssrf-1#webhook").getDetail()).contains("loopback").contains("127.0.0.1")
                    .doesNotContain("/hook");
            awaitAllAlertsCommitted();
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(receiver.alertIds()::isEmpty);
            stopContext();

            // The operator allows targets on the local network: the parked webhook is released and delivered.
            MutableClock.set(DAYTIME.plus(Duration.ofMinutes(1)));
            startContext(Map.of("paywatch.alerts.webhook.allow-private-targets", "true"));
            await().atMost(WAIT).until(() -> receiver.alertIds().contains("ssrf-1"));
            assertThat(awaitStatus("ssrf-1#webhook", DeliveryStatus.SENT).getAttempts()).isEqualTo(2);
            assertThat(mailTo(to)).hasSize(1);
        }
    }
}
