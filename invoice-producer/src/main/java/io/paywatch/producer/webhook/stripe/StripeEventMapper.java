package io.paywatch.producer.webhook.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import io.paywatch.producer.api.EventJson;
import io.paywatch.producer.api.EventJson.EventType;
import io.paywatch.producer.api.MoneyJson;
import io.paywatch.producer.validation.EventValidator;
import io.paywatch.producer.webhook.WebhookJson;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Maps a Stripe event to Paywatch events. Reads only the fields it needs and ignores the rest, so new Stripe
 * API versions do not break it; a field it reads must have the type Stripe documents, or the event is refused
 * (400) naming the field's JSON pointer. Amounts are converted from Stripe's units to ISO-4217 minor units
 * ({@link StripeMoney}). Event ids are deterministic, so a Stripe retry of the same event produces the same ids
 * and the stream processor's dedup drops it:
 * <ul>
 *   <li>{@code invoice.finalized} -> InvoiceIssued for the amount owed ({@code amount_due}), due at
 *       {@code due_date} or the tenant's default terms (charge_automatically invoices have no due date);</li>
 *   <li>{@code invoice.updated} of an {@code open} invoice whose {@code amount_due} changed (a pre-payment credit
 *       note, a customer-balance change) -> InvoiceIssued again with the new amount owed: the processor
 *       updates the open invoice's amount (its re-issue path);</li>
 *   <li>{@code invoice.paid} -> the same InvoiceIssued (paid may be the first event ever seen for an invoice,
 *       and its {@code amount_due} already reflects every pre-payment credit note) then PaymentReceived
 *       {@code stripe:<event>} at {@code status_transitions.paid_at} for {@code amount_paid}. An invoice closed
 *       by credit notes alone ({@code amount_paid} 0, {@code amount_due} 0, {@code total} above 0) is voided;</li>
 *   <li>{@code invoice.voided} / {@code invoice.marked_uncollectible} -> InvoiceVoided (VOIDED / WRITTEN_OFF).</li>
 * </ul>
 * The InvoiceIssued id is {@link #issuedEventId}: {@code stripe:<invoice>:issued} while the amount owed equals the
 * invoice's {@code total}, {@code stripe:<invoice>:issued:<minor units>} once it differs. It depends only on the
 * invoice and its amount, so re-delivery is a no-op and a changed amount is a new event.
 * {@code credit_note.*} events are acknowledged and not mapped: a credit note carries its own amount, not the
 * invoice's new amount owed, and Stripe reports that new amount on the invoice itself (invoice.updated,
 * invoice.paid). {@code invoice.payment_succeeded} is deliberately ignored: it accompanies invoice.paid and
 * would double count.
 */
public final class StripeEventMapper {

    private static final String OBJECT = "/data/object";
    private static final Set<String> MAPPED = Set.of("invoice.finalized", "invoice.updated", "invoice.paid",
            "invoice.voided", "invoice.marked_uncollectible");

    /** What to do with a Stripe event: publish these events, or acknowledge and ignore it. */
    public record Mapped(List<EventJson> events, String ignoredReason) {
        static Mapped ignored(String reason) {
            return new Mapped(List.of(), reason);
        }
    }

    /** The invoice fields the mapping reads, already type-checked and converted to ISO minor units. */
    private record Invoice(String id, String customer, String customerName, String currency, String status,
            Long amountDue, Long total, Long amountPaid, Long created, Long dueDate, Long finalizedAt, Long paidAt,
            Long voidedAt, Long uncollectibleAt) {
    }

    /**
     * Maps one Stripe event; {@code defaultTermsDays} applies when the invoice has no due date.
     *
     * @throws io.paywatch.producer.problem.ProblemException 400 naming every field of the payload that has the
     *         wrong type or an amount that cannot be stored exactly
     */
    public Mapped map(JsonNode event, int defaultTermsDays) {
        WebhookJson in = new WebhookJson();
        String type = in.text(event, "", "type", 128);
        in.throwIfInvalid();
        if (type == null) {
            return Mapped.ignored("not an event with a type");
        }
        if (type.startsWith("credit_note.")) {
            return Mapped.ignored("credit notes change the amount owed through the invoice's amount_due, "
                    + "read from invoice.updated and invoice.paid");
        }
        if (!MAPPED.contains(type)) {
            return Mapped.ignored("event type " + type + " is not used");
        }
        String eventId = in.id(event, "", "id");
        Long created = seconds(in, event, "", "created");
        JsonNode data = in.object(event, "", "data");
        JsonNode object = in.object(data, "/data", "object");
        in.throwIfInvalid();
        if (object == null) {
            return Mapped.ignored("not an event with data.object");
        }
        Invoice invoice = invoice(in, object);
        in.throwIfInvalid();
        return switch (type) {
            case "invoice.finalized" -> {
                EventJson issued = issued(invoice, defaultTermsDays);
                yield issued == null ? Mapped.ignored("zero-amount invoice") : new Mapped(List.of(issued), null);
            }
            case "invoice.updated" -> {
                if (!"open".equals(invoice.status())) {
                    yield Mapped.ignored("invoice is " + invoice.status() + "; only an open invoice's amount owed "
                            + "is tracked");
                }
                JsonNode previous = in.object(data, "/data", "previous_attributes");
                in.throwIfInvalid();
                if (previous == null || !(previous.has("amount_due") || previous.has("total"))) {
                    yield Mapped.ignored("the amount owed did not change");
                }
                EventJson issued = issued(invoice, defaultTermsDays);
                yield issued == null ? Mapped.ignored("nothing owed; invoice.paid closes it")
                        : new Mapped(List.of(issued), null);
            }
            case "invoice.paid" -> {
                long paid = invoice.amountPaid() == null ? 0 : invoice.amountPaid();
                if (paid <= 0) {
                    if (owed(invoice) == 0 && invoice.total() != null && invoice.total() > 0) {
                        // Credit notes took the amount owed to zero: nothing was paid, and nothing is owed.
                        yield new Mapped(List.of(voided(invoice, eventId, "VOIDED",
                                time(invoice.paidAt(), created))), null);
                    }
                    yield Mapped.ignored("nothing paid (zero-amount invoice)");
                }
                EventJson issued = issued(invoice, defaultTermsDays);
                EventJson payment = EventJson.builder(EventType.PaymentReceived)
                        .eventId("stripe:" + eventId)
                        .clientId(invoice.customer())
                        .invoiceId(invoice.id())
                        .paidAt(time(invoice.paidAt(), created))
                        .amount(new MoneyJson(paid, invoice.currency()))
                        .source("STRIPE")
                        .build();
                yield new Mapped(issued == null ? List.of(payment) : List.of(issued, payment), null);
            }
            case "invoice.voided" -> new Mapped(List.of(voided(invoice, eventId, "VOIDED",
                    time(invoice.voidedAt(), created))), null);
            case "invoice.marked_uncollectible" -> new Mapped(List.of(voided(invoice, eventId, "WRITTEN_OFF",
                    time(invoice.uncollectibleAt(), created))), null);
            default -> Mapped.ignored("event type " + type + " is not used");
        };
    }

    /**
     * The InvoiceIssued event id for an invoice owing {@code owedMinor}: stable for a given amount, distinct for
     * another, and the historical {@code stripe:<invoice>:issued} while nothing reduced the invoice's total.
     */
    public static String issuedEventId(String invoiceId, long owedMinor, Long totalMinor) {
        return totalMinor == null || totalMinor == owedMinor ? "stripe:" + invoiceId + ":issued"
                : "stripe:" + invoiceId + ":issued:" + owedMinor;
    }

    private static Invoice invoice(WebhookJson in, JsonNode o) {
        String id = in.id(o, OBJECT, "id");
        String customer = customer(in, o);
        String customerName = in.text(o, OBJECT, "customer_name", EventValidator.MAX_NAME_LENGTH);
        String status = in.text(o, OBJECT, "status", 64);
        String currency = in.text(o, OBJECT, "currency", 16);
        currency = currency == null ? null : currency.toUpperCase(Locale.ROOT);
        Long amountDue = money(in, o, "amount_due", currency);
        Long total = money(in, o, "total", currency);
        Long amountPaid = money(in, o, "amount_paid", currency);
        Long created = seconds(in, o, OBJECT, "created");
        Long dueDate = seconds(in, o, OBJECT, "due_date");
        required(in, o, "id", id);
        required(in, o, "customer", customer);
        required(in, o, "currency", currency);
        if (amountDue == null && total == null) {
            required(in, o, "amount_due", null);
        }
        JsonNode t = in.object(o, OBJECT, "status_transitions");
        String tp = OBJECT + "/status_transitions";
        return new Invoice(id, customer, customerName, currency, status, amountDue, total, amountPaid, created,
                dueDate, seconds(in, t, tp, "finalized_at"), seconds(in, t, tp, "paid_at"),
                seconds(in, t, tp, "voided_at"), seconds(in, t, tp, "marked_uncollectible_at"));
    }

    /** A fault at a field Stripe always sends, when it is absent or null (not when it was refused already). */
    private static void required(WebhookJson in, JsonNode o, String field, Object value) {
        JsonNode v = o.get(field);
        if (value == null && (v == null || v.isNull())) {
            in.fail(OBJECT + "/" + field, "is required", "missing");
        }
    }

    /** A Stripe amount in ISO minor units; a fault for a negative amount or one that cannot be stored exactly. */
    private static Long money(WebhookJson in, JsonNode o, String field, String currency) {
        Long amount = in.integer(o, OBJECT, field);
        if (amount == null || currency == null) {
            return amount;
        }
        if (amount < 0) {
            in.fail(OBJECT + "/" + field, "must not be negative", "negative");
            return null;
        }
        try {
            return StripeMoney.toMinorUnits(amount, currency);
        } catch (StripeMoney.Refused e) {
            in.fail(OBJECT + "/" + field, e.getMessage(), "unrepresentable_amount");
            return null;
        }
    }

    /** What the customer owes: amount_due (after credit notes and balance), else total. */
    private static long owed(Invoice invoice) {
        Long amount = invoice.amountDue() != null ? invoice.amountDue() : invoice.total();
        return amount == null ? 0 : amount;
    }

    private static EventJson issued(Invoice invoice, int defaultTermsDays) {
        Long amount = invoice.amountDue() != null ? invoice.amountDue() : invoice.total();
        if (amount != null && amount == 0) {
            return null;
        }
        String issuedAt = time(invoice.finalizedAt(), invoice.created());
        Long due = invoice.dueDate();
        return EventJson.builder(EventType.InvoiceIssued)
                .eventId(amount == null || invoice.id() == null ? null
                        : issuedEventId(invoice.id(), amount, invoice.total()))
                .clientId(invoice.customer())
                .clientName(invoice.customerName())
                .invoiceId(invoice.id())
                .issuedAt(issuedAt)
                .dueAt(due == null ? null : Instant.ofEpochSecond(due).toString())
                .paymentTermsDays(due == null ? defaultTermsDays : null)
                .amount(new MoneyJson(amount, invoice.currency()))
                .source("STRIPE")
                .build();
    }

    private static EventJson voided(Invoice invoice, String eventId, String reason, String at) {
        return EventJson.builder(EventType.InvoiceVoided)
                .eventId("stripe:" + eventId)
                .clientId(invoice.customer())
                .invoiceId(invoice.id())
                .voidedAt(at)
                .reason(reason)
                .source("STRIPE")
                .build();
    }

    /** The customer id; Stripe sends a string, or an object when expanded. */
    private static String customer(WebhookJson in, JsonNode invoice) {
        JsonNode c = invoice.get("customer");
        if (c != null && c.isObject()) {
            return in.id(c, OBJECT + "/customer", "id");
        }
        return in.id(invoice, OBJECT, "customer");
    }

    /** Unix seconds that an {@link Instant} can hold; a fault otherwise. */
    private static Long seconds(WebhookJson in, JsonNode node, String pointer, String field) {
        Long s = in.integer(node, pointer, field);
        if (s == null) {
            return null;
        }
        try {
            Instant.ofEpochSecond(s);
            return s;
        } catch (DateTimeException e) {
            in.fail(pointer + "/" + field, "is not a unix time in seconds", "out_of_range");
            return null;
        }
    }

    private static String time(Long seconds, Long fallback) {
        Long s = seconds != null ? seconds : fallback;
        return s == null ? null : Instant.ofEpochSecond(s).toString();
    }
}
