package io.paywatch.launcher;

import io.paywatch.launcher.services.Service;
import io.paywatch.launcher.services.ServiceJars;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.TakesScreenshot;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The "done when", automated: the launcher starts the real stack with the demo on, and within
 * 90 s of being ready the console shows alerts, the query API shows the demo clients, the outbox holds
 * .eml files, and a headless Chromium shows the dashboard with demo data and no console errors.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = java.util.concurrent.TimeUnit.MINUTES)
class LocalStackEndToEndTest {

    static final Duration PATIENCE = Duration.ofSeconds(90);

    final ByteArrayOutputStream console = new ByteArrayOutputStream();
    LocalStack stack;
    StackOptions options;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void startTheStackWithTheDemo() throws Exception {
        // -Dpaywatch.repo=<dir> points at another checkout's built jars; by default, this repository's.
        Path repo = System.getProperty("paywatch.repo") == null ? null : Path.of(System.getProperty("paywatch.repo"));
        ServiceJars jars = new ServiceJars(repo);
        for (Service s : Service.values()) {
            assumeTrue(jars.find(s.module()).isPresent(), "no " + s.module() + " jar under " + jars.roots()
                    + ": the end-to-end test needs the services packaged (./mvnw verify from the root builds them "
                    + "before this module); skipping");
        }
        Path home = Files.createTempDirectory("paywatch-e2e-");
        int[] ports = freePorts(7);
        options = new StackOptions(home, repo, true, "demo", ports[0], ports[1], ports[2], ports[3], ports[4],
                ports[5], ports[6], Duration.ofSeconds(15), Duration.ofSeconds(2), Duration.ofSeconds(150), Map.of());
        PrintStream tee = new PrintStream(new TeeStream(console, System.out), true, StandardCharsets.UTF_8);
        stack = new LocalStack(options, tee);
        stack.start();
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private String consoleText() {
        synchronized (console) {
            return console.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    @Order(1)
    void printsTheUrlsTheTenantAndItsKey() {
        String out = consoleText();
        assertThat(out).contains("Ingestion API   http://localhost:" + options.producerPort() + "/v1/events")
                .contains("Dashboard       http://localhost:" + options.processorPort() + "/dashboard/#tenant=demo&key=")
                .contains("Tenant          demo   API key " + stack.apiKey("demo"));
    }

    @Test
    @Order(2)
    void theConsoleShowsAlertsAsTheyFire() {
        await().atMost(PATIENCE).until(() -> stack.alertsPrinted() > 0);
        assertThat(consoleText()).containsPattern("ALERT  \\d{4}-\\d{2}-\\d{2}  (INFO|WARNING|CRITICAL) +[A-Z_]+ +(demo|studio-rossi) / ");
    }

    @Test
    @Order(3)
    void theQueryApiShowsTheDemoClients() {
        await().atMost(PATIENCE).untilAsserted(() -> {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:"
                    + options.processorPort() + "/v1/tenants/demo/clients"))
                    .header("Authorization", "Bearer " + stack.apiKey("demo")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"acme\"", "\"globex\"", "\"initech\"", "\"hooli\"", "\"umbrella\"");
        });
        // The other demo tenant's key does not open this tenant.
        HttpResponse<String> forbidden = send("/v1/tenants/demo/clients", stack.apiKey("studio-rossi"));
        assertThat(forbidden.statusCode()).isEqualTo(403);
    }

    @Test
    @Order(4)
    void theOutboxHoldsTheEmails() throws IOException {
        await().atMost(PATIENCE).until(() -> emlFiles().size() > 0);
        Path first = emlFiles().get(0);
        assertThat(first).content().contains("Subject:").contains("To:");
    }

    @Test
    @Order(5)
    void theDashboardShowsTheDemoDataInARealBrowserWithoutConsoleErrors() throws IOException {
        Path chromium = Path.of("/usr/bin/chromium");
        Path driverBinary = Path.of("/usr/bin/chromedriver");
        assumeTrue(Files.isExecutable(chromium) && Files.isExecutable(driverBinary),
                "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver); "
                        + "skipping the browser check");
        ChromeOptions chrome = new ChromeOptions();
        chrome.setBinary(chromium.toFile());
        chrome.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--no-first-run", "--disable-component-update", "--disable-sync",
                "--window-size=1400,1800");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        chrome.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driverBinary.toFile())
                .usingAnyFreePort().build();
        WebDriver driver = new ChromeDriver(service, chrome);
        try {
            // Load the page once the whole year is in, so the screenshot shows it.
            await().atMost(PATIENCE).until(() -> consoleText().contains("demo: year replayed"));
            driver.get(stack.dashboardUrl());
            await().atMost(PATIENCE).untilAsserted(() -> {
                assertThat(driver.findElements(By.cssSelector("#clients-table tbody tr"))).hasSizeGreaterThanOrEqualTo(5);
                assertThat(driver.findElements(By.cssSelector("#clients-table .badge"))).isNotEmpty();
                assertThat(driver.findElements(By.cssSelector("#dtp-chart svg .norm"))).hasSize(1);
                assertThat(driver.findElements(By.cssSelector("#dtp-chart svg circle"))).isNotEmpty();
                assertThat(driver.findElements(By.cssSelector("#aging-chart svg rect"))).hasSize(5);
                assertThat(driver.findElements(By.cssSelector("#ghost-chart svg"))).hasSize(1);
                assertThat(driver.findElements(By.cssSelector("#alerts li[data-alert]"))).isNotEmpty();
                assertThat(driver.findElements(By.cssSelector("#emails li.mail"))).isNotEmpty();
            });
            String page = driver.findElement(By.tagName("body")).getText();
            assertThat(page).contains("Acme Robotics").contains("Initech").contains("30-day norm");
            // The ghost and the slow payer are visible as themselves once their history is in.
            driver.findElement(By.cssSelector("#clients-table tr[data-client='hooli']")).click();
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(driver.findElement(By.id("detail-title")).getText()).startsWith("Hooli"));
            Path shot = Path.of("target", "dashboard-e2e.png");
            Files.createDirectories(shot.getParent());
            Files.write(shot, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
            List<LogEntry> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                    .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
            assertThat(errors).as("browser console errors").isEmpty();
        } finally {
            driver.quit();
        }
    }

    private HttpResponse<String> send(String path, String key) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + options.processorPort() + path))
                    .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private List<Path> emlFiles() throws IOException {
        try (Stream<Path> files = Files.list(stack.outbox())) {
            return files.filter(p -> p.toString().endsWith(".eml")).sorted().toList();
        }
    }

    private static int[] freePorts(int n) throws IOException {
        ServerSocket[] sockets = new ServerSocket[n];
        int[] ports = new int[n];
        try {
            for (int i = 0; i < n; i++) {
                sockets[i] = new ServerSocket(0);
                ports[i] = sockets[i].getLocalPort();
            }
        } finally {
            for (ServerSocket s : sockets) {
                if (s != null) {
                    s.close();
                }
            }
        }
        return ports;
    }

    /** Copies the console to a buffer for assertions and to stdout for the build log. */
    private static final class TeeStream extends OutputStream {
        private final ByteArrayOutputStream buffer;
        private final OutputStream out;

        TeeStream(ByteArrayOutputStream buffer, OutputStream out) {
            this.buffer = buffer;
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            synchronized (buffer) {
                buffer.write(b);
            }
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            synchronized (buffer) {
                buffer.write(b, off, len);
            }
            out.write(b, off, len);
        }
    }
}
