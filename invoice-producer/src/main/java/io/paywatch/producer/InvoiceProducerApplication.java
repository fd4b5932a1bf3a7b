package io.paywatch.producer;

import io.micronaut.runtime.Micronaut;

/** Entry point of the invoice-producer service. */
public final class InvoiceProducerApplication {

    private InvoiceProducerApplication() {
    }

    public static void main(String[] args) {
        Micronaut.run(InvoiceProducerApplication.class, args);
    }
}
