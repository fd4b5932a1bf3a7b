package io.paywatch.processor.query;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.InvoiceIssued;
import io.paywatch.contract.Money;
import io.paywatch.contract.PaymentReceived;
import io.paywatch.schemas.ClientKey;
import io.paywatch.schemas.TopicBootstrap;
import io.paywatch.schemas.Topics;
import io.paywatch.testkit.KafkaBrokerExtension;
import io.paywatch.testkit.KafkaTestClients;
import io.paywatch.testkit.SharedKafka;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
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
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * The alert history through the query API, on the real app and the real test broker (3 partitions): filters, cursor
 * paging through more than 200 alerts, the per-client cap, the horizon, and bad parameters.
 *
 * <p>Truth is computed here from the generated invoices, never from the topology: an unpaid invoice of the default
 * settings (grace 3 days, UTC) raises INVOICE_OVERDUE at 4, 30, 60 and 90 days past due, at midnight UTC of that
 * day, WARNING below 60 days and CRITICAL from 60.
 *
 * <p>Tenant {@code hist}: one noisy client (40 unpaid invoices, 160 alerts) and four quiet ones (10 each, 40 alerts
 * each), all issued within 40 days, then one event per client 200 days on, which makes every step due. The
 * per-client cap is 100: the noisy client keeps its newest 100, the quiet ones keep everything (260 in all).
 * Tenant {@code horizon}: 2 clients × 5 unpaid invoices whose every step becomes due at once, 400 days after issue,
 * with a 365-day horizon: step 1 (4 days past due) is older than the horizon when it is raised and is not kept.
 */
@ExtendWith(KafkaBrokerExtension.class)
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertHistoryApiTest implements TestPropertyProvider {

    static final String KEY = "key-of-hist";
    static final String KEY_H = "key-of-horizon";
    static final String T = "hist";
    static final String H = "horizon";
    static final Instant T0 = Instant.parse("2024-01-01T10:00:00Z");
    static final Instant H0 = T0.plus(Duration.ofDays(300));
    static final int PER_CLIENT = 100;
    static final int[] STEP_DAYS = {4, 30, 60, 90};

    @Inject
    @Client("/")
    HttpClient http;

    @Inject
    KafkaStreams streams;

    @Inject
    JsonMapper json;

    /** Expected alerts: client → (invoice, step) → occurredAt. */
    private final Map<String, Map<String, Instant>> expectedHist = new LinkedHashMap<>();
    private final Map<String, Map<String, Instant>> expectedHorizon = new LinkedHashMap<>();

    @Override
    public Map<String, String> getProperties() {
        // Runs after KafkaBrokerExtension deleted every topic and before the app starts: create the topics here and
        // wait until the broker's metadata shows their partitions, or Streams may start while they are not visible
        // ("no partitions available for topic freelancer-settings"; seen on a loaded machine).
        Map<String, Object> admin = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
        new TopicBootstrap(3, (short) 1).ensureTopics(admin);
        try (Admin client = Admin.create(admin)) {
            List<String> names = Topics.ALL.stream().map(t -> t.name()).toList();
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> client.describeTopics(names)
                    .allTopicNames().get().values().stream().allMatch(d -> d.partitions().size() == 3
                            && d.partitions().stream().allMatch(p -> p.leader() != null)));
        }
        try {
            return Map.of(
                    "kafka.bootstrap.servers", SharedKafka.bootstrapServers(),
                    "paywatch.topics.partitions", "3",
                    "kafka.streams.default.state.dir", Files.createTempDirectory("paywatch-history-").toString(),
                    "micronaut.server.port", "-1",
                    "paywatch.processor.alerts-per-client", Integer.toString(PER_CLIENT),
                    "paywatch.processor.alert-retention", "365d",
                    // The history is a catch-up: its overdue steps are judged once it has ended.
                    "paywatch.processor.replay-idle", "1s",
                    "paywatch.processor.wall-clock-scan-interval", "500ms",
                    "paywatch.tenants.hist.api-key-sha256", TenantAuth.sha256Hex(KEY),
                    "paywatch.tenants.horizon.api-key-sha256", TenantAuth.sha256Hex(KEY_H));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeAll
    void publishHistories() {
        await().atMost(Duration.ofSeconds(60)).until(() -> streams.state() == KafkaStreams.State.RUNNING);
        try (KafkaProducer<String, InvoiceEvent> producer = KafkaTestClients.producer(new StringSerializer(),
                Topics.INVOICE_EVENTS.valueSerde().serializer())) {
            List<String> histClients = List.of("noisy", "quiet-1", "quiet-2", "quiet-3", "quiet-4");
            // Issued in time order over 40 days; every step falls after the last issue, so nothing fires early.
            for (int day = 0; day < 40; day++) {
                for (String client : histClients) {
                    if (client.equals("noisy") || day % 4 == 0) {
                        issue(producer, T, client, client + "-inv-" + day, T0.plus(Duration.ofDays(day)), 10,
                                expectedHist);
                    }
                }
            }
            for (String client : histClients) {
                tick(producer, T, client, T0.plus(Duration.ofDays(200)));
            }
            producer.flush();
            // The overdue steps of a catch-up are judged when it ends, as of the partition's stream time then: the
            // horizon tenant's history (a year later) goes in only once these are recorded, so it cannot push them
            // behind the 365-day horizon first.
            int expectedKept = 260;
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() ->
                    assertThat(all(T, KEY, "")).hasSize(expectedKept));
            for (String client : List.of("h1", "h2")) {
                for (int i = 0; i < 5; i++) {
                    issue(producer, H, client, client + "-inv-" + i, H0.plus(Duration.ofHours(i)), 10,
                            expectedHorizon);
                }
            }
            for (String client : List.of("h1", "h2")) {
                tick(producer, H, client, H0.plus(Duration.ofDays(400)));
            }
            producer.flush();
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(all(H, KEY_H, "")).hasSize(30));
    }

    private void issue(KafkaProducer<String, InvoiceEvent> producer, String tenant, String client, String invoice,
            Instant issuedAt, int terms, Map<String, Map<String, Instant>> expected) {
        Instant dueAt = issuedAt.plus(Duration.ofDays(terms));
        producer.send(new ProducerRecord<>(Topics.INVOICE_EVENTS.name(), ClientKey.of(tenant, client),
                new InvoiceEvent(InvoiceIssued.newBuilder().setEventId("h-issued-" + tenant + "-" + invoice)
                        .setTenantId(tenant).setClientId(client).setClientName("Client " + client)
                        .setInvoiceId(invoice).setIssuedAt(issuedAt).setDueAt(dueAt).setPaymentTermsDays(terms)
                        .setAmount(new Money(100_00L, "EUR")).build())));
        LocalDate dueDate = LocalDate.ofInstant(dueAt, ZoneOffset.UTC);
        for (int step = 1; step <= 4; step++) {
            expected.computeIfAbsent(client, c -> new LinkedHashMap<>()).put(invoice + "#" + step,
                    dueDate.plusDays(STEP_DAYS[step - 1]).atStartOfDay(ZoneOffset.UTC).toInstant());
        }
    }

    /** A payment for an invoice that does not exist (held, never alerts): it only moves the partition's time on. */
    private static void tick(KafkaProducer<String, InvoiceEvent> producer, String tenant, String client, Instant at) {
        producer.send(new ProducerRecord<>(Topics.INVOICE_EVENTS.name(), ClientKey.of(tenant, client),
                new InvoiceEvent(PaymentReceived.newBuilder().setEventId("h-tick-" + tenant + "-" + client)
                        .setTenantId(tenant).setClientId(client).setInvoiceId("no-such-invoice-" + client)
                        .setPaidAt(at).setAmount(new Money(1L, "EUR")).build())));
    }

    private Map<String, Object> get(String path, String key) {
        return http.toBlocking().retrieve(HttpRequest.GET(path).bearerAuth(key),
                Argument.mapOf(String.class, Object.class));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> alertsOf(Map<String, Object> body) {
        return (List<Map<String, Object>>) body.get("alerts");
    }

    /** Every page of {@code query} (limit 200), following nextCursor; checks each page's size and order. */
    private List<Map<String, Object>> all(String tenant, String key, String query) {
        return pages(tenant, key, query, 200).stream().flatMap(List::stream).toList();
    }

    private List<List<Map<String, Object>>> pages(String tenant, String key, String query, int limit) {
        List<List<Map<String, Object>>> pages = new ArrayList<>();
        String cursor = null;
        do {
            String path = "/v1/tenants/" + tenant + "/alerts?limit=" + limit + query
                    + (cursor == null ? "" : "&cursor=" + cursor);
            Map<String, Object> body = get(path, key);
            List<Map<String, Object>> page = alertsOf(body);
            assertThat(page.size()).isLessThanOrEqualTo(limit);
            assertThat(body).containsEntry("partial", false);
            cursor = (String) body.get("nextCursor");
            if (cursor != null) {
                assertThat(page).as("a page with a next cursor is full").hasSize(limit);
            }
            pages.add(page);
            assertThat(pages.size()).as("paging terminates").isLessThan(100);
        } while (cursor != null);
        return pages;
    }

    private static String id(Map<String, Object> alert) {
        @SuppressWarnings("unchecked")
        List<String> invoices = (List<String>) alert.get("invoiceIds");
        @SuppressWarnings("unchecked")
        Map<String, String> facts = (Map<String, String>) alert.get("facts");
        return invoices.get(0) + "#" + facts.get("escalationStep");
    }

    private static Map<String, Instant> asMap(List<Map<String, Object>> alerts) {
        Map<String, Instant> out = new LinkedHashMap<>();
        alerts.forEach(a -> assertThat(out.put(id(a), Instant.parse((String) a.get("occurredAt"))))
                .as("each alert once").isNull());
        return out;
    }

    private Map<String, Instant> expectedKept(String client) {
        Map<String, Instant> all = expectedHist.get(client);
        if (all.size() <= PER_CLIENT) {
            return all;
        }
        // The per-client cap keeps the newest; this client's steps never tie at the cut (checked below).
        List<Map.Entry<String, Instant>> newest = all.entrySet().stream()
                .sorted(Map.Entry.<String, Instant>comparingByValue().reversed()).limit(PER_CLIENT).toList();
        Map<String, Instant> out = new LinkedHashMap<>();
        newest.forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    @Test
    void pagesThroughTheWholeHistoryNewestFirstWithoutGapsOrRepeats() {
        List<List<Map<String, Object>>> pages = pages(T, KEY, "", 50);
        assertThat(pages).hasSize(6); // 260 alerts: 5 full pages of 50 and one of 10
        List<Map<String, Object>> all = pages.stream().flatMap(List::stream).toList();
        assertThat(all).hasSize(260).allSatisfy(a -> assertThat(a).containsEntry("tenantId", T)
                .containsEntry("type", "INVOICE_OVERDUE"));
        List<Instant> times = all.stream().map(a -> Instant.parse((String) a.get("occurredAt"))).toList();
        assertThat(times).isSortedAccordingTo(Comparator.reverseOrder());
        Map<String, Instant> expected = new LinkedHashMap<>();
        expectedHist.keySet().forEach(c -> expected.putAll(expectedKept(c)));
        assertThat(asMap(all)).isEqualTo(expected);
        // Two pages of 200 give the same sequence.
        assertThat(pages(T, KEY, "", 200).stream().flatMap(List::stream).map(AlertHistoryApiTest::id).toList())
                .isEqualTo(all.stream().map(AlertHistoryApiTest::id).toList());
    }

    @Test
    void aNoisyClientKeepsItsNewestAlertsAndNeverEvictsAQuietClients() {
        Map<String, Instant> noisy = expectedHist.get("noisy");
        assertThat(noisy).hasSize(160);
        // The cut between kept and dropped falls between two distinct instants, so "newest 100" is unambiguous.
        List<Instant> sorted = noisy.values().stream().sorted(Comparator.reverseOrder()).toList();
        assertThat(sorted.get(PER_CLIENT - 1)).isAfter(sorted.get(PER_CLIENT));

        assertThat(asMap(all(T, KEY, "&clientId=noisy"))).isEqualTo(expectedKept("noisy")).hasSize(PER_CLIENT);
        for (String quiet : List.of("quiet-1", "quiet-2", "quiet-3", "quiet-4")) {
            assertThat(asMap(all(T, KEY, "&clientId=" + quiet))).isEqualTo(expectedHist.get(quiet)).hasSize(40);
        }
        assertThat(all(T, KEY, "&clientId=nobody")).isEmpty();
    }

    @Test
    void filtersByTypeSeverityClientAndTimeRange() {
        List<Map<String, Object>> everything = all(T, KEY, "");
        assertFilter(everything, "&type=INVOICE_OVERDUE", a -> true);
        assertFilter(everything, "&type=PAYMENT_DRIFT", a -> false);
        assertFilter(everything, "&type=GHOSTING,INVOICE_OVERDUE", a -> true);
        assertFilter(everything, "&severity=CRITICAL", a -> step(a) >= 3);
        assertFilter(everything, "&severity=WARNING", a -> step(a) <= 2);
        assertFilter(everything, "&severity=INFO,WARNING&clientId=quiet-2",
                a -> step(a) <= 2 && a.get("clientId").equals("quiet-2"));
        Instant from = T0.plus(Duration.ofDays(80));
        Instant to = T0.plus(Duration.ofDays(110));
        assertFilter(everything, "&from=" + from + "&to=" + to, a -> !time(a).isBefore(from) && time(a).isBefore(to));
        // from is inclusive, to exclusive, on the exact instant of an alert.
        Instant exact = time(everything.get(17));
        assertFilter(everything, "&from=" + exact, a -> !time(a).isBefore(exact));
        assertFilter(everything, "&to=" + exact, a -> time(a).isBefore(exact));
        assertFilter(everything, "&clientId=quiet-3&severity=CRITICAL&from=" + from,
                a -> a.get("clientId").equals("quiet-3") && step(a) >= 3 && !time(a).isBefore(from));
        // The filters page too: 160 CRITICAL alerts (80 of the noisy client, 20 of each quiet one) in pages of 50.
        assertThat(pages(T, KEY, "&severity=CRITICAL", 50)).hasSize(4);
    }

    private void assertFilter(List<Map<String, Object>> everything, String query,
            Predicate<Map<String, Object>> expected) {
        List<String> want = everything.stream().filter(expected).map(AlertHistoryApiTest::id).toList();
        assertThat(all(T, KEY, query).stream().map(AlertHistoryApiTest::id).toList()).as(query).isEqualTo(want);
        // Independently of the unfiltered answer: CRITICAL is exactly steps 3 and 4 of the generated invoices.
        if (query.equals("&severity=CRITICAL")) {
            Set<String> truth = new TreeSet<>();
            expectedHist.keySet().forEach(c -> expectedKept(c).keySet().stream()
                    .filter(k -> k.endsWith("#3") || k.endsWith("#4")).forEach(truth::add));
            assertThat(new TreeSet<>(want)).isEqualTo(truth);
        }
    }

    @SuppressWarnings("unchecked")
    private static int step(Map<String, Object> alert) {
        return Integer.parseInt(((Map<String, String>) alert.get("facts")).get("escalationStep"));
    }

    private static Instant time(Map<String, Object> alert) {
        return Instant.parse((String) alert.get("occurredAt"));
    }

    @Test
    void alertsOlderThanTheHorizonWhenRaisedAreNotKept() {
        Map<String, Instant> expected = new LinkedHashMap<>();
        expectedHorizon.forEach((client, alerts) -> alerts.forEach((k, v) -> {
            if (!k.endsWith("#1")) {
                expected.put(k, v);
            }
        }));
        Map<String, Instant> kept = asMap(all(H, KEY_H, ""));
        assertThat(kept).isEqualTo(expected).hasSize(30);
        // The horizon is stream time (400 days after issue) minus 365 days: step 1 is before it, step 2 after it.
        Instant horizon = H0.plus(Duration.ofDays(400 - 365));
        assertThat(expectedHorizon.values().stream().flatMap(m -> m.entrySet().stream())
                .filter(e -> e.getKey().endsWith("#1")).map(Map.Entry::getValue)).allMatch(t -> t.isBefore(horizon));
        assertThat(kept.values()).allMatch(t -> t.isAfter(horizon));
        // Tenants stay apart: the other tenant's history holds none of these.
        Set<String> histIds = all(T, KEY, "").stream().map(AlertHistoryApiTest::id).collect(Collectors.toSet());
        assertThat(new HashSet<>(kept.keySet())).doesNotContainAnyElementsOf(histIds);
    }

    @Test
    void badParametersAreProblemsNamingTheParameter() throws IOException {
        assertProblem("type=NOPE", "type");
        assertProblem("type=INVOICE_OVERDUE,", "type");
        assertProblem("severity=LOUD", "severity");
        assertProblem("clientId=%20", "clientId");
        assertProblem("from=yesterday", "from");
        assertProblem("to=2024-13-01T00:00:00Z", "to");
        assertProblem("from=2024-02-01T00:00:00Z&to=2024-01-01T00:00:00Z", "to");
        assertProblem("cursor=" + URLEncoder.encode("not a cursor!", StandardCharsets.UTF_8), "cursor");
        assertProblem("cursor=Zm9vYmFy", "cursor"); // valid base64 ("foobar"), not a cursor
        assertProblem("limit=0", "limit");
        assertProblem("limit=201", "limit");
        assertProblem("limit=ten", "limit");
        // Another tenant's key is still refused before any parameter is looked at.
        HttpClientResponseException e = catchThrowableOfType(() -> http.toBlocking().exchange(
                HttpRequest.GET("/v1/tenants/" + H + "/alerts?type=NOPE").bearerAuth(KEY), Argument.STRING,
                Argument.STRING), HttpClientResponseException.class);
        assertThat(e.getStatus().getCode()).isEqualTo(HttpStatus.FORBIDDEN.getCode());
    }

    @SuppressWarnings("unchecked")
    private void assertProblem(String query, String field) throws IOException {
        HttpClientResponseException e = catchThrowableOfType(() -> http.toBlocking().exchange(
                HttpRequest.GET("/v1/tenants/" + T + "/alerts?" + query).bearerAuth(KEY), Argument.STRING,
                Argument.STRING), HttpClientResponseException.class);
        assertThat((Object) e).as(query).isNotNull();
        assertThat(e.getStatus().getCode()).as(query).isEqualTo(400);
        assertThat(e.getResponse().getContentType().map(Object::toString)).contains("application/problem+json");
        String body = e.getResponse().getBody(String.class).orElseThrow();
        Map<String, Object> problem = json.readValue(body, Argument.mapOf(String.class, Object.class));
        assertThat((List<Map<String, Object>>) problem.get("violations")).as(query)
                .anySatisfy(v -> assertThat(v).containsEntry("field", field));
        assertThat(body).doesNotContain("Exception").doesNotContain("java.");
    }
}
