package io.paywatch.launcher.mail;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.paywatch.launcher.Json;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Serves the captured outbox to the dashboard: {@code GET /outbox} lists the newest mails as JSON,
 * {@code GET /outbox/<file>.eml} returns one raw mail. Bound to 127.0.0.1 only; cross-origin reads are
 * allowed only for the dashboard's own origins (the stream-processor port on localhost).
 */
public final class OutboxServer implements AutoCloseable {

    private static final int LIST_LIMIT = 200;
    private static final int SNIPPET_CHARS = 4000;

    private final int port;
    private final Path outbox;
    private final Set<String> allowedOrigins;
    private final Map<String, Map<String, Object>> parsed = new ConcurrentHashMap<>();
    private HttpServer server;

    public OutboxServer(int port, Path outbox, int dashboardPort) {
        this.port = port;
        this.outbox = outbox;
        this.allowedOrigins = Set.of("http://localhost:" + dashboardPort, "http://127.0.0.1:" + dashboardPort);
    }

    /** The URL the dashboard fetches. */
    public String url() {
        return "http://localhost:" + port + "/outbox";
    }

    public void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
        server.createContext("/outbox", this::handle);
        server.start();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String origin = exchange.getRequestHeaders().getFirst("Origin");
            if (origin != null && allowedOrigins.contains(origin)) {
                exchange.getResponseHeaders().set("Access-Control-Allow-Origin", origin);
                exchange.getResponseHeaders().set("Vary", "Origin");
            }
            if ("OPTIONS".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Access-Control-Allow-Methods", "GET");
                exchange.sendResponseHeaders(204, -1);
                return;
            }
            if (!"GET".equals(exchange.getRequestMethod())) {
                send(exchange, 405, "application/problem+json",
                        Json.write(Map.of("title", "Method Not Allowed", "status", 405)));
                return;
            }
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/outbox") || path.equals("/outbox/")) {
                send(exchange, 200, "application/json", Json.write(list()));
                return;
            }
            String name = path.substring("/outbox/".length());
            // Only plain file names of captured mails; never a path out of the outbox.
            if (!name.matches("[A-Za-z0-9._-]+\\.eml") || !Files.isRegularFile(outbox.resolve(name))) {
                send(exchange, 404, "application/problem+json", Json.write(Map.of("title", "Not Found",
                        "status", 404, "detail", "no such mail in the outbox", "field", "file")));
                return;
            }
            send(exchange, 200, "text/plain; charset=utf-8", Files.readString(outbox.resolve(name),
                    StandardCharsets.ISO_8859_1));
        }
    }

    /** The newest mails first, each with its headers and a plain-text snippet. */
    public List<Map<String, Object>> list() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(outbox)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".eml"))
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed())
                    .limit(LIST_LIMIT).toList();
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Path file : files) {
            out.add(parsed.computeIfAbsent(file.getFileName().toString(), n -> summarize(file)));
        }
        return out;
    }

    private static Map<String, Object> summarize(Path file) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", file.getFileName().toString());
        try (InputStream in = Files.newInputStream(file)) {
            MimeMessage msg = new MimeMessage(Session.getInstance(new Properties()), in);
            m.put("subject", msg.getSubject());
            m.put("from", msg.getFrom() == null || msg.getFrom().length == 0 ? null
                    : ((InternetAddress) msg.getFrom()[0]).getAddress());
            m.put("to", msg.getAllRecipients() == null ? List.of()
                    : Stream.of(msg.getAllRecipients()).map(Object::toString).toList());
            m.put("date", msg.getSentDate() == null ? null : msg.getSentDate().toInstant().toString());
            String text = plainText(msg.getContent());
            m.put("text", text == null ? "" : text.length() > SNIPPET_CHARS ? text.substring(0, SNIPPET_CHARS) : text);
        } catch (Exception e) {
            m.put("error", "cannot parse: " + e.getMessage());
        }
        return m;
    }

    private static String plainText(Object content) throws Exception {
        if (content instanceof String s) {
            return s;
        }
        if (content instanceof Multipart mp) {
            String html = null;
            for (int i = 0; i < mp.getCount(); i++) {
                BodyPart part = mp.getBodyPart(i);
                if (part.isMimeType("text/plain")) {
                    return (String) part.getContent();
                }
                if (part.isMimeType("multipart/*")) {
                    String nested = plainText(part.getContent());
                    if (nested != null) {
                        return nested;
                    }
                }
                if (part.isMimeType("text/html")) {
                    html = ((String) part.getContent()).replaceAll("<[^>]+>", " ").replaceAll("\\s+", " ");
                }
            }
            return html;
        }
        return null;
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
        }
    }
}
