package io.paywatch.alerts;

import io.micrometer.core.instrument.MeterRegistry;
import io.paywatch.alerts.delivery.DeliveryMetrics;
import io.paywatch.contract.AlertType;
import io.paywatch.contract.Language;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The demo's "5 identical emails" report, replayed against the real broker and GreenMail: an English tenant's
 * alert, one Italian tenant's PAYMENT_DRIFT, then a burst of alerts for the English tenant. The service makes exactly one SMTP delivery per
 * alertId. (The copies came from the launcher's outbox writer, which read GreenMail's per-mailbox message list
 * with an index cursor; see launcher's SmtpCaptureTest.)
 */
class MultiTenantBurstTest extends AlertServiceHarness {

    @Test
    void oneSmtpMessagePerAlertIdAcrossTenantsAndAcrossARestart() throws Exception {
        startContext();
        publish(Fixtures.settings("rossi", "giulia@example.com", Language.IT).build());
        publish(Fixtures.settings("demo", "ada@example.com", Language.EN).build());

        // As in the demo: the English tenant's mailbox exists first (Umbrella's after-hours alert).
        publish(Fixtures.alert("ada-umbrella", "demo", "umbrella", "Umbrella Labs", AlertType.AFTER_HOURS_CONTACT)
                .build());
        awaitTotal(1);
        publish(Fixtures.alert("drift-lentissimo", "rossi", "lentissimo", "Lentissimo SpA", AlertType.PAYMENT_DRIFT)
                .build());
        awaitTotal(2);
        AlertType[] burst = {AlertType.INVOICE_OVERDUE, AlertType.PAYMENT_DRIFT, AlertType.GHOSTING,
                AlertType.RESPONSIVE_AGAIN};
        for (int i = 0; i < burst.length; i++) {
            publish(Fixtures.alert("ada-" + i, "demo", "client-" + i, "Client " + i, burst[i]).build());
            awaitTotal(3 + i);
            }
        awaitAllAlertsCommitted();

        // What the SMTP server really received: every alert once, one Message-ID each.
        Map<String, Long> perMessageId = perMessageId();
        assertThat(perMessageId).hasSize(6).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1L));
        assertThat(perMessageId).containsKey("<drift-lentissimo@paywatch.local>");
        assertThat(context.getBean(MeterRegistry.class).counter(DeliveryMetrics.EMAILS_SENT).count())
                .isEqualTo(6.0);
        // A restart re-reads everything; nothing is sent again.
        stopContext();
        startContext();
        awaitAllAlertsCommitted();
        assertThat(perMessageId()).isEqualTo(perMessageId);
    }

    private void awaitTotal(int count) {
        await("%d emails in GreenMail".formatted(count)).atMost(WAIT)
                .until(() -> greenMail.getReceivedMessages().length >= count);
    }

    private Map<String, Long> perMessageId() {
        return Arrays.stream(greenMail.getReceivedMessages()).map(MultiTenantBurstTest::messageId)
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    private static String messageId(MimeMessage message) {
        try {
            return message.getHeader("Message-ID")[0];
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
