package io.paywatch.launcher;

import io.paywatch.contract.AlertType;
import io.paywatch.contract.Money;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.contract.Severity;
import io.paywatch.schemas.AlertFacts;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A client name with ESC, CR and LF must stay on its one console line and not forge an "ALERT" line. */
class AlertPrinterFormatTest {

    @Test
    void aForgedClientNameStaysOnOneEscapedLine() {
        PaymentAlert a = PaymentAlert.newBuilder().setAlertId("t1|c1|INVOICE_OVERDUE|INV-1|1").setTenantId("t1")
                .setClientId("c1").setClientName("Globex\u001b[2K\r\nALERT  2026-01-01  CRITICAL fake")
                .setType(AlertType.INVOICE_OVERDUE).setSeverity(Severity.WARNING)
                .setOccurredAt(Instant.parse("2026-01-05T09:00:00Z")).setInvoiceIds(List.of("INV-1"))
                .setAmounts(List.of(new Money(100L, "EUR"))).setFacts(Map.of()).setSummary("INV-1\nis late").build();
        String line = AlertPrinter.format(a);
        assertThat(line).doesNotContain("\n", "\r", "\u001b")
                .contains("Globex\\u001b[2K\\r\\nALERT  2026-01-01  CRITICAL fake (c1)")
                .endsWith("INV-1\\nis late")
                .startsWith("ALERT  2026-01-05");
    }

    @Test
    void aClientNeverNamedIsPrintedByItsIdOnce() {
        PaymentAlert a = PaymentAlert.newBuilder().setAlertId("t1|hooli|GHOSTING|1").setTenantId("t1")
                .setClientId("hooli").setClientName("hooli").setType(AlertType.GHOSTING)
                .setSeverity(Severity.WARNING).setOccurredAt(Instant.parse("2026-01-05T09:00:00Z"))
                .setInvoiceIds(List.of()).setAmounts(List.of()).setFacts(Map.of()).setSummary("silent").build();
        assertThat(AlertPrinter.format(a)).contains("t1 / hooli: silent").doesNotContain("hooli (hooli)");
    }

    /**
     * Truth: a 4-days-past-due step of an invoice due 2026-10-01 fires at local midnight of 2026-10-05 in Rome
     * (22:00 UTC on the 4th); the console must show the Rome date, the one the email shows.
     */
    @Test
    void theDateIsTheCalendarDateInTheAlertsZone() {
        ZoneId rome = ZoneId.of("Europe/Rome");
        LocalDate localDay = LocalDate.of(2026, 10, 5);
        Instant firedAt = localDay.atStartOfDay(rome).toInstant();
        assertThat(firedAt).isEqualTo(Instant.parse("2026-10-04T22:00:00Z"));
        assertThat(AlertPrinter.format(overdueStep(firedAt, Map.of(AlertFacts.TIMEZONE, rome.getId()))))
                .startsWith("ALERT  " + localDay + "  ");
        // Without a zone fact (an alert of an older processor) the date stays the UTC one.
        assertThat(AlertPrinter.format(overdueStep(firedAt, Map.of()))).startsWith("ALERT  2026-10-04  ");
    }

    private static PaymentAlert overdueStep(Instant firedAt, Map<String, String> facts) {
        return PaymentAlert.newBuilder().setAlertId("t1|c1|INVOICE_OVERDUE|INV-1|4").setTenantId("t1")
                .setClientId("c1").setClientName("Lentissimo").setType(AlertType.INVOICE_OVERDUE)
                .setSeverity(Severity.WARNING).setOccurredAt(firedAt).setInvoiceIds(List.of("INV-1"))
                .setAmounts(List.of(new Money(100L, "EUR"))).setFacts(facts)
                .setSummary("INV-1 is 4 days past due").build();
    }
}
