package io.paywatch.alerts.templates;

import io.paywatch.contract.AlertOptIns;
import io.paywatch.contract.AlertType;
import io.paywatch.contract.DeliveryMode;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.Language;
import io.paywatch.contract.Money;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.contract.Severity;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Alerts as the stream-processor writes them (keys, value formats, the English {@code summary} and the diagnostic
 * extras of {@code ExtraFacts} and {@code ResponsivenessTracker}, copied from the processor's code), one per alert
 * type and per wording the type has: the input of the email samples.
 */
final class RealisticAlerts {

    private RealisticAlerts() {
    }

    /** One sample: a file-name stem and the alert. */
    record Sample(String name, PaymentAlert alert) {
    }

    /** The tenant, in a zone of the language's country. */
    static FreelancerSettings settings(Language language) {
        String zone = switch (language) {
            case IT -> "Europe/Rome";
            case ES -> "Europe/Madrid";
            case FR -> "Europe/Paris";
            case ID -> "Asia/Jakarta";
            default -> "Europe/London";
        };
        return FreelancerSettings.newBuilder().setTenantId("studio-rossi").setNotificationEmail("giulia@example.com")
                .setDisplayName("Giulia").setLanguage(language).setTimezone(zone)
                .setDeliveryMode(DeliveryMode.IMMEDIATE)
                .setAlertOptIns(AlertOptIns.newBuilder().setInvoiceAtRisk(true).setAfterHoursContact(true).build())
                .setUpdatedAt(Instant.parse("2026-01-01T00:00:00Z")).build();
    }

    static List<Sample> all() {
        return List.of(
                new Sample("invoice-overdue-30-days-part-paid", overdue30()),
                new Sample("invoice-overdue-90-days-jpy", overdue90Jpy()),
                new Sample("invoice-at-risk", atRisk()),
                new Sample("payment-drift-norm", driftNorm()),
                new Sample("payment-drift-baseline", driftBaseline()),
                new Sample("recovered-norm", recovered("norm", "29.1", "31.2")),
                new Sample("recovered-baseline", recovered("baseline", "9.0", "8.0")),
                new Sample("recovered-terms", recovered("terms", "24.0", "19.5")),
                new Sample("ghosting-silence", ghostingSilence()),
                new Sample("ghosting-follow-ups", ghostingFollowUps()),
                new Sample("responsive-again", responsiveAgain()),
                new Sample("after-hours-contact", afterHours()),
                new Sample("overdue-corrected", corrected()),
                new Sample("unknown-type", unknown()));
    }

    private static PaymentAlert.Builder alert(AlertType type, String clientId, String clientName, String occurredAt) {
        return PaymentAlert.newBuilder().setAlertId("studio-rossi|" + clientId + "|" + type + "|1")
                .setTenantId("studio-rossi").setClientId(clientId).setClientName(clientName).setType(type)
                .setSeverity(Severity.WARNING).setOccurredAt(Instant.parse(occurredAt))
                .setInvoiceIds(List.of()).setAmounts(List.of());
    }

    private static Map<String, String> facts(String... keyValues) {
        Map<String, String> facts = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            facts.put(keyValues[i], keyValues[i + 1]);
        }
        return facts;
    }

    private static Money eur(long minor) {
        return new Money(minor, "EUR");
    }

    /** Step 2 (30 days past due) of a EUR 4,287.00 invoice of which 2,000.00 was paid. */
    static PaymentAlert overdue30() {
        String summary = "Invoice INV-2026-041 is 30 days past due with €2287.00 outstanding";
        return alert(AlertType.INVOICE_OVERDUE, "c-4471", "Lentissimo SpA", "2026-10-09T22:00:00Z")
                .setInvoiceIds(List.of("INV-2026-041")).setAmounts(List.of(eur(228_700)))
                .setFacts(facts("daysPastDue", "30", "dueDate", "2026-09-10", "escalationStep", "2", "normDays", "30",
                        "graceDays", "3", "issuedDate", "2026-08-11", "timezone", "Europe/Rome",
                        "amountMinor", "428700", "outstandingMinor", "228700", "currency", "EUR", "summary", summary))
                .setSummary(summary).build();
    }

    /** The last step (4, 90 days past due) of a yen invoice: no decimals. */
    static PaymentAlert overdue90Jpy() {
        String summary = "Invoice SK-2026-007 is 90 days past due with JPY 1250000 outstanding";
        return alert(AlertType.INVOICE_OVERDUE, "c-8120", "Sakura Design KK", "2026-11-09T15:00:00Z")
                .setSeverity(Severity.CRITICAL)
                .setInvoiceIds(List.of("SK-2026-007")).setAmounts(List.of(new Money(1_250_000L, "JPY")))
                .setFacts(facts("daysPastDue", "90", "dueDate", "2026-08-12", "escalationStep", "4", "normDays", "30",
                        "graceDays", "3", "issuedDate", "2026-07-13", "timezone", "Asia/Tokyo",
                        "amountMinor", "1250000", "outstandingMinor", "1250000", "currency", "JPY", "summary", summary))
                .setSummary(summary).build();
    }

    static PaymentAlert atRisk() {
        String why = "paid 4 of its last 6 invoices late, 13.2 days late on average";
        String summary = "Invoice INV-2026-052 is likely to be paid late (78%): this client " + why
                + "; consider a deposit";
        return alert(AlertType.INVOICE_AT_RISK, "c-2209", "Initech", "2026-10-01T08:00:00Z")
                .setInvoiceIds(List.of("INV-2026-052")).setAmounts(List.of(eur(350_000)))
                .setFacts(facts("lateProbability", "0.78", "expectedDaysToPay", "47.5",
                        "expectedSettleDate", "2026-11-17", "lateInvoices", "4", "recentInvoices", "6",
                        "avgDaysLate", "13.2", "normDays", "30", "issuedDate", "2026-10-01", "dueDate", "2026-10-31",
                        "timezone", "Europe/Rome", "threshold", "0.60", "basisInvoices", "6", "explanation", why,
                        "summary", summary))
                .setSummary(summary).build();
    }

    static PaymentAlert driftNorm() {
        String summary = "Client lentissimo now takes 44.5 days to pay on average, over the 30-day norm + 7";
        return alert(AlertType.PAYMENT_DRIFT, "c-4471", "Lentissimo SpA", "2026-06-03T10:15:00Z")
                .setInvoiceIds(List.of("INV-2026-018")).setAmounts(List.of(eur(172_100)))
                .setFacts(facts("ewmaDaysToPay", "44.5", "normDays", "30", "toleranceDays", "7",
                        "baselineDays", "31.2", "driftReason", "norm", "lateInvoices", "3", "recentInvoices", "5",
                        "avgDaysLate", "16.0", "daysToPay", "58", "cusum", "12.40", "episode", "1", "summary", summary))
                .setSummary(summary).build();
    }

    static PaymentAlert driftBaseline() {
        String summary = "Client initech pays later than its own baseline: 19.5 days against 8.0";
        return alert(AlertType.PAYMENT_DRIFT, "c-2209", "Initech", "2026-04-20T09:00:00Z")
                .setInvoiceIds(List.of("INV-2026-009")).setAmounts(List.of(eur(98_000)))
                .setFacts(facts("ewmaDaysToPay", "19.5", "normDays", "30", "toleranceDays", "7",
                        "baselineDays", "8.0", "driftReason", "baseline", "lateInvoices", "2", "recentInvoices", "5",
                        "avgDaysLate", "4.5", "daysToPay", "27", "cusum", "9.10", "episode", "2", "summary", summary))
                .setSummary(summary).build();
    }

    static PaymentAlert recovered(String kind, String ewma, String baseline) {
        String summary = "Client lentissimo recovered (" + kind + "): " + ewma + " days on average";
        return alert(AlertType.RECOVERED, "c-4471", "Lentissimo SpA", "2026-09-14T13:40:00Z")
                .setSeverity(Severity.INFO)
                .setInvoiceIds(List.of("INV-2026-033")).setAmounts(List.of(eur(120_050)))
                .setFacts(facts("ewmaDaysToPay", ewma, "normDays", "30", "toleranceDays", "7",
                        "baselineDays", baseline, "recoveryKind", kind, "daysToPay", "21", "cusum", "0.00",
                        "episode", "1", "summary", summary))
                .setSummary(summary).build();
    }

    /** No reply within the 5-business-day threshold, while an invoice is overdue (CRITICAL). */
    static PaymentAlert ghostingSilence() {
        String summary = "Client hooli has not answered for 5 business days (thread th-quote-q4) while an invoice is "
                + "overdue.";
        return alert(AlertType.GHOSTING, "c-1093", "Hooli XYZ Ltd", "2026-10-12T08:30:00Z")
                .setSeverity(Severity.CRITICAL)
                .setFacts(facts("reason", "NO_REPLY_WITHIN_THRESHOLD", "threadId", "th-quote-q4",
                        "unansweredSince", "2026-10-05T08:30:00Z", "businessDaysSilent", "5",
                        "ghostingThresholdBusinessDays", "5", "unansweredFollowUps", "1", "followUpsBeforeGhosting",
                        "2", "unansweredThreads", "1", "lastInboundAt", "2026-09-28T14:12:00Z", "overdueInvoice", "true",
                        "timezone", "Europe/Rome"))
                .setSummary(summary).build();
    }

    /** Two unanswered follow-ups after the first message, within 3 business days. */
    static PaymentAlert ghostingFollowUps() {
        String summary = "Client hooli left 2 follow-ups unanswered (first message in thread th-brief, 3 business days "
                + "ago).";
        return alert(AlertType.GHOSTING, "c-1093", "Hooli XYZ Ltd", "2026-11-11T09:00:00Z")
                .setFacts(facts("reason", "UNANSWERED_FOLLOW_UPS", "threadId", "th-brief",
                        "unansweredSince", "2026-11-06T10:00:00Z", "businessDaysSilent", "3",
                        "ghostingThresholdBusinessDays", "5", "unansweredFollowUps", "2", "followUpsBeforeGhosting",
                        "2", "unansweredThreads", "1", "lastInboundAt", "never", "overdueInvoice", "false",
                        "timezone", "Europe/Rome"))
                .setSummary(summary).build();
    }

    static PaymentAlert responsiveAgain() {
        String summary = "Client hooli replied again after 7 business days of silence.";
        return alert(AlertType.RESPONSIVE_AGAIN, "c-1093", "Hooli XYZ Ltd", "2026-10-14T07:45:00Z")
                .setSeverity(Severity.INFO)
                .setFacts(facts("unansweredSince", "2026-10-05T08:30:00Z", "ghostingDetectedAt", "2026-10-12T08:30:00Z",
                        "repliedAt", "2026-10-14T07:45:00Z", "businessDaysSilent", "7", "replyLatencyHours", "58.5",
                        "threadId", "th-quote-q4", "unansweredThreads", "0", "timezone", "Europe/Rome"))
                .setSummary(summary).build();
    }

    static PaymentAlert afterHours() {
        String summary = "Client micro sent 13 of 29 messages outside your working hours in the last 30 days (45%).";
        return alert(AlertType.AFTER_HOURS_CONTACT, "c-5150", "Micromanage & Co", "2026-10-08T20:47:00Z")
                .setSeverity(Severity.INFO)
                .setFacts(facts("afterHoursShare", "0.45", "inboundPerWeek", "6.8", "afterHoursShareThreshold", "0.30",
                        "afterHoursInWindow", "13", "inboundInWindow", "29", "windowDays", "30",
                        "workingHours", "09:00-18:00", "timezone", "Europe/Rome"))
                .setSummary(summary).build();
    }

    static PaymentAlert corrected() {
        String summary = "Invoice INV-2026-017 was paid on 2026-02-21, before it was 4 days past due: our alert of "
                + "2026-02-27 was wrong";
        return alert(AlertType.OVERDUE_CORRECTED, "c-7781", "Acme Studio", "2026-02-26T23:00:00Z")
                .setSeverity(Severity.INFO)
                .setInvoiceIds(List.of("INV-2026-017")).setAmounts(List.of(eur(123_450)))
                .setFacts(facts("dueDate", "2026-02-23", "settledDate", "2026-02-21", "daysPastDue", "4",
                        "escalationStep", "1", "issuedDate", "2026-01-24", "timezone", "Europe/Rome",
                        "withdrawnAlertIds", "9f2c4e1a7b", "summary", summary))
                .setSummary(summary).build();
    }

    /** A symbol this alert-service does not know yet arrives as UNKNOWN, with the producer's English summary. */
    static PaymentAlert unknown() {
        String summary = "Client globex changed its payment method to cheque";
        return alert(AlertType.UNKNOWN, "c-3003", "Globex", "2026-10-20T09:00:00Z")
                .setInvoiceIds(List.of("INV-2026-060")).setAmounts(List.of(eur(64_000)))
                .setFacts(facts("paymentMethod", "cheque", "summary", summary))
                .setSummary(summary).build();
    }
}
