package io.paywatch.alerts.delivery;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import jakarta.inject.Singleton;

import java.util.Map;

/** /health component "alertDelivery": DOWN when the delivery worker thread has stopped. */
@Singleton
public class DeliveryHealthIndicator extends AbstractHealthIndicator<Map<String, Object>> {

    private final DeliveryWorker worker;

    public DeliveryHealthIndicator(DeliveryWorker worker) {
        this.worker = worker;
    }

    @Override
    protected Map<String, Object> getHealthInformation() {
        healthStatus = worker.alive() ? HealthStatus.UP : HealthStatus.DOWN;
        return Map.of("alive", worker.alive(), "ready", worker.ready());
    }

    @Override
    protected String getName() {
        return "alertDelivery";
    }
}
