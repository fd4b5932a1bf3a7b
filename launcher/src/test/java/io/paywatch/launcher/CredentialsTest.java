package io.paywatch.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Secrets are generated per tenant at first start, kept owner-only, stable across starts, never the committed ones. */
class CredentialsTest {

    /** The values committed in invoice-producer's application.yml and docs: never to be used by a running stack. */
    static final List<String> PUBLISHED = List.of("whsec_demo_only_change_me", "demo-quickbooks-verifier-change-me",
            "demo-xero-key-change-me", "paywatch-compose-demo-key");

    @TempDir
    Path home;

    @Test
    void everyTenantGetsItsOwnRandomSecretsOnceKeptOwnerOnly() throws Exception {
        Credentials first = Credentials.loadOrCreate(home, List.of("demo", "studio-rossi"));
        assertThat(first.created()).containsExactly("demo", "studio-rossi");
        Credentials.TenantSecrets demo = first.secrets("demo");
        Credentials.TenantSecrets rossi = first.secrets("studio-rossi");
        assertThat(demo.apiKey()).matches("pw_[A-Za-z0-9_-]{32}");
        assertThat(demo.stripeSecret()).matches("whsec_[A-Za-z0-9_-]{43}");
        assertThat(demo.quickbooksToken()).hasSizeGreaterThanOrEqualTo(40);
        assertThat(demo.xeroKey()).hasSizeGreaterThanOrEqualTo(60);
        List<String> all = Stream.of(demo, rossi).flatMap(t -> Stream.of(t.apiKey(), t.stripeSecret(),
                t.quickbooksToken(), t.xeroKey())).toList();
        assertThat(all).doesNotHaveDuplicates().doesNotContainAnyElementsOf(PUBLISHED);
        assertThat(demo.toString()).doesNotContain(demo.stripeSecret()).doesNotContain(demo.apiKey());

        Path file = home.resolve("credentials.properties");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");

        Credentials again = Credentials.loadOrCreate(home, List.of("demo"));
        assertThat(again.created()).as("nothing new: nothing printed again").isEmpty();
        assertThat(again.secrets("demo")).usingRecursiveComparison().isEqualTo(demo);
        // A kept tenant is loaded even when not asked for: the services are configured with every tenant.
        assertThat(again.tenants()).containsExactly("demo", "studio-rossi");
    }

    @Test
    void aKeyFileFromAnEarlierLauncherKeepsItsKeysAndGainsWebhookSecrets() throws Exception {
        Files.writeString(home.resolve("credentials.properties"), "demo=pw_earlier_key_kept\n");
        Credentials c = Credentials.loadOrCreate(home, List.of("demo"));
        assertThat(c.key("demo")).isEqualTo("pw_earlier_key_kept");
        assertThat(c.secrets("demo").stripeSecret()).startsWith("whsec_");
        assertThat(c.created()).containsExactly("demo");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("credentials.properties"))))
                .isEqualTo("rw-------");
    }

    @Test
    void addTenantMakesATenantOrSetsTheStripeSecretStripeGave() throws Exception {
        Credentials.TenantSecrets made = Credentials.addTenant(home, "acme-studio", null);
        assertThat(made.stripeSecret()).startsWith("whsec_");
        Credentials.TenantSecrets updated = Credentials.addTenant(home, "acme-studio", "whsec_fromStripeListen0123456789");
        assertThat(updated.apiKey()).isEqualTo(made.apiKey());
        assertThat(updated.stripeSecret()).isEqualTo("whsec_fromStripeListen0123456789");
        assertThat(Credentials.loadOrCreate(home, List.of("demo")).secrets("acme-studio"))
                .usingRecursiveComparison().isEqualTo(updated);

        assertThatThrownBy(() -> Credentials.addTenant(home, "Bad.Tenant", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tenant id");
        assertThatThrownBy(() -> Credentials.addTenant(home, "ok", "not-a-stripe-secret"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whsec_");
    }
}
