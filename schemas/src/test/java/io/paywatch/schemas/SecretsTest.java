package io.paywatch.schemas;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SecretsTest {

    @Test
    void keysMatchTheirHashInAnyCaseAndNothingElse() {
        String hash = Secrets.sha256Hex("paywatch-demo-key");
        assertThat(hash).isEqualTo("fd453b482c37643cafc233a8a8c6418f2558373f2887ada875b187c4bc6fcd63");
        assertThat(Secrets.matchesSha256Hex("paywatch-demo-key", " " + hash.toUpperCase() + "\n")).isTrue();
        assertThat(Secrets.matchesSha256Hex("paywatch-demo-kez", hash)).isFalse();
        assertThat(Secrets.matchesSha256Hex("paywatch-demo-key", hash.substring(1))).isFalse();
        assertThat(Secrets.matchesSha256Hex(null, hash)).isFalse();
        assertThat(Secrets.matchesSha256Hex("k", null)).isFalse();
    }

    @Test
    void placeholdersAreRecognisedAndNamedWithoutTheirValues() {
        assertThat(Secrets.isPlaceholder("whsec_demo_only_change_me")).isTrue();
        assertThat(Secrets.isPlaceholder("demo-xero-key-change-me")).isTrue();
        assertThat(Secrets.isPlaceholder("MY-KEY-CHANGEME")).isTrue();
        assertThat(Secrets.isPlaceholder(Secrets.sha256Hex("paywatch-compose-demo-key"))).isTrue();
        assertThat(Secrets.isPlaceholder("whsec_3Jq9x0f2Vt")).isFalse();
        assertThat(Secrets.isPlaceholder("")).isFalse();
        assertThat(Secrets.isPlaceholder(null)).isFalse();
        Map<String, String> settings = new HashMap<>();
        settings.put("b.secret", "demo-quickbooks-verifier-change-me");
        settings.put("a.secret", "whsec_demo_only_change_me");
        settings.put("c.secret", "real");
        settings.put("d.secret", null);
        assertThat(Secrets.placeholderSettings(settings)).containsExactly("a.secret", "b.secret");
        assertThat(Secrets.placeholderError("svc", Secrets.placeholderSettings(settings)))
                .contains("a.secret, b.secret hold a placeholder", "paywatch.security.allow-placeholder-secrets=true")
                .doesNotContain("change_me", "change-me");
    }

    @Test
    void kafkaSecuritySelectsOnlyConnectionSecurityAndDropsBlanks() {
        Map<String, Object> kafka = new HashMap<>();
        kafka.put("bootstrap.servers", "b:9092");
        kafka.put("security.protocol", "SASL_SSL");
        kafka.put("sasl.mechanism", "PLAIN");
        kafka.put("sasl.jaas.config", "");
        kafka.put("ssl.truststore.location", "/t.jks");
        kafka.put("streams.default.application.id", "x");
        assertThat(KafkaSecurity.select(kafka)).containsOnlyKeys("security.protocol", "sasl.mechanism",
                "ssl.truststore.location");
    }
}
