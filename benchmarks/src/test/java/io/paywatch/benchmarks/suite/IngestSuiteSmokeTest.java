package io.paywatch.benchmarks.suite;

import static org.assertj.core.api.Assertions.assertThat;

import io.paywatch.testkit.KafkaBrokerExtension;
import io.paywatch.testkit.SharedKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs {@code --suite ingest} on a tiny input against the shared test broker, with the real invoice-producer jar in
 * a child JVM, so the suite cannot rot. Asserts correctness only, never time: every request was answered 202 (200
 * for the webhook) with every event accepted (the suite throws otherwise), the records reached the topic, the RSS
 * was sampled and results.json was written.
 */
@ExtendWith(KafkaBrokerExtension.class)
class IngestSuiteSmokeTest {

    @Test
    void tinyIngestRunAcceptsEveryEventAndWritesResults() throws Exception {
        IngestSuite.Options options = IngestSuite.Options.parse(new String[] {"--batches", "2", "--batch-size", "50",
                "--warmup-batches", "0", "--rounds", "1", "--http-clients", "2", "--single-events", "20",
                "--single-clients", "2"});
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        long before = EndToEndSuite.countRecords(SharedKafka.bootstrapServers(), "invoice-events");

        IngestSuite.Result r = IngestSuite.run(options, SharedKafka.bootstrapServers(),
                new PrintStream(printed, true, StandardCharsets.UTF_8));

        String text = printed.toString(StandardCharsets.UTF_8);
        System.out.print(text);
        assertThat(r.rawEvents()).isEqualTo(100);
        assertThat(r.apiEvents()).isEqualTo(100);
        assertThat(r.webhookEvents()).isEqualTo(20);
        assertThat(r.singleJsonEvents()).isEqualTo(20);
        // Raw 100 + API 100 + 20 webhooks + 20 single events, plus one commit marker per API/webhook transaction.
        assertThat(r.recordsOnTopic() - before).as("records and markers written").isGreaterThanOrEqualTo(240);
        assertThat(r.ratio()).isPositive();
        assertThat(r.peakRssMiB()).as("service RSS sampled").isPositive();
        assertThat(text).contains("machine:", "cores, load average", "ratio API / raw", "Stripe webhook",
                "invoice-producer RSS");
        assertThat(Files.readString(Machine.targetDir().resolve("results-ingest.json")))
                .contains("\"ratioApiToRaw\"", "\"loadAverageAtStart\"", "\"serviceRssPeakMiB\"");
    }
}
