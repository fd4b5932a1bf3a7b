package io.paywatch.processor.state;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Serdes of internal store values in a compact hand-written binary format: a format-version byte, then the
 * fields. Internal state never leaves the processor except through its own changelogs, so it does not widen
 * the frozen Avro contract; the version byte lets a later format read (or refuse) an earlier one.
 */
public final class VersionedSerde {

    private VersionedSerde() {
    }

    /** Writes the fields of one value (the version byte is written already). */
    @FunctionalInterface
    public interface Writer<T> {
        void write(DataOutputStream out, T value) throws IOException;
    }

    /** Reads the fields of one value (the version byte is checked already). */
    @FunctionalInterface
    public interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    /** A serde of format {@code version}; {@code what} names the value in errors. Null stays null. */
    public static <T> Serde<T> of(String what, byte version, Writer<T> writer, Reader<T> reader) {
        return of(what, version, writer, reader, java.util.Map.of());
    }

    /**
     * A serde that writes format {@code version} and reads it, and also the earlier formats in {@code older} (format
     * byte → its reader), so state persisted by an earlier release still reads after an upgrade.
     */
    public static <T> Serde<T> of(String what, byte version, Writer<T> writer, Reader<T> reader,
            java.util.Map<Byte, Reader<T>> older) {
        return Serdes.serdeFrom((topic, value) -> {
            if (value == null) {
                return null;
            }
            try {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
                DataOutputStream out = new DataOutputStream(bytes);
                out.writeByte(version);
                writer.write(out, value);
                out.flush();
                return bytes.toByteArray();
            } catch (IOException e) {
                throw new SerializationException("cannot encode " + what, e);
            }
        }, (topic, data) -> {
            if (data == null) {
                return null;
            }
            try {
                DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
                byte stored = in.readByte();
                if (stored == version) {
                    return reader.read(in);
                }
                Reader<T> earlier = older.get(stored);
                if (earlier == null) {
                    throw new SerializationException("unknown " + what + " format version " + stored);
                }
                return earlier.read(in);
            } catch (IOException e) {
                throw new SerializationException("cannot decode " + what, e);
            }
        });
    }

    /** Writes a string that may be null. */
    public static void writeNullable(DataOutputStream out, String value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeUTF(value);
        }
    }

    /** Reads a string written by {@link #writeNullable}. */
    public static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
