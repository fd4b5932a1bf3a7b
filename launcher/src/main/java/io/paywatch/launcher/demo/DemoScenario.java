package io.paywatch.launcher.demo;

import io.paywatch.contract.AlertOptIns;
import io.paywatch.contract.Channel;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.InvoiceIssued;
import io.paywatch.contract.InvoiceVoided;
import io.paywatch.contract.Language;
import io.paywatch.contract.MessageEvent;
import io.paywatch.contract.MessageReceived;
import io.paywatch.contract.MessageSent;
import io.paywatch.contract.Money;
import io.paywatch.contract.PaymentReceived;
import io.paywatch.contract.SourceSystem;
import io.paywatch.contract.VoidReason;
import io.paywatch.schemas.ClientKey;
import io.paywatch.schemas.Topics;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A year in the life of a few freelancers, generated deterministically from a seed and an anchor time (the
 * end of the year): ideal clients, a slow payer drifting past 30 days, a ghost and a micromanager. The same
 * seed and anchor always give the same events with the same ids, so a replay is a no-op downstream.
 */
public final class DemoScenario {

    /** How a demo client behaves. */
    public enum Persona { IDEAL, SLOW_DRIFTER, GHOST, MICROMANAGER }

    /** A demo client. */
    public record DemoClient(String id, String name, Persona persona, int invoiceEveryDays, long amountMinor,
            String currency) {
    }

    /** A demo freelancer (tenant) and its clients. */
    public record DemoTenant(String id, String displayName, String email, Language language, String timezone,
            List<DemoClient> clients) {
    }

    /** One record to publish, at its event time. */
    public record DemoRecord(Instant eventTime, String topic, String key, Object value) {
    }

    /** An invoice that is still open at the anchor, for the live phase to pay later. */
    public record OpenInvoice(String tenantId, DemoClient client, String invoiceId, Money amount) {
    }

    /** The demo freelancers. The first one is "the" demo tenant the launcher prints. */
    public static final List<DemoTenant> TENANTS = List.of(
            new DemoTenant("demo", "Ada", "ada@paywatch.local", Language.EN, "Europe/London", List.of(
                    new DemoClient("acme", "Acme Robotics", Persona.IDEAL, 14, 240_000, "EUR"),
                    new DemoClient("globex", "Globex Media", Persona.IDEAL, 30, 450_000, "EUR"),
                    new DemoClient("initech", "Initech", Persona.SLOW_DRIFTER, 21, 380_000, "EUR"),
                    new DemoClient("hooli", "Hooli", Persona.GHOST, 30, 520_000, "EUR"),
                    new DemoClient("umbrella", "Umbrella Labs", Persona.MICROMANAGER, 21, 300_000, "EUR"))),
            new DemoTenant("studio-rossi", "Giulia", "giulia@paywatch.local", Language.IT, "Europe/Rome", List.of(
                    new DemoClient("pasticceria", "Pasticceria Bianchi", Persona.IDEAL, 30, 90_000, "EUR"),
                    new DemoClient("lentissimo", "Lentissimo SpA", Persona.SLOW_DRIFTER, 30, 150_000, "EUR"))));

    private static final Duration YEAR = Duration.ofDays(365);

    private final Instant anchor;
    private final Instant start;
    private final long seed;
    private final List<DemoRecord> records = new ArrayList<>();
    private final List<OpenInvoice> openAtAnchor = new ArrayList<>();

    /** Generates the year that ends at {@code anchor}. */
    public DemoScenario(Instant anchor, long seed) {
        this.anchor = anchor.truncatedTo(ChronoUnit.SECONDS);
        this.start = this.anchor.minus(YEAR);
        this.seed = seed;
        for (DemoTenant tenant : TENANTS) {
            records.add(new DemoRecord(start.minus(Duration.ofDays(1)), Topics.FREELANCER_SETTINGS.name(),
                    tenant.id(), settings(tenant, start.minus(Duration.ofDays(1)))));
            for (DemoClient client : tenant.clients()) {
                Random random = new Random(seed ^ (tenant.id() + "|" + client.id()).hashCode());
                invoices(tenant, client, random);
                messages(tenant, client, random);
            }
        }
        records.removeIf(r -> r.eventTime().isAfter(this.anchor));
        records.sort(Comparator.comparing(DemoRecord::eventTime));
    }

    public Instant anchor() {
        return anchor;
    }

    public Instant start() {
        return start;
    }

    /** Every record of the year, in event-time order (settings first). */
    public List<DemoRecord> records() {
        return records;
    }

    /** Invoices still unpaid at the anchor (the ghost's are never paid). */
    public List<OpenInvoice> openAtAnchor() {
        return openAtAnchor;
    }

    /** The tenant's settings: opt-ins on so the demo shows every kind of alert; no quiet hours. */
    public static FreelancerSettings settings(DemoTenant tenant, Instant updatedAt) {
        return FreelancerSettings.newBuilder()
                .setTenantId(tenant.id())
                .setNotificationEmail(tenant.email())
                .setDisplayName(tenant.displayName())
                .setLanguage(tenant.language())
                .setTimezone(tenant.timezone())
                // Quiet hours of zero length: a demo run at night still shows its emails at once.
                .setQuietHoursStartMinute(0)
                .setQuietHoursEndMinute(0)
                .setAlertOptIns(AlertOptIns.newBuilder().setInvoiceAtRisk(true).setAfterHoursContact(true).build())
                .setUpdatedAt(updatedAt)
                .build();
    }

    private double progress(Instant t) {
        return (double) Duration.between(start, t).toMillis() / YEAR.toMillis();
    }

    /** A working-day morning (09:00-12:00 local) on or after {@code t}. */
    private static Instant workMorning(Instant t, ZoneId zone, Random random) {
        ZonedDateTime z = t.atZone(zone).withHour(9 + random.nextInt(3)).withMinute(random.nextInt(60))
                .withSecond(0).withNano(0);
        while (z.getDayOfWeek() == DayOfWeek.SATURDAY || z.getDayOfWeek() == DayOfWeek.SUNDAY) {
            z = z.plusDays(1);
        }
        return z.toInstant();
    }

    /** {@code t} if it falls in working hours (Mon-Fri 09:00-18:00 local), else the next working morning. */
    static Instant duringWork(Instant t, ZoneId zone) {
        ZonedDateTime z = t.atZone(zone);
        if (isWorkingTime(t, zone)) {
            return t;
        }
        ZonedDateTime next = z.getHour() < 9 ? z.withHour(9).withMinute(z.getMinute() / 2) : z.plusDays(1)
                .withHour(9).withMinute(z.getMinute() / 2);
        while (next.getDayOfWeek() == DayOfWeek.SATURDAY || next.getDayOfWeek() == DayOfWeek.SUNDAY) {
            next = next.plusDays(1);
        }
        return next.toInstant();
    }

    /** Mon-Fri 09:00-18:00 in {@code zone}: the default working hours of FreelancerSettings. */
    public static boolean isWorkingTime(Instant t, ZoneId zone) {
        ZonedDateTime z = t.atZone(zone);
        return z.getDayOfWeek().getValue() <= 5 && z.getHour() >= 9 && z.getHour() < 18;
    }

    private void invoices(DemoTenant tenant, DemoClient client, Random random) {
        ZoneId zone = ZoneId.of(tenant.timezone());
        String key = ClientKey.of(tenant.id(), client.id());
        int n = 0;
        Instant t = start.plus(Duration.ofDays(random.nextInt(client.invoiceEveryDays())));
        while (t.isBefore(anchor)) {
            n++;
            Instant issuedAt = workMorning(t, zone, random);
            String invoiceId = String.format("INV-%s-%03d", client.id().toUpperCase(java.util.Locale.ROOT), n);
            long amount = Math.round(client.amountMinor() * (0.8 + 0.4 * random.nextDouble())) / 100 * 100;
            Money money = new Money(amount, client.currency());
            Instant dueAt = issuedAt.plus(Duration.ofDays(30));
            add(issuedAt, Topics.INVOICE_EVENTS.name(), key, new InvoiceEvent(InvoiceIssued.newBuilder()
                    .setEventId(eventId(tenant, client, "issued", n)).setTenantId(tenant.id())
                    .setClientId(client.id()).setClientName(client.name()).setInvoiceId(invoiceId)
                    .setIssuedAt(issuedAt).setDueAt(dueAt).setPaymentTermsDays(30).setAmount(money)
                    .setSource(SourceSystem.DEMO).build()));
            double f = progress(issuedAt);
            Integer daysToPay = switch (client.persona()) {
                case IDEAL -> 7 + random.nextInt(15);
                // Starts comfortably inside terms and drifts by ~35 days over the year.
                case SLOW_DRIFTER -> (int) Math.round(22 + 35 * f + random.nextGaussian() * 3);
                // Pays normally, then stops paying (and answering) in the last months.
                case GHOST -> f < 0.6 ? 18 + random.nextInt(12) : null;
                case MICROMANAGER -> 14 + random.nextInt(14);
            };
            if (client.persona() == Persona.IDEAL && n == 5) {
                // One voided invoice: it must leave the open set and never count.
                add(issuedAt.plus(Duration.ofDays(2)), Topics.INVOICE_EVENTS.name(), key,
                        new InvoiceEvent(InvoiceVoided.newBuilder().setEventId(eventId(tenant, client, "void", n))
                                .setTenantId(tenant.id()).setClientId(client.id()).setInvoiceId(invoiceId)
                                .setVoidedAt(issuedAt.plus(Duration.ofDays(2))).setReason(VoidReason.VOIDED)
                                .setSource(SourceSystem.DEMO).build()));
            } else if (daysToPay == null) {
                openAtAnchor.add(new OpenInvoice(tenant.id(), client, invoiceId, money));
            } else {
                Instant paidAt = issuedAt.plus(Duration.ofDays(Math.max(1, daysToPay)))
                        .plus(Duration.ofMinutes(random.nextInt(600)));
                if (paidAt.isAfter(anchor)) {
                    openAtAnchor.add(new OpenInvoice(tenant.id(), client, invoiceId, money));
                } else if (n % 4 == 0) {
                    // Every fourth invoice is paid in two parts: settled by the second one.
                    long first = amount / 2;
                    Instant firstAt = issuedAt.plus(Duration.between(issuedAt, paidAt).dividedBy(2));
                    add(firstAt, Topics.INVOICE_EVENTS.name(), key, payment(tenant, client, invoiceId, n, "a",
                            firstAt, new Money(first, client.currency())));
                    add(paidAt, Topics.INVOICE_EVENTS.name(), key, payment(tenant, client, invoiceId, n, "b",
                            paidAt, new Money(amount - first, client.currency())));
                } else {
                    add(paidAt, Topics.INVOICE_EVENTS.name(), key, payment(tenant, client, invoiceId, n, "p",
                            paidAt, money));
                }
            }
            t = t.plus(Duration.ofDays(client.invoiceEveryDays() - 2 + random.nextInt(5)));
        }
    }

    private static InvoiceEvent payment(DemoTenant tenant, DemoClient client, String invoiceId, int n, String part,
            Instant paidAt, Money amount) {
        return new InvoiceEvent(PaymentReceived.newBuilder().setEventId(eventId(tenant, client, "paid-" + part, n))
                .setTenantId(tenant.id()).setClientId(client.id()).setInvoiceId(invoiceId).setPaidAt(paidAt)
                .setAmount(amount).setSource(SourceSystem.DEMO).build());
    }

    private void messages(DemoTenant tenant, DemoClient client, Random random) {
        ZoneId zone = ZoneId.of(tenant.timezone());
        String key = ClientKey.of(tenant.id(), client.id());
        int thread = 0;
        for (Instant week = start.plus(Duration.ofDays(1)); week.isBefore(anchor); week = week.plus(Duration.ofDays(7))) {
            thread++;
            Instant sentAt = workMorning(week.plus(Duration.ofDays(random.nextInt(3))), zone, random);
            String threadId = "T-" + client.id() + "-" + thread;
            add(sentAt, Topics.MESSAGE_EVENTS.name(), key, sent(tenant, client, threadId, thread, 0, sentAt));
            double f = progress(sentAt);
            Duration replyAfter = switch (client.persona()) {
                case IDEAL -> Duration.ofMinutes(30 + random.nextInt(300));
                case SLOW_DRIFTER -> Duration.ofHours(4 + random.nextInt(30));
                case MICROMANAGER -> Duration.ofMinutes(5 + random.nextInt(40));
                // Two silent spells: one that ends (RESPONSIVE_AGAIN), and one that starts in the last two weeks
                // and is still going, so its GHOSTING alert is recent enough to be emailed (older alerts are
                // history: the alert service records them as stale instead of emailing them).
                case GHOST -> (f > 0.55 && f < 0.7) || f > 0.965 ? null : Duration.ofHours(2 + random.nextInt(20));
            };
            if (replyAfter == null) {
                // Two unanswered follow-ups in the same thread, a few working days apart.
                for (int k = 1; k <= 2; k++) {
                    Instant followUp = workMorning(sentAt.plus(Duration.ofDays(3L * k)), zone, random);
                    add(followUp, Topics.MESSAGE_EVENTS.name(), key, sent(tenant, client, threadId, thread, k, followUp));
                }
            } else {
                // Only the micromanager writes outside working hours; everyone else answers during the day.
                Instant at = client.persona() == Persona.MICROMANAGER ? sentAt.plus(replyAfter)
                        : duringWork(sentAt.plus(replyAfter), zone);
                add(at, Topics.MESSAGE_EVENTS.name(), key, received(tenant, client, threadId, "r" + thread, at));
            }
        }
        if (client.persona() == Persona.MICROMANAGER) {
            // A dozen unsolicited messages a week, many late in the evening.
            int i = 0;
            for (Instant day = start; day.isBefore(anchor); day = day.plus(Duration.ofDays(1))) {
                int count = random.nextInt(3) + (day.atZone(zone).getDayOfWeek().getValue() <= 5 ? 1 : 0);
                for (int k = 0; k < count; k++) {
                    int hour = random.nextDouble() < 0.45 ? 20 + random.nextInt(3) : 9 + random.nextInt(9);
                    Instant at = day.atZone(zone).withHour(hour).withMinute(random.nextInt(60)).toInstant();
                    add(at, Topics.MESSAGE_EVENTS.name(), key, received(tenant, client, null, "u" + (++i), at));
                }
            }
        }
    }

    private static MessageEvent sent(DemoTenant tenant, DemoClient client, String threadId, int thread, int followUp,
            Instant at) {
        return new MessageEvent(MessageSent.newBuilder()
                .setEventId(eventId(tenant, client, "sent-" + followUp, thread)).setTenantId(tenant.id())
                .setClientId(client.id()).setThreadId(threadId).setSentAt(at).setChannel(Channel.EMAIL)
                .setExpectsReply(true).setSource(SourceSystem.DEMO).build());
    }

    private static MessageEvent received(DemoTenant tenant, DemoClient client, String threadId, String id, Instant at) {
        return new MessageEvent(MessageReceived.newBuilder()
                .setEventId("demo-" + tenant.id() + "-" + client.id() + "-recv-" + id).setTenantId(tenant.id())
                .setClientId(client.id()).setThreadId(threadId).setReceivedAt(at)
                .setChannel(threadId == null ? Channel.CHAT : Channel.EMAIL).setSource(SourceSystem.DEMO).build());
    }

    private static String eventId(DemoTenant tenant, DemoClient client, String kind, int n) {
        return "demo-" + tenant.id() + "-" + client.id() + "-" + kind + "-" + n;
    }

    private void add(Instant at, String topic, String key, Object value) {
        records.add(new DemoRecord(at, topic, key, value));
    }

    /** Counts of records by topic, for the console. */
    public Map<String, Integer> countsByTopic() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        records.forEach(r -> counts.merge(r.topic(), 1, Integer::sum));
        return counts;
    }

    public long seed() {
        return seed;
    }
}
