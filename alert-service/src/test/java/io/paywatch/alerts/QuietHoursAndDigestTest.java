package io.paywatch.alerts;

import io.paywatch.contract.AlertDelivery;
import io.paywatch.contract.AlertType;
import io.paywatch.contract.DeliveryMode;
import io.paywatch.contract.DeliveryStatus;
import io.paywatch.contract.Language;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Time-driven delivery with a controlled clock: quiet hours in the tenant's zone and the daily digest. */
class QuietHoursAndDigestTest extends AlertServiceHarness {

    @Test
    void anAlertAt2230LocalIsHeldDurablyAndSentWhenQuietHoursEnd() throws Exception {
        String to = "night@example.com";
        MutableClock.set(Instant.parse("2025-03-12T21:30:00Z")); // 22:30 in Rome
        startContext();
        publish(Fixtures.settings("night", to, Language.IT).build());
        publish(Fixtures.alert("night-1", "night", "acme", "Acme", AlertType.INVOICE_OVERDUE).build());

        AlertDelivery held = awaitLog(l -> l.containsKey("night-1")).get("night-1");
        assertThat(held.getStatus()).isEqualTo(DeliveryStatus.DEFERRED_QUIET_HOURS);
        assertThat(held.getNotBefore()).isEqualTo(Instant.parse("2025-03-13T07:00:00Z")); // 08:00 in Rome
        awaitAllAlertsCommitted();
        // Held in Kafka, not in memory: the service restarts during the night.
        stopContext();

        MutableClock.set(Instant.parse("2025-03-13T06:59:00Z"));
        startContext();
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> mailTo(to).isEmpty());

        MutableClock.set(Instant.parse("2025-03-13T07:00:00Z"));
        MimeMessage message = awaitMail(to, 1).get(0);
        assertThat(subject(message)).isEqualTo(
                "Acme non aveva ancora pagato la fattura INV-2025-017, 17 giorni dopo la scadenza: manda un sollecito");
        assertThat(awaitStatus("night-1", DeliveryStatus.SENT).getAttempts()).isEqualTo(1);
    }

    @Test
    void digestModeSendsOneEmailADayListingEverything() throws Exception {
        String to = "digest@example.com";
        startContext();
        publish(Fixtures.settings("digest", to, Language.EN).setDeliveryMode(DeliveryMode.DAILY_DIGEST).build());
        publish(Fixtures.alert("digest-1", "digest", "acme", "Acme", AlertType.INVOICE_OVERDUE).build());
        publish(Fixtures.alert("digest-2", "digest", "globex", "Globex", AlertType.GHOSTING).build());
        publish(Fixtures.alert("digest-3", "digest", "initech", "Initech", AlertType.PAYMENT_DRIFT).build());
        List<String> ids = List.of("digest-1", "digest-2", "digest-3");
        Map<String, AlertDelivery> queued = awaitLog(l -> ids.stream().allMatch(l::containsKey));
        assertThat(queued.values()).filteredOn(d -> ids.contains(d.getAlertId()))
                .allMatch(d -> d.getStatus() == DeliveryStatus.QUEUED_FOR_DIGEST);
        awaitAllAlertsCommitted();
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> mailTo(to).isEmpty());

        // Next morning, one minute after quiet hours ended in Rome.
        MutableClock.set(Instant.parse("2025-03-13T07:01:00Z"));
        MimeMessage digest = awaitMail(to, 1).get(0);
        assertThat(subject(digest)).isEqualTo("Paywatch daily digest, 13 March 2025: 3 alerts");
        String text = (String) ((MimeMultipart) digest.getContent()).getBodyPart(0).getContent();
        assertThat(text).contains("Acme still had not paid invoice INV-2025-017, 17 days after it was due")
                .contains("Globex has not answered you for 6 business days")
                .contains("Initech now pays later than your 30-day norm (44.5 days on average)");
        Map<String, AlertDelivery> sent = awaitLog(l -> ids.stream().allMatch(id -> l.containsKey(id)
                && l.get(id).getStatus() == DeliveryStatus.SENT));
        assertThat(sent.get("digest-1").getDetail()).startsWith("in digest digest.digest.2025-03-13.");
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> mailTo(to).size() == 1);
    }
}
