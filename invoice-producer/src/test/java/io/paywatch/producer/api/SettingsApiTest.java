package io.paywatch.producer.api;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.producer.RunningServiceTest;
import io.paywatch.producer.TestSupport;
import io.paywatch.schemas.Topics;
import io.paywatch.testkit.KafkaTestClients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.paywatch.producer.TestSupport.KEY;
import static io.paywatch.producer.TestSupport.OTHER_KEY;
import static org.assertj.core.api.Assertions.assertThat;

@MicronautTest
class SettingsApiTest extends RunningServiceTest {

    HttpResponse<String> put(String json, String key) {
        return http.send("PUT", "/v1/settings", json.getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json", "Authorization", "Bearer " + key));
    }

    @Test
    void settingsArePublishedKeyedByTenantWithDefaultsFilled() {
        HttpResponse<String> r = put("""
                {"notificationEmail":"me@acme.test","timezone":"Europe/Rome","paymentNormDays":45,
                 "workingDays":[5,1,2],"alertOptIns":{"invoiceAtRisk":true}}""", KEY);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);

        List<ConsumerRecord<String, FreelancerSettings>> read = KafkaTestClients.readAtLeast(
                Topics.FREELANCER_SETTINGS.name(), new StringDeserializer(),
                Topics.FREELANCER_SETTINGS.valueSerde().deserializer(), 1, Duration.ofSeconds(30));
        ConsumerRecord<String, FreelancerSettings> rec = read.get(0);
        assertThat(rec.key()).isEqualTo("acme");
        FreelancerSettings s = rec.value();
        assertThat(s.getTenantId()).isEqualTo("acme");
        assertThat(s.getTimezone()).isEqualTo("Europe/Rome");
        assertThat(s.getPaymentNormDays()).isEqualTo(45);
        assertThat(s.getWorkingDays()).containsExactly(1, 2, 5);
        assertThat(s.getOverdueGraceDays()).isEqualTo(3);
        assertThat(s.getAlertOptIns().getInvoiceAtRisk()).isTrue();
        assertThat(s.getAlertOptIns().getInvoiceOverdue()).isTrue();
        assertThat(s.getUpdatedAt()).isEqualTo(TestSupport.NOW);
    }

    @Test
    void invalidSettingsListEveryViolation() {
        HttpResponse<String> r = put("""
                {"notificationEmail":"nope","timezone":"Mars/Olympus","atRiskThreshold":1.5,"workingDays":[0]}""",
                KEY);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("\"field\":\"notificationEmail\"", "\"field\":\"timezone\"",
                "\"field\":\"atRiskThreshold\"", "\"field\":\"workingDays\"");
    }

    @Test
    void anotherTenantsSettingsAre403() {
        HttpResponse<String> r = put("{\"tenantId\":\"acme\",\"notificationEmail\":\"a@b.test\"}", OTHER_KEY);
        assertThat(r.statusCode()).isEqualTo(403);
    }
}
