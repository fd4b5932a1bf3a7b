package io.paywatch.alerts;

import io.micronaut.runtime.Micronaut;

/** Entry point of the alert-service: tells the freelancer about alerts by email and webhook. */
public final class AlertServiceApplication {

    private AlertServiceApplication() {
    }

    public static void main(String[] args) {
        Micronaut.run(AlertServiceApplication.class, args);
    }
}
