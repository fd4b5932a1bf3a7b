package io.paywatch.processor;

import io.paywatch.contract.ClientProfile;
import io.paywatch.contract.InvoiceEvent;
import io.paywatch.schemas.ClientKey;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A quick throughput figure of the topology in TopologyTestDriver (RocksDB stores, no broker): printed, never
 * asserted on time (the machine is shared). Warms up first, because a cold run measures mostly the JIT.
 * TopologyTestDriver commits after every record, and a commit flushes every RocksDB store, so this is a floor
 * for the per-record logic, not the service's throughput; StreamProcessorIntegrationTest measures that.
 */
class TopologyThroughputTest {

    private static List<TestRecord<String, InvoiceEvent>> workload(String tenant, int clients, int invoicesPerClient) {
        List<TestRecord<String, InvoiceEvent>> records = new ArrayList<>();
        Instant start = Instant.parse("2025-01-01T09:00:00Z");
        for (int i = 0; i < invoicesPerClient; i++) {
            for (int c = 0; c < clients; c++) {
                String client = "c" + c;
                String key = ClientKey.of(tenant, client);
                Instant issuedAt = start.plus(Duration.ofDays(i * 20L)).plusSeconds(c);
                records.add(new TestRecord<>(key, Events.issued(tenant, client, "i" + i, issuedAt, 30, 100_00)));
                records.add(new TestRecord<>(key, Events.paid(tenant, client, "i" + i,
                        issuedAt.plus(Duration.ofDays(15 + (c % 30))), 100_00)));
            }
        }
        return records;
    }

    @Test
    void measureEventsPerSecond() {
        try (TopologyFixture f = new TopologyFixture()) {
            f.invoices.pipeRecordList(workload("warm", 100, 3));
            f.flushProfiles();
            f.profiles.readValuesToList();
            f.alerts.readValuesToList();
            f.risks.readValuesToList();
            List<TestRecord<String, InvoiceEvent>> measured = workload("t", 200, 5);
            long start = System.nanoTime();
            f.invoices.pipeRecordList(measured);
            f.flushProfiles();
            double seconds = (System.nanoTime() - start) / 1e9;
            // The warm-up tenant's last settlements reach its drift detector once the measured events move the
            // watermark on, so its clients emit a profile too: count the measured tenant's.
            List<ClientProfile> profiles = f.profiles.readValuesToList().stream()
                    .filter(p -> p.getTenantId().equals("t")).toList();
            System.out.printf("[throughput] TopologyTestDriver: %d events over 200 clients in %.2f s = %.0f events/s"
                    + " (%d profiles emitted)%n", measured.size(), seconds, measured.size() / seconds, profiles.size());
            // Profiles are emitted once per profile interval: every client's latest one, with all its invoices paid.
            assertThat(profiles).hasSize(200).allSatisfy(p -> assertThat(p.getPayments().getPaidInvoices()).isEqualTo(5));
        }
    }
}
