package io.paywatch.processor.query;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.annotation.MockBean;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.InvoiceIssued;
import io.paywatch.contract.MessageEvent;
import io.paywatch.contract.MessageSent;
import io.paywatch.contract.Money;
import io.paywatch.contract.PaymentReceived;
import io.paywatch.processor.ProcessorStores;
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
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The query API's "today" and the dashboard in a real headless Chromium, against the real app and the shared
 * broker, with the query clock pinned to 01:00 today in the tenant's Pacific/Auckland (yesterday in UTC).
 *
 * <p>The truth is computed here from calendar dates (issue date + terms = due date; days past due = today − due
 * date, in the tenant's zone), never read from the topology: a client silent for 261 days has its four open
 * invoices 247 to 260 days past due today (at its last event they were not due yet), a client with invoices not
 * yet due reads "Due in 13 days", two clients named Acme are told apart by their ids. The browser part checks the
 * texts, the alert filters, the detail URL, that nothing overflows its card and the page has no horizontal scroll at
 * 1400 px and 390 px, and no console error; its screenshots go to {@code target/dashboard-1400.png} and
 * {@code target/dashboard-390.png}. It skips (the API part still runs) when chromium or chromedriver is missing.
 */
@ExtendWith(KafkaBrokerExtension.class)
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest implements TestPropertyProvider {

    static final String TENANT = "dash-tenant";
    static final String KEY = "key-of-dash-tenant";
    static final ZoneId ZONE = ZoneId.of("Pacific/Auckland");
    /**
     * The tenant's today: the real date in Auckland. The query clock is pinned (fixed for the whole class) to 01:00
     * of it, which in UTC is still the day before, so a UTC "today" would be wrong by a day. It is chosen from the
     * real date because the processor's own wall clock (which judges overdue steps live, and which a running Kafka
     * Streams app does not let a test pin) must agree with it, or the page would show alerts dated after "today".
     * Every event below is a number of days before it, so the truth does not depend on the day the test runs.
     */
    static final LocalDate TODAY = LocalDate.now(ZONE);
    static final Instant NOW = TODAY.atTime(1, 0).atZone(ZONE).toInstant();

    /**
     * Payments are made at half past midnight in Auckland, which in UTC is always the day before (UTC+12 or +13), so
     * a page showing UTC dates for them is caught whatever the season.
     */
    static final LocalTime PAID_AT = LocalTime.of(0, 30);

    static LocalDate daysAgo(int days) {
        return TODAY.minusDays(days);
    }

    /** An invoice of the test's truth: issued on a calendar date in the tenant's zone, due {@code terms} days later. */
    record Inv(String client, String name, String id, LocalDate issued, int terms, long amountMinor, LocalDate paid) {
        LocalDate due() {
            return issued.plusDays(terms);
        }

        Instant issuedAt() {
            return issued.atTime(LocalTime.of(10, 0)).atZone(ZONE).toInstant();
        }

        Instant dueAt() {
            return due().atTime(LocalTime.of(10, 0)).atZone(ZONE).toInstant();
        }
    }

    static final String SILENT = "mori";
    static final String SOON = "acme-nz";
    static final String OTHER_ACME = "acme-uk";

    static final List<Inv> HISTORY = List.of(
            // Silent for 261 days: two paid on time, then four never paid.
            new Inv(SILENT, "Mori & Sons", "M-1", daysAgo(310), 30, 500_00, daysAgo(284)),
            new Inv(SILENT, "Mori & Sons", "M-2", daysAgo(293), 30, 500_00, daysAgo(269)),
            new Inv(SILENT, "Mori & Sons", "M-3", daysAgo(274), 14, 100_00, null),
            new Inv(SILENT, "Mori & Sons", "M-4", daysAgo(269), 14, 200_00, null),
            new Inv(SILENT, "Mori & Sons", "M-5", daysAgo(265), 14, 300_00, null),
            new Inv(SILENT, "Mori & Sons", "M-6", daysAgo(261), 14, 400_00, null),
            // Invoices not yet due, one due today, one a day past due (in Auckland; in UTC today is still yesterday).
            new Inv(SOON, "Acme", "N-1", daysAgo(13), 26, 1_000_00, null),
            new Inv(SOON, "Acme", "N-2", daysAgo(1), 30, 2_000_00, null),
            new Inv(SOON, "Acme", "N-3", daysAgo(30), 30, 300_00, null),
            new Inv(SOON, "Acme", "N-4", daysAgo(31), 30, 400_00, null),
            // Another client with the same name (another case): told apart by its id.
            new Inv(OTHER_ACME, "ACME", "U-1", daysAgo(81), 30, 700_00, daysAgo(62)));

    @Inject
    @Client("/")
    HttpClient http;

    @Inject
    KafkaStreams streams;

    @Inject
    EmbeddedServer server;

    ChromeDriver driver;

    @MockBean(QueryClock.class)
    QueryClock pinnedClock() {
        return new QueryClock(Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Override
    public Map<String, String> getProperties() {
        try {
            return Map.of(
                    "kafka.bootstrap.servers", SharedKafka.bootstrapServers(),
                    "paywatch.topics.partitions", "3",
                    "kafka.streams.default.application.id", "dashboard-it-" + UUID.randomUUID(),
                    "kafka.streams.default.state.dir", Files.createTempDirectory("paywatch-dashboard-").toString(),
                    "micronaut.server.port", "-1",
                    "paywatch.processor.wall-clock-scan-interval", "200ms",
                    "paywatch.processor.replay-idle", "500ms",
                    "paywatch.tenants." + TENANT + ".api-key-sha256", TenantAuth.sha256Hex(KEY));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeAll
    void publishTheHistory() {
        await().atMost(Duration.ofSeconds(60)).until(() -> streams.state() == KafkaStreams.State.RUNNING);
        try (KafkaProducer<String, FreelancerSettings> producer = KafkaTestClients.producer(new StringSerializer(),
                Topics.FREELANCER_SETTINGS.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(Topics.FREELANCER_SETTINGS.name(), TENANT, FreelancerSettings.newBuilder()
                    .setTenantId(TENANT).setNotificationEmail("me@example.com").setTimezone(ZONE.getId())
                    .setUpdatedAt(Instant.parse("2026-01-01T00:00:00Z")).build()));
        }
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> streams.store(StoreQueryParameters
                .fromNameAndType(ProcessorStores.SETTINGS, QueryableStoreTypes.keyValueStore())).get(TENANT) != null);
        try (KafkaProducer<String, InvoiceEvent> producer = KafkaTestClients.producer(new StringSerializer(),
                Topics.INVOICE_EVENTS.valueSerde().serializer())) {
            for (Inv i : HISTORY) {
                producer.send(new ProducerRecord<>(Topics.INVOICE_EVENTS.name(), ClientKey.of(TENANT, i.client()),
                        new InvoiceEvent(InvoiceIssued.newBuilder().setEventId("dash-issued-" + i.id())
                                .setTenantId(TENANT).setClientId(i.client()).setClientName(i.name())
                                .setInvoiceId(i.id()).setIssuedAt(i.issuedAt()).setDueAt(i.dueAt())
                                .setPaymentTermsDays(i.terms()).setAmount(new Money(i.amountMinor(), "NZD")).build())));
                if (i.paid() != null) {
                    producer.send(new ProducerRecord<>(Topics.INVOICE_EVENTS.name(), ClientKey.of(TENANT, i.client()),
                            new InvoiceEvent(PaymentReceived.newBuilder().setEventId("dash-paid-" + i.id())
                                    .setTenantId(TENANT).setClientId(i.client()).setInvoiceId(i.id())
                                    .setPaidAt(i.paid().atTime(PAID_AT).atZone(ZONE).toInstant())
                                    .setAmount(new Money(i.amountMinor(), "NZD")).build())));
                }
            }
        }
        // A question to the other Acme that was never answered: a GHOSTING alert, a second alert type to filter.
        try (KafkaProducer<String, MessageEvent> producer = KafkaTestClients.producer(new StringSerializer(),
                Topics.MESSAGE_EVENTS.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(Topics.MESSAGE_EVENTS.name(), ClientKey.of(TENANT, OTHER_ACME),
                    new MessageEvent(MessageSent.newBuilder().setEventId("dash-msg-1").setTenantId(TENANT)
                            .setClientId(OTHER_ACME).setThreadId("th-1").setExpectsReply(true)
                            .setSentAt(daysAgo(51).atTime(14, 0).atZone(ZONE).toInstant()).build())));
        }
    }

    @AfterAll
    void quitTheBrowser() {
        if (driver != null) {
            driver.quit();
        }
    }

    private Map<String, Object> get(String path) {
        return http.toBlocking().retrieve(HttpRequest.GET(path).bearerAuth(KEY), Argument.mapOf(String.class, Object.class));
    }

    @SuppressWarnings("unchecked")
    private static <T> T at(Object map, String... path) {
        Object o = map;
        for (String p : path) {
            o = ((Map<String, Object>) o).get(p);
        }
        return (T) o;
    }

    /** Truth: the open invoices of a client, with their days past due today. */
    private static Map<String, Integer> expectedDaysPastDue(String client) {
        Map<String, Integer> out = new LinkedHashMap<>();
        HISTORY.stream().filter(i -> i.client().equals(client) && i.paid() == null)
                .sorted(java.util.Comparator.comparing(Inv::due).thenComparing(Inv::id))
                .forEach(i -> out.put(i.id(), (int) ChronoUnit.DAYS.between(i.due(), TODAY)));
        return out;
    }

    private static List<Integer> expectedAging(String client) {
        int[] counts = new int[5];
        expectedDaysPastDue(client).values().forEach(d -> counts[d <= 0 ? 0 : d <= 30 ? 1 : d <= 60 ? 2 : d <= 90 ? 3 : 4]++);
        return List.of(counts[0], counts[1], counts[2], counts[3], counts[4]);
    }

    @Test
    @Order(1)
    @SuppressWarnings("unchecked")
    void theApiAnswersAsOfTodayInTheTenantsZoneNotAsOfTheLastEvent() {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            List<Map<String, Object>> clients = at(get("/v1/tenants/" + TENANT + "/clients"), "clients");
            assertThat(clients).extracting(c -> c.get("clientId")).containsExactly(SOON, OTHER_ACME, SILENT);
            assertThat(clients).allSatisfy(c -> assertThat((Integer) at(c, "receivables", "openCount"))
                    .isEqualTo(expectedDaysPastDue((String) c.get("clientId")).size()));
            assertThat((Integer) at(clients.get(2), "payments", "paidInvoices")).isEqualTo(2);
            // A client's message can be processed before its first invoice (another topic): its name comes later.
            assertThat(clients).allSatisfy(c -> assertThat(c.get("clientName")).isNotNull());
        });
        Map<String, Object> list = get("/v1/tenants/" + TENANT + "/clients");
        assertThat(list).containsEntry("today", TODAY.toString()).containsEntry("timezone", ZONE.getId());
        List<Map<String, Object>> clients = at(list, "clients");
        for (Map<String, Object> c : clients) {
            String id = (String) c.get("clientId");
            Map<String, Integer> truth = expectedDaysPastDue(id);
            Map<String, Object> r = at(c, "receivables");
            assertThat(r).as(id).containsEntry("overdueCount", (int) truth.values().stream().filter(d -> d > 0).count())
                    .containsEntry("today", TODAY.toString()).doesNotContainKey("invoices");
            assertThat(((List<Map<String, Object>>) r.get("aging"))).extracting(b -> b.get("count"))
                    .as(id).containsExactlyElementsOf(expectedAging(id));
        }
        // The client silent since March: all four 90+ today, though at its last event none was due yet.
        Map<String, Object> silent = get("/v1/tenants/" + TENANT + "/clients/" + SILENT);
        List<Map<String, Object>> invoices = at(silent, "receivables", "invoices");
        Map<String, Integer> shown = new LinkedHashMap<>();
        invoices.forEach(i -> shown.put((String) i.get("invoiceId"), (Integer) i.get("daysPastDue")));
        assertThat(shown).containsExactlyEntriesOf(expectedDaysPastDue(SILENT));
        assertThat(shown.values()).allSatisfy(d -> assertThat(d).isGreaterThan(90));
        assertThat((Integer) at(silent, "receivables", "oldestOpenAgeDays"))
                .isEqualTo((int) ChronoUnit.DAYS.between(daysAgo(274), TODAY));
        assertThat((Integer) at(silent, "receivables", "overdueCount")).isEqualTo(4);
        assertThat(invoices).allSatisfy(i -> assertThat(i).containsEntry("lateProbability", 1.0));
        // Due dates as the tenant's calendar dates; not-yet-due invoices negative (the page says "Due in N days").
        Map<String, Object> soon = get("/v1/tenants/" + TENANT + "/clients/" + SOON);
        List<Map<String, Object>> soonInvoices = at(soon, "receivables", "invoices");
        assertThat(soonInvoices).extracting(i -> i.get("invoiceId"), i -> i.get("daysPastDue"), i -> i.get("dueDate"))
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("N-4", 1, TODAY.minusDays(1).toString()),
                        org.assertj.core.groups.Tuple.tuple("N-3", 0, TODAY.toString()),
                        org.assertj.core.groups.Tuple.tuple("N-1", -13, TODAY.plusDays(13).toString()),
                        org.assertj.core.groups.Tuple.tuple("N-2", -29, TODAY.plusDays(29).toString()));
        // Same name, different clients: each reads as itself.
        assertThat(clients).extracting(c -> c.get("displayName"))
                .containsExactly("Acme (acme-nz)", "ACME (acme-uk)", "Mori & Sons");
    }

    @Test
    @Order(2)
    void theDashboardInARealBrowser() throws IOException {
        Path chromium = Path.of("/usr/bin/chromium");
        Path chromedriver = Path.of("/usr/bin/chromedriver");
        assumeTrue(Files.isExecutable(chromium) && Files.isExecutable(chromedriver),
                "chromium and chromium-driver are not installed (.ci/run installs them); skipping the browser check");
        // Both alert types present, so the type filter has something to tell apart.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(DashboardBrowserTest.<List<Map<String, Object>>>at(
                get("/v1/tenants/" + TENANT + "/alerts?limit=200"), "alerts")).extracting(a -> a.get("type"))
                .contains("INVOICE_OVERDUE", "GHOSTING"));
        driver = startChromium(chromium, chromedriver);
        String base = "http://localhost:" + server.getPort() + "/dashboard/";
        String fragment = "#tenant=" + TENANT + "&key=" + KEY;

        // The detail view by URL, at 1400 px.
        viewport(1400, 2000);
        driver.get(base + "?client=" + SILENT + fragment);
        patiently(30).untilAsserted(() -> {
            assertThat(text(By.id("detail-title"))).startsWith("Mori & Sons");
            assertThat(driver.findElements(By.cssSelector("#open-table tbody tr"))).hasSize(4);
        });
        // Late share and overdue now: two figures, each with a tooltip saying which is which.
        patiently(15).untilAsserted(() -> {
            WebElement late = driver.findElement(By.id("late-share"));
            WebElement overdue = driver.findElement(By.id("overdue-now"));
            assertThat(late.getText()).isEqualTo("Paid late 0% of 2 paid");
            assertThat(late.getDomAttribute("title")).contains("already paid").contains("after their due date");
            assertThat(overdue.getText()).isEqualTo("Overdue now 4 of 4 open");
            assertThat(overdue.getDomAttribute("title")).contains("still open").contains("today (" + TODAY + ")");
            WebElement silentRow = driver.findElement(By.cssSelector("#clients-table tr[data-client='" + SILENT + "']"));
            assertThat(silentRow.findElement(By.cssSelector("td.late-share")).getText()).isEqualTo("0% of 2 paid");
            assertThat(silentRow.findElement(By.cssSelector("td.overdue-now")).getText()).isEqualTo("4 of 4 open");
            assertThat(driver.findElements(By.cssSelector("#open-table td.due"))).extracting(WebElement::getText)
                    .containsExactlyElementsOf(expectedDaysPastDue(SILENT).values().stream()
                            .map(d -> d + " days overdue").toList());
            // Same-named clients are told apart, everywhere the name is shown.
            assertThat(driver.findElements(By.cssSelector("#clients-table td.name"))).extracting(WebElement::getText)
                    .containsExactly("Acme (acme-nz)", "ACME (acme-uk)", "Mori & Sons");
            assertThat(driver.findElements(By.cssSelector("#alert-client option"))).extracting(WebElement::getText)
                    .containsExactly("All clients", "Acme (acme-nz)", "ACME (acme-uk)", "Mori & Sons");
        });
        // The days-to-pay chart dates its settlements in the tenant's zone (Auckland), not in UTC.
        patiently(15).untilAsserted(() -> assertThat(driver.findElements(By.cssSelector("#dtp-chart svg > text")))
                .extracting(WebElement::getText)
                .contains(daysAgo(284).toString(), daysAgo(269).toString())
                .doesNotContain(daysAgo(285).toString(), daysAgo(270).toString()));
        assertNoOverflow(1400);

        // Another client by clicking its row: the URL follows, and "Due in N days" replaces negative days past due.
        patiently(15).untilAsserted(() ->
                driver.findElement(By.cssSelector("#clients-table tr[data-client='" + SOON + "']")).click());
        patiently(15).untilAsserted(() -> {
            assertThat(text(By.id("detail-title"))).startsWith("Acme (acme-nz)");
            assertThat(driver.findElements(By.cssSelector("#open-table td.due"))).extracting(WebElement::getText)
                    .containsExactly("1 day overdue", "Due today", "Due in 13 days", "Due in 29 days");
        });
        assertThat(driver.getCurrentUrl()).contains("?client=" + SOON + "#tenant=");
        patiently(15).untilAsserted(() -> assertThat(driver.findElements(By.cssSelector("#open-table td.plate")))
                .hasSize(4).allSatisfy(td -> assertThat(td.isDisplayed()).isTrue()));
        assertNoOverflow(1400);
        screenshot("dashboard-1400.png");

        // The alert panel: by type, then by client; each time the rows are exactly the history API's answer to the
        // same filter (the first page) and every row passes the filter.
        choose("alert-type", "GHOSTING");
        patiently(15).untilAsserted(() -> assertThat(alertRows()).isNotEmpty()
                .allSatisfy(a -> assertThat(a).containsEntry("type", "GHOSTING")
                        .containsEntry("client", OTHER_ACME).containsEntry("name", "ACME (acme-uk)"))
                .extracting(a -> a.get("id")).containsExactlyElementsOf(alertIds("type=GHOSTING")));
        choose("alert-type", "INVOICE_OVERDUE");
        patiently(15).untilAsserted(() -> assertThat(alertRows()).isNotEmpty()
                .allSatisfy(a -> assertThat(a).containsEntry("type", "INVOICE_OVERDUE"))
                .anySatisfy(a -> assertThat(a).containsEntry("client", SILENT).containsEntry("name", "Mori & Sons"))
                .extracting(a -> a.get("id")).containsExactlyElementsOf(alertIds("type=INVOICE_OVERDUE")));
        // Mori & Sons never got a message: no GHOSTING, and the panel says so.
        choose("alert-client", SILENT);
        choose("alert-type", "GHOSTING");
        patiently(15).untilAsserted(() -> {
            assertThat(alertRows()).isEmpty();
            assertThat(text(By.id("alerts"))).isEqualTo("No alerts match.");
        });
        choose("alert-client", OTHER_ACME);
        choose("alert-type", "");
        patiently(15).untilAsserted(() -> assertThat(alertRows()).isNotEmpty()
                .allSatisfy(a -> assertThat(a).containsEntry("client", OTHER_ACME).containsEntry("name", "ACME (acme-uk)"))
                .anySatisfy(a -> assertThat(a).containsEntry("type", "GHOSTING"))
                .extracting(a -> a.get("id")).containsExactlyElementsOf(alertIds("clientId=" + OTHER_ACME)));
        // Truth: every invoice here that was paid was paid before its due date, so an overdue alert about it was
        // wrong (raised when the processor judged a step before the payment arrived, see the time model) and must
        // be shown withdrawn; an overdue alert about an unpaid invoice must not.
        for (String client : List.of(OTHER_ACME, SILENT)) {
            choose("alert-client", client);
            patiently(15).untilAsserted(() -> assertThat(alertRows()).isNotEmpty()
                    .allSatisfy(a -> assertThat(a).containsEntry("client", client))
                    .allSatisfy(a -> assertThat(a.get("withdrawn")).as("withdrawn: %s", a)
                            .isEqualTo("INVOICE_OVERDUE".equals(a.get("type")) && paidInvoice((String) a.get("invoices")))));
        }

        // A phone: the same page, no horizontal scroll, nothing outside its card.
        viewport(390, 3600);
        driver.get(base + "?client=" + SOON + fragment);
        patiently(30).untilAsserted(() ->
                assertThat(driver.findElements(By.cssSelector("#open-table td.due"))).extracting(WebElement::getText)
                        .contains("Due in 13 days"));
        assertNoOverflow(390);
        screenshot("dashboard-390.png");

        List<LogEntry> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
        assertThat(errors).as("browser console errors").isEmpty();
    }

    /** Waits for the page: it re-renders every 5 s, so an element read a moment ago may have been replaced. */
    private static org.awaitility.core.ConditionFactory patiently(int seconds) {
        return await().atMost(Duration.ofSeconds(seconds)).ignoreExceptionsInstanceOf(StaleElementReferenceException.class);
    }

    /** The alert panel's rows, read in one script (one consistent snapshot): type, client id, client name shown. */
    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> alertRows() {
        return (List<Map<String, Object>>) driver.executeScript("return Array.from(document.querySelectorAll("
                + "'#alerts li[data-alert]')).map(li => ({id: li.getAttribute('data-alert'), type: li.getAttribute('data-type'),"
                + " client: li.getAttribute('data-client'), name: li.querySelector('.client').textContent,"
                + " invoices: li.getAttribute('data-invoices'), withdrawn: li.classList.contains('withdrawn')}));");
    }

    private static boolean paidInvoice(String invoiceId) {
        return HISTORY.stream().anyMatch(i -> i.id().equals(invoiceId) && i.paid() != null && i.paid().isBefore(i.due()));
    }

    /** The alert ids of the history API's first page (the panel's page size) for a filter. */
    private List<Object> alertIds(String filter) {
        List<Map<String, Object>> alerts = at(get("/v1/tenants/" + TENANT + "/alerts?limit=50&" + filter), "alerts");
        return alerts.stream().map(a -> a.get("alertId")).toList();
    }

    private String text(By by) {
        return driver.findElement(by).getText();
    }

    private void choose(String selectId, String value) {
        ((JavascriptExecutor) driver).executeScript("const s = document.getElementById(arguments[0]);"
                + " s.value = arguments[1]; s.dispatchEvent(new Event('change'));", selectId, value);
    }

    /** The CSS viewport, exactly (a headless window's size includes no chrome, but this does not depend on it). */
    private void viewport(int width, int height) {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height,
                "deviceScaleFactor", 1, "mobile", false));
    }

    /**
     * No horizontal scroll on the page, and every visible element inside a card lies within the card's box (a card
     * never scrolls sideways either): a clipped P(late) column fails here.
     */
    @SuppressWarnings("unchecked")
    private void assertNoOverflow(int width) {
        JavascriptExecutor js = driver;
        assertThat(((Number) js.executeScript("return window.innerWidth;")).intValue()).isEqualTo(width);
        assertThat(((Number) js.executeScript("return document.documentElement.scrollWidth;")).intValue())
                .as("page width at %d px", width).isLessThanOrEqualTo(width);
        List<String> overflowing = (List<String>) js.executeScript("""
                const out = [];
                document.querySelectorAll('.card').forEach(card => {
                  if (card.offsetParent === null) return;
                  const box = card.getBoundingClientRect();
                  if (card.scrollWidth > card.clientWidth + 1) out.push((card.id || card.className) + ' scrolls sideways');
                  card.querySelectorAll('*').forEach(e => {
                    const r = e.getBoundingClientRect();
                    if (r.width === 0 && r.height === 0) return;
                    if (r.left < box.left - 1 || r.right > box.right + 1) {
                      out.push((card.id || card.className) + ': <' + e.tagName.toLowerCase() + ' class="'
                        + (e.getAttribute('class') || '') + '"> ' + Math.round(r.left) + '..' + Math.round(r.right)
                        + ' outside ' + Math.round(box.left) + '..' + Math.round(box.right));
                    }
                  });
                });
                return out;""");
        assertThat(overflowing).as("elements outside their card at %d px", width).isEmpty();
    }

    private void screenshot(String name) throws IOException {
        Path shot = Path.of("target", name);
        Files.createDirectories(shot.getParent());
        Files.write(shot, driver.getScreenshotAs(OutputType.BYTES));
    }

    private static ChromeDriver startChromium(Path chromium, Path chromedriver) {
        ChromeOptions chrome = new ChromeOptions();
        chrome.setBinary(chromium.toFile());
        chrome.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--no-first-run", "--disable-component-update", "--disable-sync",
                "--hide-scrollbars", "--window-size=1400,2000");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        chrome.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, chrome);
    }
}
