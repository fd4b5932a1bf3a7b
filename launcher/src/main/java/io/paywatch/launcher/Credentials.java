package io.paywatch.launcher;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * API keys of the local tenants. Each key is random, made once and kept in {@code <home>/credentials.properties}
 * (owner-readable only) so the dashboard link stays valid between runs; the services get only SHA-256 hashes.
 */
public final class Credentials {

    private final Map<String, String> keysByTenant;

    private Credentials(Map<String, String> keysByTenant) {
        this.keysByTenant = keysByTenant;
    }

    /** Loads the keys of {@code tenants} from {@code home}, making and saving any that are missing. */
    public static Credentials loadOrCreate(Path home, List<String> tenants) throws IOException {
        Path file = home.resolve("credentials.properties");
        Properties props = new Properties();
        if (Files.exists(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                props.load(r);
            }
        }
        boolean changed = false;
        Map<String, String> keys = new LinkedHashMap<>();
        SecureRandom random = new SecureRandom();
        for (String tenant : tenants) {
            String key = props.getProperty(tenant);
            if (key == null) {
                byte[] bytes = new byte[24];
                random.nextBytes(bytes);
                key = "pw_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
                props.setProperty(tenant, key);
                changed = true;
            }
            keys.put(tenant, key);
        }
        if (changed) {
            Files.createDirectories(home);
            try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                props.store(w, "Paywatch local API keys (plain text, this machine only). Delete to rotate.");
            }
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system: the file keeps the default permissions.
            }
        }
        return new Credentials(keys);
    }

    /** The plain API key of {@code tenant}. */
    public String key(String tenant) {
        return keysByTenant.get(tenant);
    }

    /** Tenant ids, in the order given. */
    public List<String> tenants() {
        return List.copyOf(keysByTenant.keySet());
    }

    /** Hex SHA-256 of a key, the form the services are configured with. */
    public static String sha256Hex(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
