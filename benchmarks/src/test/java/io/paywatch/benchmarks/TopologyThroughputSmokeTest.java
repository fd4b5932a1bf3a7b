package io.paywatch.benchmarks;

import io.paywatch.testkit.KafkaBrokerExtension;
import io.paywatch.testkit.SharedKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the whole benchmark with a tiny input against the shared test broker so that the benchmark code cannot rot.
 * Asserts correctness only (every input record consumed by both apps, every client profiled, nothing
 * dead-lettered, the latency probe answered), never time.
 */
@ExtendWith(KafkaBrokerExtension.class)
class TopologyThroughputSmokeTest {

    @Test
    void tinyRunConsumesEverythingAndProfilesEveryClient() throws Exception {
        BenchmarkOptions options = new BenchmarkOptions(100, 10, 2, 0.0, 1, 1, 100, 10L * 1024 * 1024, 2,
                SharedKafka.bootstrapServers(), true, 42L, Map.of(), 200);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        long start = System.nanoTime();

        TopologyThroughput.Result result = TopologyThroughput.run(options,
                new PrintStream(printed, true, StandardCharsets.UTF_8));

        System.out.print(printed.toString(StandardCharsets.UTF_8));
        System.out.printf("[smoke] run took %.1f s (broker already up: %s)%n", (System.nanoTime() - start) / 1e9,
                SharedKafka.bootstrapServers());
        assertThat(result.produced()).isEqualTo(100);
        assertThat(result.passThrough().records()).as("pass-through consumed").isEqualTo(100);
        assertThat(result.topology().records()).as("topology consumed").isEqualTo(100);
        assertThat(result.clientsWithProfile()).as("clients with a profile").isEqualTo(10);
        assertThat(result.expectedClients()).isEqualTo(10);
        assertThat(result.deadLettered()).as("dead-lettered records").isZero();
        assertThat(result.latencyMicros()).hasSize(2);
        assertThat(result.latencyQuantile(0.0)).as("fastest latency sample, µs").isPositive();
        assertThat(result.stateBytesByStore()).containsKeys("client-profile-store", "seen-events");
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("ratio topology/pass", "EOS hop latency");
    }
}
