package io.paywatch.producer.security;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.web.router.Router;
import io.paywatch.producer.RawHttp;
import io.paywatch.producer.RunningServiceTest;
import io.paywatch.producer.TestSupport;
import io.paywatch.producer.webhook.Hmac;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every HTTP route of the invoice-producer, read from Micronaut's {@link Router}, with how it keeps tenants
 * apart. A route added without a case here fails the build: give it one.
 *
 * <p>The ingestion and settings endpoints take the tenant from the API key: a body naming another tenant
 * ({@code tenantId}) is 403, so one tenant's key can never write another's data. A webhook belongs
 * to the tenant in its path: a payload signed with tenant acme's secret, sent to another tenant's endpoint, is
 * unverifiable there and gets the same 401 as any bad signature.
 */
@MicronautTest
class RouteIsolationTest extends RunningServiceTest {

    @Inject
    Router router;

    @Test
    void everyRouteKeepsTenantsApart() {
        Map<String, Runnable> cases = new LinkedHashMap<>();
        cases.put("POST /v1/events", () -> {
            String event = """
                    {"type":"InvoiceIssued","tenantId":"acme","eventId":"iso-1","clientId":"c","invoiceId":"i",
                     "issuedAt":"2025-05-01T00:00:00Z","amount":{"amountMinor":100,"currency":"EUR"}}""";
            HttpResponse<String> r = http.postJson("/v1/events", event, TestSupport.OTHER_KEY);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
            assertThat(r.body()).contains("/tenantId");
        });
        cases.put("PUT /v1/settings", () -> {
            HttpResponse<String> r = http.send("PUT", "/v1/settings",
                    "{\"tenantId\":\"acme\",\"notificationEmail\":\"x@example.com\"}".getBytes(StandardCharsets.UTF_8),
                    Map.of("Content-Type", "application/json", "Authorization", "Bearer " + TestSupport.OTHER_KEY));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
            assertThat(r.body()).contains("/tenantId");
        });
        // Contacts live under the key's tenant: another tenant's key reads and writes its own client of that id.
        cases.put("PUT /v1/clients/{clientId}/contacts", () -> {
            assertThat(contacts(http, "PUT", "iso-client", "{\"contacts\":[\"anna@iso.example\"]}", TestSupport.KEY)
                    .statusCode()).isEqualTo(202);
            assertThat(contacts(http, "PUT", "iso-client", "{\"contacts\":[\"@evil.example\"]}",
                    TestSupport.OTHER_KEY).statusCode()).isEqualTo(202);
            assertThat(contacts(http, "GET", "iso-client", null, TestSupport.KEY).body())
                    .contains("anna@iso.example").doesNotContain("evil");
        });
        cases.put("GET /v1/clients/{clientId}/contacts", () -> {
            assertThat(contacts(http, "PUT", "iso-only-acme", "{\"contacts\":[\"bob@iso.example\"]}",
                    TestSupport.KEY).statusCode()).isEqualTo(202);
            HttpResponse<String> r = contacts(http, "GET", "iso-only-acme", null, TestSupport.OTHER_KEY);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(404);
            assertThat(r.body()).doesNotContain("bob@iso.example");
        });
        String body = "{\"id\":\"evt_iso\",\"type\":\"customer.created\",\"data\":{\"object\":{\"id\":\"cus_1\"}}}";
        long t = TestSupport.NOW.getEpochSecond();
        String stripeSig = "t=" + t + ",v1=" + HexFormat.of().formatHex(Hmac.sha256(TestSupport.STRIPE_SECRET,
                (t + "." + body).getBytes(StandardCharsets.UTF_8)));
        cases.put("POST /v1/webhooks/stripe/{tenant}", () -> webhook(http, "stripe", body,
                "Stripe-Signature", stripeSig));
        cases.put("POST /v1/webhooks/quickbooks/{tenant}", () -> webhook(http, "quickbooks", body,
                "intuit-signature", base64Hmac(TestSupport.QUICKBOOKS_TOKEN, body)));
        cases.put("POST /v1/webhooks/xero/{tenant}", () -> webhook(http, "xero", body,
                "x-xero-signature", base64Hmac(TestSupport.XERO_KEY, body)));
        Runnable health = () -> {
            assertThat(http.get("/health").body()).isEqualTo("{\"status\":\"UP\"}");
            assertThat(http.send("GET", "/health", null, Map.of("Authorization", "Bearer " + TestSupport.KEY))
                    .body()).doesNotContain("acme", "other");
        };
        cases.put("GET /health", health);
        cases.put("GET /health/{selector}", health);
        for (String meters : List.of("/prometheus", "/metrics", "/metrics/{name}")) {
            cases.put("GET " + meters, () -> {
                HttpResponse<String> r = http.get(meters.replace("{name}", "paywatch.producer.events.rejected"));
                assertThat(r.body()).doesNotContain("acme", "\"other\"", "other-");
            });
        }
        // Management endpoints that are sensitive by default: closed to everyone, a tenant key included.
        for (String closed : List.of("/beans", "/routes", "/threaddump", "/refresh", "/info", "/loggers",
                "/loggers/{name}", "/env", "/env/{name}", "/stop", "/caches", "/caches/{name}")) {
            String method = closed.equals("/refresh") || closed.equals("/stop") ? "POST" : "GET";
            cases.put(method + " " + closed, () -> {
                for (String key : Arrays.asList(null, TestSupport.KEY)) {
                    Map<String, String> headers = new HashMap<>();
                    if (key != null) {
                        headers.put("Authorization", "Bearer " + key);
                    }
                    HttpResponse<String> r = http.send(method, closed.replace("{name}", "io.paywatch"),
                            method.equals("POST") ? "{}".getBytes(StandardCharsets.UTF_8) : null, headers);
                    assertThat(r.statusCode()).as("%s %s with key %s", method, closed, key).isIn(401, 403, 404);
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

    private static HttpResponse<String> contacts(RawHttp http, String method, String client, String json,
            String key) {
        Map<String, String> headers = new HashMap<>(Map.of("Authorization", "Bearer " + key));
        if (json != null) {
            headers.put("Content-Type", "application/json");
        }
        return http.send(method, "/v1/clients/" + client + "/contacts",
                json == null ? null : json.getBytes(StandardCharsets.UTF_8), headers);
    }

    /** Signed with acme's secret: 200 on acme's endpoint, 401 on every other tenant's, known or not. */
    private static void webhook(RawHttp http, String tool, String body, String header, String signature) {
        Map<String, String> headers = Map.of("Content-Type", "application/json", header, signature);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        for (String tenant : List.of("other", "demo", "nobody")) {
            HttpResponse<String> r = http.send("POST", "/v1/webhooks/" + tool + "/" + tenant, bytes, headers);
            assertThat(r.statusCode()).as("%s signed for acme, sent to %s: %s", tool, tenant, r.body())
                    .isEqualTo(401);
        }
        assertThat(http.send("POST", "/v1/webhooks/" + tool + "/acme", bytes, headers).statusCode())
                .as("positive control: the owner's endpoint accepts it").isIn(200, 400);
    }

    static String base64Hmac(String key, String body) {
        return Base64.getEncoder().encodeToString(Hmac.sha256(key, body.getBytes(StandardCharsets.UTF_8)));
    }
}
