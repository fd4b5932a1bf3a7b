package io.paywatch.alerts;

import io.micronaut.runtime.server.EmbeddedServer;
import io.paywatch.contract.AlertType;
import io.paywatch.contract.Language;
import io.paywatch.schemas.Topics;
import io.paywatch.testkit.KafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** /health reports Kafka, SMTP reachability and the worker; /prometheus exports the delivery meters. */
class HealthTest extends AlertServiceHarness {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void healthIncludesSmtpAndKafkaAndPrometheusHasTheMeters(KafkaBroker broker) throws Exception {
        startContext(Map.of("micronaut.server.port", "-1"));
        EmbeddedServer server = context.getBean(EmbeddedServer.class);
        server.start();
        URI base = server.getURI();

        HttpResponse<String> up = get(base.resolve("/health"));
        assertThat(up.statusCode()).isEqualTo(200);
        assertThat(up.body()).contains("\"status\":\"UP\"").contains("\"smtp\"").contains("\"kafka\"")
                .contains("\"alertDelivery\"");
        try (Admin admin = broker.admin()) {
            assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS))
                    .containsAll(Topics.ALL.stream().map(t -> t.name()).toList());
        }

        publish(Fixtures.settings("health", "health@example.com", Language.EN).build());
        long start = System.nanoTime();
        publish(Fixtures.alert("health-1", "health", "acme", "Acme", AlertType.RECOVERED).build());
        await().atMost(WAIT).pollInterval(java.time.Duration.ofMillis(5))
                .until(() -> mailTo("health@example.com").size() == 1);
        System.out.printf("[alert-service] publish -> SMTP received: %d ms%n", (System.nanoTime() - start) / 1_000_000);
        // SMTP accepts before SENT is logged and counted, so the meter may trail the mailbox by a moment.
        await().atMost(WAIT).until(() -> get(base.resolve("/prometheus")).body()
                .contains("paywatch_alerts_emails_sent_total 1.0"));
        assertThat(get(base.resolve("/prometheus")).body())
                .contains("paywatch_alerts_email_latency_seconds_count 1")
                .contains("paywatch_alerts_delivery_log_entries 1.0")
                .contains("paywatch_alerts_delivery_log_parked 0.0");

        greenMail.stop();
        await().atMost(WAIT).until(() -> get(base.resolve("/health")).statusCode() == 503);
        assertThat(get(base.resolve("/health")).body()).contains("\"smtp\":{\"name\":\"alert-service\"")
                .contains("\"status\":\"DOWN\"");
    }

    private HttpResponse<String> get(URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }
}
