package io.paywatch.processor.query;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Map;

/**
 * Serves the web dashboard: static files from {@code classpath:public/} under {@code /dashboard/}. A fixed
 * list of files, so no path from a request ever reaches the class loader. The page talks to the query API
 * with the tenant's key, which it reads from the URL fragment (never sent to a server) or asks for.
 */
@Controller
public class DashboardController {

    /** The dashboard's files and their media types. */
    static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "dashboard.js", "text/javascript; charset=utf-8",
            "dashboard.css", "text/css; charset=utf-8",
            "favicon.svg", "image/svg+xml");

    /**
     * Scripts, styles and images only from here; data from here and from the local launcher's outbox.
     */
    static final String CSP = "default-src 'self'; img-src 'self' data:; connect-src 'self' http://localhost:* "
            + "http://127.0.0.1:*; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    @Get("/")
    public HttpResponse<?> root() {
        return HttpResponse.seeOther(URI.create("/dashboard/"));
    }

    /** {@code /dashboard} redirects to {@code /dashboard/} (relative asset links need the slash). */
    @Get("/dashboard{/file}")
    public HttpResponse<?> dashboard(HttpRequest<?> request, @Nullable @PathVariable String file) {
        if (file == null || file.isEmpty()) {
            return request.getPath().endsWith("/") ? file("index.html")
                    : HttpResponse.seeOther(URI.create("/dashboard/"));
        }
        return file(file);
    }

    private HttpResponse<?> file(String name) {
        String type = FILES.get(name);
        if (type == null) {
            return HttpResponse.status(HttpStatus.NOT_FOUND);
        }
        try (InputStream in = DashboardController.class.getResourceAsStream("/public/" + name)) {
            if (in == null) {
                return HttpResponse.status(HttpStatus.NOT_FOUND);
            }
            return HttpResponse.ok(in.readAllBytes()).contentType(MediaType.of(type))
                    .header("Content-Security-Policy", CSP)
                    .header("X-Content-Type-Options", "nosniff")
                    .header("Referrer-Policy", "no-referrer")
                    .header("Cache-Control", "no-cache");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
