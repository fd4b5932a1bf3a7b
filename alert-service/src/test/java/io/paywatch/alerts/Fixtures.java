package io.paywatch.alerts;

import io.paywatch.contract.AlertOptIns;
import io.paywatch.contract.AlertType;
import io.paywatch.contract.DeliveryMode;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.Language;
import io.paywatch.contract.Money;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.contract.Severity;
import io.paywatch.schemas.AlertFacts;

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

    /** The facts a stream-processor alert of {@code type} carries: its required keys and a few others. */
    public static Map<String, String> facts(AlertType type) {
        return switch (type) {
            case INVOICE_OVERDUE -> Map.of(AlertFacts.DAYS_PAST_DUE, "17", AlertFacts.DUE_DATE, "2025-02-23",
                    AlertFacts.ESCALATION_STEP, "1", AlertFacts.NORM_DAYS, "30", AlertFacts.EWMA_DAYS_TO_PAY, "41");
            case INVOICE_AT_RISK -> Map.of(AlertFacts.LATE_PROBABILITY, "0.82", AlertFacts.EXPECTED_DAYS_TO_PAY,
                    "52.5", AlertFacts.EXPECTED_SETTLE_DATE, "2025-05-03", AlertFacts.LATE_INVOICES, "8",
                    AlertFacts.RECENT_INVOICES, "10", AlertFacts.AVG_DAYS_LATE, "12", AlertFacts.NORM_DAYS, "30",
                    AlertFacts.EWMA_DAYS_TO_PAY, "43");
            case PAYMENT_DRIFT -> Map.of(AlertFacts.EWMA_DAYS_TO_PAY, "44.5", AlertFacts.NORM_DAYS, "30",
                    AlertFacts.TOLERANCE_DAYS, "7", AlertFacts.BASELINE_DAYS, "29", AlertFacts.DRIFT_REASON, "norm",
                    AlertFacts.DAYS_TO_PAY, "51");
            case RECOVERED -> Map.of(AlertFacts.EWMA_DAYS_TO_PAY, "27", AlertFacts.NORM_DAYS, "30",
                    AlertFacts.DAYS_TO_PAY, "21", AlertFacts.RECOVERY_KIND, "norm");
            // "reason" is the processor's word for the rule that fired (ResponsivenessTracker.FACT_REASON).
            case GHOSTING -> Map.of(AlertFacts.BUSINESS_DAYS_SILENT, "6", AlertFacts.UNANSWERED_FOLLOW_UPS, "1",
                    AlertFacts.UNANSWERED_THREADS, "2", AlertFacts.OVERDUE_INVOICE, "true",
                    "reason", "NO_REPLY_WITHIN_THRESHOLD");
            case RESPONSIVE_AGAIN -> Map.of(AlertFacts.BUSINESS_DAYS_SILENT, "6",
                    AlertFacts.REPLY_LATENCY_HOURS, "52.5");
            case AFTER_HOURS_CONTACT -> Map.of(AlertFacts.AFTER_HOURS_SHARE, "0.45",
                    AlertFacts.INBOUND_PER_WEEK, "14");
            case OVERDUE_CORRECTED -> Map.of(AlertFacts.DAYS_PAST_DUE, "4", AlertFacts.DUE_DATE, "2025-02-23",
                    AlertFacts.SETTLED_DATE, "2025-02-21");
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
