package io.paywatch.producer.api;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.InvoiceIssued;
import io.paywatch.producer.RunningServiceTest;
import io.paywatch.producer.TestSupport;
import io.paywatch.schemas.TopicBootstrap;
import io.paywatch.schemas.Topics;
import io.paywatch.testkit.KafkaTestClients;
import io.paywatch.testkit.SharedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static io.paywatch.producer.TestSupport.KEY;
import static io.paywatch.producer.TestSupport.OTHER_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How the service knows a tenant's zone for plain dates and terms: the settings saved on the topic before it
 * started (tenant "other", Asia/Tokyo), the configured zone of a tenant without settings (acme, Los Angeles),
 * and settings just saved through {@code PUT /v1/settings} (acme moves to New York), used by the next request.
 */
@MicronautTest
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class TenantZonesApiTest extends RunningServiceTest {

    @Override
    public Map<String, String> getProperties() {
        // Before the service starts: tenant "other" saved its settings in Tokyo earlier.
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()))) {
                new TopicBootstrap(3, (short) 1).ensureTopics(admin);
                return true;
            }
        });
        try (KafkaProducer<String, FreelancerSettings> p = KafkaTestClients.producer(new StringSerializer(),
                Topics.FREELANCER_SETTINGS.valueSerde().serializer())) {
            p.send(new ProducerRecord<>(Topics.FREELANCER_SETTINGS.name(), "other", FreelancerSettings.newBuilder()
                    .setTenantId("other").setNotificationEmail("o@example.com").setTimezone("Asia/Tokyo")
                    .setUpdatedAt(Instant.parse("2025-01-01T00:00:00Z")).build())).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        Map<String, String> p = new java.util.HashMap<>(super.getProperties());
        p.put("paywatch.tenants.acme.timezone", "America/Los_Angeles");
        return p;
    }

    InvoiceIssued post(String key, String eventId, String issuedAt, int terms) {
        HttpResponse<String> r = http.postJson("/v1/events", """
                {"type":"InvoiceIssued","eventId":"%s","clientId":"c","invoiceId":"%s","issuedAt":"%s",
                 "paymentTermsDays":%d,"amount":{"amountMinor":1000,"currency":"USD"}}"""
                .formatted(eventId, eventId, issuedAt, terms), key);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        java.util.function.Predicate<Object> mine = p -> p instanceof InvoiceIssued i && i.getEventId().equals(eventId);
        return KafkaTestClients.readUntil(Topics.INVOICE_EVENTS.name(),
                        new org.apache.kafka.common.serialization.StringDeserializer(),
                        Topics.INVOICE_EVENTS.valueSerde().deserializer(), Duration.ofSeconds(30),
                        read -> read.stream().anyMatch(c -> mine.test(c.value().getPayload())))
                .stream().map(c -> c.value().getPayload()).filter(mine)
                .map(InvoiceIssued.class::cast).findFirst().orElseThrow();
    }

    @Test
    void aTenantsSavedZoneOnTheTopicIsReadAtStartUp() {
        InvoiceIssued i = post(OTHER_KEY, "tokyo-1", "2025-05-01", 30);
        assertThat(i.getIssuedAt()).isEqualTo(Instant.parse("2025-04-30T15:00:00Z"));
        assertThat(i.getDueAt()).isEqualTo(Instant.parse("2025-05-30T15:00:00Z"));
    }

    @Test
    @org.junit.jupiter.api.Order(1) // before acme saves settings in the other tests
    void theConfiguredZoneAppliesUntilTheTenantSavesSettingsThenTheSavedOne() {
        InvoiceIssued before = post(KEY, "la-1", "2025-05-01", 30);
        assertThat(before.getIssuedAt()).isEqualTo(Instant.parse("2025-05-01T07:00:00Z"));

        HttpResponse<String> r = http.send("PUT", "/v1/settings", """
                {"notificationEmail":"me@acme.test","timezone":"America/New_York"}"""
                .getBytes(StandardCharsets.UTF_8), Map.of("Content-Type", "application/json",
                "Authorization", "Bearer " + KEY));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);

        // (The service clock is pinned at 2 June 2025, so the DST change inside the terms is the spring one.)
        InvoiceIssued after = post(KEY, "ny-1", "2025-02-20", 30);
        assertThat(after.getIssuedAt()).isEqualTo(Instant.parse("2025-02-20T05:00:00Z"));
        // Net 30 across the start of daylight saving (9 Mar): 22 Mar local midnight (EDT), not 22 Mar 01:00.
        assertThat(after.getDueAt()).isEqualTo(Instant.parse("2025-03-22T04:00:00Z"));
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void aSignedStripeInvoiceWithoutDueDateIsDueAfterTheDefaultTermsInCalendarDaysOfTheTenantsZone() {
        HttpResponse<String> saved = http.send("PUT", "/v1/settings", """
                {"notificationEmail":"me@acme.test","timezone":"America/New_York"}"""
                .getBytes(StandardCharsets.UTF_8), Map.of("Content-Type", "application/json",
                "Authorization", "Bearer " + KEY));
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(202);
        // charge_automatically: no due_date. Finalized 1 Mar 2025 10:00 EST (15:00Z); acme's default terms are 14
        // days, across the 9 Mar start of daylight saving: 15 Mar 10:00 EDT = 14:00Z (not 15:00Z).
        String body = """
                {"id":"evt_zone_1","type":"invoice.finalized","created":1740841200,"data":{"object":{"id":"in_zone_1",
                 "customer":"cus_zone","currency":"usd","amount_due":50000,"created":1740841200,"due_date":null,
                 "status_transitions":{"finalized_at":1740841200}}}}""";
        long t = TestSupport.NOW.getEpochSecond();
        HttpResponse<String> r = http.send("POST", "/v1/webhooks/stripe/acme", body.getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json", "Stripe-Signature", "t=" + t + ",v1=" + hmac(t + "." + body)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        java.util.function.Predicate<Object> mine = p -> p instanceof InvoiceIssued i
                && i.getInvoiceId().equals("in_zone_1");
        InvoiceIssued issued = KafkaTestClients.readUntil(Topics.INVOICE_EVENTS.name(),
                        new org.apache.kafka.common.serialization.StringDeserializer(),
                        Topics.INVOICE_EVENTS.valueSerde().deserializer(), Duration.ofSeconds(30),
                        read -> read.stream().anyMatch(c -> mine.test(c.value().getPayload())))
                .stream().map(c -> c.value().getPayload()).filter(mine)
                .map(InvoiceIssued.class::cast).findFirst().orElseThrow();
        assertThat(issued.getIssuedAt()).isEqualTo(Instant.parse("2025-03-01T15:00:00Z"));
        assertThat(issued.getDueAt()).isEqualTo(Instant.parse("2025-03-15T14:00:00Z"));
        assertThat(issued.getPaymentTermsDays()).isEqualTo(14);
    }

    /** Stripe's v1 signature: hex HMAC-SHA256 of "t.body" under the endpoint secret. */
    static String hmac(String payload) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(TestSupport.STRIPE_SECRET.getBytes(StandardCharsets.UTF_8),
                    "HmacSHA256"));
            return java.util.HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
