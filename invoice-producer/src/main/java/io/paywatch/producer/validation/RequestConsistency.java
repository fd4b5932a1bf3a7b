package io.paywatch.producer.validation;

import io.paywatch.producer.api.EventJson;
import io.paywatch.producer.problem.Violation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the events of one request against each other, after each was validated alone. A payment whose invoice is
 * issued in the same request must be in the invoice's currency and for the invoice's client: the stream-processor
 * would otherwise accept the request (202) and then dead-letter the payment (another currency) or hold it for an
 * invoice that never arrives under that client, and the invoice would later be reported overdue although it was
 * paid. Refusing the whole request with the field at fault loses nothing and tells the sender at once. A payment
 * whose invoice was sent in an earlier request cannot be checked here (the producer keeps no invoice state); the
 * stream-processor dead-letters it with the same reason.
 */
public final class RequestConsistency {

    private RequestConsistency() {
    }

    /**
     * The violations of {@code events} (each already valid alone) against each other.
     *
     * @param events the request's events, in order
     * @param paths  each event's field prefix ({@code ""} for a single event, {@code "[3]."} in a batch)
     * @return one violation per inconsistent payment: {@code amount.currency} or {@code clientId}; empty if none
     */
    public static List<Violation> check(List<EventJson> events, List<String> paths) {
        Map<String, Integer> issuedAt = new HashMap<>(); // invoiceId -> index of its InvoiceIssued
        for (int i = 0; i < events.size(); i++) {
            EventJson e = events.get(i);
            if ("InvoiceIssued".equals(e.type()) && e.invoiceId() != null) {
                issuedAt.putIfAbsent(e.invoiceId(), i);
            }
        }
        List<Violation> violations = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            EventJson p = events.get(i);
            Integer j = "PaymentReceived".equals(p.type()) ? issuedAt.get(p.invoiceId()) : null;
            if (j == null) {
                continue;
            }
            EventJson invoice = events.get(j);
            String where = paths.get(j).isEmpty() ? "this request" : "this request (" + paths.get(j)
                    .substring(0, paths.get(j).length() - 1) + ")";
            if (p.clientId() != null && !p.clientId().equals(invoice.clientId())) {
                violations.add(new Violation(paths.get(i) + "clientId", "is '" + p.clientId() + "', but invoice "
                        + p.invoiceId() + " is issued to client '" + invoice.clientId() + "' in " + where,
                        "client_mismatch"));
            }
            String paid = p.amount() == null ? null : p.amount().currency();
            String billed = invoice.amount() == null ? null : invoice.amount().currency();
            if (paid != null && billed != null && !paid.equals(billed)) {
                violations.add(new Violation(paths.get(i) + "amount.currency", "is " + paid + ", but invoice "
                        + p.invoiceId() + " is in " + billed + " (" + where + "); send the payment in the invoice's "
                        + "currency", "currency_mismatch"));
            }
        }
        return violations;
    }
}
