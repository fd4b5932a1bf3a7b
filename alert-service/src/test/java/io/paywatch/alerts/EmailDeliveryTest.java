package io.paywatch.alerts;

import com.sun.net.httpserver.HttpServer;
import io.paywatch.alerts.webhook.WebhookSigner;
import io.paywatch.contract.AlertDelivery;
import io.paywatch.contract.AlertType;
import io.paywatch.contract.DeliveryStatus;
import io.paywatch.contract.Language;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.schemas.Topics;
import com.icegreen.greenmail.user.MessageDeliveryHandler;
import com.icegreen.greenmail.user.UserException;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Real SMTP: content per language on the wire, header injection, cooldown, opt-out and the signed webhook. */
class EmailDeliveryTest extends AlertServiceHarness {

    @Test
    void everyLanguageArrivesOverSmtpWithItsSubjectAndBothBodies() throws Exception {
        startContext();
        for (Language language : Language.values()) {
            String tenant = "lang-" + language;
            String to = "freelancer-" + language.name().toLowerCase() + "@example.com";
            publish(Fixtures.settings(tenant, to, language).build());
            publish(Fixtures.alert("lang-alert-" + language, tenant, "acme", "Acme Società", AlertType.PAYMENT_DRIFT)
                    .build());
        }
        for (Language language : Language.values()) {
            MimeMessage message = awaitMail("freelancer-" + language.name().toLowerCase() + "@example.com", 1)
                    .get(0);
            assertThat(subject(message)).contains("Acme Società").contains("44");
            assertThat(message.getHeader("Message-ID")[0]).isEqualTo("<lang-alert-" + language + "@paywatch.local>");
            assertThat(message.getHeader("Content-Language")).as("Content-Language of the %s email", language)
                    .containsExactly(language.name().toLowerCase(java.util.Locale.ROOT));
            MimeMultipart alternative = (MimeMultipart) message.getContent();
            assertThat(alternative.getContentType()).startsWith("multipart/alternative");
            String text = (String) alternative.getBodyPart(0).getContent();
            String html = (String) alternative.getBodyPart(1).getContent();
            assertThat(alternative.getBodyPart(0).getContentType()).contains("text/plain");
            assertThat(alternative.getBodyPart(1).getContentType()).contains("text/html");
            assertThat(text).contains("Acme Società").contains("INV-2025-017").contains("30");
            assertThat(html).contains("Acme Società").contains("INV-2025-017");
        }
        Map<String, AlertDelivery> log = awaitLog(l -> l.keySet().stream().filter(k -> k.startsWith("lang-alert-"))
                .count() == Language.values().length);
        assertThat(log.values()).filteredOn(d -> d.getAlertId().startsWith("lang-alert-"))
                .allMatch(d -> d.getStatus() == DeliveryStatus.SENT);
    }

    @Test
    void clientNamesAndEventTextCannotInjectHeadersOrHtml() throws Exception {
        startContext();
        String to = "victim-check@example.com";
        publish(Fixtures.settings("inject", to, Language.EN).setDisplayName("Giulia\r\nBcc: spy@evil.test").build());
        publish(Fixtures.alert("inject-1", "inject", "evil",
                        "Evil Corp\r\nBcc: spy@evil.test\r\nContent-Type: text/html\r\n\r\n<script>x()</script>",
                        AlertType.GHOSTING)
                .setInvoiceIds(List.of("INV-1\nX-Injected: yes")).build());

        MimeMessage message = awaitMail(to, 1).get(0);
        assertThat(message.getHeader("Bcc")).isNull();
        assertThat(message.getHeader("X-Injected")).isNull();
        assertThat(message.getRecipients(Message.RecipientType.TO)).hasSize(1);
        assertThat(message.getAllRecipients()).hasSize(1);
        assertThat(subject(message)).doesNotContain("\r").doesNotContain("\n").startsWith("Evil Corp Bcc:");
        assertThat(mailTo("spy@evil.test")).isEmpty();
        String html = (String) ((MimeMultipart) message.getContent()).getBodyPart(1).getContent();
        assertThat(html).doesNotContain("<script>").contains("&lt;script&gt;x()&lt;/script&gt;");
    }

    @Test
    void aMessageTheServerRefusesIsRecordedRetryingNotSentAndGoesOutOnceWhenAccepted() throws Exception {
        MessageDeliveryHandler accept = greenMail.getUserManager().getMessageDeliveryHandler();
        AtomicBoolean refusing = new AtomicBoolean(true);
        AtomicInteger refusals = new AtomicInteger();
        String to = "refused@example.com";
        greenMail.getUserManager().setMessageDeliveryHandler((message, address) -> {
            if (refusing.get() && address.getEmail().equals(to)) {
                refusals.incrementAndGet();
                throw new UserException("mailbox full");
            }
            return accept.handle(message, address);
        });
        MutableClock.runFrom(DAYTIME); // retries are due after real backoff delays (200 ms doubling to 1 s)
        try {
            startContextWithTenant("refused", to);
            publish(Fixtures.alert("refused-1", "refused", "acme", "Acme", AlertType.PAYMENT_DRIFT).build());

            // The server answered the end of DATA with 451: logged RETRYING with the server's answer, never SENT.
            AlertDelivery retrying = awaitStatus("refused-1", DeliveryStatus.RETRYING);
            assertThat(retrying.getDetail()).contains("451");
            assertThat(refusals.get()).isPositive();
            assertThat(mailTo(to)).isEmpty();

            refusing.set(false);
            awaitStatus("refused-1", DeliveryStatus.SENT);
            assertThat(alertIds(mailTo(to))).containsExactly("refused-1");
            awaitAllAlertsCommitted();
            assertThat(mailTo(to)).hasSize(1);
        } finally {
            greenMail.getUserManager().setMessageDeliveryHandler(accept);
        }
    }

    @Test
    void cooldownPerClientAndTypeAndOptOut() throws Exception {
        startContext();
        String to = "cooldown@example.com";
        publish(Fixtures.settings("cool", to, Language.EN)
                .setAlertOptIns(io.paywatch.contract.AlertOptIns.newBuilder().setGhosting(false).build()).build());
        publish(Fixtures.alert("cool-1", "cool", "acme", "Acme", AlertType.INVOICE_OVERDUE).build());
        publish(Fixtures.alert("cool-2", "cool", "acme", "Acme", AlertType.INVOICE_OVERDUE)
                .setInvoiceIds(List.of("INV-2")).build());
        publish(Fixtures.alert("cool-3", "cool", "other", "Other", AlertType.INVOICE_OVERDUE).build());
        publish(Fixtures.alert("cool-4", "cool", "acme", "Acme", AlertType.GHOSTING).build());
        publish(Fixtures.alert("cool-5", "cool", "acme", "Acme", AlertType.INVOICE_OVERDUE).build());

        Map<String, AlertDelivery> log = awaitLog(l -> l.keySet().containsAll(List.of("cool-1", "cool-2", "cool-3",
                "cool-4", "cool-5")));
        assertThat(log.get("cool-1").getStatus()).isEqualTo(DeliveryStatus.SENT);
        // Another invoice of the same client is news (issue #12): the overdue cooldown is per invoice.
        assertThat(log.get("cool-2").getStatus()).isEqualTo(DeliveryStatus.SENT);
        assertThat(log.get("cool-3").getStatus()).isEqualTo(DeliveryStatus.SENT);
        assertThat(log.get("cool-4").getStatus()).isEqualTo(DeliveryStatus.OPTED_OUT);
        // The same invoice again inside the cooldown is not.
        assertThat(log.get("cool-5").getStatus()).isEqualTo(DeliveryStatus.SUPPRESSED_COOLDOWN);
        awaitAllAlertsCommitted();
        assertThat(mailTo(to)).hasSize(3);
    }

    @Test
    void webhookIsSignedWithHmacSha256AndVerifiedByTheReceiver() throws Exception {
        List<Map<String, String>> received = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hooks/paywatch", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(Map.of("body", body,
                    "signature", exchange.getRequestHeaders().getFirst("X-Paywatch-Signature"),
                    "alertId", exchange.getRequestHeaders().getFirst("X-Paywatch-Alert-Id"),
                    "contentType", exchange.getRequestHeaders().getFirst("Content-Type")));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        try {
            startContext();
            String secret = "whsec_test_0123456789";
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/paywatch";
            publish(Fixtures.settings("hook", "hook@example.com", Language.EN).setWebhookUrl(url)
                    .setWebhookSecret(secret).build());
            PaymentAlert alert = Fixtures.alert("hook-1", "hook", "acme", "Acme", AlertType.INVOICE_OVERDUE).build();
            publish(alert);

            awaitMail("hook@example.com", 1);
            Map<String, AlertDelivery> log = awaitLog(l -> l.containsKey("hook-1#webhook"));
            assertThat(log.get("hook-1#webhook").getStatus()).isEqualTo(DeliveryStatus.SENT);
            assertThat(received).hasSize(1);
            Map<String, String> call = received.get(0);
            assertThat(call.get("alertId")).isEqualTo("hook-1");
            assertThat(call.get("contentType")).isEqualTo("application/json");
            assertThat(call.get("body")).contains("\"alertId\":\"hook-1\"").contains("\"amountMinor\":123450")
                    .contains("\"currency\":\"EUR\"").contains("\"daysPastDue\":\"17\"");
            // Verify independently of the service's signer: t=<unix>,v1=hex(HMAC-SHA256(secret, t + "." + body)).
            String[] parts = call.get("signature").split(",");
            String t = parts[0].substring(2);
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String expected = HexFormat.of().formatHex(mac.doFinal((t + "." + call.get("body"))
                    .getBytes(StandardCharsets.UTF_8)));
            assertThat(parts[1]).isEqualTo("v1=" + expected);
            assertThat(Long.parseLong(t)).isEqualTo(MutableClock.current().getEpochSecond());
            assertThat(WebhookSigner.verify(secret, call.get("signature"), call.get("body"))).isTrue();
            assertThat(WebhookSigner.verify("wrong-secret", call.get("signature"), call.get("body"))).isFalse();
            assertThat(WebhookSigner.verify(secret, call.get("signature"), call.get("body") + " ")).isFalse();
            // The secret never travels in the log.
            assertThat(log.values()).noneMatch(d -> d.getDetail() != null && d.getDetail().contains(secret));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void undecodableAlertsGoToDeadLettersAndDoNotBlockThePartition() throws Exception {
        startContext();
        try (var raw = io.paywatch.testkit.KafkaTestClients.producer(
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            raw.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.PAYMENT_ALERTS.name(),
                    "bad|client", "not avro".getBytes(StandardCharsets.UTF_8))).get();
        }
        publish(Fixtures.settings("after-bad", "after-bad@example.com", Language.EN).build());
        publish(Fixtures.alert("after-bad-1", "after-bad", "client", "Client", AlertType.GHOSTING).build());
        awaitMail("after-bad@example.com", 1);
        var letters = io.paywatch.testkit.KafkaTestClients.readAtLeast(Topics.DEAD_LETTERS.name(),
                Topics.DEAD_LETTERS.keySerde().deserializer(), Topics.DEAD_LETTERS.valueSerde().deserializer(), 1,
                WAIT);
        assertThat(letters.get(0).value().getReason()).contains("PaymentAlert could not be decoded");
        assertThat(letters.get(0).value().getSourceTopic()).isEqualTo(Topics.PAYMENT_ALERTS.name());
    }
}
