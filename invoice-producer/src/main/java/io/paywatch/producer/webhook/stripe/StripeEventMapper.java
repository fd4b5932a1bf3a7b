package io.paywatch.producer.webhook.stripe;

import io.micronaut.json.tree.JsonNode;
import io.paywatch.producer.api.EventJson;
import io.paywatch.producer.api.EventJson.EventType;
import io.paywatch.producer.api.MoneyJson;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Maps a Stripe event to Paywatch events. Reads only the invoice fields it needs and ignores the rest, so new
 * Stripe API versions do not break it. Event ids are deterministic, so a Stripe retry of the same event
 * produces the same ids and the stream processor's dedup drops it:
 * <ul>
 *   <li>{@code invoice.finalized} -> InvoiceIssued {@code stripe:<invoice>:issued}, due at {@code due_date} or the
 *       tenant's default terms (charge_automatically invoices have no due date);</li>
 *   <li>{@code invoice.paid} -> the same InvoiceIssued (paid may be the first event ever seen for an invoice,
 *       and finalized_at is enough to build it) then PaymentReceived {@code stripe:<event>} at
 *       {@code status_transitions.paid_at} for {@code amount_paid};</li>
 *   <li>{@code invoice.voided} / {@code invoice.marked_uncollectible} -> InvoiceVoided (VOIDED / WRITTEN_OFF).</li>
 * </ul>
 * {@code invoice.payment_succeeded} is deliberately ignored: it accompanies invoice.paid and would double count.
 */
public final class StripeEventMapper {

    /** What to do with a Stripe event: publish these events, or acknowledge and ignore it. */
    public record Mapped(List<EventJson> events, String ignoredReason) {
        static Mapped ignored(String reason) {
            return new Mapped(List.of(), reason);
        }
    }

    /** Maps one Stripe event; {@code defaultTermsDays} applies when the invoice has no due date. */
    public Mapped map(JsonNode event, int defaultTermsDays) {
        String type = text(event, "type");
        String eventId = text(event, "id");
        JsonNode data = event.get("data");
        JsonNode invoice = data == null ? null : data.get("object");
        if (type == null || invoice == null || !invoice.isObject()) {
            return Mapped.ignored("not an event with data.object");
        }
        return switch (type) {
            case "invoice.finalized" -> {
                EventJson issued = issued(invoice, event, defaultTermsDays);
                yield issued == null ? Mapped.ignored("zero-amount invoice") : new Mapped(List.of(issued), null);
            }
            case "invoice.paid" -> {
                Long paid = number(invoice, "amount_paid");
                if (paid == null || paid <= 0) {
                    yield Mapped.ignored("nothing paid (zero-amount invoice)");
                }
                EventJson issued = issued(invoice, event, defaultTermsDays);
                EventJson payment = EventJson.builder(EventType.PaymentReceived)
                        .eventId("stripe:" + eventId)
                        .clientId(customer(invoice))
                        .invoiceId(text(invoice, "id"))
                        .paidAt(time(transition(invoice, "paid_at"), number(event, "created")))
                        .amount(new MoneyJson(paid, currency(invoice)))
                        .source("STRIPE")
                        .build();
                yield new Mapped(issued == null ? List.of(payment) : List.of(issued, payment), null);
            }
            case "invoice.voided", "invoice.marked_uncollectible" -> {
                boolean voided = type.equals("invoice.voided");
                EventJson e = EventJson.builder(EventType.InvoiceVoided)
                        .eventId("stripe:" + eventId)
                        .clientId(customer(invoice))
                        .invoiceId(text(invoice, "id"))
                        .voidedAt(time(transition(invoice, voided ? "voided_at" : "marked_uncollectible_at"),
                                number(event, "created")))
                        .reason(voided ? "VOIDED" : "WRITTEN_OFF")
                        .source("STRIPE")
                        .build();
                yield new Mapped(List.of(e), null);
            }
            default -> Mapped.ignored("event type " + type + " is not used");
        };
    }

    private static EventJson issued(JsonNode invoice, JsonNode event, int defaultTermsDays) {
        Long amount = number(invoice, "amount_due");
        if (amount == null) {
            amount = number(invoice, "total");
        }
        if (amount != null && amount == 0) {
            return null;
        }
        String issuedAt = time(transition(invoice, "finalized_at"), number(invoice, "created"));
        Long due = number(invoice, "due_date");
        return EventJson.builder(EventType.InvoiceIssued)
                .eventId("stripe:" + text(invoice, "id") + ":issued")
                .clientId(customer(invoice))
                .clientName(text(invoice, "customer_name"))
                .invoiceId(text(invoice, "id"))
                .issuedAt(issuedAt)
                .dueAt(due == null ? null : Instant.ofEpochSecond(due).toString())
                .paymentTermsDays(due == null ? defaultTermsDays : null)
                .amount(new MoneyJson(amount, currency(invoice)))
                .source("STRIPE")
                .build();
    }

    /** The customer id; Stripe sends a string, or an object when expanded. */
    private static String customer(JsonNode invoice) {
        JsonNode c = invoice.get("customer");
        if (c == null) {
            return null;
        }
        return c.isObject() ? text(c, "id") : c.isString() ? c.getStringValue() : null;
    }

    private static String currency(JsonNode invoice) {
        String c = text(invoice, "currency");
        return c == null ? null : c.toUpperCase(Locale.ROOT);
    }

    private static Long transition(JsonNode invoice, String field) {
        JsonNode t = invoice.get("status_transitions");
        return t == null ? null : number(t, field);
    }

    private static String time(Long seconds, Long fallback) {
        Long s = seconds != null ? seconds : fallback;
        return s == null ? null : Instant.ofEpochSecond(s).toString();
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isString() ? v.getStringValue() : null;
    }

    private static Long number(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isNumber() ? v.getLongValue() : null;
    }
}
