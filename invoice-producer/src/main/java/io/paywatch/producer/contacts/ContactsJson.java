package io.paywatch.producer.contacts;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

/** The body of {@code PUT /v1/clients/{clientId}/contacts}: the client's whole list, replacing the previous one. */
@Serdeable
@Schema(description = "A client's mail contacts: exact addresses and whole domains (@acme.example)")
public record ContactsJson(
        @Nullable @Schema(example = "[\"anna@acme.example\", \"@acme.example\"]") List<String> contacts) {
}
