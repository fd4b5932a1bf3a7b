package io.paywatch.producer.api;

import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/** What a 202 says: how many events Kafka now holds, and their ids. */
@Serdeable
public record AcceptedResponse(int accepted, List<String> eventIds) {
}
