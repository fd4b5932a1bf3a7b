package io.paywatch.processor.query;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard's money and alert dates in a real headless Chromium, on the page's own files
 * ({@code resources/public}) with the query API's answers given by a stand-in {@code fetch} (same JSON shapes as
 * {@link DashboardBrowserTest} reads from the real API), so no broker is needed. The truth is computed here in Java:
 * amounts are minor units with {@link Currency#getDefaultFractionDigits()} decimals (¥250,000 is "250,000 JPY", not
 * "2,500.00"; KWD has 3 decimals), and an alert raised at local midnight in Europe/Rome (22:00 UTC the day before)
 * is dated with the Rome date. Skips when chromium or chromedriver is missing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardMoneyTest {

    static final ZoneId ROME = ZoneId.of("Europe/Rome");
    static final LocalDate ALERT_DAY = LocalDate.of(2026, 10, 5);
    /** Local midnight of the alert's day in Rome: still 2026-10-04 in UTC. */
    static final Instant ALERT_AT = ALERT_DAY.atStartOfDay(ROME).toInstant();

    static final long JPY_OPEN = 250_000L;
    static final long JPY_OVERDUE = 1_000_001L;
    static final long KWD_OPEN = 1_234_567L;
    /** The largest integer a JSON number keeps exactly in JavaScript (2^53 - 1): no digit may be lost on the way. */
    static final long KWD_LARGE = 9_007_199_254_740_991L;

    ChromeDriver driver;
    HttpServer files;

    /** Truth: minor units as a decimal with the currency's ISO 4217 digits, grouped by thousands. */
    static String expected(long minor, String code) {
        int digits = Math.max(0, Currency.getInstance(code).getDefaultFractionDigits());
        DecimalFormat format = new DecimalFormat(digits == 0 ? "#,##0" : "#,##0." + "0".repeat(digits),
                DecimalFormatSymbols.getInstance(Locale.ROOT));
        return format.format(BigDecimal.valueOf(minor, digits)) + " " + code;
    }

    @BeforeAll
    void startTheBrowser() throws IOException {
        Path chromium = Path.of("/usr/bin/chromium");
        Path chromedriver = Path.of("/usr/bin/chromedriver");
        assumeTrue(Files.isExecutable(chromium) && Files.isExecutable(chromedriver),
                "chromium and chromium-driver are not installed (.ci/run installs them); skipping");
        Path root = Path.of("src/main/resources/public").toAbsolutePath();
        files = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        files.createContext("/dashboard/", exchange -> {
            Path file = root.resolve(exchange.getRequestURI().getPath().substring("/dashboard/".length())).normalize();
            byte[] body = file.startsWith(root) && Files.isRegularFile(file) ? Files.readAllBytes(file) : new byte[0];
            String name = file.getFileName().toString();
            exchange.getResponseHeaders().set("Content-Type", name.endsWith(".js") ? "text/javascript"
                    : name.endsWith(".css") ? "text/css" : name.endsWith(".svg") ? "image/svg+xml" : "text/html");
            exchange.sendResponseHeaders(body.length == 0 ? 404 : 200, body.length == 0 ? -1 : body.length);
            try (var out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        files.start();
        ChromeOptions chrome = new ChromeOptions();
        chrome.setBinary(chromium.toFile());
        chrome.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--no-first-run", "--disable-component-update", "--disable-sync",
                "--window-size=1400,2000");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        chrome.setCapability("goog:loggingPrefs", logs);
        driver = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort().build(), chrome);
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", fakeApi()));
    }

    @AfterAll
    void quitTheBrowser() {
        if (driver != null) {
            driver.quit();
        }
        if (files != null) {
            files.stop(0);
        }
    }

    /** The query API's answers for a tenant in Rome with a JPY client and a KWD client. */
    private static String fakeApi() {
        String jpyOpen = money(JPY_OPEN, "JPY"), jpyOverdue = money(JPY_OVERDUE, "JPY");
        String kwdOpen = money(KWD_OPEN, "KWD"), kwdLarge = money(KWD_LARGE, "KWD");
        String clients = """
                {"today":"2026-10-05","timezone":"Europe/Rome","clients":[
                 {"clientId":"kaito","clientName":"Kaito KK","displayName":"Kaito KK",
                  "classification":{"type":"NEW","score":10},"payments":{"paidInvoices":0},
                  "receivables":{"openCount":2,"overdueCount":1,"today":"2026-10-05","outstanding":[%s]},
                  "responsiveness":{}},
                 {"clientId":"gulf","clientName":"Gulf Trading","displayName":"Gulf Trading",
                  "classification":{"type":"NEW","score":90},"payments":{"paidInvoices":0},
                  "receivables":{"openCount":2,"overdueCount":0,"today":"2026-10-05","outstanding":[%s]},
                  "responsiveness":{}}]}"""
                .formatted(money(JPY_OPEN + JPY_OVERDUE, "JPY"), kwdOpen + "," + kwdLarge);
        String kaito = profile("kaito", "Kaito KK",
                "{\"label\":\"current\",\"count\":1,\"outstanding\":[" + jpyOpen + "]},"
                        + "{\"label\":\"1-30\",\"count\":1,\"outstanding\":[" + jpyOverdue + "]}",
                "{\"invoiceId\":\"K-1\",\"dueDate\":\"2026-10-20\",\"daysPastDue\":-15,\"outstanding\":" + jpyOpen + "},"
                        + "{\"invoiceId\":\"K-2\",\"dueDate\":\"2026-10-01\",\"daysPastDue\":4,\"outstanding\":"
                        + jpyOverdue + "}");
        String gulf = profile("gulf", "Gulf Trading",
                "{\"label\":\"current\",\"count\":2,\"outstanding\":[" + kwdOpen + "," + kwdLarge + "]}",
                "{\"invoiceId\":\"G-1\",\"dueDate\":\"2026-10-20\",\"daysPastDue\":-15,\"outstanding\":" + kwdOpen + "},"
                        + "{\"invoiceId\":\"G-2\",\"dueDate\":\"2026-10-21\",\"daysPastDue\":-16,\"outstanding\":"
                        + kwdLarge + "}");
        // One alert carries its zone; the other does not, and is dated in the tenant's zone the clients list gives.
        String alerts = """
                {"alerts":[
                 {"alertId":"a-1","type":"INVOICE_OVERDUE","severity":"WARNING","clientId":"kaito","clientName":"Kaito KK",
                  "occurredAt":"%1$s","invoiceIds":["K-2"],"amounts":[%2$s],"facts":{"timezone":"Europe/Rome"},
                  "summary":"Invoice K-2 is 4 days past due"},
                 {"alertId":"a-2","type":"GHOSTING","severity":"WARNING","clientId":"gulf","clientName":"Gulf Trading",
                  "occurredAt":"%1$s","invoiceIds":[],"amounts":[],"facts":{},"summary":"silent"}]}"""
                .formatted(ALERT_AT, jpyOverdue);
        return """
                (() => {
                  const answers = { clients: %s, profiles: { kaito: %s, gulf: %s }, alerts: %s };
                  window.fetch = async (url) => {
                    const u = new URL(url, 'http://api.invalid');
                    let body = null;
                    if (/\\/clients$/.test(u.pathname)) body = answers.clients;
                    else if (u.pathname.includes('/clients/')) body = answers.profiles[decodeURIComponent(u.pathname.split('/clients/')[1])];
                    else if (/\\/alerts$/.test(u.pathname)) body = u.searchParams.get('type') === 'OVERDUE_CORRECTED' ? { alerts: [] } : answers.alerts;
                    return new Response(JSON.stringify(body || {}), { status: body ? 200 : 404,
                      headers: { 'Content-Type': 'application/json' } });
                  };
                })();""".formatted(clients, kaito, gulf, alerts);
    }

    private static String money(long minor, String code) {
        return "{\"amountMinor\":" + minor + ",\"currency\":\"" + code + "\"}";
    }

    private static String profile(String id, String name, String aging, String invoices) {
        return """
                {"clientId":"%s","clientName":"%s","displayName":"%s","timezone":"Europe/Rome","asOf":"2026-10-04T10:00:00Z",
                 "classification":{"type":"NEW","score":10,"reasons":[]},"payments":{"paidInvoices":0,"history":[]},
                 "receivables":{"today":"2026-10-05","asOf":"2026-10-05T08:00:00Z","openCount":2,"overdueCount":0,
                  "aging":[%s],"invoices":[%s]},"responsiveness":{"ghostingTimeline":[]}}"""
                .formatted(id, name, name, aging, invoices);
    }

    private static org.awaitility.core.ConditionFactory patiently() {
        return await().atMost(Duration.ofSeconds(20)).ignoreExceptionsInstanceOf(StaleElementReferenceException.class);
    }

    /** The page as the app serves it (same origin for the page and its script, as under /dashboard/). */
    private String page() {
        return "http://localhost:" + files.getAddress().getPort() + "/dashboard/index.html";
    }

    private String outstandingOf(String client) {
        return driver.findElement(By.cssSelector("#clients-table tr[data-client='" + client + "'] td:nth-child(9)"))
                .getText();
    }

    private List<String> openInvoiceAmounts() {
        return driver.findElements(By.cssSelector("#open-table tbody tr td:nth-child(3)")).stream()
                .map(WebElement::getText).toList();
    }

    private List<String> agingTexts() {
        return driver.findElements(By.cssSelector("#aging-chart text")).stream()
                .map(WebElement::getText).toList();
    }

    @Test
    void moneyIsShownWithTheCurrencysOwnDigitsEverywhere() {
        driver.get(page() + "#tenant=t-rome&key=k");
        // The lowest score (kaito, in yen) is selected first.
        patiently().untilAsserted(() -> {
            assertThat(driver.findElement(By.id("detail-title")).getText()).startsWith("Kaito KK");
            assertThat(outstandingOf("kaito")).isEqualTo(expected(JPY_OPEN + JPY_OVERDUE, "JPY"));
            assertThat(outstandingOf("gulf"))
                    .isEqualTo(expected(KWD_OPEN, "KWD") + ", " + expected(KWD_LARGE, "KWD"));
            assertThat(openInvoiceAmounts()).containsExactly(expected(JPY_OPEN, "JPY"), expected(JPY_OVERDUE, "JPY"));
            assertThat(agingTexts()).contains(expected(JPY_OPEN, "JPY"), expected(JPY_OVERDUE, "JPY"));
        });
        assertThat(expected(JPY_OPEN, "JPY")).isEqualTo("250,000 JPY");
        assertThat(expected(KWD_OPEN, "KWD")).isEqualTo("1,234.567 KWD");

        driver.findElement(By.cssSelector("#clients-table tr[data-client='gulf']")).click();
        patiently().untilAsserted(() -> {
            assertThat(driver.findElement(By.id("detail-title")).getText()).startsWith("Gulf Trading");
            assertThat(openInvoiceAmounts()).containsExactly(expected(KWD_OPEN, "KWD"), expected(KWD_LARGE, "KWD"));
            assertThat(agingTexts()).contains(expected(KWD_OPEN, "KWD") + ", " + expected(KWD_LARGE, "KWD"));
        });
        assertThat(expected(KWD_LARGE, "KWD")).isEqualTo("9,007,199,254,740.991 KWD");
        assertNoConsoleError();
    }

    @Test
    void alertDatesAreCalendarDatesInTheAlertsZone() {
        driver.get(page() + "#tenant=t-rome&key=k");
        assertThat(ALERT_AT).isEqualTo(Instant.parse("2026-10-04T22:00:00Z"));
        patiently().untilAsserted(() -> {
            Map<String, String> meta = new LinkedHashMap<>();
            driver.findElements(By.cssSelector("#alerts li[data-alert]")).forEach(li ->
                    meta.put(li.getDomAttribute("data-alert"), li.findElement(By.cssSelector(".meta")).getText()));
            assertThat(meta).containsExactly(Map.entry("a-1", ALERT_DAY + " · K-2"), Map.entry("a-2", ALERT_DAY.toString()));
        });
        assertNoConsoleError();
    }

    /** The page's table of minor-unit digits agrees with java.util.Currency (the digits the processor and emails use). */
    @Test
    void thePagesDigitsAreJavasIso4217Digits() {
        driver.get(page() + "#tenant=t-rome&key=k");
        Map<String, Long> wrong = new LinkedHashMap<>();
        for (Currency c : Currency.getAvailableCurrencies()) {
            long shown = (Long) driver.executeScript("return window.paywatchMoney.minorDigits(arguments[0]);",
                    c.getCurrencyCode());
            if (shown != Math.max(0, c.getDefaultFractionDigits())) {
                wrong.put(c.getCurrencyCode() + " (java " + c.getDefaultFractionDigits() + ")", shown);
            }
        }
        assertThat(wrong).as("currencies whose digits differ from java.util.Currency").isEmpty();
    }

    private void assertNoConsoleError() {
        List<LogEntry> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
        assertThat(errors).as("browser console errors").isEmpty();
    }
}
