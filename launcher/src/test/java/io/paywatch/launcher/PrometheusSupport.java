package io.paywatch.launcher;

import io.paywatch.launcher.ops.LocalPrometheus;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.openqa.selenium.json.Json;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading the Grafana dashboard's queries and asking a running Prometheus about them. */
final class PrometheusSupport {

    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right", "bool", "and", "or", "unless", "offset", "inf", "nan");
    private static final Pattern IDENT = Pattern.compile("[A-Za-z_:][A-Za-z0-9_:]*");

    private PrometheusSupport() {
    }

    static Optional<Path> binary() {
        return LocalPrometheus.findBinary();
    }

    /** {@code promtool} next to prometheus, or on the PATH. */
    static Optional<Path> promtool() {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/bin").split(":")) {
            if (!dir.isBlank() && Files.isExecutable(Path.of(dir, "promtool"))) {
                return Optional.of(Path.of(dir, "promtool"));
            }
        }
        return Optional.empty();
    }

    /** Every {@code expr} of every panel of a Grafana dashboard JSON file. */
    @SuppressWarnings("unchecked")
    static List<String> dashboardExpressions(Path dashboard) throws IOException {
        Map<String, Object> json = new Json().toType(Files.readString(dashboard), Map.class);
        List<String> exprs = new ArrayList<>();
        for (Object panel : (List<Object>) json.get("panels")) {
            for (Object target : (List<Object>) ((Map<String, Object>) panel).getOrDefault("targets", List.of())) {
                Object expr = ((Map<String, Object>) target).get("expr");
                if (expr != null) {
                    exprs.add(expr.toString());
                }
            }
        }
        return exprs;
    }

    /**
     * The metric names a PromQL expression selects: identifiers outside strings, label matchers, ranges and
     * grouping clauses, that are neither functions (followed by a parenthesis) nor keywords.
     */
    static Set<String> metricNamesIn(String expr) {
        String s = expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> names = new LinkedHashSet<>();
        Matcher m = IDENT.matcher(s);
        while (m.find()) {
            String id = m.group();
            int after = m.end();
            while (after < s.length() && Character.isWhitespace(s.charAt(after))) {
                after++;
            }
            boolean function = after < s.length() && s.charAt(after) == '(';
            boolean number = m.start() > 0 && (Character.isDigit(s.charAt(m.start() - 1)) || s.charAt(m.start() - 1) == '.');
            if (!function && !number && !KEYWORDS.contains(id.toLowerCase())) {
                names.add(id);
            }
        }
        return names;
    }

    /** Every metric name Prometheus holds. */
    @SuppressWarnings("unchecked")
    static Set<String> metricNames(HttpClient http, String base) throws IOException, InterruptedException {
        String body = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/label/__name__/values")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Map<String, Object> json = new Json().toType(body, Map.class);
        return new LinkedHashSet<>((List<String>) json.get("data"));
    }

    /** Number of series (or 1 for a scalar) an instant query returns now; 0 when it returns nothing. */
    @SuppressWarnings("unchecked")
    static int query(HttpClient http, String base, String expr) throws IOException, InterruptedException {
        String body = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/query?query="
                + URLEncoder.encode(expr, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString()).body();
        Map<String, Object> json = new Json().toType(body, Map.class);
        if (!"success".equals(json.get("status"))) {
            throw new AssertionError("query failed: " + expr + ": " + body);
        }
        Map<String, Object> data = (Map<String, Object>) json.get("data");
        Object result = data.get("result");
        return result instanceof List<?> l ? l.size() : result == null ? 0 : 1;
    }

    /**
     * Writes bytes that are no Avro record to invoice-events and payment-alerts, as a producer with a broken
     * serializer would: the stream processor and the alert service each dead-letter one.
     */
    static void produceGarbage(String bootstrap) {
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (String topic : List.of("invoice-events", "payment-alerts")) {
                p.send(new ProducerRecord<>(topic, "demo|e2e-garbage".getBytes(StandardCharsets.UTF_8),
                        "not an avro record".getBytes(StandardCharsets.UTF_8)));
            }
            p.flush();
        }
    }
}
