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
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The "done when", automated against the launcher as you run it: {@code java io.paywatch.launcher.Launcher}
 * in a process (and process group) of its own, with the demo on and a local Prometheus. Within 90 s of being
 * ready the console shows alerts, the query API shows the demo clients, the outbox holds .eml files, a headless
 * Chromium shows the dashboard with demo data and no console errors, and Prometheus has data for every query of
 * the provisioned Grafana dashboard. Last, the test does what a terminal's Ctrl-C does (SIGINT to the launcher's
 * whole process group) and checks that the launcher alone heard it, stopped the services one by one (each with
 * SIGTERM, exit 143) and the broker last, and that no child logged an ERROR on the way down.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class LocalStackEndToEndTest {

    static final Duration PATIENCE = Duration.ofSeconds(90);
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Optional<Path> SETSID = Stream.of("/usr/bin/setsid", "/bin/setsid").map(Path::of)
            .filter(Files::isExecutable).findFirst();

    final ByteArrayOutputStream console = new ByteArrayOutputStream();
    final HttpClient http = HttpClient.newHttpClient();
    Path home;
    Ports ports;
    Process launcher;
    boolean prometheus;

    record Ports(int kafka, int controller, int producer, int processor, int alerts, int smtp, int outbox,
            int prometheus) {
    }

    @BeforeAll
    void startTheLauncherWithTheDemo() throws Exception {
        // -Dpaywatch.repo=<dir> points at another checkout's built jars; by default, this repository's.
        Path repo = System.getProperty("paywatch.repo") == null ? null : Path.of(System.getProperty("paywatch.repo"));
        ServiceJars jars = new ServiceJars(repo);
        for (Service s : Service.values()) {
            assumeTrue(jars.find(s.module()).isPresent(), "no " + s.module() + " jar under " + jars.roots()
                    + ": the end-to-end test needs the services packaged (./mvnw verify from the root builds them "
                    + "before this module); skipping");
        }
        home = Files.createTempDirectory("paywatch-e2e-");
        int[] p = freePorts(8);
        ports = new Ports(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]);
        prometheus = PrometheusSupport.binary().isPresent();
        List<String> command = new ArrayList<>();
        // Its own process group, like a shell job: the Ctrl-C test signals the whole group, as a terminal does.
        SETSID.ifPresent(s -> command.add(s.toString()));
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), Launcher.class.getName(),
                "--home", home.toString(), "--kafka-port", "" + ports.kafka(), "--controller-port", "" + ports.controller(),
                "--producer-port", "" + ports.producer(), "--processor-port", "" + ports.processor(),
                "--alert-port", "" + ports.alerts(), "--smtp-port", "" + ports.smtp(), "--outbox-port", "" + ports.outbox(),
                "--replay-seconds", "15", "--live-interval-ms", "2000"));
        if (repo != null) {
            command.addAll(List.of("--repo", repo.toString()));
        }
        if (prometheus) {
            command.addAll(List.of("--with-prometheus", "--prometheus-port", "" + ports.prometheus(),
                    "--scrape-seconds", "2"));
        }
        launcher = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread pump = new Thread(() -> copy(launcher.getInputStream()), "launcher-console");
        pump.setDaemon(true);
        pump.start();
        await().atMost(Duration.ofSeconds(200)).until(() -> consoleText().contains("  Ctrl-C stops everything")
                || !launcher.isAlive());
        assertThat(launcher.isAlive()).as("the launcher is running; console:%n%s", consoleText()).isTrue();
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (launcher != null && launcher.isAlive()) {
            launcher.destroy();
            if (!launcher.waitFor(90, TimeUnit.SECONDS)) {
                launcher.destroyForcibly();
            }
        }
    }

    private void copy(InputStream in) {
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                synchronized (console) {
                    console.write(buf, 0, n);
                }
                System.out.write(buf, 0, n);
                System.out.flush();
            }
        } catch (IOException e) {
            // The launcher exited.
        }
    }

    private String consoleText() {
        synchronized (console) {
            return console.toString(StandardCharsets.UTF_8);
        }
    }

    private String printed(String regex) {
        Matcher m = Pattern.compile(regex).matcher(consoleText());
        assertThat(m.find()).as("console line matching %s", regex).isTrue();
        return m.group(1);
    }

    private String apiKey(String tenant) {
        return printed("Tenant          " + Pattern.quote(tenant) + "   API key (pw_\\S+)");
    }

    private String dashboardUrl() {
        return printed("Dashboard       (\\S+)");
    }

    private long alertsPrinted() {
        return consoleText().lines().filter(l -> l.startsWith("ALERT  ")).count();
    }

    private Path outbox() {
        return home.resolve("outbox");
    }

    @Test
    @Order(1)
    void printsTheUrlsTheTenantItsKeyAndItsWebhookSecretsOnce() throws Exception {
        String out = consoleText();
        assertThat(out).contains("Ingestion API   http://localhost:" + ports.producer() + "/v1/events")
                .contains("Dashboard       http://localhost:" + ports.processor() + "/dashboard/#tenant=demo&key=")
                .contains("Stripe webhook  http://localhost:" + ports.producer() + "/v1/webhooks/stripe/demo")
                .contains("Add a tenant:   java -jar launcher/target/launcher.jar add-tenant <id>");
        String key = apiKey("demo");
        String stripe = printed("Stripe          http://localhost:" + ports.producer()
                + "/v1/webhooks/stripe/demo   secret (whsec_\\S+)");
        assertThat(stripe).isNotEqualTo("whsec_demo_only_change_me");
        Path credentials = home.resolve("credentials.properties");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials))).isEqualTo("rw-------");
        assertThat(Files.readString(credentials)).contains(key).contains(stripe);
        Path producerSecrets = home.resolve("secrets/invoice-producer.properties");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(producerSecrets))).isEqualTo("rw-------");
        // Nothing secret on a command line, where any local user can read it (ps).
        for (ProcessHandle child : launcherDescendants()) {
            String cmd = child.info().commandLine().orElse("");
            assertThat(cmd).as("command line of pid %d", child.pid()).doesNotContain(stripe).doesNotContain(key);
        }

        // The producer checks Stripe signatures with the generated secret, and refuses the committed placeholder.
        String body = "{\"id\":\"evt_e2e_1\",\"object\":\"event\",\"type\":\"customer.created\",\"data\":{\"object\":{}}}";
        assertThat(stripe(body, stripe).statusCode()).isEqualTo(200);
        HttpResponse<String> forged = stripe(body, "whsec_demo_only_change_me");
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(forged.body()).contains("Stripe-Signature");
        // Another tenant's secret reaches the producer through its owner-only config file.
        java.util.Properties kept = new java.util.Properties();
        try (var r = Files.newBufferedReader(credentials)) {
            kept.load(r);
        }
        String rossi = kept.getProperty("studio-rossi.stripe-endpoint-secret");
        assertThat(stripe("studio-rossi", body, rossi).statusCode()).isEqualTo(200);
        assertThat(stripe("studio-rossi", body, stripe).statusCode()).as("demo's secret for studio-rossi").isEqualTo(401);
    }

    private HttpResponse<String> stripe(String body, String secret) throws Exception {
        return stripe("demo", body, secret);
    }

    private HttpResponse<String> stripe(String tenant, String body, String secret) throws Exception {
        long t = System.currentTimeMillis() / 1000;
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String v1 = HexFormat.of().formatHex(mac.doFinal((t + "." + body).getBytes(StandardCharsets.UTF_8)));
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + ports.producer()
                        + "/v1/webhooks/stripe/" + tenant)).header("Content-Type", "application/json")
                .header("Stripe-Signature", "t=" + t + ",v1=" + v1)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private List<ProcessHandle> launcherDescendants() {
        return launcher.toHandle().descendants().toList();
    }

    @Test
    @Order(2)
    void theServicesListenOnLoopbackOnly() throws IOException {
        Optional<InetAddress> lan = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .filter(i -> {
                    try {
                        return i.isUp() && !i.isLoopback();
                    } catch (IOException e) {
                        return false;
                    }
                })
                .flatMap(i -> Collections.list(i.getInetAddresses()).stream())
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                .findFirst();
        assumeTrue(lan.isPresent(), "this machine has no non-loopback IPv4 address to try; skipping");
        for (int port : new int[] {ports.producer(), ports.processor(), ports.alerts(), ports.outbox(), ports.smtp()}) {
            assertThat(connects(new InetSocketAddress("127.0.0.1", port))).as("port %d on loopback", port).isTrue();
            assertThat(connects(new InetSocketAddress(lan.get(), port))).as("port %d on %s", port, lan.get()).isFalse();
        }
    }

    private static boolean connects(InetSocketAddress address) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(address, 2000);
            return true;
        } catch (ConnectException | java.net.SocketTimeoutException refused) {
            return false;
        }
    }

    @Test
    @Order(3)
    void theConsoleShowsAlertsAsTheyFire() {
        await().atMost(PATIENCE).until(() -> alertsPrinted() > 0);
        assertThat(consoleText()).containsPattern("ALERT  \\d{4}-\\d{2}-\\d{2}  (INFO|WARNING|CRITICAL) +[A-Z_]+ +(demo|studio-rossi) / ");
    }

    @Test
    @Order(4)
    void theQueryApiShowsTheDemoClients() {
        await().atMost(PATIENCE).untilAsserted(() -> {
            HttpResponse<String> r = send("/v1/tenants/demo/clients", apiKey("demo"));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"acme\"", "\"globex\"", "\"initech\"", "\"hooli\"", "\"umbrella\"");
        });
        // The other demo tenant's key does not open this tenant.
        HttpResponse<String> forbidden = send("/v1/tenants/demo/clients", apiKey("studio-rossi"));
        assertThat(forbidden.statusCode()).isEqualTo(403);
    }

    @Test
    @Order(5)
    void theOutboxHoldsTheEmailsAndShowsEachTenantOnlyItsOwn() throws Exception {
        await().atMost(PATIENCE).until(() -> emlFiles().size() > 0);
        Path first = emlFiles().get(0);
        assertThat(first).content().contains("Subject:").contains("To:");
        String base = "http://localhost:" + ports.outbox() + "/outbox";
        // Ada (demo) has recent alerts, so emails; Giulia (studio-rossi) may have none yet, but never Ada's.
        await().atMost(PATIENCE).untilAsserted(() -> {
            HttpResponse<String> r = get(base + "?tenant=demo&key=" + URLEncoder.encode(apiKey("demo"), StandardCharsets.UTF_8));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).as("demo's outbox").contains("ada@paywatch.local").doesNotContain("giulia@paywatch.local");
        });
        HttpResponse<String> rossi = get(base + "?tenant=studio-rossi&key="
                + URLEncoder.encode(apiKey("studio-rossi"), StandardCharsets.UTF_8));
        assertThat(rossi.statusCode()).isEqualTo(200);
        assertThat(rossi.body()).as("studio-rossi's outbox").doesNotContain("ada@paywatch.local");
        // Ada's key does not open Giulia's outbox.
        assertThat(get(base + "?tenant=studio-rossi&key=" + URLEncoder.encode(apiKey("demo"), StandardCharsets.UTF_8))
                .statusCode()).isEqualTo(401);
        assertThat(get(base).statusCode()).isEqualTo(401);
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(6)
    void theDashboardShowsTheDemoDataInARealBrowserWithoutConsoleErrors() throws IOException {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver); "
                        + "skipping the browser check");
        WebDriver driver = chrome(1400, 1800);
        try {
            // Load the page once the whole year is in, so the screenshot shows it.
            await().atMost(PATIENCE).until(() -> consoleText().contains("demo: year replayed"));
            driver.get(dashboardUrl());
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
            screenshot(driver, Path.of("target", "dashboard-e2e.png"));
            List<LogEntry> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                    .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
            assertThat(errors).as("browser console errors").isEmpty();
        } finally {
            driver.quit();
        }
    }

    @Test
    @Order(7)
    void prometheusHasDataForEveryQueryOfTheGrafanaDashboard() throws Exception {
        assumeTrue(prometheus, "prometheus is not installed (apt-get install --no-install-recommends prometheus); "
                + "skipping the live Prometheus check");
        String base = "http://localhost:" + ports.prometheus();
        assertThat(consoleText()).contains("Prometheus      " + base + "/graph");
        // Series that exist only once something happened: an event through the ingestion API (the README's
        // example, with a client of its own), a forged webhook (order 1 sent one) and records the processor and
        // the alert service cannot decode, written here as a producer with a broken serializer would.
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String event = "{\"type\":\"InvoiceIssued\",\"eventId\":\"e2e-northwind-001-issued\",\"clientId\":\"northwind\","
                + "\"clientName\":\"Northwind Traders\",\"invoiceId\":\"NW-001\",\"issuedAt\":\"" + now.minus(Duration.ofDays(1))
                + "\",\"dueAt\":\"" + now.plus(Duration.ofDays(29)) + "\",\"amount\":{\"amountMinor\":120050,\"currency\":\"EUR\"}}";
        HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create("http://localhost:"
                        + ports.producer() + "/v1/events")).header("Authorization", "Bearer " + apiKey("demo"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(event)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        PrometheusSupport.produceGarbage("localhost:" + ports.kafka());
        List<String> exprs = PrometheusSupport.dashboardExpressions(DockerComposeConfigTest.repoRoot()
                .resolve("ops/grafana/dashboards/paywatch.json"));
        assertThat(exprs).hasSizeGreaterThan(10);
        await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            Set<String> names = PrometheusSupport.metricNames(http, base);
            Map<String, String> missing = new LinkedHashMap<>();
            for (String expr : exprs) {
                Set<String> unknown = new TreeSet<>(PrometheusSupport.metricNamesIn(expr));
                unknown.removeAll(names);
                if (!unknown.isEmpty()) {
                    missing.put(expr, "no such metric: " + unknown);
                } else if (PrometheusSupport.query(http, base, expr) == 0) {
                    missing.put(expr, "no data");
                }
            }
            assertThat(missing).as("dashboard queries without data").isEmpty();
        });
        // The alerting rules are loaded and evaluate without error.
        String rules = get(base + "/api/v1/rules").body();
        assertThat(rules).contains("PaywatchConsumerLagGrowing", "PaywatchWebhookSignatureFailures")
                .doesNotContain("\"health\":\"err\"");
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER), "no chromium for the screenshot");
        WebDriver driver = chrome(1400, 1150);
        try {
            // The alerts the demo's replay raised, by type: lines that climb while the year is replayed.
            String expr = "sum by (type) (paywatch_alerts_raised_total)";
            driver.get(base + "/graph?g0.expr=" + URLEncoder.encode(expr, StandardCharsets.UTF_8)
                    + "&g0.tab=0&g0.range_input=1m");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    // Debian's 2.42 serves the classic UI (Rickshaw, SVG); upstream builds the React one (canvas).
                    assertThat(driver.findElements(By.cssSelector(".rickshaw_graph path.path, .graph-chart canvas")))
                            .isNotEmpty());
            screenshot(driver, Path.of("target", "prometheus-graph.png"));
        } finally {
            driver.quit();
        }
    }

    @Test
    @Order(8)
    void ctrlCStopsTheServicesOneByOneThenTheBrokerWithoutAnError() throws Exception {
        assumeTrue(SETSID.isPresent(), "no setsid here: the launcher shares the terminal's process group; skipping");
        Map<Path, Long> before = new LinkedHashMap<>();
        List<Path> logs;
        try (Stream<Path> files = Files.list(home.resolve("logs"))) {
            logs = files.filter(f -> f.toString().endsWith(".log")).sorted().toList();
        }
        for (Path log : logs) {
            before.put(log, Files.size(log));
        }
        int stoppedAt = consoleText().length();
        // What a terminal does on Ctrl-C: SIGINT to every process of the foreground group. A JVM started with
        // SIGINT ignored (a background job of a non-interactive shell, as some CI runners start builds) keeps it
        // ignored, and so would the launcher; then SIGTERM to the whole group tests the same isolation.
        String signal = ignoresSigint(launcher.pid()) ? "-TERM" : "-INT";
        Process kill = new ProcessBuilder("kill", signal, "--", "-" + launcher.pid()).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
        assertThat(launcher.waitFor(120, TimeUnit.SECONDS)).as("the launcher stopped").isTrue();
        String shutdown = consoleText().substring(stoppedAt);
        List<String> order = new ArrayList<>();
        Matcher stopped = Pattern.compile("stopped  (\\S+) +in [0-9.]+ s, exit (-?\\d+)(.*)").matcher(shutdown);
        while (stopped.find()) {
            order.add(stopped.group(1));
            // A JVM ends 143 after the SIGTERM it handled (130 after a terminal's SIGINT); Prometheus exits 0.
            assertThat(stopped.group(2)).as("%s ended by the launcher's SIGTERM, not the terminal's signal",
                    stopped.group(1)).isEqualTo(stopped.group(1).equals("prometheus") ? "0" : "143");
            assertThat(stopped.group(3)).as(stopped.group(1)).doesNotContain("killed");
        }
        List<String> expected = new ArrayList<>();
        if (prometheus) {
            expected.add("prometheus");
        }
        expected.addAll(List.of("invoice-producer", "stream-processor", "alert-service", "kafka"));
        assertThat(order).as(shutdown).containsExactlyElementsOf(expected);
        assertThat(shutdown).contains("stopped.");
        for (Path log : logs) {
            byte[] all = Files.readAllBytes(log);
            String tail = new String(all, before.get(log).intValue(), all.length - before.get(log).intValue(),
                    StandardCharsets.UTF_8);
            assertThat(tail.lines().filter(l -> l.contains(" ERROR ") || l.contains("level=error")
                    || l.startsWith("Exception in thread")).toList())
                    .as("errors logged by %s while stopping", log.getFileName()).isEmpty();
        }
    }

    /** Whether a process ignores SIGINT (bit 2 of SigIgn in /proc/<pid>/status). */
    private static boolean ignoresSigint(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseLong(line.substring(7).trim(), 16) & 2L) != 0;
            }
        }
        return false;
    }

    private WebDriver chrome(int width, int height) {
        ChromeOptions chrome = new ChromeOptions();
        chrome.setBinary(CHROMIUM.toFile());
        chrome.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--no-first-run", "--disable-component-update", "--disable-sync",
                "--window-size=" + width + "," + height);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        chrome.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, chrome);
    }

    private static void screenshot(WebDriver driver, Path shot) throws IOException {
        Files.createDirectories(shot.getParent());
        Files.write(shot, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    private HttpResponse<String> send(String path, String key) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + ports.processor() + path))
                    .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private List<Path> emlFiles() throws IOException {
        try (Stream<Path> files = Files.list(outbox())) {
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
}
