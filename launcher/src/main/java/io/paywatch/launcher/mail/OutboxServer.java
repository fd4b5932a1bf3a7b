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
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Serves the captured outbox to the dashboard, one tenant at a time: {@code GET /outbox?tenant=T&key=K} lists
 * the newest mails addressed to tenant T's notification email as JSON, {@code GET /outbox/<file>.eml?tenant=T&key=K}
 * returns one of them raw. K is T's API key (also accepted as {@code Authorization: Bearer K}); without it the
 * answer is 401, so another local program or web page cannot read the mails, and a tenant never sees another
 * tenant's. Requests whose {@code Host} is not this server's loopback name (or a configured one) get 403: a page
 * on a hostile domain that re-resolves to 127.0.0.1 (DNS rebinding) is same-origin with nothing here.
 * Cross-origin reads are allowed only for the dashboard's own origins (the stream-processor port).
 */
public final class OutboxServer implements AutoCloseable {

    private static final int LIST_LIMIT = 200;
    private static final int SNIPPET_CHARS = 4000;
    /** Names that reach this server over loopback; any other Host header is a rebinding attempt. */
    public static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]");

    /** Who may read which mails. */
    public interface Access {
        /** True when {@code key} is {@code tenant}'s API key. */
        boolean keyMatches(String tenant, String key);

        /** The address {@code tenant}'s alert emails go to, lower-cased; empty while unknown. */
        Optional<String> emailOf(String tenant);
    }

    private final String bindAddress;
    private final int port;
    private final Path outbox;
    private final Access access;
    private final Set<String> allowedOrigins;
    private final Set<String> allowedHosts;
    private final Map<String, Mail> parsed = new ConcurrentHashMap<>();
    private HttpServer server;

    /** A parsed mail: what the dashboard is shown, and the addresses it went to. */
    private record Mail(Map<String, Object> json, Set<String> recipients) {
    }

    /**
     * @param bindAddress   address to listen on (127.0.0.1 unless the stack is exposed)
     * @param dashboardPort the stream-processor's port, whose origins may read cross-origin
     * @param extraHosts    host names, besides the loopback ones, this server may be reached by (no port)
     */
    public OutboxServer(String bindAddress, int port, Path outbox, int dashboardPort, Access access,
            Set<String> extraHosts) {
        this.bindAddress = bindAddress;
        this.port = port;
        this.outbox = outbox;
        this.access = access;
        Set<String> hosts = new HashSet<>(LOOPBACK_NAMES);
        extraHosts.forEach(h -> hosts.add(h.toLowerCase(Locale.ROOT)));
        this.allowedHosts = Set.copyOf(hosts);
        Set<String> origins = new HashSet<>();
        hosts.forEach(h -> origins.add("http://" + h + ":" + dashboardPort));
        this.allowedOrigins = Set.copyOf(origins);
    }

    /** The URL of the list, without credentials. */
    public String url() {
        return "http://localhost:" + port + "/outbox";
    }

    /** The URL the dashboard of {@code tenant} fetches: the list of that tenant's mails, its key included. */
    public String url(String tenant, String key) {
        return url() + "?tenant=" + URLEncoder.encode(tenant, StandardCharsets.UTF_8) + "&key="
                + URLEncoder.encode(key, StandardCharsets.UTF_8);
    }

    public void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(bindAddress, port), 16);
        server.createContext("/outbox", this::handle);
        server.start();
    }

    /** The Host header's name must be one of ours and its port this server's. */
    private boolean hostAllowed(String host) {
        if (host == null) {
            return false;
        }
        String h = host.trim().toLowerCase(Locale.ROOT);
        int colon = h.lastIndexOf(':');
        if (colon < 0 || colon < h.lastIndexOf(']')) {
            return false;
        }
        return allowedHosts.contains(h.substring(0, colon)) && h.substring(colon + 1).equals(Integer.toString(port));
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!hostAllowed(exchange.getRequestHeaders().getFirst("Host"))) {
                send(exchange, 403, "application/problem+json", Json.write(Map.of("title", "Forbidden",
                        "status", 403, "detail", "this server answers only to its loopback host name",
                        "field", "Host")));
                return;
            }
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
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            String tenant = query.get("tenant");
            String key = query.get("key");
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (key == null && auth != null && auth.startsWith("Bearer ")) {
                key = auth.substring("Bearer ".length()).trim();
            }
            if (tenant == null || key == null || !access.keyMatches(tenant, key)) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
                send(exchange, 401, "application/problem+json", Json.write(Map.of("title", "Unauthorized",
                        "status", 401, "detail", "give the tenant and its API key (tenant=…&key=…)",
                        "field", tenant == null ? "tenant" : "key")));
                return;
            }
            Optional<String> address = access.emailOf(tenant);
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/outbox") || path.equals("/outbox/")) {
                send(exchange, 200, "application/json", Json.write(list(address)));
                return;
            }
            String name = path.substring("/outbox/".length());
            // Only plain file names of captured mails, and only the tenant's own; never a path out of the outbox.
            if (!name.matches("[A-Za-z0-9._-]+\\.eml") || !Files.isRegularFile(outbox.resolve(name))
                    || address.isEmpty() || !mail(outbox.resolve(name)).recipients().contains(address.get())) {
                send(exchange, 404, "application/problem+json", Json.write(Map.of("title", "Not Found",
                        "status", 404, "detail", "no such mail in the outbox", "field", "file")));
                return;
            }
            send(exchange, 200, "text/plain; charset=utf-8", Files.readString(outbox.resolve(name),
                    StandardCharsets.ISO_8859_1));
        }
    }

    /**
     * The newest mails addressed to {@code address} first, each with its headers and a plain-text snippet; none
     * while the address is unknown.
     */
    public List<Map<String, Object>> list(Optional<String> address) throws IOException {
        if (address.isEmpty()) {
            return List.of();
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(outbox)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".eml"))
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed()).toList();
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Path file : files) {
            Mail mail = mail(file);
            if (mail.recipients().contains(address.get())) {
                out.add(mail.json());
                if (out.size() == LIST_LIMIT) {
                    break;
                }
            }
        }
        return out;
    }

    private Mail mail(Path file) {
        return parsed.computeIfAbsent(file.getFileName().toString(), n -> summarize(file));
    }

    private static Mail summarize(Path file) {
        Map<String, Object> m = new LinkedHashMap<>();
        Set<String> recipients = new HashSet<>();
        m.put("file", file.getFileName().toString());
        try (InputStream in = Files.newInputStream(file)) {
            MimeMessage msg = new MimeMessage(Session.getInstance(new Properties()), in);
            m.put("subject", msg.getSubject());
            m.put("from", msg.getFrom() == null || msg.getFrom().length == 0 ? null
                    : ((InternetAddress) msg.getFrom()[0]).getAddress());
            m.put("to", msg.getAllRecipients() == null ? List.of()
                    : Stream.of(msg.getAllRecipients()).map(Object::toString).toList());
            if (msg.getAllRecipients() != null) {
                for (var a : msg.getAllRecipients()) {
                    if (a instanceof InternetAddress ia && ia.getAddress() != null) {
                        recipients.add(ia.getAddress().toLowerCase(Locale.ROOT));
                    }
                }
            }
            m.put("date", msg.getSentDate() == null ? null : msg.getSentDate().toInstant().toString());
            String text = plainText(msg.getContent());
            m.put("text", text == null ? "" : text.length() > SNIPPET_CHARS ? text.substring(0, SNIPPET_CHARS) : text);
        } catch (Exception e) {
            m.put("error", "cannot parse: " + e.getMessage());
        }
        return new Mail(m, Set.copyOf(recipients));
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.putIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
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
