package io.paywatch.alerts;

import io.paywatch.contract.AlertOptIns;
import io.paywatch.contract.AlertType;
import io.paywatch.contract.DeliveryMode;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.Language;
import io.paywatch.contract.Money;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.contract.Severity;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Test records with realistic facts for every alert type. */
public final class Fixtures {

    private Fixtures() {
    }

    /** Settings of a tenant in Rome, quiet 20:00 to 08:00, every alert opted in. */
    public static FreelancerSettings.Builder settings(String tenantId, String email, Language language) {
        return FreelancerSettings.newBuilder()
                .setTenantId(tenantId)
                .setNotificationEmail(email)
                .setDisplayName("Giulia")
                .setLanguage(language)
                .setTimezone("Europe/Rome")
                .setQuietHoursStartMinute(20 * 60)
                .setQuietHoursEndMinute(8 * 60)
                .setCooldownHours(24)
                .setDeliveryMode(DeliveryMode.IMMEDIATE)
                .setAlertOptIns(AlertOptIns.newBuilder().setInvoiceAtRisk(true).setAfterHoursContact(true).build())
                .setUpdatedAt(Instant.parse("2025-01-01T00:00:00Z"));
    }

    /** The facts a stream-processor alert of {@code type} carries. */
    public static Map<String, String> facts(AlertType type) {
        return switch (type) {
            case INVOICE_OVERDUE -> Map.of("daysPastDue", "17", "dueDate", "2025-02-23", "ewmaDaysToPay", "41",
                    "normDays", "30");
            case INVOICE_AT_RISK -> Map.of("riskProbability", "0.82", "lateInvoices", "8", "recentInvoices", "10",
                    "avgDaysLate", "12", "ewmaDaysToPay", "43", "normDays", "30");
            case PAYMENT_DRIFT -> Map.of("ewmaDaysToPay", "44.5", "normDays", "30", "baselineDays", "29");
            case RECOVERED -> Map.of("ewmaDaysToPay", "27", "normDays", "30", "daysToPay", "21");
            case GHOSTING -> Map.of("businessDaysSilent", "6", "unansweredFollowUps", "3");
            case RESPONSIVE_AGAIN -> Map.of("businessDaysSilent", "6", "replyLatencyHours", "52");
            case AFTER_HOURS_CONTACT -> Map.of("afterHoursShare", "0.45", "inboundPerWeek", "14");
            case UNKNOWN -> Map.of();
        };
    }

    /** An alert of {@code type} about invoice INV-2025-017 for EUR 1,234.50. */
    public static PaymentAlert.Builder alert(String alertId, String tenantId, String clientId, String clientName,
            AlertType type) {
        return PaymentAlert.newBuilder()
                .setAlertId(alertId)
                .setTenantId(tenantId)
                .setClientId(clientId)
                .setClientName(clientName)
                .setType(type)
                .setSeverity(Severity.WARNING)
                .setOccurredAt(Instant.parse("2025-03-12T09:00:00Z"))
                .setInvoiceIds(List.of("INV-2025-017"))
                .setAmounts(List.of(Money.newBuilder().setAmountMinor(123450).setCurrency("EUR").build()))
                .setFacts(facts(type))
                .setSummary(type + " for " + clientName);
    }
}
