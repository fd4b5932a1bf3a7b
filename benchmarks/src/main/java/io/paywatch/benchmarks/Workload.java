package io.paywatch.benchmarks;

import io.paywatch.contract.Channel;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.InvoiceIssued;
import io.paywatch.contract.InvoiceVoided;
import io.paywatch.contract.MessageEvent;
import io.paywatch.contract.MessageReceived;
import io.paywatch.contract.MessageSent;
import io.paywatch.contract.Money;
import io.paywatch.contract.PaymentReceived;
import io.paywatch.contract.SourceSystem;
import io.paywatch.contract.VoidReason;
import io.paywatch.schemas.ClientKey;
import io.paywatch.schemas.Topics;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A deterministic, realistic input for the benchmarks: a year of invoices (paid in full, in parts, late, never,
 * voided) and messages (sent, answered, ignored) for many clients across several tenants, in event-time order with
 * a few records out of order and a few duplicates, as producers redeliver. Values are encoded once with the
 * contract serdes so that generation is not measured as production.
 */
public final class Workload {

    /** Event time of the first event: a fixed year, so runs on different days process the same input. */
    static final Instant YEAR_START = Instant.parse("2025-01-01T08:00:00Z");

    private static final Duration YEAR = Duration.ofDays(365);

    /** One encoded input record. */
    public record Event(String topic, String key, byte[] value, long eventTimeMs) {
    }

    /** Counts of what was generated, for the report. */
    public record Mix(int invoices, int payments, int voids, int messages, int duplicates, int outOfOrder) {
    }

    private final List<Event> events;
    private final List<String> clientKeys;
    private final List<String> tenants;
    private final Mix mix;

    private Workload(List<Event> events, List<String> clientKeys, List<String> tenants, Mix mix) {
        this.events = events;
        this.clientKeys = clientKeys;
        this.tenants = tenants;
        this.mix = mix;
    }

    /**
     * About {@code totalEvents} events (exactly that many, duplicates included) over {@code clients} clients spread
     * round-robin over {@code tenantCount} tenants named {@code <tenantPrefix>0..}.
     */
    public static Workload generate(String tenantPrefix, int totalEvents, int clients, int tenantCount, long seed) {
        if (totalEvents < clients || clients < tenantCount || tenantCount < 1) {
            throw new IllegalArgumentException("need events >= clients >= tenants >= 1, got " + totalEvents + ", "
                    + clients + ", " + tenantCount);
        }
        SplittableRandom random = new SplittableRandom(seed);
        int duplicateBudget = totalEvents / 50; // 2% redelivered
        int unique = totalEvents - duplicateBudget;
        List<Event> events = new ArrayList<>(totalEvents);
        List<String> keys = new ArrayList<>(clients);
        List<String> tenants = new ArrayList<>(tenantCount);
        for (int t = 0; t < tenantCount; t++) {
            tenants.add(tenantPrefix + t);
        }
        int[] counts = new int[4]; // invoices, payments, voids, messages
        for (int c = 0; c < clients; c++) {
            String tenant = tenants.get(c % tenantCount);
            String client = "c" + c;
            keys.add(ClientKey.of(tenant, client));
            int budget = unique / clients + (c < unique % clients ? 1 : 0);
            clientStory(tenant, client, budget, random.split(), events, counts);
        }
        // A backfill arrives in event-time order, all clients interleaved.
        events.sort(Comparator.comparingLong(Event::eventTimeMs));

        // Out of order: about 1% of records swap with a record a few positions later, within the same client's key
        // space only by chance; what matters is that a payment may now precede its invoice.
        int outOfOrder = 0;
        for (int i = 0; i + 10 < events.size(); i++) {
            if (random.nextInt(100) == 0) {
                Collections.swap(events, i, i + 1 + random.nextInt(10));
                outOfOrder++;
            }
        }
        // Duplicates: redeliveries of an earlier record, up to a thousand records later in the stream.
        long[] inserts = new long[duplicateBudget]; // (insert-before position << 32) | source position
        for (int d = 0; d < duplicateBudget; d++) {
            int from = random.nextInt(events.size());
            int before = Math.min(events.size(), from + 1 + random.nextInt(1000));
            inserts[d] = ((long) before << 32) | from;
        }
        java.util.Arrays.sort(inserts);
        List<Event> withDuplicates = new ArrayList<>(totalEvents);
        int next = 0;
        for (int i = 0; i <= events.size(); i++) {
            while (next < inserts.length && (int) (inserts[next] >>> 32) == i) {
                withDuplicates.add(events.get((int) inserts[next++]));
            }
            if (i < events.size()) {
                withDuplicates.add(events.get(i));
            }
        }
        events = withDuplicates;
        return new Workload(events, keys, tenants,
                new Mix(counts[0], counts[1], counts[2], counts[3], duplicateBudget, outOfOrder));
    }

    /**
     * One client's year: invoices every few weeks with a client-specific payment habit, and a conversation around
     * each, until {@code budget} events are used.
     */
    private static void clientStory(String tenant, String client, int budget, SplittableRandom random,
            List<Event> out, int[] counts) {
        String key = ClientKey.of(tenant, client);
        int habitDays = 5 + random.nextInt(50); // this client's usual days to pay
        long spacingMs = YEAR.toMillis() / Math.max(1, budget);
        Instant at = YEAR_START.plusMillis(random.nextLong(Math.max(1, spacingMs)));
        int used = 0;
        int invoice = 0;
        while (used < budget) {
            String invoiceId = client + "-i" + invoice++;
            long amount = 10_000 + random.nextInt(500_000);
            int terms = random.nextInt(4) == 0 ? 14 : 30;
            out.add(invoice(key, InvoiceIssued.newBuilder().setEventId("iss-" + key + "-" + invoiceId)
                    .setTenantId(tenant).setClientId(client).setClientName("Client " + client)
                    .setInvoiceId(invoiceId).setIssuedAt(at).setDueAt(at.plus(Duration.ofDays(terms)))
                    .setPaymentTermsDays(terms).setAmount(eur(amount)).setSource(SourceSystem.DEMO).build(), at));
            counts[0]++;
            used++;
            Instant paidAt = at.plus(Duration.ofDays(Math.max(1, habitDays + random.nextInt(11) - 5)));
            int fate = random.nextInt(100);
            if (fate < 3 && used < budget) {
                Instant voidedAt = at.plus(Duration.ofDays(2));
                out.add(invoice(key, InvoiceVoided.newBuilder().setEventId("void-" + key + "-" + invoiceId)
                        .setTenantId(tenant).setClientId(client).setInvoiceId(invoiceId).setVoidedAt(voidedAt)
                        .setReason(VoidReason.VOIDED).build(), voidedAt));
                counts[2]++;
                used++;
            } else if (fate < 23 && used + 1 < budget) {
                long first = amount / 2;
                out.add(payment(key, tenant, client, invoiceId, paidAt.minus(Duration.ofDays(3)), first));
                out.add(payment(key, tenant, client, invoiceId, paidAt.plus(Duration.ofDays(4)), amount - first));
                counts[1] += 2;
                used += 2;
            } else if (fate < 93 && used < budget) {
                out.add(payment(key, tenant, client, invoiceId, paidAt, amount));
                counts[1]++;
                used++;
            } // else: never paid, so it goes overdue and raises alerts in the scans
            // The conversation: a question, and usually an answer some hours later.
            int messages = Math.min(budget - used, random.nextInt(3));
            for (int m = 0; m < messages; m++) {
                Instant sentAt = at.plus(Duration.ofHours(1 + random.nextInt(200)));
                String thread = invoiceId + "-t" + m;
                if (m % 2 == 0) {
                    out.add(message(key, MessageSent.newBuilder().setEventId("snt-" + key + "-" + thread)
                            .setTenantId(tenant).setClientId(client).setThreadId(thread).setSentAt(sentAt)
                            .setChannel(Channel.EMAIL).setSource(SourceSystem.DEMO).build(), sentAt));
                } else {
                    Instant receivedAt = sentAt.plus(Duration.ofMinutes(10 + random.nextInt(3000)));
                    out.add(message(key, MessageReceived.newBuilder().setEventId("rcv-" + key + "-" + thread)
                            .setTenantId(tenant).setClientId(client).setThreadId(invoiceId + "-t" + (m - 1))
                            .setReceivedAt(receivedAt).setChannel(Channel.EMAIL).setSource(SourceSystem.DEMO)
                            .build(), receivedAt));
                }
                counts[3]++;
                used++;
            }
            at = at.plusMillis(spacingMs * 3 / 2 + random.nextLong(Math.max(1, spacingMs)));
        }
    }

    private static Event payment(String key, String tenant, String client, String invoiceId, Instant paidAt,
            long amount) {
        return invoice(key, PaymentReceived.newBuilder()
                .setEventId("pay-" + key + "-" + invoiceId + "-" + paidAt.toEpochMilli())
                .setTenantId(tenant).setClientId(client).setInvoiceId(invoiceId).setPaidAt(paidAt)
                .setAmount(eur(amount)).setSource(SourceSystem.DEMO).build(), paidAt);
    }

    private static Event invoice(String key, Object payload, Instant eventTime) {
        byte[] value = Topics.INVOICE_EVENTS.valueSerde().serializer()
                .serialize(Topics.INVOICE_EVENTS.name(), new InvoiceEvent(payload));
        return new Event(Topics.INVOICE_EVENTS.name(), key, value, eventTime.toEpochMilli());
    }

    private static Event message(String key, Object payload, Instant eventTime) {
        byte[] value = Topics.MESSAGE_EVENTS.valueSerde().serializer()
                .serialize(Topics.MESSAGE_EVENTS.name(), new MessageEvent(payload));
        return new Event(Topics.MESSAGE_EVENTS.name(), key, value, eventTime.toEpochMilli());
    }

    private static Money eur(long minor) {
        return new Money(minor, "EUR");
    }

    /** Settings of one tenant: contract defaults, saved before the year starts. */
    public static FreelancerSettings settings(String tenant) {
        return FreelancerSettings.newBuilder().setTenantId(tenant).setNotificationEmail(tenant + "@example.test")
                .setTimezone("Europe/Rome").setUpdatedAt(YEAR_START.minus(Duration.ofDays(1))).build();
    }

    /** The records, in the order they are produced. */
    public List<Event> events() {
        return events;
    }

    /** Every client key (tenant|client) in the workload. */
    public List<String> clientKeys() {
        return clientKeys;
    }

    /** Every tenant id in the workload. */
    public List<String> tenants() {
        return tenants;
    }

    /** What was generated. */
    public Mix mix() {
        return mix;
    }
}
