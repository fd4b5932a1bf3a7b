package io.paywatch.schemas;

import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.Language;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AvroSerdeTest {

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void everyTopLevelRecordRoundTrips() {
        for (SpecificRecord record : SampleRecords.oneOfEach()) {
            AvroSerde serde = AvroSerde.of(record.getClass());
            byte[] bytes = serde.encode(record);
            // Single-object encoding: marker C3 01, then 8 bytes of fingerprint, then the body.
            assertThat(bytes[0]).isEqualTo((byte) 0xC3);
            assertThat(bytes[1]).isEqualTo((byte) 0x01);
            assertThat(serde.decode(bytes)).isEqualTo(record);
        }
    }

    @Test
    void everyInvoiceEventBranchRoundTrips() {
        AvroSerde<InvoiceEvent> serde = AvroSerde.of(InvoiceEvent.class);
        SampleRecords.invoiceEvents().forEach(e -> assertThat(serde.decode(serde.encode(e))).isEqualTo(e));
    }

    @Test
    void aRecordWrittenWithTheFirstReleasedSchemaIsReadByTheCurrentReader() {
        byte[] bytes = writeWithFirstRelease(SettingsV1.TENANT);
        FreelancerSettings read = AvroSerde.of(FreelancerSettings.class).decode(bytes);
        assertThat(read.getTenantId()).isEqualTo(SettingsV1.TENANT);
        assertThat(read.getLanguage()).isEqualTo(Language.IT);
        // Fields added after v1 take their defaults.
        assertThat(read.getWebhookUrl()).isNull();
        assertThat(read.getPaymentNormDays()).isEqualTo(30);
    }

    @Test
    void garbageIsRejectedWithAClearReason() {
        AvroSerde<InvoiceEvent> serde = AvroSerde.of(InvoiceEvent.class);
        assertThatThrownBy(() -> serde.decode("{\"json\":true}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class).hasMessageContaining("single-object");
    }

    @Test
    void anUnknownWriterSchemaIsRejectedWithAClearReason() {
        byte[] bytes = AvroSerde.of(InvoiceEvent.class).encode(SampleRecords.invoiceEvents().get(0));
        bytes[5] ^= 0x5A; // corrupt the fingerprint
        assertThatThrownBy(() -> AvroSerde.of(InvoiceEvent.class).decode(bytes))
                .isInstanceOf(SerializationException.class).hasMessageContaining("unknown writer schema");
    }

    @Test
    void nullIsATombstone() {
        assertThat(AvroSerde.of(FreelancerSettings.class).encode(null)).isNull();
        assertThat(AvroSerde.of(FreelancerSettings.class).decode(null)).isNull();
    }

    /** Encodes a settings record exactly as a producer built against release v1 would. */
    static byte[] writeWithFirstRelease(String tenant) {
        Schema v1 = PaywatchSchemaStore.instance().released("FreelancerSettings").get(0);
        assertThat(v1.getField("webhookUrl")).as("v1 predates the webhook channel").isNull();
        GenericRecord record = new GenericData.Record(v1);
        for (Schema.Field f : v1.getFields()) {
            if (f.hasDefaultValue()) {
                record.put(f.name(), GenericData.get().getDefaultValue(f));
            }
        }
        record.put("tenantId", tenant);
        record.put("notificationEmail", "old@example.com");
        record.put("language", new GenericData.EnumSymbol(v1.getField("language").schema(), "IT"));
        record.put("updatedAt", SampleRecords.T0.toEpochMilli());
        try {
            return new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(record).array();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Constants of the v1 sample. */
    static final class SettingsV1 {
        static final String TENANT = "tenant-on-v1";
    }
}
