package io.paywatch.processor.query;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.micronaut.web.router.Router;
import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.InvoiceIssued;
import io.paywatch.contract.Money;
import io.paywatch.contract.PaymentReceived;
import io.paywatch.schemas.ClientKey;
import io.paywatch.schemas.Topics;
import io.paywatch.testkit.KafkaBrokerExtension;
import io.paywatch.testkit.KafkaTestClients;
import io.paywatch.testkit.SharedKafka;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * The query API against the real app and the real test broker: invoice events go in, profiles and alerts
 * come out of the interactive queries, and a tenant's key reads only that tenant.
 */
@ExtendWith(KafkaBrokerExtension.class)
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryApiTest implements TestPropertyProvider {

    static final String KEY_A = "key-of-tenant-a";
    static final String KEY_B = "key-of-tenant-b";
    /** Pinned event times: the assertions do not depend on when the test runs. */
    static final Instant ISSUED = Instant.parse("2026-01-05T10:00:00Z");

    @Inject
    @Client("/")
    HttpClient http;

    @Inject
    KafkaStreams streams;

    @Inject
    JsonMapper json;

    @Override
    public Map<String, String> getProperties() {
        try {
            return Map.of(
                    "kafka.bootstrap.servers", SharedKafka.bootstrapServers(),
                    "paywatch.topics.partitions", "3",
                    "kafka.streams.default.state.dir", Files.createTempDirectory("paywatch-query-").toString(),
                    "micronaut.server.port", "-1",
                    // The history below is a catch-up: its overdue steps are judged once it has ended.
                    "paywatch.processor.replay-idle", "1s",
                    "paywatch.processor.wall-clock-scan-interval", "500ms",
                    "paywatch.tenants.tenant-a.api-key-sha256", TenantAuth.sha256Hex(KEY_A),
                    "paywatch.tenants.tenant-b.api-key-sha256", TenantAuth.sha256Hex(KEY_B).toUpperCase());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeAll
    void publishTwoTenants() {
        await().atMost(Duration.ofSeconds(60)).until(() -> streams.state() == KafkaStreams.State.RUNNING);
        try (KafkaProducer<String, InvoiceEvent> producer = KafkaTestClients.producer(new StringSerializer(),
                Topics.INVOICE_EVENTS.valueSerde().serializer())) {
            send(producer, "tenant-a", "acme", issued("tenant-a", "acme", "A-1", ISSUED, 30, 100_00));
            send(producer, "tenant-a", "acme", paid("tenant-a", "acme", "A-1",
                    ISSUED.plus(Duration.ofDays(12)), 100_00));
            // Issued long before the last event time and never paid: overdue, so tenant-a gets an alert.
            send(producer, "tenant-a", "acme", issued("tenant-a", "acme", "A-2", ISSUED, 10, 50_00));
            send(producer, "tenant-a", "acme", issued("tenant-a", "acme", "A-3",
                    ISSUED.plus(Duration.ofDays(60)), 30, 70_00));
            send(producer, "tenant-a", "globex", issued("tenant-a", "globex", "G-1", ISSUED, 30, 80_00));
            send(producer, "tenant-b", "secret-client", issued("tenant-b", "secret-client", "B-1", ISSUED,
                    30, 999_00));
            producer.flush();
        }
    }

    private static InvoiceEvent issued(String tenant, String client, String invoice, Instant issuedAt, int terms,
            long amountMinor) {
        return new InvoiceEvent(InvoiceIssued.newBuilder().setEventId("q-issued-" + tenant + "-" + invoice)
                .setTenantId(tenant).setClientId(client).setClientName("Client " + client).setInvoiceId(invoice)
                .setIssuedAt(issuedAt).setDueAt(issuedAt.plus(Duration.ofDays(terms))).setPaymentTermsDays(terms)
                .setAmount(new Money(amountMinor, "EUR")).build());
    }

    private static InvoiceEvent paid(String tenant, String client, String invoice, Instant paidAt, long amountMinor) {
        return new InvoiceEvent(PaymentReceived.newBuilder().setEventId("q-paid-" + tenant + "-" + invoice)
                .setTenantId(tenant).setClientId(client).setInvoiceId(invoice).setPaidAt(paidAt)
                .setAmount(new Money(amountMinor, "EUR")).build());
    }

    private static void send(KafkaProducer<String, InvoiceEvent> producer, String tenant, String client,
            InvoiceEvent event) {
        producer.send(new ProducerRecord<>(Topics.INVOICE_EVENTS.name(), ClientKey.of(tenant, client), event));
    }

    private Map<String, Object> get(String path, String key) {
        return http.toBlocking().retrieve(HttpRequest.GET(path).bearerAuth(key), Argument.mapOf(String.class, Object.class));
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> list(Map<String, Object> body, String field) {
        return (List<Map<String, Object>>) body.get(field);
    }

    @Test
    @SuppressWarnings("unchecked")
    void listsOnlyTheTenantsOwnClientsWithFiguresAndClassification() {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(list(get("/v1/tenants/tenant-a/clients", KEY_A), "clients"))
                        .extracting(c -> c.get("clientId")).containsExactly("acme", "globex"));
        Map<String, Object> body = get("/v1/tenants/tenant-a/clients", KEY_A);
        assertThat(body).containsEntry("tenantId", "tenant-a").containsEntry("partial", false);
        Map<String, Object> acme = list(body, "clients").get(0);
        assertThat((Map<String, Object>) acme.get("payments")).containsEntry("paidInvoices", 1)
                .doesNotContainKey("history");
        assertThat((Map<String, Object>) acme.get("classification")).containsKey("type").containsKey("score");
        assertThat(list(get("/v1/tenants/tenant-b/clients", KEY_B), "clients"))
                .extracting(c -> c.get("clientId")).containsExactly("secret-client");
    }

    @Test
    @SuppressWarnings("unchecked")
    void oneClientHasTheFullProfileWithHistoryAndOpenInvoices() {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Map<String, Object> acme = get("/v1/tenants/tenant-a/clients/acme", KEY_A);
            List<Map<String, Object>> history = (List<Map<String, Object>>) ((Map<String, Object>) acme.get("payments"))
                    .get("history");
            assertThat(history).singleElement().satisfies(h -> {
                assertThat(h).containsEntry("invoiceId", "A-1").containsEntry("daysToPay", 12)
                        .containsEntry("settledAt", "2026-01-17T10:00:00Z");
                assertThat((Map<String, Object>) h.get("amount")).containsEntry("amountMinor", 10000)
                        .containsEntry("currency", "EUR");
            });
            assertThat((List<Map<String, Object>>) ((Map<String, Object>) acme.get("receivables")).get("invoices"))
                    .extracting(i -> i.get("invoiceId")).contains("A-2", "A-3");
        });
    }

    @Test
    void recentAlertsAreTheTenantsOwnNewestFirst() {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(list(get("/v1/tenants/tenant-a/alerts", KEY_A), "alerts"))
                        .isNotEmpty()
                        .allSatisfy(a -> assertThat(a).containsEntry("tenantId", "tenant-a"))
                        .anySatisfy(a -> assertThat(a).containsEntry("type", "INVOICE_OVERDUE")));
        List<Map<String, Object>> alerts = list(get("/v1/tenants/tenant-a/alerts?limit=200", KEY_A), "alerts");
        List<String> times = alerts.stream().map(a -> (String) a.get("occurredAt")).toList();
        assertThat(times).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(list(get("/v1/tenants/tenant-a/alerts?limit=1", KEY_A), "alerts")).hasSize(1);
    }

    @Test
    void anotherTenantsKeyIsForbiddenAndAMissingOrUnknownKeyIsUnauthorized() throws IOException {
        HttpClientResponseException forbidden = failing(HttpRequest.GET("/v1/tenants/tenant-b/clients").bearerAuth(KEY_A));
        assertProblem(forbidden, HttpStatus.FORBIDDEN, "tenant");
        assertProblem(failing(HttpRequest.GET("/v1/tenants/tenant-b/clients/secret-client").bearerAuth(KEY_A)),
                HttpStatus.FORBIDDEN, "tenant");
        assertProblem(failing(HttpRequest.GET("/v1/tenants/tenant-b/alerts").bearerAuth(KEY_A)),
                HttpStatus.FORBIDDEN, "tenant");

        HttpClientResponseException missing = failing(HttpRequest.GET("/v1/tenants/tenant-a/clients"));
        assertProblem(missing, HttpStatus.UNAUTHORIZED, "Authorization");
        assertThat(missing.getResponse().getHeaders().get("WWW-Authenticate")).isEqualTo("Bearer");
        assertProblem(failing(HttpRequest.GET("/v1/tenants/tenant-a/clients").bearerAuth("not-a-key")),
                HttpStatus.UNAUTHORIZED, "Authorization");
        assertProblem(failing(HttpRequest.GET("/v1/tenants/tenant-a/clients").header("Authorization", "Basic eDp5")),
                HttpStatus.UNAUTHORIZED, "Authorization");
    }

    @Test
    void badRequestsAreProblemsNamingTheField() throws IOException {
        assertProblem(failing(HttpRequest.GET("/v1/tenants/tenant-a/clients/nobody").bearerAuth(KEY_A)),
                HttpStatus.NOT_FOUND, "client");
        assertProblem(failing(HttpRequest.GET("/v1/tenants/tenant-a/alerts?limit=0").bearerAuth(KEY_A)),
                HttpStatus.BAD_REQUEST, "limit");
    }

    @Test
    void servesTheDashboardWithAStrictContentSecurityPolicy() {
        HttpResponse<String> page = http.toBlocking().exchange(HttpRequest.GET("/dashboard/"), String.class);
        assertThat(page.body()).contains("<title>Paywatch</title>").contains("dashboard.js");
        assertThat(page.getHeaders().get("Content-Security-Policy")).contains("default-src 'self'");
        assertThat(page.getContentType()).hasValueSatisfying(t -> assertThat(t.toString()).startsWith("text/html"));
        HttpResponse<String> js = http.toBlocking().exchange(HttpRequest.GET("/dashboard/dashboard.js"), String.class);
        assertThat(js.body()).contains("/v1/tenants/").doesNotContain("innerHTML");
        assertThat(catchThrowableOfType(() -> http.toBlocking().exchange(HttpRequest.GET("/dashboard/application.yml")),
                HttpClientResponseException.class).getStatus().getCode()).isEqualTo(404);
    }

    private HttpClientResponseException failing(HttpRequest<Object> request) {
        HttpClientResponseException e = catchThrowableOfType(
                () -> http.toBlocking().exchange(request, Argument.STRING, Argument.STRING),
                HttpClientResponseException.class);
        assertThat((Object) e).as("expected an error for " + request.getPath()).isNotNull();
        return e;
    }

    @SuppressWarnings("unchecked")
    private void assertProblem(HttpClientResponseException e, HttpStatus status, String field) throws IOException {
        assertThat(e.getStatus().getCode()).isEqualTo(status.getCode());
        assertThat(e.getResponse().getContentType().map(Object::toString)).contains("application/problem+json");
        String body = e.getResponse().getBody(String.class).orElseThrow();
        Map<String, Object> problem = json.readValue(body, Argument.mapOf(String.class, Object.class));
        assertThat(problem).containsEntry("status", status.getCode()).containsKey("detail");
        assertThat((List<Map<String, Object>>) problem.get("violations"))
                .anySatisfy(v -> assertThat(v).containsEntry("field", field));
        // The key never comes back in an error.
        assertThat(body).doesNotContain(KEY_A).doesNotContain(KEY_B);
    }

    @Inject
    Router router;

    /**
     * Every HTTP route of the service, read from Micronaut's {@link Router}, with how it keeps tenants apart. A
     * route added without a case here fails the build: give it one (tenant data: tenant-a's key on tenant-b's
     * data must be 403; public: show that it carries no tenant data).
     */
    @Test
    void everyRouteKeepsTenantsApart() {
        Map<String, Runnable> cases = new java.util.LinkedHashMap<>();
        for (String path : List.of("/v1/tenants/tenant-b/clients", "/v1/tenants/tenant-b/clients/secret-client",
                "/v1/tenants/tenant-b/alerts")) {
            String template = path.replace("tenant-b", "{tenant}").replace("secret-client", "{client}");
            cases.put("GET " + template, () -> {
                for (String variant : List.of(path, path + "?scope=local")) {
                    HttpClientResponseException e = catchThrowableOfType(HttpClientResponseException.class,
                            () -> get(variant, KEY_A));
                    assertThat(e).as("tenant-a's key on %s", variant).isNotNull();
                    assertThat(e.getStatus().getCode()).as(variant).isEqualTo(403);
                    assertThat(e.getResponse().getBody(String.class).orElse("")).doesNotContain("secret-client",
                            "999");
                }
                // Positive control: the owner is let in.
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(http.toBlocking()
                        .exchange(HttpRequest.GET(path).bearerAuth(KEY_B), String.class).code()).as(path)
                        .isEqualTo(200));
            });
        }
        // Public routes: static dashboard files and redirects, status-only health, tenant-free meters.
        cases.put("GET /", () -> assertThat(http.toBlocking().exchange(HttpRequest.GET("/")
                .bearerAuth(KEY_A), String.class).code()).isLessThan(400));
        cases.put("GET /dashboard{/file}", () -> assertThat(http.toBlocking().retrieve("/dashboard/dashboard.js"))
                .doesNotContain("secret-client", "tenant-b"));
        Runnable health = () -> {
            assertThat(http.toBlocking().retrieve("/health")).isEqualTo("{\"status\":\"UP\"}");
            assertThat(http.toBlocking().retrieve(HttpRequest.GET("/health").bearerAuth(KEY_A)))
                    .doesNotContain("secret-client", "tenant-b");
        };
        cases.put("GET /health", health);
        cases.put("GET /health/{selector}", health);
        for (String meters : List.of("/prometheus", "/metrics", "/metrics/{name}")) {
            cases.put("GET " + meters, () -> {
                @SuppressWarnings("unchecked")
                List<String> names = (List<String>) http.toBlocking().retrieve(HttpRequest.GET("/metrics"),
                        Argument.mapOf(String.class, Object.class)).get("names");
                for (String name : meters.contains("{name}") ? names.subList(0, Math.min(40, names.size())) : List.of("")) {
                    assertThat(http.toBlocking().retrieve(meters.replace("{name}", name)))
                            .doesNotContain("secret-client", "tenant-b", "tenant-a");
                }
            });
        }

        // Management endpoints that are sensitive by default: closed to everyone, a tenant key included.
        for (String closed : List.of("/beans", "/routes", "/threaddump", "/refresh", "/info")) {
            String path = closed;
            String method = closed.equals("/refresh") ? "POST" : "GET";
            cases.put(method + " " + closed, () -> {
                for (String key : java.util.Arrays.asList(null, KEY_A, KEY_B)) {
                    io.micronaut.http.MutableHttpRequest<Object> r =
                            HttpRequest.create(io.micronaut.http.HttpMethod.valueOf(method), path);
                    if (key != null) {
                        r.bearerAuth(key);
                    }
                    HttpClientResponseException e = catchThrowableOfType(HttpClientResponseException.class,
                            () -> http.toBlocking().exchange(r, String.class));
                    assertThat(e).as("%s %s with key %s is refused", method, path, key).isNotNull();
                    assertThat(e.getStatus().getCode()).as(path).isIn(401, 403, 404);
                }
            });
        }

        // Micronaut adds a HEAD route for every GET one: the GET case covers it.
        List<String> routes = router.uriRoutes()
                .map(r -> r.getHttpMethodName() + " " + r.getUriMatchTemplate().toString())
                .map(r -> r.startsWith("HEAD ") ? "GET " + r.substring(5) : r)
                .distinct().sorted().toList();
        assertThat(cases.keySet()).as("every route of the service has an isolation case; routes: %s", routes)
                .containsAll(routes);
        routes.forEach(r -> cases.get(r).run());
    }
}
