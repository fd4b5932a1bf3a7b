package io.paywatch.processor.responsiveness;

import io.paywatch.contract.AlertOptIns;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.schemas.AvroSerde;

import java.time.Instant;

/** FreelancerSettings with the contract's defaults, for tests. */
public final class TestSettings {

    static {
        // AvroSerde's class initialisation registers the contract package with Avro's class-trust check.
        AvroSerde.of(FreelancerSettings.class);
    }

    private TestSettings() {
    }

    /** Defaults (UTC, 09-18 Monday-Friday, 5 business days, 2 follow-ups) for {@code tenantId}. */
    public static FreelancerSettings.Builder defaults(String tenantId) {
        return FreelancerSettings.newBuilder()
                .setTenantId(tenantId)
                .setNotificationEmail("me@example.org")
                .setAlertOptIns(AlertOptIns.newBuilder().build())
                .setUpdatedAt(Instant.parse("2025-01-01T00:00:00Z"));
    }
}
