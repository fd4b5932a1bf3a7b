package io.paywatch.schemas;

import org.apache.avro.Schema;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.io.IOException;

/**
 * Kafka serde for a generated Avro record in Avro single-object encoding: the two-byte marker
 * {@code C3 01}, the writer schema's CRC-64-AVRO fingerprint, then the binary body. Readers resolve
 * the writer schema through {@link PaywatchSchemaStore}, so no schema-registry server is needed.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

    /** Package of the generated contract classes. */
    public static final String CONTRACT_PACKAGE = "io.paywatch.contract.";

    static {
        // Avro 1.12 refuses to instantiate classes it does not trust; the generated contract classes are ours.
        ClassSecurityValidator.ClassSecurityPredicate current = ClassSecurityValidator.getGlobal();
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(current,
                c -> c.getName().startsWith(CONTRACT_PACKAGE)));
    }

    private final Class<T> type;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;

    private AvroSerde(Class<T> type, Schema schema) {
        this.type = type;
        SpecificData model = SpecificData.getForSchema(schema);
        this.encoder = new BinaryMessageEncoder<>(model, schema);
        this.decoder = new BinaryMessageDecoder<>(model, schema, PaywatchSchemaStore.instance());
    }

    /** A serde for the generated class {@code type}. */
    public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
        return new AvroSerde<>(type, SpecificData.get().getSchema(type));
    }

    /** The record class this serde handles. */
    public Class<T> type() {
        return type;
    }

    /** Encodes a record; null stays null (a tombstone). */
    public byte[] encode(T value) {
        if (value == null) {
            return null;
        }
        try {
            return encoder.encode(value).array();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot encode " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /** Decodes bytes written by any released version of the schema; null stays null. */
    public T decode(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return decoder.decode(bytes);
        } catch (MissingSchemaException e) {
            throw new SerializationException("unknown writer schema for " + type.getSimpleName()
                    + " (fingerprint not in the schema store): " + e.getMessage(), e);
        } catch (BadHeaderException e) {
            throw new SerializationException("not Avro single-object encoding: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot decode " + type.getSimpleName() + ": " + e, e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> encode(value);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> decode(bytes);
    }
}
