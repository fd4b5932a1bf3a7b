package io.paywatch.schemas;

import io.paywatch.contract.AlertDelivery;
import io.paywatch.contract.ClientContacts;
import io.paywatch.contract.ClientProfile;
import io.paywatch.contract.DeadLetter;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.InvoiceRisk;
import io.paywatch.contract.MailPosition;
import io.paywatch.contract.MessageEvent;
import io.paywatch.contract.PaymentAlert;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every released version of every top-level schema, looked up by its CRC-64-AVRO fingerprint.
 *
 * <p>This is what replaces a schema-registry server: a single-object encoded record names its
 * writer schema by fingerprint, and this store resolves the fingerprint to that schema so a newer
 * reader can decode what an older producer wrote. Released versions live in the module as
 * {@code io/paywatch/schemas/released/<Name>/v<N>.avsc}, listed in {@code released/INDEX}.
 */
public final class PaywatchSchemaStore implements SchemaStore {

    /** Resource folder of the released schema versions. */
    public static final String RELEASED_ROOT = "io/paywatch/schemas/released/";

    /** The top-level records that travel on topics, by simple name. */
    public static final Map<String, Schema> TOP_LEVEL = topLevel();

    private static final PaywatchSchemaStore INSTANCE = new PaywatchSchemaStore(loadReleased());

    private final Map<Long, Schema> byFingerprint;
    private final Map<String, List<Schema>> releasedByName;

    private PaywatchSchemaStore(Map<String, List<Schema>> released) {
        this.releasedByName = released;
        Map<Long, Schema> map = new LinkedHashMap<>();
        released.values().forEach(versions -> versions.forEach(s -> map.put(fingerprint(s), s)));
        // The current schemas are always readable, even before a release snapshot is taken.
        TOP_LEVEL.values().forEach(s -> map.putIfAbsent(fingerprint(s), s));
        this.byFingerprint = Collections.unmodifiableMap(map);
    }

    /** The process-wide store. */
    public static PaywatchSchemaStore instance() {
        return INSTANCE;
    }

    @Override
    public Schema findByFingerprint(long fingerprint) {
        return byFingerprint.get(fingerprint);
    }

    /** Released versions of a top-level record, oldest first. */
    public List<Schema> released(String simpleName) {
        return releasedByName.getOrDefault(simpleName, List.of());
    }

    /** The CRC-64-AVRO fingerprint of the schema's parsing canonical form, as single-object encoding uses. */
    public static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    private static Map<String, Schema> topLevel() {
        Map<String, Schema> map = new LinkedHashMap<>();
        for (Schema s : List.of(InvoiceEvent.getClassSchema(), MessageEvent.getClassSchema(),
                FreelancerSettings.getClassSchema(), ClientProfile.getClassSchema(),
                InvoiceRisk.getClassSchema(), PaymentAlert.getClassSchema(), DeadLetter.getClassSchema(),
                AlertDelivery.getClassSchema(), ClientContacts.getClassSchema(),
                MailPosition.getClassSchema())) {
            map.put(s.getName(), s);
        }
        return Collections.unmodifiableMap(map);
    }

    private static Map<String, List<Schema>> loadReleased() {
        Map<String, List<Schema>> released = new LinkedHashMap<>();
        ClassLoader loader = PaywatchSchemaStore.class.getClassLoader();
        try (InputStream index = loader.getResourceAsStream(RELEASED_ROOT + "INDEX")) {
            if (index == null) {
                return released;
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(index, StandardCharsets.UTF_8));
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                String path = line.strip();
                if (path.isEmpty() || path.startsWith("#")) {
                    continue;
                }
                try (InputStream in = loader.getResourceAsStream(RELEASED_ROOT + path)) {
                    if (in == null) {
                        throw new IllegalStateException("released schema listed in INDEX is missing: " + path);
                    }
                    Schema schema = new Schema.Parser().parse(in);
                    released.computeIfAbsent(schema.getName(), k -> new ArrayList<>()).add(schema);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read released schemas", e);
        }
        return released;
    }
}
