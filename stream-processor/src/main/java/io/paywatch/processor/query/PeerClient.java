package io.paywatch.processor.query;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import org.apache.kafka.streams.state.HostInfo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * The HTTP hop to another stream-processor instance: the same query API path with {@code scope=local}, and
 * the caller's own Authorization header, so the owning instance checks the tenant again.
 */
@Singleton
public class PeerClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final JsonMapper json;

    public PeerClient(JsonMapper json) {
        this.json = json;
    }

    /** A peer's answer: HTTP status and, when it was JSON, the parsed body. */
    public record PeerResponse(int status, Map<String, Object> body) {
    }

    /** GETs {@code path?scope=local} on {@code host}. */
    public PeerResponse getLocal(HostInfo host, String path, String authorization) throws IOException {
        URI uri = URI.create("http://" + host.host() + ":" + host.port() + path
                + (path.contains("?") ? "&" : "?") + "scope=local");
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Accept", "application/json")
                .header("Authorization", authorization).GET().build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            Map<String, Object> body = response.body().length == 0 ? Map.of()
                    : json.readValue(response.body(), Argument.mapOf(String.class, Object.class));
            return new PeerResponse(response.statusCode(), body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking " + uri, e);
        }
    }
}
