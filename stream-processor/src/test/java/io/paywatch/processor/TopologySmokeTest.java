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
            assertThat(f.risks.isEmpty()).as("risk does not wait").isFalse();
            f.flushProfiles();
            ClientProfile profile = f.profiles.readValuesToList().get(0);
            assertThat(profile.getReceivables().getOpenCount()).isEqualTo(1);
            assertThat(f.storedProfile("t1", "c1")).isEqualTo(profile);
            assertThat(f.risks.readValue().getInvoiceId()).isEqualTo("inv-1");
        }
    }
}
