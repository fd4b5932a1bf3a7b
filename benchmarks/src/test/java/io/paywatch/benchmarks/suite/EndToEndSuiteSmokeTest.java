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
 * Runs {@code --suite e2e} on a tiny input: the three service jars in child JVMs, the shared test broker, GreenMail.
 * Asserts correctness only, never time: every drifting client's PAYMENT_DRIFT email reached the SMTP server exactly
 * once, and no control client (paid within terms, the truth of the generated history) got one.
 */
@ExtendWith(KafkaBrokerExtension.class)
class EndToEndSuiteSmokeTest {

    @Test
    void tinyEndToEndRunEmailsEveryDriftAndNoControl() throws Exception {
        EndToEndSuite.Options options = EndToEndSuite.Options.parse(new String[] {"--alerts", "4", "--controls", "3",
                "--warmup", "1", "--interval-ms", "0", "--replay-idle", "2s", "--wall-clock-scan", "1s",
                "--email-timeout-s", "60"});
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        EndToEndSuite.Result r = EndToEndSuite.run(options, SharedKafka.bootstrapServers(),
                new PrintStream(printed, true, StandardCharsets.UTF_8));

        String text = printed.toString(StandardCharsets.UTF_8);
        System.out.print(text);
        assertThat(r.missing()).as("drift emails missing").isZero();
        assertThat(r.duplicateDriftEmails()).as("drift emails sent twice").isZero();
        assertThat(r.latenciesMs()).hasSize(4).allSatisfy(ms -> assertThat(ms).isNotNegative());
        assertThat(r.controlDriftEmails()).as("drift emails about clients paid within terms").isZero();
        assertThat(r.peakRssMiB()).containsKeys("invoice-producer", "stream-processor", "alert-service");
        assertThat(text).contains("machine:", "p50", "p99");
        assertThat(Files.readString(Machine.targetDir().resolve("results-e2e.json"))).contains("\"p99Ms\"");
    }
}
