package io.paywatch.alerts.webhook;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #12, SSRF: a webhook host is resolved and every address it resolves to is checked; loopback, link-local,
 * private and other internal addresses are refused unless {@code allow-private-targets}. Names are resolved by a
 * table in the test (no DNS), addresses are literals.
 */
class WebhookTargetGuardTest {

    private static final Map<String, String[]> DNS = Map.of(
            "hooks.example.com", new String[] {"93.184.215.14"},
            "localhost.attacker.example", new String[] {"127.0.0.1"},
            "metadata.attacker.example", new String[] {"169.254.169.254"},
            "mixed.attacker.example", new String[] {"93.184.215.14", "10.0.0.7"},
            "v6-public.example.com", new String[] {"2606:2800:21f:cb07:6820:80da:af6b:8b2c"});

    private static InetAddress[] resolve(String host) throws UnknownHostException {
        String[] literals = DNS.get(host);
        if (literals == null) {
            // An IP literal resolves to itself without DNS; anything else is unknown.
            if (host.matches("[0-9.]+") || host.contains(":")) {
                return new InetAddress[] {InetAddress.getByName(host)};
            }
            throw new UnknownHostException(host);
        }
        InetAddress[] out = new InetAddress[literals.length];
        for (int i = 0; i < literals.length; i++) {
            out[i] = InetAddress.getByAddress(host, InetAddress.getByName(literals[i]).getAddress());
        }
        return out;
    }

    private final WebhookTargetGuard guard = new WebhookTargetGuard(false, WebhookTargetGuardTest::resolve);
    private final WebhookTargetGuard allowing = new WebhookTargetGuard(true, WebhookTargetGuardTest::resolve);

    @ParameterizedTest(name = "{0} is refused as {1}")
    @CsvSource({
            "http://127.0.0.1:8083/health, loopback",
            "http://127.8.9.10/, loopback",
            "http://[::1]:8080/hook, loopback",
            "http://localhost.attacker.example/hook, loopback",
            "http://0.0.0.0/, unspecified",
            "http://[::]/, unspecified",
            "http://169.254.169.254/latest/meta-data/, link-local",
            "http://metadata.attacker.example/, link-local",
            "http://[fe80::1]/, link-local",
            "http://10.1.2.3/hook, private",
            "http://172.16.0.1/hook, private",
            "http://172.31.255.254/hook, private",
            "http://192.168.1.10/hook, private",
            "http://100.64.0.1/hook, private",
            "http://[fd12:3456:789a::1]/hook, private",
            "http://[::ffff:10.0.0.1]/hook, private",
            "http://mixed.attacker.example/hook, private",
            "http://224.0.0.1/, multicast",
    })
    void internalTargetsAreRefused(String url, String kind) {
        assertThat(guard.refusal(url)).hasValueSatisfying(reason -> assertThat(reason)
                .contains("resolves to a " + kind + " address").contains("allow-private-targets")
                .doesNotContain("/hook").doesNotContain("meta-data"));
    }

    @ParameterizedTest(name = "{0} is allowed")
    @CsvSource({
            "https://hooks.example.com/paywatch?token=abc",
            "http://93.184.215.14/hook",
            "https://v6-public.example.com/hook",
            "http://172.32.0.1/hook",
            "http://100.128.0.1/hook",
            "http://192.169.0.1/hook",
    })
    void publicTargetsAreAllowed(String url) {
        assertThat(guard.refusal(url)).isEmpty();
    }

    @Test
    void theAllowSwitchLetsInternalTargetsThroughButNotOtherSchemes() {
        assertThat(allowing.refusal("http://127.0.0.1:9000/hook")).isEmpty();
        assertThat(allowing.refusal("http://169.254.169.254/")).isEmpty();
        assertThat(allowing.refusal("http://10.0.0.7/hook")).isEmpty();
        assertThat(allowing.refusal("file:///etc/passwd")).hasValue("webhook URL scheme must be http or https");
        assertThat(guard.refusal("gopher://hooks.example.com/")).hasValue("webhook URL scheme must be http or https");
    }

    @Test
    void anUnresolvableOrHostlessUrlIsRefused() {
        assertThat(guard.refusal("https://nowhere.invalid/hook"))
                .hasValue("webhook host nowhere.invalid does not resolve");
        assertThat(guard.refusal("http:///hook")).hasValue("webhook URL has no host");
        assertThat(guard.refusal("http://exa mple.com/")).hasValue("webhook URL is not a valid URI");
    }
}
