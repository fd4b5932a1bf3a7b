package io.paywatch.alerts;

import io.micrometer.core.instrument.MeterRegistry;
import io.paywatch.alerts.delivery.DeliveryMetrics;
import io.paywatch.alerts.delivery.DeliveryWorker;
import io.paywatch.contract.AlertDelivery;
import io.paywatch.contract.AlertType;
import io.paywatch.contract.DeliveryStatus;
import io.paywatch.contract.Language;
import jakarta.mail.internet.MimeMessage;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Never lost, never sent twice: restarts, replays, crashes around the SMTP hand-off, and an SMTP outage. */
class ExactlyOnceTest extends AlertServiceHarness {

    @BeforeEach
    void letTheWorkerCrash() {
        // The crash tests kill the delivery thread with an Error on purpose. Awaitility by default fails any await
        // that is running when another thread dies, so whether they passed depended on where the crash fell.
        // Each test checks the crash itself (worker not alive, offsets not committed).
        Awaitility.doNotCatchUncaughtExceptionsByDefault();
    }

    @AfterEach
    void restoreAwaitility() {
        Awaitility.reset();
    }

    @Test
    void aRestartOrAFullReplayNeverSendsTwice() throws Exception {
        String to = "restart@example.com";
        startContext();
        publish(Fixtures.settings("restart", to, Language.EN).build());
        publish(Fixtures.alert("restart-1", "restart", "acme", "Acme", AlertType.INVOICE_OVERDUE).build());
        awaitMail(to, 1);
        awaitAllAlertsCommitted();
        stopContext();

        // Second application context: the same alert replayed upstream, and a new one.
        startContext();
        publish(Fixtures.alert("restart-1", "restart", "acme", "Acme", AlertType.INVOICE_OVERDUE).build());
        publish(Fixtures.alert("restart-2", "restart", "globex", "Globex", AlertType.INVOICE_OVERDUE).build());
        awaitMail(to, 2);
        awaitAllAlertsCommitted();
        stopContext();

        // Third context in a brand-new consumer group: every alert of the topic is read again from offset 0.
        startContext(Map.of("paywatch.alerts.delivery.consumer-group", "replay-from-scratch"));
        awaitAllAlertsCommitted("replay-from-scratch");
        assertThat(messageIds(mailTo(to))).containsExactlyInAnyOrder("<restart-1@paywatch.local>",
                "<restart-2@paywatch.local>");
        assertThat(mailTo(to)).hasSize(2);
    }

    @Test
    void crashAfterSentIsLoggedButBeforeTheOffsetCommitSendsExactlyOnce() throws Exception {
        String to = "crash-commit@example.com";
        CrashHooks.crashBeforeCommit = "crash-commit-1";
        startContext();
        publish(Fixtures.settings("crash-commit", to, Language.EN).build());
        publish(Fixtures.alert("crash-commit-1", "crash-commit", "acme", "Acme", AlertType.GHOSTING).build());
        awaitMail(to, 1);
        DeliveryWorker worker = context.getBean(DeliveryWorker.class);
        await("worker crashed").atMost(WAIT).until(() -> !worker.alive());
        assertThat(allAlertsCommitted(group)).as("the crash happened before the offset commit").isFalse();
        assertThat(awaitLog(l -> l.containsKey("crash-commit-1")).get("crash-commit-1").getStatus())
                .isEqualTo(DeliveryStatus.SENT);
        stopContext();

        startContext();
        awaitAllAlertsCommitted();
        assertThat(mailTo(to)).hasSize(1);
    }

    @Test
    void crashBetweenSmtpAcceptAndTheLogWriteResendsTheSameMessageId() throws Exception {
        // The one window that cannot be closed without SMTP-side idempotency: the server accepted the email,
        // the process died before SENT reached Kafka. The alert is sent again, with the same Message-ID.
        String to = "crash-window@example.com";
        CrashHooks.crashAfterAccepted = "crash-window-1";
        startContext();
        publish(Fixtures.settings("crash-window", to, Language.EN).build());
        publish(Fixtures.alert("crash-window-1", "crash-window", "acme", "Acme", AlertType.GHOSTING).build());
        awaitMail(to, 1);
        DeliveryWorker worker = context.getBean(DeliveryWorker.class);
        await("worker crashed").atMost(WAIT).until(() -> !worker.alive());
        stopContext();

        startContext();
        awaitAllAlertsCommitted();
        List<MimeMessage> received = awaitMail(to, 2);
        assertThat(received).hasSize(2);
        assertThat(messageIds(received)).containsOnly("<crash-window-1@paywatch.local>");
        assertThat(awaitLog(l -> l.containsKey("crash-window-1")).get("crash-window-1").getStatus())
                .isEqualTo(DeliveryStatus.SENT);
    }

    @Test
    void smtpOutageParksAlertsAndDeliversEachExactlyOnceWhenItRecovers() throws Exception {
        String to = "outage@example.com";
        MutableClock.runFrom(DAYTIME); // retries are due after real backoff delays (200 ms doubling to 1 s)
        startContext();
        publish(Fixtures.settings("outage", to, Language.EN).setCooldownHours(0).build());
        greenMail.stop();
        List<String> ids = List.of("outage-1", "outage-2", "outage-3");
        for (String id : ids) {
            publish(Fixtures.alert(id, "outage", "client-" + id, "Client " + id, AlertType.INVOICE_OVERDUE).build());
        }
        // All parked as RETRYING; while SMTP is down one alert probes it with growing backoff, the rest wait
        // instead of each paying a connection timeout.
        Map<String, AlertDelivery> parked = awaitLog(l -> ids.stream().allMatch(id -> l.containsKey(id)
                && l.get(id).getStatus() == DeliveryStatus.RETRYING) && l.get("outage-1").getAttempts() >= 3);
        assertThat(parked.get("outage-1").getDetail()).contains("MailConnectException");
        assertThat(parked.get("outage-1").getNotBefore()).isAfter(parked.get("outage-1").getUpdatedAt());
        // Parked durably in the log, so the input offsets may move on while SMTP is down.
        awaitAllAlertsCommitted();

        startSmtp();
        awaitMail(to, 3);
        Map<String, AlertDelivery> sent = awaitLog(l -> ids.stream().allMatch(id -> l.containsKey(id)
                && l.get(id).getStatus() == DeliveryStatus.SENT));
        assertThat(sent.get("outage-1").getAttempts()).isGreaterThanOrEqualTo(4);
        assertThat(messageIds(mailTo(to))).containsExactlyInAnyOrder("<outage-1@paywatch.local>",
                "<outage-2@paywatch.local>", "<outage-3@paywatch.local>");
        double failed = context.getBean(MeterRegistry.class).counter(DeliveryMetrics.EMAILS_FAILED).count();
        assertThat(failed).isGreaterThanOrEqualTo(3);
        // A restart after recovery finds nothing left to send.
        stopContext();
        startContext();
        awaitAllAlertsCommitted();
        assertThat(mailTo(to)).hasSize(3);
    }

    @Test
    void smtpDownForSixtySecondsEveryAlertIsDeliveredAfterRecoveryExactlyOnce() throws Exception {
        // The outage is real (GreenMail stopped, every attempt gets "connection refused") and lasts 60 s on the
        // service's clock, which drives the retry schedule: the clock is moved in 5 s steps and each step waits for
        // the service's next failed attempt. Wall time is a few seconds, so the suite does not wait a minute.
        String to = "outage60@example.com";
        startContext();
        publish(Fixtures.settings("outage60", to, Language.EN).setCooldownHours(0).build());
        MeterRegistry registry = context.getBean(MeterRegistry.class);
        greenMail.stop();
        List<String> ids = new java.util.ArrayList<>();
        for (int second = 0; second < 60; second += 5) {
            // Read before the clock moves: with the clock pinned, no attempt can happen between the two.
            double failedBefore = registry.counter(DeliveryMetrics.EMAILS_FAILED).count();
            MutableClock.set(DAYTIME.plusSeconds(second));
            if (second % 15 == 0) {
                // New alerts keep arriving during the outage, each about another invoice.
                String id = "outage60-" + second;
                ids.add(id);
                publish(Fixtures.alert(id, "outage60", "acme", "Acme", AlertType.INVOICE_OVERDUE)
                        .setInvoiceIds(List.of("INV-" + second)).build());
            }
            await("a failed SMTP attempt at +" + second + " s").atMost(WAIT)
                    .until(() -> registry.counter(DeliveryMetrics.EMAILS_FAILED).count() > failedBefore);
        }
        Map<String, AlertDelivery> parked = awaitLog(l -> ids.stream().allMatch(id -> l.containsKey(id)
                && l.get(id).getStatus() == DeliveryStatus.RETRYING));
        assertThat(parked.values()).filteredOn(d -> ids.contains(d.getAlertId()))
                .allMatch(d -> d.getNotBefore() != null);
        awaitAllAlertsCommitted();
        assertThat(mailTo(to)).isEmpty();

        // SMTP is back at +60 s; the next due retry delivers everything.
        startSmtp();
        MutableClock.set(DAYTIME.plusSeconds(65));
        awaitMail(to, ids.size());
        Map<String, AlertDelivery> sent = awaitLog(l -> ids.stream().allMatch(id -> l.containsKey(id)
                && l.get(id).getStatus() == DeliveryStatus.SENT));
        assertThat(sent.get("outage60-0").getAttempts()).isGreaterThanOrEqualTo(2);
        assertThat(registry.counter(DeliveryMetrics.EMAILS_FAILED).count()).isGreaterThanOrEqualTo(12);
        // Exactly once: one message per alert, each with its own stable Message-ID, also after more rounds and a
        // restart.
        MutableClock.set(DAYTIME.plusSeconds(120));
        await().during(java.time.Duration.ofMillis(500)).atMost(java.time.Duration.ofSeconds(5))
                .until(() -> mailTo(to).size() == ids.size());
        stopContext();
        startContext();
        awaitAllAlertsCommitted();
        assertThat(mailTo(to)).hasSize(ids.size());
        assertThat(messageIds(mailTo(to))).containsExactlyInAnyOrderElementsOf(
                ids.stream().map(id -> "<" + id + "@paywatch.local>").toList());
    }

    private static Set<String> messageIds(List<MimeMessage> messages) {
        return messages.stream().map(m -> {
            try {
                return m.getHeader("Message-ID")[0];
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).collect(Collectors.toSet());
    }
}
