package io.paywatch.producer;

import io.micronaut.runtime.Micronaut;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityScheme;

/** Entry point of the invoice-producer service. */
@OpenAPIDefinition(info = @Info(title = "Paywatch invoice-producer", version = "1",
        description = "Front door for accounting tools: events, settings and signed webhooks, published to Kafka."))
@SecurityScheme(name = "apiKey", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "The tenant's API key; the service stores only its SHA-256")
public final class InvoiceProducerApplication {

    private InvoiceProducerApplication() {
    }

    public static void main(String[] args) {
        Micronaut.run(InvoiceProducerApplication.class, args);
    }
}
