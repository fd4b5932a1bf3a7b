package io.paywatch.launcher;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The local tenants' secrets: an API key and the three webhook secrets (Stripe endpoint secret, QuickBooks
 * verifier token, Xero webhook key) per tenant. Each is random, made once on the first start and kept in
 * {@code <home>/credentials.properties}, readable by its owner only (mode 600), so the dashboard link and a
 * configured webhook stay valid between runs. Nothing here is ever a value committed to the repository: a
 * published secret lets anyone forge webhooks. The services get only the SHA-256 of an API key; the webhook
 * secrets go to the invoice-producer alone, because an HMAC check needs them in the clear.
 *
 * <p>File format (a Java properties file): {@code <tenant>=<API key>} (the form of earlier launchers) and
 * {@code <tenant>.stripe-endpoint-secret}, {@code <tenant>.quickbooks-verifier-token},
 * {@code <tenant>.xero-webhook-key}.
 */
public final class Credentials {

    static final String FILE = "credentials.properties";
    static final String STRIPE = ".stripe-endpoint-secret";
    static final String QUICKBOOKS = ".quickbooks-verifier-token";
    static final String XERO = ".xero-webhook-key";
    private static final List<String> SUFFIXES = List.of(STRIPE, QUICKBOOKS, XERO);
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * One tenant's secrets, all in the clear.
     *
     * @param apiKey          Bearer key of the ingestion and query APIs ({@code pw_} + 32 base64url characters)
     * @param stripeSecret    Stripe endpoint signing secret ({@code whsec_…}); the one Stripe (or {@code stripe
     *                        listen}) shows when you register the endpoint replaces the generated one
     * @param quickbooksToken QuickBooks Online webhook verifier token
     * @param xeroKey         Xero webhook signing key
     */
    public record TenantSecrets(String tenant, String apiKey, String stripeSecret, String quickbooksToken,
            String xeroKey) {
        @Override
        public String toString() {
            // Never print a secret by accident (a log line, an exception message).
            return "TenantSecrets[" + tenant + "]";
        }
    }

    private final Path file;
    private final Map<String, TenantSecrets> byTenant;
    private final List<String> created;

    private Credentials(Path file, Map<String, TenantSecrets> byTenant, List<String> created) {
        this.file = file;
        this.byTenant = byTenant;
        this.created = created;
    }

    /**
     * Loads every tenant kept in {@code home}, making and saving the secrets of {@code tenants} (and any secret
     * of theirs) that are missing. The order is {@code tenants} first, then the other kept tenants by id.
     */
    public static Credentials loadOrCreate(Path home, List<String> tenants) throws IOException {
        Path file = home.resolve(FILE);
        Properties props = load(file);
        List<String> order = new ArrayList<>(tenants);
        for (String kept : keptTenants(props)) {
            if (!order.contains(kept)) {
                order.add(kept);
            }
        }
        List<String> created = new ArrayList<>();
        for (String tenant : order) {
            if (fillMissing(props, tenant)) {
                created.add(tenant);
            }
        }
        if (!created.isEmpty()) {
            store(home, file, props);
        }
        Map<String, TenantSecrets> secrets = new LinkedHashMap<>();
        for (String tenant : order) {
            secrets.put(tenant, secretsOf(props, tenant));
        }
        return new Credentials(file, secrets, List.copyOf(created));
    }

    /**
     * Adds a tenant (or updates one): makes whatever it lacks and, when {@code stripeSecret} is given, stores it
     * as its Stripe endpoint secret (the {@code whsec_…} Stripe shows for the endpoint).
     *
     * @throws IllegalArgumentException when the tenant id or the Stripe secret has a form the services refuse
     */
    public static TenantSecrets addTenant(Path home, String tenant, String stripeSecret) throws IOException {
        if (!tenant.matches("[a-z0-9][a-z0-9_-]{0,62}")) {
            throw new IllegalArgumentException("tenant id must be 1-63 characters of a-z, 0-9, '_' and '-', "
                    + "starting with a letter or digit: " + tenant);
        }
        if (stripeSecret != null && !stripeSecret.matches("whsec_[A-Za-z0-9+/=_-]{16,}")) {
            throw new IllegalArgumentException("a Stripe endpoint secret looks like whsec_ followed by at least "
                    + "16 characters");
        }
        Path file = home.resolve(FILE);
        Properties props = load(file);
        fillMissing(props, tenant);
        if (stripeSecret != null) {
            props.setProperty(tenant + STRIPE, stripeSecret);
        }
        store(home, file, props);
        return secretsOf(props, tenant);
    }

    private static Properties load(Path file) throws IOException {
        Properties props = new Properties();
        if (Files.exists(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                props.load(r);
            }
        }
        return props;
    }

    private static Set<String> keptTenants(Properties props) {
        Set<String> tenants = new TreeSet<>();
        for (String key : props.stringPropertyNames()) {
            if (SUFFIXES.stream().noneMatch(key::endsWith)) {
                tenants.add(key);
            }
        }
        return tenants;
    }

    /** Makes the secrets {@code tenant} lacks; true when it made any. */
    private static boolean fillMissing(Properties props, String tenant) {
        boolean changed = false;
        changed |= putIfAbsent(props, tenant, "pw_" + random(24));
        changed |= putIfAbsent(props, tenant + STRIPE, "whsec_" + random(32));
        changed |= putIfAbsent(props, tenant + QUICKBOOKS, random(32));
        changed |= putIfAbsent(props, tenant + XERO, random(48));
        return changed;
    }

    private static boolean putIfAbsent(Properties props, String key, String value) {
        if (props.getProperty(key) != null) {
            return false;
        }
        props.setProperty(key, value);
        return true;
    }

    private static TenantSecrets secretsOf(Properties props, String tenant) {
        return new TenantSecrets(tenant, props.getProperty(tenant), props.getProperty(tenant + STRIPE),
                props.getProperty(tenant + QUICKBOOKS), props.getProperty(tenant + XERO));
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Writes {@code props} to a new owner-only file and moves it in place, so the secrets are never world-readable. */
    private static void store(Path home, Path file, Properties props) throws IOException {
        Files.createDirectories(home);
        Path tmp = home.resolve(FILE + ".tmp");
        Files.deleteIfExists(tmp);
        writeOwnerOnly(tmp);
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            props.store(w, "Paywatch local secrets (plain text, this machine only, mode 600). Delete to rotate all.");
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Creates an empty file readable and writable by its owner only (where the file system has POSIX modes). */
    public static void writeOwnerOnly(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(
                    Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: the file keeps the default permissions.
            Files.createFile(file);
        }
    }

    /** Where the secrets are kept. */
    public Path file() {
        return file;
    }

    /** The plain API key of {@code tenant}. */
    public String key(String tenant) {
        TenantSecrets s = byTenant.get(tenant);
        return s == null ? null : s.apiKey();
    }

    /** Every secret of {@code tenant}, or null when it is not a local tenant. */
    public TenantSecrets secrets(String tenant) {
        return byTenant.get(tenant);
    }

    /** Tenant ids: the ones asked for in order, then the others kept in the file. */
    public List<String> tenants() {
        return List.copyOf(byTenant.keySet());
    }

    /** Tenants whose secrets were made by this start: their secrets are printed this once. */
    public List<String> created() {
        return created;
    }
}
