package io.paywatch.producer;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Metrics by type and reason, health with Kafka, and the OpenAPI document with its UI. */
@MicronautTest
class OperationsTest extends RunningServiceTest {

    @Test
    void prometheusCountsAcceptedAndRejectedByTypeAndReason() {
        assertThat(http.postJson("/v1/events", """
                {"type":"MessageReceived","eventId":"ops-1","clientId":"c1","receivedAt":"2025-06-01T09:00:00Z"}""",
                TestSupport.KEY).statusCode()).isEqualTo(202);
        assertThat(http.postJson("/v1/events", """
                {"type":"PaymentReceived","eventId":"ops-2","clientId":"c1","invoiceId":"i","paidAt":"2025-06-01",
                 "amount":{"amountMinor":5,"currency":"QQQ"}}""", TestSupport.KEY).statusCode()).isEqualTo(400);
        String metrics = http.get("/prometheus").body();
        assertThat(metrics)
                .containsPattern("paywatch_producer_events_accepted_total\\{[^}]*source=\"API\"[^}]*type=\"MessageReceived\"[^}]*} 1\\.0")
                .containsPattern("paywatch_producer_events_rejected_total\\{[^}]*reason=\"unknown_currency\"[^}]*type=\"PaymentReceived\"[^}]*} 1\\.0");
    }

    @Test
    void healthIncludesKafka() {
        // The indicators are shown only to a tenant key or the ops token since issue #12; anyone gets the status.
        HttpResponse<String> r = http.send("GET", "/health", null,
                java.util.Map.of("Authorization", "Bearer " + TestSupport.OPS_TOKEN));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"status\":\"UP\"").contains("\"kafka\"");
        assertThat(http.get("/health").body()).isEqualTo("{\"status\":\"UP\"}");
    }

    @Test
    void openApiDocumentAndSwaggerUiAreServed() {
        HttpResponse<String> spec = http.get("/swagger/paywatch-invoice-producer.yml");
        assertThat(spec.statusCode()).isEqualTo(200);
        assertThat(spec.body()).contains("/v1/events:", "/v1/settings:", "/v1/webhooks/stripe/{tenant}:",
                "EventJson", "amountMinor");
        HttpResponse<String> ui = http.get("/swagger-ui/index.html");
        assertThat(ui.statusCode()).isEqualTo(200);
        assertThat(ui.body()).contains("swagger-ui").contains("paywatch-invoice-producer.yml");
    }
}
