package io.paywatch.producer.validation;

import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

import java.time.Clock;

/** Wires the plain-Java validators to the service's clock. */
@Factory
public class ValidatorFactory {

    /** The event validator shared by the API and the webhooks. */
    @Singleton
    public EventValidator eventValidator(Clock clock) {
        return new EventValidator(clock);
    }

    /** The settings validator of PUT /v1/settings. */
    @Singleton
    public SettingsValidator settingsValidator(Clock clock) {
        return new SettingsValidator(clock);
    }
}
