package io.paywatch.producer.strict;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.paywatch.producer.RawHttp;
import io.paywatch.producer.TestSupport;
import io.paywatch.producer.auth.ApiKeyHash;
import io.paywatch.producer.webhook.Hmac;
import io.paywatch.schemas.Topics;
import io.paywatch.testkit.KafkaTestClients;
import io.paywatch.testkit.SharedKafka;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Property tests, one per JSON endpoint: a valid body is broken by one generated fault (a wrong JSON type, a
 * number beyond 64 bits or below zero, a fraction or exponent, deep nesting, a control or bidi character, an
 * over-long id, a duplicate or unknown key, truncation, trailing garbage, the {@code null} literal), and the
 * answer must be a 4xx problem+json without Java names, never a 5xx, and nothing may reach Kafka: after each
 * property every committed record of the input topics is read with a read_committed consumer on the real
 * test broker, and only the positive-control marker published afterwards may be there.
 *
 * <p>Runs on its own tenant ({@code fuzz}) on freshly reset topics; every fault is chosen so that the body
 * can never be valid, so any 2xx is a bug.
 */
class MalformedJsonPropertiesTest {

    static final String TENANT = "fuzz";
    static final String KEY = "fuzz-test-key";
    static final String STRIPE = "whsec_fuzz_secret";
    static final String QB = "fuzz-qb-token";
    static final String XERO = "fuzz-xero-key";
    static final int TRIES = 150;

    static ApplicationContext context;
    static RawHttp http;
    static int markers;

    @BeforeContainer
    static void start() {
        SharedKafka.broker().resetTopics();
        Map<String, Object> p = new LinkedHashMap<>(TestSupport.properties());
        p.put("paywatch.tenants.fuzz.api-key-sha256", ApiKeyHash.of(KEY));
        p.put("paywatch.tenants.fuzz.default-terms-days", "30");
        p.put("paywatch.tenants.fuzz.stripe-endpoint-secret", STRIPE);
        p.put("paywatch.tenants.fuzz.quickbooks-verifier-token", QB);
        p.put("paywatch.tenants.fuzz.xero-webhook-key", XERO);
        context = ApplicationContext.run(p, "test");
        EmbeddedServer server = context.getBean(EmbeddedServer.class).start();
        http = new RawHttp(server.getURL().toString());
    }

    @AfterContainer
    static void stop() {
        if (context != null) {
            context.close();
        }
    }

    // ------------------------------------------------------------------ properties

    @Property(tries = TRIES)
    void eventsRefuseEveryMalformedBody(@ForAll("badEvents") String body) {
        assertRefused(http.postJson("/v1/events", body, KEY), body);
    }

    @Property(tries = TRIES)
    void settingsRefuseEveryMalformedBody(@ForAll("badSettings") String body) {
        assertRefused(http.send("PUT", "/v1/settings", body.getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json", "Authorization", "Bearer " + KEY)), body);
    }

    @Property(tries = TRIES)
    void stripeRefusesEveryMalformedSignedBody(@ForAll("badStripe") String body) {
        long t = TestSupport.NOW.getEpochSecond();
        String sig = "t=" + t + ",v1=" + HexFormat.of().formatHex(
                Hmac.sha256(STRIPE, (t + "." + body).getBytes(StandardCharsets.UTF_8)));
        assertRefused(http.send("POST", "/v1/webhooks/stripe/" + TENANT, body.getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json", "Stripe-Signature", sig)), body);
    }

    @Property(tries = TRIES)
    void xeroRefusesEveryMalformedSignedBody(@ForAll("badXero") String body) {
        assertRefused(http.send("POST", "/v1/webhooks/xero/" + TENANT, body.getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json", "x-xero-signature", base64Hmac(XERO, body))), body);
    }

    @Property(tries = TRIES)
    void quickBooksRefusesEveryMalformedSignedBody(@ForAll("badQuickBooks") String body) {
        assertRefused(http.send("POST", "/v1/webhooks/quickbooks/" + TENANT, body.getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json", "intuit-signature", base64Hmac(QB, body))), body);
    }

    /**
     * After each property: publish one valid event as a positive control, then read every committed record of
     * the input topics up to their end offsets. Only markers may be there.
     */
    @AfterProperty
    void nothingRefusedReachedKafka() {
        String marker = "marker-" + (++markers);
        String body = """
                {"type":"InvoiceIssued","eventId":"%s","clientId":"c","invoiceId":"i-%s",
                 "issuedAt":"2025-05-01T00:00:00Z","amount":{"amountMinor":100,"currency":"EUR"}}"""
                .formatted(marker, marker);
        assertThat(http.postJson("/v1/events", body, KEY).statusCode()).isEqualTo(202);
        List<String> invoiceValues = committed(Topics.INVOICE_EVENTS.name());
        assertThat(invoiceValues).anyMatch(v -> v.contains(marker));
        assertThat(invoiceValues).allMatch(v -> v.contains("marker-"), "only positive-control markers");
        assertThat(committed(Topics.MESSAGE_EVENTS.name())).isEmpty();
        assertThat(committed(Topics.FREELANCER_SETTINGS.name())).isEmpty();
    }

    /** Every committed value of a topic (bytes read as ISO-8859-1 text, enough to find an ASCII id in Avro). */
    static List<String> committed(String topic) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = KafkaTestClients.consumer(new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // read_committed: end offsets are the last stable offsets, so reaching them means all committed data.
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ZERO).until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    values.add(new String(r.value(), StandardCharsets.ISO_8859_1));
                }
                return partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
            });
        }
        return values;
    }

    static void assertRefused(HttpResponse<String> r, String body) {
        assertThat(r.statusCode()).as("status for %s -> %s", body, r.body()).isBetween(400, 499);
        assertThat(r.headers().firstValue("Content-Type")).as(body).hasValueSatisfying(
                v -> assertThat(v).startsWith("application/problem+json"));
        assertThat(r.body()).as(body).doesNotContainPattern(StrictJsonApiTest.JAVA_NAME);
    }

    static String base64Hmac(String key, String body) {
        return Base64.getEncoder().encodeToString(Hmac.sha256(key, body.getBytes(StandardCharsets.UTF_8)));
    }

    // ------------------------------------------------------------------ generators

    /** A JSON object as ordered raw members, so that duplicates and raw tokens can be rendered exactly. */
    record Doc(List<Map.Entry<String, String>> members) {
        static Doc of(Object... kv) {
            List<Map.Entry<String, String>> m = new ArrayList<>();
            for (int i = 0; i < kv.length; i += 2) {
                m.add(Map.entry((String) kv[i], (String) kv[i + 1]));
            }
            return new Doc(m);
        }

        Doc with(String key, String raw) {
            List<Map.Entry<String, String>> m = new ArrayList<>();
            boolean replaced = false;
            for (Map.Entry<String, String> e : members) {
                if (e.getKey().equals(key) && !replaced) {
                    m.add(Map.entry(key, raw));
                    replaced = true;
                } else {
                    m.add(e);
                }
            }
            if (!replaced) {
                m.add(Map.entry(key, raw));
            }
            return new Doc(m);
        }

        Doc plus(String key, String raw) {
            List<Map.Entry<String, String>> m = new ArrayList<>(members);
            m.add(Map.entry(key, raw));
            return new Doc(m);
        }

        String render() {
            return members.stream().map(e -> quote(e.getKey()) + ":" + e.getValue())
                    .collect(Collectors.joining(",", "{", "}"));
        }
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || Character.isSurrogate(c)
                    || c == '\u2028' || c == '\u2029') {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    /** Characters that must never be accepted inside an id or a name. */
    static Arbitrary<Character> unsafeChar() {
        return Arbitraries.of('\r', '\n', '\u001b', '\u0000', '\t', '\u007f', '\u0085', '\u009b', '\u2028', '\u2029',
                '\u202e', '\u2066', '\ud800', '\udfff');
    }

    /** Odd but harmless text: accents, CJK, emoji, combining marks, right-to-left letters. */
    static Arbitrary<String> oddText() {
        return Arbitraries.strings().withChars("aZ09-_.éü東京🙂\u0301\u05d0\u0627 ").ofMinLength(1).ofMaxLength(20);
    }

    /**
     * An id or name with one unsafe character inserted among odd text. A lone surrogate stays lone: odd text can end
     * with the high half of an emoji, and a low surrogate after it would make a valid character, not an unsafe one.
     */
    static Arbitrary<String> unsafeText() {
        return Combinators.combine(oddText(), unsafeChar(), oddText())
                .as((a, c, b) -> pairsUp(a, c, b) ? null : quote(a + c + b)).filter(java.util.Objects::nonNull);
    }

    /** Whether the surrogate {@code c} between {@code a} and {@code b} forms a valid pair with a neighbour. */
    static boolean pairsUp(String a, char c, String b) {
        return Character.isHighSurrogate(c) && !b.isEmpty() && Character.isLowSurrogate(b.charAt(0))
                || Character.isLowSurrogate(c) && !a.isEmpty() && Character.isHighSurrogate(a.charAt(a.length() - 1));
    }

    static Arbitrary<String> tooLong(int max) {
        return Arbitraries.integers().between(max + 1, max + 300).map(n -> quote("x".repeat(n)));
    }

    /** Raw JSON values that are not strings. */
    static Arbitrary<String> notAString() {
        return Arbitraries.oneOf(Arbitraries.longs().map(l -> Long.toString(l)), Arbitraries.of("true", "false", "[]",
                "{}", "[\"a\"]", "{\"a\":1}", "1.5", "-0.0", "1e3"));
    }

    /** Raw JSON values that are not an integer in 64-bit range. */
    static Arbitrary<String> notALong() {
        Arbitrary<String> over = Arbitraries.bigIntegers().between(BigInteger.TWO.pow(63), BigInteger.TWO.pow(200))
                .map(BigInteger::toString);
        Arbitrary<String> under = Arbitraries.bigIntegers().between(BigInteger.TWO.pow(200).negate(),
                BigInteger.TWO.pow(63).negate().subtract(BigInteger.ONE)).map(BigInteger::toString);
        Arbitrary<String> fraction = Arbitraries.doubles().between(-1e6, 1e6).filter(d -> d != Math.rint(d))
                .map(d -> Double.toString(d));
        Arbitrary<String> exponent = Arbitraries.integers().between(1, 400).map(e -> "1e" + e);
        Arbitrary<String> quoted = Arbitraries.longs().between(1, Long.MAX_VALUE).map(l -> quote(Long.toString(l)));
        return Arbitraries.oneOf(over, under, fraction, exponent, quoted, Arbitraries.of("true", "\"12abc\"",
                "[1]", "{}", "12.0", "1E2", "\"\""));
    }

    /** Raw JSON values that are not an integer in 32-bit range. */
    static Arbitrary<String> notAnInt() {
        Arbitrary<String> over = Arbitraries.longs().between(Integer.MAX_VALUE + 1L, Long.MAX_VALUE)
                .map(Object::toString);
        Arbitrary<String> under = Arbitraries.longs().between(Long.MIN_VALUE, Integer.MIN_VALUE - 1L)
                .map(Object::toString);
        return Arbitraries.oneOf(over, under, notALong());
    }

    /** A value nested deeper than the reader accepts. */
    static Arbitrary<String> tooDeep() {
        return Arbitraries.integers().between(40, 3000).map(n -> "[".repeat(n) + "]".repeat(n));
    }

    /** Structural faults of a whole body: truncation, trailing garbage, a scalar, the null literal, a duplicate key. */
    static Arbitrary<String> structural(Doc valid) {
        String text = valid.render();
        Arbitrary<String> truncated = Arbitraries.integers().between(0, text.length() - 1).map(n -> text.substring(0, n));
        Arbitrary<String> trailing = Arbitraries.of(" {}", " x", ",", "]", " null", "}").map(t -> text + t);
        Arbitrary<String> scalars = Arbitraries.of("null", "0", "-1", "\"x\"", "true", "1e400", " null ");
        Arbitrary<String> duplicate = Arbitraries.of(valid.members()).map(m -> valid.plus(m.getKey(), m.getValue())
                .render());
        Arbitrary<String> unknown = Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12)
                .map(k -> valid.plus("zz_" + k, "1").render());
        return Arbitraries.oneOf(truncated, trailing, scalars, duplicate, unknown);
    }

    static final Doc EVENT = Doc.of("type", "\"InvoiceIssued\"", "eventId", "\"e-1\"", "clientId", "\"c\"",
            "clientName", "\"Globex\"", "invoiceId", "\"i-1\"", "issuedAt", "\"2025-05-01T00:00:00Z\"",
            "paymentTermsDays", "30", "amount", "{\"amountMinor\":100,\"currency\":\"EUR\"}");

    @Provide
    Arbitrary<String> badEvents() {
        Arbitrary<String> idFields = Arbitraries.of("eventId", "clientId", "invoiceId", "clientName", "type",
                "issuedAt");
        Arbitrary<String> wrongType = Combinators.combine(idFields, notAString())
                .as((f, v) -> EVENT.with(f, v).render());
        Arbitrary<String> unsafe = Combinators.combine(Arbitraries.of("eventId", "clientId", "invoiceId",
                "clientName"), unsafeText()).as((f, v) -> EVENT.with(f, v).render());
        Arbitrary<String> longIds = Combinators.combine(Arbitraries.of("eventId", "clientId", "invoiceId"),
                tooLong(128)).as((f, v) -> EVENT.with(f, v).render());
        Arbitrary<String> badAmount = Arbitraries.oneOf(notALong(), Arbitraries.longs().between(Long.MIN_VALUE, 0)
                .map(Object::toString)).map(v -> EVENT.with("amount", "{\"amountMinor\":" + v
                + ",\"currency\":\"EUR\"}").render());
        Arbitrary<String> badTerms = notAnInt().map(v -> EVENT.with("paymentTermsDays", v).render());
        Arbitrary<String> deep = tooDeep().map(v -> EVENT.with("clientName", v).render());
        Arbitrary<String> batch = Arbitraries.oneOf(unsafe, badAmount).map(bad -> "[" + EVENT.with("eventId",
                "\"e-ok\"").render() + "," + bad + "]");
        return Arbitraries.oneOf(wrongType, unsafe, longIds, badAmount, badTerms, deep, batch, structural(EVENT));
    }

    static final Doc SETTINGS = Doc.of("notificationEmail", "\"me@example.com\"", "displayName", "\"Me\"",
            "paymentNormDays", "30", "workingDays", "[1,2,3,4,5]", "atRiskThreshold", "0.5",
            "alertOptIns", "{\"ghosting\":true}", "deliveryMode", "\"IMMEDIATE\"");

    @Provide
    Arbitrary<String> badSettings() {
        Arbitrary<String> intFields = Arbitraries.of("paymentNormDays", "driftToleranceDays", "overdueGraceDays",
                "cooldownHours", "workdayStartMinute", "quietHoursEndMinute", "followUpsBeforeGhosting");
        Arbitrary<String> badInts = Combinators.combine(intFields, notAnInt()).as((f, v) -> SETTINGS.with(f, v)
                .render());
        Arbitrary<String> outOfRange = Combinators.combine(intFields, Arbitraries.oneOf(
                Arbitraries.integers().between(Integer.MIN_VALUE, -1), Arbitraries.integers().between(100_000,
                        Integer.MAX_VALUE))).as((f, v) -> SETTINGS.with(f, v.toString()).render());
        Arbitrary<String> wrongStrings = Combinators.combine(Arbitraries.of("notificationEmail", "displayName",
                "language", "timezone", "deliveryMode", "webhookSecret"), notAString())
                .as((f, v) -> SETTINGS.with(f, v).render());
        Arbitrary<String> unsafe = Combinators.combine(Arbitraries.of("displayName", "notificationEmail"),
                unsafeText()).as((f, v) -> SETTINGS.with(f, v).render());
        Arbitrary<String> longSecret = tooLong(256).map(v -> SETTINGS.with("webhookSecret", v).render());
        Arbitrary<String> badFlags = Arbitraries.of("1", "0", "\"true\"", "null1", "[]").map(v -> SETTINGS
                .with("alertOptIns", "{\"ghosting\":" + v + "}").render());
        Arbitrary<String> badDays = notAnInt().map(v -> SETTINGS.with("workingDays", "[1," + v + "]").render());
        Arbitrary<String> badShares = Arbitraries.of("\"0.5\"", "true", "1.5", "-0.1", "1e400", "[]")
                .map(v -> SETTINGS.with("atRiskThreshold", v).render());
        Arbitrary<String> nestedUnknown = Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10)
                .map(k -> SETTINGS.with("alertOptIns", "{\"zz_" + k + "\":true}").render());
        Arbitrary<String> deep = tooDeep().map(v -> SETTINGS.with("workingDays", v).render());
        return Arbitraries.oneOf(badInts, outOfRange, wrongStrings, unsafe, longSecret, badFlags, badDays, badShares,
                nestedUnknown, deep, structural(SETTINGS));
    }

    static final long T0 = TestSupport.NOW.getEpochSecond() - 3600;

    static Doc stripeInvoice(String currency, String amountDue, String customer, String id) {
        return Doc.of("id", id, "object", "\"invoice\"", "customer", customer, "currency", currency,
                "amount_due", amountDue, "total", amountDue.startsWith("\"") ? "100" : amountDue,
                "created", Long.toString(T0), "due_date", Long.toString(T0 + 30 * 86400),
                "status_transitions", "{\"finalized_at\":" + T0 + "}");
    }

    static String stripeEvent(Doc invoice) {
        return Doc.of("id", "\"evt_fuzz\"", "object", "\"event\"", "type", "\"invoice.finalized\"",
                "created", Long.toString(T0), "data", "{\"object\":" + invoice.render() + "}").render();
    }

    @Provide
    Arbitrary<String> badStripe() {
        Doc valid = stripeInvoice("\"eur\"", "100", "\"cus_1\"", "\"in_1\"");
        Arbitrary<String> badAmount = Arbitraries.oneOf(notALong(), Arbitraries.longs().between(Long.MIN_VALUE, -1)
                .map(Object::toString)).map(v -> stripeEvent(valid.with("amount_due", v)));
        Arbitrary<String> iskNotWhole = Arbitraries.longs().between(1, 1_000_000_000L).filter(v -> v % 100 != 0)
                .map(v -> stripeEvent(stripeInvoice("\"isk\"", Long.toString(v), "\"cus_1\"", "\"in_1\"")));
        Arbitrary<String> unsafeIds = Combinators.combine(Arbitraries.of("customer", "id"), unsafeText())
                .as((f, v) -> stripeEvent(valid.with(f, v)));
        Arbitrary<String> wrongIds = Combinators.combine(Arbitraries.of("customer", "id", "currency"),
                Arbitraries.of("1", "true", "[]", "1.5"))
                .as((f, v) -> stripeEvent(valid.with(f, v)));
        Arbitrary<String> badTimes = Combinators.combine(Arbitraries.of("created", "due_date"), Arbitraries.oneOf(
                notALong(), Arbitraries.of("\"2025-05-01\"", "9223372036854775807", "-9223372036854775808")))
                .as((f, v) -> stripeEvent(valid.with(f, v)));
        Arbitrary<String> badTransitions = Arbitraries.of("1", "\"x\"", "[]", "{\"finalized_at\":\"x\"}",
                "{\"finalized_at\":1.5}").map(v -> stripeEvent(valid.with("status_transitions", v)));
        // Stripe may add any field, but not one nested deeper than any JSON reader should follow.
        Arbitrary<String> deep = tooDeep().map(v -> stripeEvent(valid.plus("future_field", v)));
        Arbitrary<String> structural = structural(Doc.of("id", "\"evt_fuzz\"", "type", "\"invoice.finalized\"",
                "data", "{\"object\":" + valid.render() + "}")).filter(s -> !s.contains("\"zz_"));
        return Arbitraries.oneOf(badAmount, iskNotWhole, unsafeIds, wrongIds, badTimes, badTransitions, deep,
                structural);
    }

    static final Doc XERO_EVENT = Doc.of("resourceId", "\"r-1\"", "eventCategory", "\"INVOICE\"", "eventType",
            "\"UPDATE\"", "tenantId", "\"t\"");

    @Provide
    Arbitrary<String> badXero() {
        Arbitrary<String> fields = Arbitraries.of("resourceId", "eventCategory", "eventType");
        Arbitrary<String> wrong = Combinators.combine(fields, Arbitraries.oneOf(notAString(), unsafeText()))
                .as((f, v) -> "{\"events\":[" + XERO_EVENT.with(f, v).render() + "]}");
        Arbitrary<String> notArray = notAString().filter(v -> !v.startsWith("[")).map(v -> "{\"events\":" + v + "}");
        Arbitrary<String> deep = tooDeep().map(v -> "{\"events\":[],\"entropy\":" + v + "}");
        Arbitrary<String> structural = structural(Doc.of("events", "[" + XERO_EVENT.render() + "]",
                "firstEventSequence", "1")).filter(s -> !s.contains("\"zz_"));
        return Arbitraries.oneOf(wrong, notArray, deep, structural);
    }

    static final Doc QB_ENTITY = Doc.of("name", "\"Invoice\"", "id", "\"130\"", "operation", "\"Create\"",
            "lastUpdated", "\"2025-06-01T10:00:00.000Z\"");

    @Provide
    Arbitrary<String> badQuickBooks() {
        Arbitrary<String> fields = Arbitraries.of("name", "id", "operation");
        Arbitrary<String> wrong = Combinators.combine(fields, Arbitraries.oneOf(notAString(), unsafeText()))
                .as((f, v) -> qb(QB_ENTITY.with(f, v).render()));
        Arbitrary<String> badRealm = Arbitraries.oneOf(notAString(), unsafeText()).map(v ->
                "{\"eventNotifications\":[{\"realmId\":" + v + ",\"dataChangeEvent\":{\"entities\":[]}}]}");
        Arbitrary<String> deep = tooDeep().map(v -> qb(QB_ENTITY.with("lastUpdated", v).render()));
        Arbitrary<String> structural = structural(Doc.of("eventNotifications", "[]")).filter(s -> !s.contains("\"zz_"));
        return Arbitraries.oneOf(wrong, badRealm, deep, structural);
    }

    static String qb(String entity) {
        return "{\"eventNotifications\":[{\"realmId\":\"1\",\"dataChangeEvent\":{\"entities\":[" + entity + "]}}]}";
    }
}
