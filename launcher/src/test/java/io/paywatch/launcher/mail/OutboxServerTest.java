package io.paywatch.launcher.mail;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The outbox JSON is scoped to one tenant's key and answers only to its loopback host name. Requests are
 * written by hand on a socket, so the Host header is exactly what a browser under DNS rebinding would send.
 */
class OutboxServerTest {

    static final Map<String, String> KEYS = Map.of("ada", "pw_ada_key", "giulia", "pw_giulia_key");
    static final Map<String, String> EMAILS = Map.of("ada", "ada@example.com", "giulia", "giulia@example.com");

    @TempDir
    Path outbox;
    OutboxServer server;
    int port;

    @BeforeEach
    void start() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        mail("20260101-000001-1-ada.eml", "Ada <ADA@example.com>", "Hooli went silent");
        mail("20260101-000002-2-giulia.eml", "giulia@example.com", "Lentissimo paga piu lentamente");
        mail("20260101-000003-3-both.eml", "ada@example.com, giulia@example.com", "To both");
        server = new OutboxServer("127.0.0.1", port, outbox, 8082, new OutboxServer.Access() {
            @Override
            public boolean keyMatches(String tenant, String key) {
                return key.equals(KEYS.get(tenant));
            }

            @Override
            public Optional<String> emailOf(String tenant) {
                return Optional.ofNullable(EMAILS.get(tenant));
            }
        }, Set.of("paywatch.lan"));
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void mail(String file, String to, String subject) throws IOException {
        Files.writeString(outbox.resolve(file), "From: alerts@paywatch.local\r\nTo: " + to + "\r\nSubject: " + subject
                + "\r\nDate: Thu, 1 Jan 2026 00:00:00 +0000\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n"
                + subject + " (body)\r\n", StandardCharsets.ISO_8859_1);
    }

    /** A raw HTTP/1.1 GET with the given Host header; returns status line + headers + body. */
    private String get(String target, String host, String... headers) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            StringBuilder req = new StringBuilder("GET " + target + " HTTP/1.1\r\n");
            if (host != null) {
                req.append("Host: ").append(host).append("\r\n");
            }
            for (String h : headers) {
                req.append(h).append("\r\n");
            }
            req.append("Connection: close\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static int status(String response) {
        return Integer.parseInt(response.substring(9, 12));
    }

    private String local() {
        return "localhost:" + port;
    }

    @Test
    void aTenantSeesOnlyTheMailsAddressedToIt() throws IOException {
        String ada = get("/outbox?tenant=ada&key=pw_ada_key", local());
        assertThat(status(ada)).isEqualTo(200);
        assertThat(ada).contains("Hooli went silent", "To both").doesNotContain("Lentissimo");
        String giulia = get("/outbox?tenant=giulia&key=pw_giulia_key", "127.0.0.1:" + port);
        assertThat(status(giulia)).isEqualTo(200);
        assertThat(giulia).contains("Lentissimo", "To both").doesNotContain("Hooli went silent");
        // The key may also come as a Bearer header.
        assertThat(get("/outbox?tenant=ada", local(), "Authorization: Bearer pw_ada_key")).contains("Hooli");
    }

    @Test
    void withoutTheTenantsKeyNothingIsShown() throws IOException {
        String none = get("/outbox", local());
        assertThat(status(none)).isEqualTo(401);
        assertThat(none).contains("application/problem+json", "\"field\":\"tenant\"").doesNotContain("Hooli");
        // Giulia's key does not open Ada's mails, and a wrong key nothing at all.
        String crossed = get("/outbox?tenant=ada&key=pw_giulia_key", local());
        assertThat(status(crossed)).isEqualTo(401);
        assertThat(crossed).contains("\"field\":\"key\"").doesNotContain("Hooli").doesNotContain("Lentissimo");
        assertThat(status(get("/outbox?tenant=ada&key=", local()))).isEqualTo(401);
    }

    @Test
    void aRawMailIsServedOnlyToItsTenant() throws IOException {
        String own = get("/outbox/20260101-000001-1-ada.eml?tenant=ada&key=pw_ada_key", local());
        assertThat(status(own)).isEqualTo(200);
        assertThat(own).contains("Subject: Hooli went silent");
        String other = get("/outbox/20260101-000001-1-ada.eml?tenant=giulia&key=pw_giulia_key", local());
        assertThat(status(other)).isEqualTo(404);
        assertThat(other).doesNotContain("Hooli");
        assertThat(status(get("/outbox/20260101-000001-1-ada.eml", local()))).isEqualTo(401);
        assertThat(status(get("/outbox/..%2F..%2Fetc%2Fpasswd?tenant=ada&key=pw_ada_key", local()))).isEqualTo(404);
    }

    @Test
    void aForeignHostHeaderIsRefusedEvenWithTheKey() throws IOException {
        // DNS rebinding: evil.example re-resolved to 127.0.0.1; the browser sends Host: evil.example:<port>.
        for (String host : new String[] {"evil.example:" + port, "evil.example", "localhost", "localhost:1",
                "127.0.0.1.evil.example:" + port}) {
            String r = get("/outbox?tenant=ada&key=pw_ada_key", host);
            assertThat(status(r)).as(host).isEqualTo(403);
            assertThat(r).as(host).contains("\"field\":\"Host\"").doesNotContain("Hooli");
        }
        // HTTP/1.1 without Host at all is refused too (by this server, or by the JDK's as malformed).
        String noHost = get("/outbox?tenant=ada&key=pw_ada_key", null);
        assertThat(status(noHost)).isIn(400, 403);
        assertThat(noHost).doesNotContain("Hooli");
        // A configured public name and IPv6 loopback are this server's own names.
        assertThat(status(get("/outbox?tenant=ada&key=pw_ada_key", "paywatch.lan:" + port))).isEqualTo(200);
        assertThat(status(get("/outbox?tenant=ada&key=pw_ada_key", "[::1]:" + port))).isEqualTo(200);
    }

    @Test
    void theDashboardOriginMayReadCrossOriginAndNoOtherOrigin() throws IOException {
        String dashboard = get("/outbox?tenant=ada&key=pw_ada_key", local(), "Origin: http://localhost:8082");
        assertThat(dashboard).containsIgnoringCase("Access-Control-Allow-Origin: http://localhost:8082");
        String other = get("/outbox?tenant=ada&key=pw_ada_key", local(), "Origin: http://evil.example");
        assertThat(other).doesNotContainIgnoringCase("Access-Control-Allow-Origin");
    }
}
