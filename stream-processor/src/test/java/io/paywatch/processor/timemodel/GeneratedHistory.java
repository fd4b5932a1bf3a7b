package io.paywatch.processor.timemodel;

import io.paywatch.contract.AlertOptIns;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.InvoiceDueDateChanged;
import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.InvoiceIssued;
import io.paywatch.contract.InvoiceVoided;
import io.paywatch.contract.PaymentReceived;
import io.paywatch.contract.VoidReason;
import io.paywatch.processor.Events;
import io.paywatch.processor.ops.EventTimeExtractor;
import io.paywatch.schemas.ClientKey;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * A seeded payment history of several tenants (one west of UTC) and many clients, with the truth of every invoice
 * (when it was issued, due, settled, voided or written off), so a test can compute the expected overdue alerts
 * independently of the topology: a step fires iff its local-midnight time is at or before the watermark and the
 * invoice was neither settled nor voided (or written off) at or before it.
 */
public final class GeneratedHistory {

    /** A tenant: its zone and grace period. */
    public record Tenant(String id, ZoneId zone, int graceDays) {
    }

    /** One input event and the key it is sent under. */
    public record Event(String key, InvoiceEvent event) {

        public Instant at() {
            return EventTimeExtractor.eventTime(event);
        }

        public String eventId() {
            Object payload = event.getPayload();
            if (payload instanceof InvoiceIssued e) {
                return e.getEventId();
            }
            if (payload instanceof PaymentReceived e) {
                return e.getEventId();
            }
            if (payload instanceof InvoiceVoided e) {
                return e.getEventId();
            }
            return ((InvoiceDueDateChanged) payload).getEventId();
        }
    }

    /** What really happened to one invoice (null: never). */
    public record Truth(Tenant tenant, String client, String invoiceId, Instant issuedAt, Instant dueAt,
            Instant settledAt, Instant voidedAt, String kind) {

        /** The earliest time from which the invoice cannot be overdue, or null. */
        Instant terminal() {
            if (settledAt == null) {
                return voidedAt;
            }
            return voidedAt == null || settledAt.isBefore(voidedAt) ? settledAt : voidedAt;
        }
    }

    public final List<Tenant> tenants;
    public final List<Truth> invoices = new ArrayList<>();
    /** Every event, in event-time order (ties by event id). */
    public final List<Event> events = new ArrayList<>();

    private GeneratedHistory(List<Tenant> tenants) {
        this.tenants = tenants;
    }

    /**
     * {@code clients} clients spread over a tenant in America/Los_Angeles (grace 3) and one in Europe/Rome (grace
     * 5), each with {@code invoicesPerClient} invoices over 2024-2025: on time, late, partly paid in two
     * payments, voided, written off then paid, never paid, and partly paid then never completed.
     */
    public static GeneratedHistory generate(long seed, int clients, int invoicesPerClient) {
        return generate(seed, clients, invoicesPerClient, "");
    }

    /** As {@link #generate(long, int, int)}, with tenant ids prefixed (tests sharing a broker keep apart). */
    public static GeneratedHistory generate(long seed, int clients, int invoicesPerClient, String tenantPrefix) {
        Random random = new Random(seed);
        GeneratedHistory h = new GeneratedHistory(List.of(
                new Tenant(tenantPrefix + "west", ZoneId.of("America/Los_Angeles"), 3),
                new Tenant(tenantPrefix + "east", ZoneId.of("Europe/Rome"), 5)));
        Instant start = Instant.parse("2024-01-03T00:00:00Z");
        for (int c = 0; c < clients; c++) {
            Tenant tenant = h.tenants.get(c % h.tenants.size());
            String client = "c" + c;
            Instant issuedAt = start.plus(Duration.ofHours(random.nextInt(24 * 60)));
            for (int i = 0; i < invoicesPerClient; i++) {
                issuedAt = issuedAt.plus(Duration.ofHours(24L * (10 + random.nextInt(40)) + random.nextInt(24)));
                h.addInvoice(random, tenant, client, client + "-inv-" + i, issuedAt, c % 6 == 5);
            }
        }
        h.events.sort(Comparator.comparing(Event::at).thenComparing(Event::eventId));
        return h;
    }

    /**
     * One invoice and its fate. A habitually late client (every sixth) pays late four times in five, so the history
     * also holds clients whose risk is high enough for INVOICE_AT_RISK.
     */
    private void addInvoice(Random random, Tenant t, String client, String invoiceId, Instant issuedAt,
            boolean habituallyLate) {
        int terms = new int[] {14, 30, 45}[random.nextInt(3)];
        long amount = 100_00L + random.nextInt(5_000) * 100L;
        InvoiceEvent issue = Events.issued(t.id(), client, invoiceId, issuedAt, terms, amount);
        Instant dueAt = issuedAt.plus(Duration.ofDays(terms));
        add(t, client, issue);
        int roll = random.nextInt(100);
        if (habituallyLate && roll < 80) {
            roll = 30 + roll % 25; // the "late" branch below
        }
        Instant settledAt = null;
        Instant voidedAt = null;
        String kind;
        if (roll < 30) {
            kind = "on-time";
            settledAt = issuedAt.plus(Duration.ofMinutes(random.nextInt(terms * 24 * 60)));
            add(t, client, Events.paid(t.id(), client, invoiceId, settledAt, amount));
        } else if (roll < 55) {
            kind = "late";
            settledAt = dueAt.plus(Duration.ofMinutes(24 * 60 + random.nextInt(100 * 24 * 60)));
            add(t, client, Events.paid(t.id(), client, invoiceId, settledAt, amount));
        } else if (roll < 70) {
            kind = "partial";
            long first = amount * 4 / 10;
            Instant p1 = issuedAt.plus(Duration.ofMinutes(60 + random.nextInt(20 * 24 * 60)));
            Instant p2 = issuedAt.plus(Duration.ofMinutes(60 + random.nextInt(120 * 24 * 60)));
            add(t, client, Events.paid(t.id(), client, invoiceId, p1, first));
            add(t, client, Events.paid(t.id(), client, invoiceId, p2, amount - first));
            settledAt = p1.isAfter(p2) ? p1 : p2;
        } else if (roll < 78) {
            kind = "voided";
            voidedAt = issuedAt.plus(Duration.ofMinutes(60 + random.nextInt(100 * 24 * 60)));
            add(t, client, Events.voided(t.id(), client, invoiceId, voidedAt, VoidReason.VOIDED));
        } else if (roll < 86) {
            kind = "written-off-then-paid";
            voidedAt = dueAt.plus(Duration.ofMinutes(random.nextInt(40 * 24 * 60) - 10 * 24 * 60L));
            settledAt = voidedAt.plus(Duration.ofMinutes(60 + random.nextInt(60 * 24 * 60)));
            add(t, client, Events.voided(t.id(), client, invoiceId, voidedAt, VoidReason.WRITTEN_OFF));
            add(t, client, Events.paid(t.id(), client, invoiceId, settledAt, amount));
        } else if (roll < 94) {
            kind = "never-paid";
        } else {
            kind = "partial-never-completed";
            add(t, client, Events.paid(t.id(), client, invoiceId,
                    issuedAt.plus(Duration.ofMinutes(60 + random.nextInt(60 * 24 * 60))), amount * 3 / 10));
        }
        invoices.add(new Truth(t, client, invoiceId, issuedAt, dueAt, settledAt, voidedAt, kind));
    }

    private void add(Tenant t, String client, InvoiceEvent event) {
        events.add(new Event(ClientKey.of(t.id(), client), event));
    }

    /** The tenants' settings: every payment alert opted in. */
    public List<FreelancerSettings> settings() {
        return tenants.stream().map(t -> Events.settings(t.id()).setTimezone(t.zone().getId())
                .setOverdueGraceDays(t.graceDays())
                .setAlertOptIns(AlertOptIns.newBuilder().setInvoiceAtRisk(true).setPaymentDrift(true).build())
                .build()).toList();
    }

    /** Newest event time. */
    public Instant maxEventTime() {
        return events.get(events.size() - 1).at();
    }

    /**
     * The events in an order where each is displaced from event-time order by less than {@code lateness}: sorted by
     * event time plus a random delay in [0, lateness). So an event always arrives before any event dated at least
     * {@code lateness} after it.
     */
    public List<Event> displaced(long seed, Duration lateness) {
        return displaced(events, seed, lateness);
    }

    /**
     * As {@link #displaced(long, Duration)}, for any list of events (in event-time order, ties in the order wanted
     * among equal keys): other tests' generated histories replay in the same kind of displaced order.
     */
    public static List<Event> displaced(List<Event> events, long seed, Duration lateness) {
        Random random = new Random(seed);
        record Keyed(long key, int index, Event event) {
        }
        List<Keyed> keyed = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            Event e = events.get(i);
            long delay = (long) (random.nextDouble() * (lateness.toMillis() - 1));
            keyed.add(new Keyed(e.at().toEpochMilli() + delay, i, e));
        }
        keyed.sort(Comparator.comparingLong(Keyed::key).thenComparingInt(Keyed::index));
        return keyed.stream().map(Keyed::event).toList();
    }

    /**
     * The INVOICE_OVERDUE alerts the truth implies once every step at or before {@code watermark} is judged, as
     * {@code tenant|client|invoice#step}. Computed here from the calendar, not with the processor's classes:
     * step 1 at grace + 1 days past due, then 30, 60 and 90 (a step not after the previous one is skipped), each at
     * local midnight in the tenant's zone of the due date plus that many days.
     */
    public Set<String> expectedOverdue(Instant watermark) {
        Set<String> expected = new TreeSet<>();
        for (Truth inv : invoices) {
            int[] days = {Math.max(1, inv.tenant().graceDays() + 1), 30, 60, 90};
            int previous = 0;
            for (int step = 1; step <= 4; step++) {
                int dpd = days[step - 1];
                if (dpd <= previous) {
                    continue;
                }
                previous = dpd;
                Instant firesAt = LocalDate.ofInstant(inv.dueAt(), inv.tenant().zone()).plusDays(dpd)
                        .atStartOfDay(inv.tenant().zone()).toInstant();
                Instant terminal = inv.terminal();
                if (!firesAt.isAfter(watermark) && (terminal == null || firesAt.isBefore(terminal))) {
                    expected.add(ClientKey.of(inv.tenant().id(), inv.client()) + "|" + inv.invoiceId() + "#" + step);
                }
            }
        }
        return expected;
    }

    /** Client keys of the history. */
    public Set<String> clientKeys() {
        Set<String> keys = new TreeSet<>();
        invoices.forEach(i -> keys.add(ClientKey.of(i.tenant().id(), i.client())));
        return keys;
    }
}
