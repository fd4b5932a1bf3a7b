package io.paywatch.producer.publish;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.paywatch.producer.RunningServiceTest;
import io.paywatch.producer.TestSupport;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Benchmark-style: POSTs batches of 1,000 events and prints the latency of each 202 (validation + one Kafka
 * transaction, acks=all). Asserts only correctness: every batch accepted and every event on the topic.
 */
@MicronautTest
class BatchThroughputTest extends RunningServiceTest {

    static final int BATCH = 1000;
    static final int WARMUP = 2;
    static final int MEASURED = 5;

    static String batch(int round) {
        return IntStream.range(0, BATCH).mapToObj(i -> """
                {"type":"InvoiceIssued","eventId":"tp-%d-%d","clientId":"client-%d","invoiceId":"inv-%d-%d",
                 "issuedAt":"2025-05-01T09:00:00Z","paymentTermsDays":30,
                 "amount":{"amountMinor":%d,"currency":"EUR"}}""".formatted(round, i, i % 100, round, i, 1000 + i))
                .collect(Collectors.joining(",", "[", "]"));
    }

    @Test
    void batchesOfAThousandArePublishedAndTimed() {
        int rounds = WARMUP + MEASURED;
        double[] millis = new double[MEASURED];
        int bodyBytes = 0;
        for (int round = 0; round < rounds; round++) {
            String body = batch(round);
            bodyBytes = body.length();
            long start = System.nanoTime();
            HttpResponse<String> r = http.postJson("/v1/events", body, TestSupport.KEY);
            double ms = (System.nanoTime() - start) / 1e6;
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            assertThat(r.body()).contains("\"accepted\":" + BATCH);
            if (round >= WARMUP) {
                millis[round - WARMUP] = ms;
            }
        }
        Arrays.sort(millis);
        double median = millis[MEASURED / 2];
        System.out.printf("[throughput] batch of %d events (%d KB JSON): median %.1f ms, min %.1f ms, max %.1f ms "
                        + "-> %.0f events/s per request (%d warm-up, %d measured)%n", BATCH, bodyBytes / 1024,
                median, millis[0], millis[MEASURED - 1], BATCH / (median / 1000), WARMUP, MEASURED);
        assertThat(TestSupport.invoiceEvents(rounds * BATCH)).hasSizeGreaterThanOrEqualTo(rounds * BATCH);
    }
}
