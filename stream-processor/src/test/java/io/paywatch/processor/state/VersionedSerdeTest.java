package io.paywatch.processor.state;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VersionedSerdeTest {

    private record Pair(String name, long value) {
    }

    private static Serde<Pair> serde(byte version) {
        return VersionedSerde.of("pair", version, (out, p) -> {
            VersionedSerde.writeNullable(out, p.name());
            out.writeLong(p.value());
        }, in -> new Pair(VersionedSerde.readNullable(in), in.readLong()));
    }

    @Test
    void roundTripsWithTheVersionByteFirstAndNullAsTombstone() {
        byte[] bytes = serde((byte) 1).serializer().serialize("t", new Pair("a", 42));
        assertThat(bytes[0]).isEqualTo((byte) 1);
        assertThat(serde((byte) 1).deserializer().deserialize("t", bytes)).isEqualTo(new Pair("a", 42));
        assertThat(serde((byte) 1).deserializer().deserialize("t",
                serde((byte) 1).serializer().serialize("t", new Pair(null, -1)))).isEqualTo(new Pair(null, -1));
        assertThat(serde((byte) 1).serializer().serialize("t", null)).isNull();
        assertThat(serde((byte) 1).deserializer().deserialize("t", null)).isNull();
    }

    @Test
    void refusesAnotherFormatVersion() {
        byte[] v2 = serde((byte) 2).serializer().serialize("t", new Pair("a", 1));
        assertThatThrownBy(() -> serde((byte) 1).deserializer().deserialize("t", v2))
                .isInstanceOf(SerializationException.class).hasMessageContaining("pair format version 2");
    }
}
