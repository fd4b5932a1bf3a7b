package io.paywatch.processor;

import io.paywatch.contract.AlertOptIns;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.InvoiceIssued;
import io.paywatch.contract.Language;
import io.paywatch.contract.Money;
import io.paywatch.contract.PaymentReceived;
import io.paywatch.contract.SourceSystem;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The launcher's SLOW_DRIFTER demo persona, invoice for invoice: a copy of the invoice half of
 * {@code launcher/.../demo/DemoScenario} (seed 20240917 from {@code DemoGenerator}, the same random draws in the
 * same order), because the launcher depends on this module and not the other way round. Only the invoice events
 * matter for drift: DemoScenario draws a client's invoices before its messages from the same Random, so the
 * messages are left out without changing a single invoice.
 */
final class DemoSlowPayer {

    /** DemoGenerator.SEED. */
    static final long LAUNCHER_SEED = 20_240_917L;

    /** "Lentissimo SpA" of tenant studio-rossi (Europe/Rome, Italian emails), an invoice every 30 days. */
    static final DemoSlowPayer LENTISSIMO = new DemoSlowPayer("studio-rossi", "Giulia", "giulia@paywatch.local",
            Language.IT, "Europe/Rome", "lentissimo", "Lentissimo SpA", 30, 150_000);
    /** "Initech" of tenant demo (Europe/London), an invoice every 21 days. */
    static final DemoSlowPayer INITECH = new DemoSlowPayer("demo", "Ada", "ada@paywatch.local", Language.EN,
            "Europe/London", "initech", "Initech", 21, 380_000);

    /** One record of the persona's year. */
    record Timed(Instant eventTime, InvoiceEvent event) {
    }

    /** The year's invoice events in event-time order (as replayed), and the invoices still unpaid at the anchor. */
    record Year(List<Timed> events, List<InvoiceIssued> openAtAnchor) {
    }

    final String tenant;
    final String displayName;
    final String email;
    final Language language;
    final String timezone;
    final String client;
    final String clientName;
    final int invoiceEveryDays;
    final long amountMinor;

    private DemoSlowPayer(String tenant, String displayName, String email, Language language, String timezone,
            String client, String clientName, int invoiceEveryDays, long amountMinor) {
        this.tenant = tenant;
        this.displayName = displayName;
        this.email = email;
        this.language = language;
        this.timezone = timezone;
        this.client = client;
        this.clientName = clientName;
        this.invoiceEveryDays = invoiceEveryDays;
        this.amountMinor = amountMinor;
    }

    /** DemoScenario.settings: contract defaults (norm 30, tolerance 5, drift alerts on), no quiet hours. */
    FreelancerSettings settings(Instant updatedAt) {
        return FreelancerSettings.newBuilder().setTenantId(tenant).setNotificationEmail(email)
                .setDisplayName(displayName).setLanguage(language).setTimezone(timezone)
                .setQuietHoursStartMinute(0).setQuietHoursEndMinute(0)
                .setAlertOptIns(AlertOptIns.newBuilder().setInvoiceAtRisk(true).setAfterHoursContact(true).build())
                .setUpdatedAt(updatedAt).build();
    }

    /** The persona's year ending at {@code anchorTime}. */
    Year year(Instant anchorTime) {
        Instant anchor = anchorTime.truncatedTo(ChronoUnit.SECONDS);
        Instant start = anchor.minus(Duration.ofDays(365));
        ZoneId zone = ZoneId.of(timezone);
        Random random = new Random(LAUNCHER_SEED ^ (tenant + "|" + client).hashCode());
        List<Timed> out = new ArrayList<>();
        List<InvoiceIssued> open = new ArrayList<>();
        int n = 0;
        Instant t = start.plus(Duration.ofDays(random.nextInt(invoiceEveryDays)));
        while (t.isBefore(anchor)) {
            n++;
            Instant issuedAt = workMorning(t, zone, random);
            String invoiceId = String.format("INV-%s-%03d", client.toUpperCase(Locale.ROOT), n);
            long amount = Math.round(amountMinor * (0.8 + 0.4 * random.nextDouble())) / 100 * 100;
            Money money = new Money(amount, "EUR");
            InvoiceIssued issued = InvoiceIssued.newBuilder()
                    .setEventId(eventId("issued", n)).setTenantId(tenant).setClientId(client)
                    .setClientName(clientName).setInvoiceId(invoiceId).setIssuedAt(issuedAt)
                    .setDueAt(issuedAt.plus(Duration.ofDays(30))).setPaymentTermsDays(30).setAmount(money)
                    .setSource(SourceSystem.DEMO).build();
            out.add(new Timed(issuedAt, new InvoiceEvent(issued)));
            double f = (double) Duration.between(start, issuedAt).toMillis() / Duration.ofDays(365).toMillis();
            int daysToPay = (int) Math.round(22 + 35 * f + random.nextGaussian() * 3);
            Instant paidAt = issuedAt.plus(Duration.ofDays(Math.max(1, daysToPay)))
                    .plus(Duration.ofMinutes(random.nextInt(600)));
            if (paidAt.isAfter(anchor)) {
                open.add(issued); // DemoGenerator.live pays these, one every few seconds
            } else {
                if (n % 4 == 0) {
                    long first = amount / 2;
                    Instant firstAt = issuedAt.plus(Duration.between(issuedAt, paidAt).dividedBy(2));
                    out.add(new Timed(firstAt, payment(invoiceId, n, "a", firstAt, new Money(first, "EUR"))));
                    out.add(new Timed(paidAt, payment(invoiceId, n, "b", paidAt, new Money(amount - first, "EUR"))));
                } else {
                    out.add(new Timed(paidAt, payment(invoiceId, n, "p", paidAt, money)));
                }
            }
            t = t.plus(Duration.ofDays(invoiceEveryDays - 2 + random.nextInt(5)));
        }
        out.removeIf(r -> r.eventTime().isAfter(anchor));
        out.sort(Comparator.comparing(Timed::eventTime));
        return new Year(out, open);
    }

    /** The live phase's payment of an invoice left open at the anchor (DemoGenerator.live), at {@code now}. */
    InvoiceEvent livePayment(InvoiceIssued invoice, Instant now) {
        return new InvoiceEvent(PaymentReceived.newBuilder().setEventId("demo-live-paid-" + invoice.getInvoiceId())
                .setTenantId(tenant).setClientId(client).setInvoiceId(invoice.getInvoiceId()).setPaidAt(now)
                .setAmount(invoice.getAmount()).setSource(SourceSystem.DEMO).build());
    }

    private InvoiceEvent payment(String invoiceId, int n, String part, Instant paidAt, Money amount) {
        return new InvoiceEvent(PaymentReceived.newBuilder().setEventId(eventId("paid-" + part, n))
                .setTenantId(tenant).setClientId(client).setInvoiceId(invoiceId).setPaidAt(paidAt)
                .setAmount(amount).setSource(SourceSystem.DEMO).build());
    }

    private String eventId(String kind, int n) {
        return "demo-" + tenant + "-" + client + "-" + kind + "-" + n;
    }

    private static Instant workMorning(Instant t, ZoneId zone, Random random) {
        ZonedDateTime z = t.atZone(zone).withHour(9 + random.nextInt(3)).withMinute(random.nextInt(60))
                .withSecond(0).withNano(0);
        while (z.getDayOfWeek() == DayOfWeek.SATURDAY || z.getDayOfWeek() == DayOfWeek.SUNDAY) {
            z = z.plusDays(1);
        }
        return z.toInstant();
    }
}
