package io.paywatch.producer.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

/** Money on the wire: minor units and an ISO-4217 code, never a floating point number. */
@Serdeable
@Schema(description = "Amount in minor units (12050 = 120.50 EUR) and ISO-4217 currency code")
public record MoneyJson(
        @Nullable @Schema(example = "12050") Long amountMinor,
        @Nullable @Schema(example = "EUR") String currency) {
}
