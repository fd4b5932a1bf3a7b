package io.paywatch.benchmarks.jmh;

import io.paywatch.benchmarks.Workload;
import io.paywatch.contract.ClientProfile;
import io.paywatch.contract.InvoiceEvent;
import io.paywatch.processor.PaywatchTopology;
import io.paywatch.processor.StreamsDefaults;
import io.paywatch.schemas.Topics;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

/**
 * Realistic records for the microbenchmarks: an invoice event of the benchmark workload, and a ClientProfile that
 * the real topology emitted after a client's year of history (so its history, aging and timeline arrays have the
 * sizes production sees, which hand-built records would not).
 */
final class SampleRecords {

    private SampleRecords() {
    }

    /** The first invoice event of a small workload. */
    static InvoiceEvent invoiceEvent() {
        Workload workload = Workload.generate("bench-", 100, 2, 1, 7L);
        Workload.Event first = workload.events().stream()
                .filter(e -> e.topic().equals(Topics.INVOICE_EVENTS.name())).findFirst().orElseThrow();
        return Topics.INVOICE_EVENTS.valueSerde().deserializer().deserialize(first.topic(), first.value());
    }

    /** The last profile the topology emitted for a client with about 40 events of history. */
    static ClientProfile clientProfile() {
        Workload workload = Workload.generate("bench-", 80, 2, 1, 7L);
        Properties config = StreamsDefaults.properties();
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        try {
            config.put(StreamsConfig.STATE_DIR_CONFIG,
                    Files.createTempDirectory("paywatch-jmh-sample-").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StreamsBuilder builder = new StreamsBuilder();
        PaywatchTopology.buildTopology(builder);
        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), config)) {
            TestInputTopic<String, byte[]> invoices = driver.createInputTopic(Topics.INVOICE_EVENTS.name(),
                    new StringSerializer(), new ByteArraySerializer());
            TestInputTopic<String, byte[]> messages = driver.createInputTopic(Topics.MESSAGE_EVENTS.name(),
                    new StringSerializer(), new ByteArraySerializer());
            for (Workload.Event e : workload.events()) {
                TestInputTopic<String, byte[]> topic =
                        e.topic().equals(Topics.INVOICE_EVENTS.name()) ? invoices : messages;
                topic.pipeInput(e.key(), e.value(), Instant.ofEpochMilli(e.eventTimeMs()));
            }
            TestOutputTopic<String, ClientProfile> profiles = driver.createOutputTopic(
                    Topics.CLIENT_PROFILES.name(), new StringDeserializer(),
                    Topics.CLIENT_PROFILES.valueSerde().deserializer());
            List<ClientProfile> all = profiles.readValuesToList();
            if (all.isEmpty()) {
                throw new IllegalStateException("the topology emitted no profile");
            }
            return all.get(all.size() - 1);
        }
    }
}
