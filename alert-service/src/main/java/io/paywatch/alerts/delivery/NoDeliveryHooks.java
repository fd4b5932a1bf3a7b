package io.paywatch.alerts.delivery;

import jakarta.inject.Singleton;

import java.util.Collection;

/** The production hooks: nothing happens between the steps. */
@Singleton
public class NoDeliveryHooks implements DeliveryHooks {

    @Override
    public void afterEmailAccepted(String alertId) {
        // no-op
    }

    @Override
    public void beforeOffsetCommit(Collection<String> alertIds) {
        // no-op
    }
}
