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
        startContext(Map.of("micronaut.server.port", "-1",
                "paywatch.security.ops-token-sha256", io.paywatch.schemas.Secrets.sha256Hex(OPS_TOKEN),
                "paywatch.tenants.health.api-key-sha256", io.paywatch.schemas.Secrets.sha256Hex("health-tenant-key")));
        EmbeddedServer server = context.getBean(EmbeddedServer.class);
        server.start();
        URI base = server.getURI();

        // Anyone learns UP or DOWN; only a tenant key or the ops token sees the SMTP host and port, the Kafka
        // cluster id and the disk (issue #12).
        HttpResponse<String> anonymous = get(base.resolve("/health"));
        assertThat(anonymous.statusCode()).isEqualTo(200);
        assertThat(anonymous.body()).isEqualTo("{\"status\":\"UP\"}");
        assertThat(get(base.resolve("/health"), "health-tenant-key").body()).contains("\"smtp\"");
        HttpResponse<String> up = get(base.resolve("/health"), OPS_TOKEN);
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
                .containsPattern("(?m)^paywatch_alerts_delivery_log_entries [1-9][0-9]*\\.0$")
                .contains("paywatch_alerts_delivery_log_parked 0.0");

        greenMail.stop();
        await().atMost(WAIT).until(() -> get(base.resolve("/health")).statusCode() == 503);
        assertThat(get(base.resolve("/health")).body()).isEqualTo("{\"status\":\"DOWN\"}");
        assertThat(get(base.resolve("/health"), OPS_TOKEN).body()).contains("\"smtp\":{\"name\":\"alert-service\"")
                .contains("\"status\":\"DOWN\"");
    }

    private static final String OPS_TOKEN = "ops-token-of-the-health-test";

    /**
     * Every HTTP route of the alert service, read from Micronaut's {@link io.micronaut.web.router.Router}. The
     * service serves no tenant data over HTTP (alerts and the delivery log are on Kafka only): its routes are
     * status-only health, tenant-free meters and management endpoints closed to everyone. A route added without
     * a case here fails the build; one that serves tenant data needs a case proving tenant A's key gets 403 on
     * tenant B's data.
     */
    @Test
    void everyRouteKeepsTenantsApart() throws Exception {
        startContext(Map.of("micronaut.server.port", "-1",
                "paywatch.tenants.tenant-a.api-key-sha256", io.paywatch.schemas.Secrets.sha256Hex("key-a")));
        EmbeddedServer server = context.getBean(EmbeddedServer.class);
        server.start();
        URI base = server.getURI();
        publish(Fixtures.settings("tenant-b", "b@example.com", Language.EN).build());
        publish(Fixtures.alert("iso-1", "tenant-b", "secret-client", "Secret Client", AlertType.RECOVERED).build());
        await().atMost(WAIT).until(() -> mailTo("b@example.com").size() == 1);

        Map<String, java.util.concurrent.Callable<Void>> cases = new java.util.LinkedHashMap<>();
        java.util.concurrent.Callable<Void> health = () -> {
            assertThat(get(base.resolve("/health")).body()).isEqualTo("{\"status\":\"UP\"}");
            assertThat(get(base.resolve("/health"), "key-a").body()).doesNotContain("tenant-b", "secret-client");
            return null;
        };
        cases.put("GET /health", health);
        cases.put("GET /health/{selector}", health);
        for (String meters : java.util.List.of("/prometheus", "/metrics", "/metrics/{name}")) {
            cases.put("GET " + meters, () -> {
                String path = meters.replace("{name}", "paywatch.alerts.emails.sent");
                assertThat(get(base.resolve(path), "key-a").body()).doesNotContain("tenant-b", "secret-client",
                        "b@example.com");
                return null;
            });
        }
        for (String closed : java.util.List.of("/beans", "/routes", "/threaddump", "/refresh", "/info", "/loggers",
                "/loggers/{name}", "/env", "/env/{name}", "/stop", "/caches", "/caches/{name}")) {
            String method = closed.equals("/refresh") || closed.equals("/stop") ? "POST" : "GET";
            cases.put(method + " " + closed, () -> {
                for (String key : java.util.Arrays.asList(null, "key-a")) {
                    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(closed.replace("{name}", "io.paywatch")))
                            .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("{}")
                                    : HttpRequest.BodyPublishers.noBody())
                            .header("Content-Type", "application/json");
                    if (key != null) {
                        b.header("Authorization", "Bearer " + key);
                    }
                    int status = http.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
                    assertThat(status).as("%s %s with key %s", method, closed, key).isIn(401, 403, 404);
                }
                return null;
            });
        }
        // Micronaut adds a HEAD route for every GET one: the GET case covers it.
        java.util.List<String> routes = context.getBean(io.micronaut.web.router.Router.class).uriRoutes()
                .map(r -> r.getHttpMethodName() + " " + r.getUriMatchTemplate().toString())
                .map(r -> r.startsWith("HEAD ") ? "GET " + r.substring(5) : r)
                .distinct().sorted().toList();
        assertThat(cases.keySet()).as("every route of the service has an isolation case; routes: %s", routes)
                .containsAll(routes);
        for (String route : routes) {
            cases.get(route).call();
        }
    }

    private HttpResponse<String> get(URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(URI uri, String bearer) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + bearer).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
