package io.paywatch.processor;

import io.paywatch.contract.ClientProfile;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class TopologySmokeTest {

    @Test
    void anIssuedInvoiceShowsUpInTheClientProfileAndItsRiskIsAssessed() {
        try (TopologyFixture f = new TopologyFixture()) {
            f.pipe("t1", "c1", Events.issued("t1", "c1", "inv-1", Instant.parse("2026-05-01T10:00:00Z"), 30, 100_00));
            assertThat(f.profiles.isEmpty()).as("profiles wait for the profile interval").isTrue();
            f.flushProfiles();
            ClientProfile atIssue = f.profiles.readValuesToList().get(0);
            assertThat(atIssue.getReceivables().getOpenCount()).isEqualTo(1);
            assertThat(f.risks.isEmpty()).as("risk waits for the allowed lateness").isTrue();
            f.advanceWallClock(TopologyOptions.ALLOWED_LATENESS); // the wall-clock watermark passes the issue time
            assertThat(f.risks.isEmpty()).isFalse();
            assertThat(f.storedProfile("t1", "c1")).isEqualTo(atIssue);
            assertThat(f.risks.readValue().getInvoiceId()).isEqualTo("inv-1");
        }
    }
}
