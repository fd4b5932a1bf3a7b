package io.paywatch.alerts;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP webhook receiver on loopback: answers every call to {@code /hook} with 204 and records the
 * {@code X-Paywatch-Alert-Id} it carried, in arrival order. Close it to stop the server.
 */
final class WebhookReceiver implements AutoCloseable {

    private final HttpServer server;
    private final List<String> alertIds = new CopyOnWriteArrayList<>();

    WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hook", exchange -> {
            alertIds.add(exchange.getRequestHeaders().getFirst("X-Paywatch-Alert-Id"));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
    }

    /** The URL a tenant's settings point their webhook at. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    /** The alert ids of the calls received so far (a live, thread-safe view). */
    List<String> alertIds() {
        return alertIds;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
