package io.paywatch.alerts.webhook;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.paywatch.contract.Money;
import io.paywatch.contract.PaymentAlert;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON body a webhook receives: the alert as plain JSON, money in minor units with its currency.
 *
 * @param event always {@code "payment.alert"}, so receivers can route several Paywatch events on one URL
 */
@Serdeable
public record WebhookPayload(String event, String alertId, String tenantId, String clientId,
        @Nullable String clientName, String type, String severity, String occurredAt, List<String> invoiceIds,
        List<Amount> amounts, Map<String, String> facts, String summary) {

    /** An amount in minor units of an ISO-4217 currency. */
    @Serdeable
    public record Amount(long amountMinor, String currency) {
    }

    /** Maps the Avro alert to its JSON shape. */
    public static WebhookPayload of(PaymentAlert alert) {
        List<Amount> amounts = alert.getAmounts().stream()
                .map((Money m) -> new Amount(m.getAmountMinor(), m.getCurrency())).toList();
        return new WebhookPayload("payment.alert", alert.getAlertId(), alert.getTenantId(), alert.getClientId(),
                alert.getClientName(), alert.getType().name(), alert.getSeverity().name(),
                alert.getOccurredAt().toString(), List.copyOf(alert.getInvoiceIds()), amounts,
                new TreeMap<>(alert.getFacts()), alert.getSummary());
    }
}
