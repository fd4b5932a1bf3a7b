package io.paywatch.producer.publish;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.paywatch.producer.RawHttp;
import io.paywatch.producer.TestSupport;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Kafka unreachable: the service answers 503 with Retry-After within seconds, never 202. */
class KafkaUnavailableTest {

    @Test
    void unreachableKafkaGives503WithRetryAfterInSeconds() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Map<String, Object> props = new HashMap<>(TestSupport.properties());
        props.put("kafka.bootstrap.servers", "127.0.0.1:" + closedPort);
        props.put("paywatch.topics.bootstrap-on-startup", "false");
        props.put("kafka.health.enabled", "false");
        props.put("paywatch.producer.max-block", "2s");
        props.put("paywatch.producer.delivery-timeout", "3s");
        props.put("paywatch.producer.retry-after", "7s");
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, props)) {
            RawHttp http = new RawHttp(server.getURL().toString());
            long start = System.nanoTime();
            HttpResponse<String> r = http.postJson("/v1/events", """
                    {"type":"MessageSent","eventId":"m1","clientId":"c1","threadId":"t1",
                     "sentAt":"2025-06-01T10:00:00Z"}""", TestSupport.KEY);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).contains("7");
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                    v -> assertThat(v).startsWith("application/problem+json"));
            assertThat(millis).as("answered in %d ms", millis).isLessThan(15_000);
            System.out.printf("[kafka-down] 503 after %d ms%n", millis);
        }
    }
}
