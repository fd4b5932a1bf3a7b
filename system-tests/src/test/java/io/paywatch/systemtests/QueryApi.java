package io.paywatch.systemtests;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The query API and the dashboard's data endpoints ({@code /clients}, {@code /clients/{c}}, {@code /alerts}) of one
 * instance, as the dashboard calls them: with the tenant's bearer key.
 */
final class QueryApi {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final String tenant;
    private final String apiKey;

    QueryApi(HttpClient http, String tenant, String apiKey) {
        this.http = http;
        this.tenant = tenant;
        this.apiKey = apiKey;
    }

    /** Everything the dashboard shows of the tenant, from {@code instance}. */
    record Answers(Map<String, Object> clients, Map<String, Map<String, Object>> details, List<Object> alerts) {
    }

    /** {@code GET /v1/tenants/{t}/clients}, the answer as a map; fails on anything but 200. */
    Map<String, Object> clients(ProcessorInstance instance, boolean local) throws IOException, InterruptedException {
        return get(instance, "/clients" + (local ? "?scope=local" : ""));
    }

    /** {@code GET /v1/tenants/{t}/clients/{c}}. */
    Map<String, Object> client(ProcessorInstance instance, String clientId) throws IOException, InterruptedException {
        return get(instance, "/clients/" + URLEncoder.encode(clientId, StandardCharsets.UTF_8));
    }

    /** Every page of {@code GET /v1/tenants/{t}/alerts?limit=200}, concatenated in the API's order. */
    @SuppressWarnings("unchecked")
    List<Object> allAlerts(ProcessorInstance instance) throws IOException, InterruptedException {
        List<Object> all = new ArrayList<>();
        String cursor = null;
        do {
            Map<String, Object> page = get(instance, "/alerts?limit=200"
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)));
            if (Boolean.TRUE.equals(page.get("partial"))) {
                throw new IllegalStateException("partial answer from " + instance.name() + ": an instance did not answer");
            }
            all.addAll((List<Object>) page.get("alerts"));
            cursor = (String) page.get("nextCursor");
        } while (cursor != null);
        return all;
    }

    /** The clients list, every client's full profile and the whole alert history, from {@code instance}. */
    @SuppressWarnings("unchecked")
    Answers answers(ProcessorInstance instance) throws IOException, InterruptedException {
        Map<String, Object> clients = clients(instance, false);
        if (Boolean.TRUE.equals(clients.get("partial"))) {
            throw new IllegalStateException("partial answer from " + instance.name());
        }
        Map<String, Map<String, Object>> details = new LinkedHashMap<>();
        for (Object c : (List<Object>) clients.get("clients")) {
            String id = (String) ((Map<String, Object>) c).get("clientId");
            details.put(id, client(instance, id));
        }
        return new Answers(clients, details, allAlerts(instance));
    }

    private Map<String, Object> get(ProcessorInstance instance, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(instance.uri("/v1/tenants/"
                        + URLEncoder.encode(tenant, StandardCharsets.UTF_8) + path))
                .header("Authorization", "Bearer " + apiKey).timeout(Duration.ofSeconds(20)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(instance.name() + " answered " + r.statusCode() + " to " + path + ": " + r.body());
        }
        return JSON.readValue(r.body(), new TypeReference<LinkedHashMap<String, Object>>() { });
    }
}
