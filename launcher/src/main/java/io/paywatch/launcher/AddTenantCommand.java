package io.paywatch.launcher;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code java -jar launcher/target/launcher.jar add-tenant <id> [--stripe-secret whsec_…]}: adds a tenant to the
 * local stack's credentials (an API key and webhook secrets, generated), or gives an existing one the Stripe
 * endpoint secret that Stripe (or {@code stripe listen}) shows. The next start configures every service with it.
 */
@Command(name = "add-tenant", mixinStandardHelpOptions = true,
        description = "Adds a tenant (API key and webhook secrets) to the local stack, or sets its Stripe secret. "
                + "Prints the new secrets once; restart the launcher to load them.")
final class AddTenantCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "Tenant id: a-z, 0-9, '_' and '-'.")
    String tenant;

    @Option(names = "--stripe-secret", description = "The endpoint's signing secret from Stripe (whsec_…); "
            + "generated when not given.")
    String stripeSecret;

    @Option(names = "--home", defaultValue = ".paywatch", description = "Data directory (default: ${DEFAULT-VALUE}).")
    Path home;

    @Override
    public Integer call() throws Exception {
        Credentials.TenantSecrets t;
        try {
            t = Credentials.addTenant(home.toAbsolutePath().normalize(), tenant, stripeSecret);
        } catch (IllegalArgumentException e) {
            System.err.println("add-tenant: " + e.getMessage());
            return 2;
        }
        System.out.println("Tenant " + t.tenant() + " saved in " + home.resolve(Credentials.FILE) + " (mode 600).");
        System.out.println("  API key                    " + t.apiKey());
        System.out.println("  Stripe endpoint secret     " + t.stripeSecret());
        System.out.println("  QuickBooks verifier token  " + t.quickbooksToken());
        System.out.println("  Xero webhook key           " + t.xeroKey());
        System.out.println("Webhook URLs once started: http://localhost:8081/v1/webhooks/{stripe,quickbooks,xero}/"
                + t.tenant());
        System.out.println("Restart the launcher to load it (--tenant " + t.tenant() + " links its dashboard).");
        return 0;
    }
}
