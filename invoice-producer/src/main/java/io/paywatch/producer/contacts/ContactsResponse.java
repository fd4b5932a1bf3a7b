package io.paywatch.producer.contacts;

import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/** A client's saved contacts, as {@code GET} and {@code PUT /v1/clients/{clientId}/contacts} answer them. */
@Serdeable
public record ContactsResponse(String clientId, List<String> contacts, String updatedAt) {
}
