package io.paywatch.launcher;

import io.paywatch.contract.AlertType;
import io.paywatch.contract.Money;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.contract.Severity;
import org.junit.jupiter.api.Test;

import java.time.Instant;
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
}
