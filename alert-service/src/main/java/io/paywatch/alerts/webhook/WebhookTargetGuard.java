package io.paywatch.alerts.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/**
 * Refuses webhook targets inside the service's own network (SSRF): a tenant's {@code webhookUrl} is user input, and
 * without this check it could make the alert service POST to its own admin endpoints, a cloud metadata service
 * (169.254.169.254) or any host of the private network.
 *
 * <p>The host is resolved and <em>every</em> address it resolves to is checked (a name with one public and one
 * private address is refused). Refused classes: loopback (127.0.0.0/8, ::1), unspecified (0.0.0.0/8, ::),
 * link-local (169.254.0.0/16, fe80::/10), private (10/8, 172.16/12, 192.168/16, fec0::/10, fc00::/7 unique local),
 * carrier-grade NAT (100.64.0.0/10) and multicast. Only {@code http} and {@code https} URLs are accepted.
 * {@code paywatch.alerts.webhook.allow-private-targets: true} lifts the address check (for a receiver on the same
 * machine or LAN, and for tests).
 *
 * <p>Residual window: the HTTP client resolves the name again when it connects. The JVM's positive DNS cache
 * ({@code networkaddress.cache.ttl}, 30 s by default) answers that second lookup from the first one, so a DNS
 * rebinding attack has to race the cache expiry between the check and the connect.
 */
public final class WebhookTargetGuard {

    /** A resolver, so tests can give a name any address without a DNS server. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final boolean allowPrivate;
    private final Resolver resolver;

    public WebhookTargetGuard(boolean allowPrivate, Resolver resolver) {
        this.allowPrivate = allowPrivate;
        this.resolver = resolver;
    }

    public WebhookTargetGuard(boolean allowPrivate) {
        this(allowPrivate, InetAddress::getAllByName);
    }

    /**
     * Why {@code url} must not be called, or empty when it may. The reason names the host and the address class,
     * never the path or query (they may hold a token).
     */
    public Optional<String> refusal(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return Optional.of("webhook URL is not a valid URI");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return Optional.of("webhook URL scheme must be http or https");
        }
        String host = uri.getHost();
        if (host == null || host.isBlank()) {
            return Optional.of("webhook URL has no host");
        }
        if (allowPrivate) {
            return Optional.empty();
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        } catch (UnknownHostException e) {
            return Optional.of("webhook host " + host + " does not resolve");
        }
        if (addresses == null || addresses.length == 0) {
            return Optional.of("webhook host " + host + " does not resolve");
        }
        for (InetAddress address : addresses) {
            Optional<String> kind = forbiddenKind(address);
            if (kind.isPresent()) {
                return Optional.of("webhook host " + host + " resolves to a " + kind.get() + " address ("
                        + address.getHostAddress() + "); set paywatch.alerts.webhook.allow-private-targets to allow");
            }
        }
        return Optional.empty();
    }

    /** The class of a forbidden address ("loopback", "link-local", "private", ...), or empty for a public one. */
    public static Optional<String> forbiddenKind(InetAddress address) {
        if (address.isLoopbackAddress()) {
            return Optional.of("loopback");
        }
        if (address.isAnyLocalAddress()) {
            return Optional.of("unspecified");
        }
        if (address.isLinkLocalAddress()) {
            return Optional.of("link-local");
        }
        if (address.isSiteLocalAddress()) {
            return Optional.of("private");
        }
        if (address.isMulticastAddress()) {
            return Optional.of("multicast");
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            if (first == 0) {
                return Optional.of("unspecified");
            }
            if (first == 100 && (second & 0xc0) == 64) {
                return Optional.of("private"); // 100.64.0.0/10, carrier-grade NAT
            }
        } else if (address instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) {
                return Optional.of("private"); // fc00::/7, unique local
            }
        }
        return Optional.empty();
    }
}
