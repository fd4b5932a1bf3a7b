package io.paywatch.producer.security;

import io.micronaut.context.ApplicationContext;
import io.paywatch.producer.TestSupport;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The service refuses to start with the placeholder secrets committed in application.yml (the demo tenant's
 * webhook secrets and the documented demo key), naming the settings but never the values, unless the
 * development flag allows them.
 */
class PlaceholderSecretsTest {

    /** A context without Kafka work at start-up: only configuration is judged. */
    static Map<String, Object> offline() {
        Map<String, Object> p = new HashMap<>();
        p.put("paywatch.topics.bootstrap-on-startup", "false");
        p.put("paywatch.settings.follow-topic", "false");
        p.put("kafka.bootstrap.servers", "localhost:1");
        p.put("kafka.health.enabled", "false");
        return p;
    }

    static Map<String, Object> offlineWithTestSecrets() {
        Map<String, Object> p = new HashMap<>(TestSupport.properties());
        p.putAll(offline());
        return p;
    }

    @Test
    void applicationYmlDemoSecretsStopTheStartWithTheSettingNamed() {
        assertThatThrownBy(() -> ApplicationContext.run(offline()).close())
                .hasStackTraceContaining("invoice-producer refuses to start")
                .hasStackTraceContaining("paywatch.tenants.demo.stripe-endpoint-secret")
                .hasStackTraceContaining("paywatch.tenants.demo.quickbooks-verifier-token")
                .hasStackTraceContaining("paywatch.tenants.demo.xero-webhook-key")
                .hasStackTraceContaining("paywatch.tenants.demo.api-key-sha256")
                .hasStackTraceContaining("paywatch.security.allow-placeholder-secrets=true")
                .satisfies(e -> assertThat(stackTrace(e)).doesNotContain("whsec_demo_only_change_me",
                        "demo-quickbooks-verifier-change-me", "demo-xero-key-change-me",
                        "fd453b482c37643cafc233a8a8c6418f2558373f2887ada875b187c4bc6fcd63"));
    }

    @Test
    void onePlaceholderIsEnoughToRefuse() {
        Map<String, Object> p = offlineWithTestSecrets();
        p.put("paywatch.tenants.acme.xero-webhook-key", "my-xero-key-CHANGE-ME");
        assertThatThrownBy(() -> ApplicationContext.run(p).close())
                .hasStackTraceContaining("paywatch.tenants.acme.xero-webhook-key holds a placeholder")
                .satisfies(e -> assertThat(stackTrace(e)).doesNotContain("my-xero-key"));
    }

    @Test
    void theDevelopmentFlagAllowsThemAndRealSecretsNeedNoFlag() {
        Map<String, Object> p = offline();
        p.put("paywatch.security.allow-placeholder-secrets", "true");
        try (ApplicationContext context = ApplicationContext.run(p)) {
            assertThat(context.getBean(SecurityConfiguration.class).allowPlaceholderSecrets()).isTrue();
        }
        try (ApplicationContext context = ApplicationContext.run(offlineWithTestSecrets())) {
            assertThat(context.getBean(SecurityConfiguration.class).allowPlaceholderSecrets()).isFalse();
        }
    }

    static String stackTrace(Throwable e) {
        java.io.StringWriter w = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }
}
