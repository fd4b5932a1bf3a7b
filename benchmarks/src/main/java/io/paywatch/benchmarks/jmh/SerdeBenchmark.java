package io.paywatch.benchmarks.jmh;

import io.paywatch.contract.ClientProfile;
import io.paywatch.contract.InvoiceEvent;
import io.paywatch.schemas.AvroSerde;
import io.paywatch.schemas.ClientKey;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/**
 * Per-record costs on the hot path: the contract serde (single-object Avro) of the main input and output, and the
 * client key parse every processor call makes. Operations per second, one thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SerdeBenchmark {

    private AvroSerde<InvoiceEvent> invoiceSerde;
    private AvroSerde<ClientProfile> profileSerde;
    private InvoiceEvent invoice;
    private byte[] invoiceBytes;
    private ClientProfile profile;
    private byte[] profileBytes;
    private String key;

    /** Builds the sample records once per fork. */
    @Setup
    public void setUp() {
        invoiceSerde = AvroSerde.of(InvoiceEvent.class);
        profileSerde = AvroSerde.of(ClientProfile.class);
        invoice = SampleRecords.invoiceEvent();
        invoiceBytes = invoiceSerde.encode(invoice);
        profile = SampleRecords.clientProfile();
        profileBytes = profileSerde.encode(profile);
        key = ClientKey.of(profile.getTenantId(), profile.getClientId());
        System.out.printf("%n[jmh] InvoiceEvent %d B, ClientProfile %d B encoded%n", invoiceBytes.length,
                profileBytes.length);
    }

    @Benchmark
    public byte[] encodeInvoiceEvent() {
        return invoiceSerde.encode(invoice);
    }

    @Benchmark
    public InvoiceEvent decodeInvoiceEvent() {
        return invoiceSerde.decode(invoiceBytes);
    }

    @Benchmark
    public byte[] encodeClientProfile() {
        return profileSerde.encode(profile);
    }

    @Benchmark
    public ClientProfile decodeClientProfile() {
        return profileSerde.decode(profileBytes);
    }

    @Benchmark
    public ClientKey parseClientKey() {
        return ClientKey.parse(key);
    }
}
