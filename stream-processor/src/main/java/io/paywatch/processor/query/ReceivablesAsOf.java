package io.paywatch.processor.query;

import io.paywatch.processor.payments.RiskModel;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A client's receivables as of a given instant (the query's "now"), computed from its open invoices as stored by the
 * processor. The stored profile's receivables are as of the client's last event: right as an event-time fact, wrong
 * as "today" for a client that went quiet (an invoice 10 days past due at the last event in March stays 10 days past
 * due for ever). The dashboard and the API show these figures instead.
 *
 * <p>Rule (the same definitions as the processor's, only the reference date differs): both the due instant and now
 * become calendar dates in the tenant's time zone, and days past due = today − due date in whole days (negative
 * while not yet due). Aging buckets: current (≤ 0), 1-30, 31-60, 61-90, 90+. Overdue = days past due ≥ 1. The
 * oldest open invoice's age = today − its issue date. Outstanding and bucket amounts are per currency, in minor
 * units (long, exact). Per invoice, the late-payment risk is the risk assessed at issue, as stored with the invoice
 * (the InvoiceRisk figure: a function of the invoice's state, not of when anything was built); before it is assessed
 * (the first allowed lateness after the issue), the stored profile's provisional figure. An invoice past due today is
 * late whatever the model says (probability 1, expected settlement not before today), as in the processor.
 */
public final class ReceivablesAsOf {

    /** The profile's own bound on the listed invoices (oldest due first); the counts cover every open invoice. */
    static final int MAX_INVOICES = 100;

    static final String[] AGING_LABELS = {"current", "1-30", "31-60", "61-90", "90+"};

    private ReceivablesAsOf() {
    }

    /**
     * One open invoice as stored: instants in epoch millis, amounts in minor units of {@code currency}.
     *
     * @param outstandingMinor what is still unpaid (amount − payments, never negative)
     * @param riskAtIssue      the late-payment risk assessed at issue, or null while not assessed yet
     */
    public record OpenItem(String invoiceId, long issuedAt, long dueAt, long amountMinor, long outstandingMinor,
            String currency, RiskModel.Assessment riskAtIssue) {

        /** An open invoice whose risk at issue is not known here. */
        public OpenItem(String invoiceId, long issuedAt, long dueAt, long amountMinor, long outstandingMinor,
                String currency) {
            this(invoiceId, issuedAt, dueAt, amountMinor, outstandingMinor, currency, null);
        }
    }

    /**
     * Calendar days past due of each open invoice on {@code now}'s date in {@code zone} (today − due date, negative
     * while not yet due), in the order given: what the classification as of today reads.
     */
    public static int[] daysPastDue(List<OpenItem> open, ZoneId zone, Instant now) {
        LocalDate today = LocalDate.ofInstant(now, zone);
        return open.stream().mapToInt(item -> (int) ChronoUnit.DAYS.between(
                LocalDate.ofInstant(Instant.ofEpochMilli(item.dueAt()), zone), today)).toArray();
    }

    /**
     * The receivables section as of {@code now}, as a JSON-ready map with the contract's field names ({@code openCount},
     * {@code overdueCount}, {@code outstanding}, {@code aging}, {@code oldestOpenAgeDays}, {@code invoices}) plus
     * {@code asOf} (now, ISO-8601) and {@code today} (the tenant's local date); each invoice also carries its
     * {@code issuedDate} and {@code dueDate} as local dates.
     *
     * @param open           every open invoice of the client (any order)
     * @param storedInvoices the stored profile's {@code receivables.invoices} (for the risk figures), may be empty
     */
    public static Map<String, Object> of(List<OpenItem> open, List<Map<String, Object>> storedInvoices, ZoneId zone,
            Instant now) {
        LocalDate today = LocalDate.ofInstant(now, zone);
        List<OpenItem> sorted = new ArrayList<>(open);
        sorted.sort(Comparator.comparingLong(OpenItem::dueAt).thenComparing(OpenItem::invoiceId));
        Map<String, Map<String, Object>> risk = new HashMap<>();
        storedInvoices.forEach(i -> risk.put(String.valueOf(i.get("invoiceId")), i));

        Map<String, Long> outstanding = new TreeMap<>();
        List<Map<String, Long>> bucketAmounts = new ArrayList<>();
        int[] bucketCounts = new int[AGING_LABELS.length];
        for (int i = 0; i < AGING_LABELS.length; i++) {
            bucketAmounts.add(new TreeMap<>());
        }
        int overdue = 0;
        Integer oldestAge = null;
        List<Map<String, Object>> invoices = new ArrayList<>();
        for (OpenItem item : sorted) {
            LocalDate due = LocalDate.ofInstant(Instant.ofEpochMilli(item.dueAt()), zone);
            LocalDate issued = LocalDate.ofInstant(Instant.ofEpochMilli(item.issuedAt()), zone);
            int daysPastDue = (int) ChronoUnit.DAYS.between(due, today);
            int bucket = bucket(daysPastDue);
            bucketCounts[bucket]++;
            bucketAmounts.get(bucket).merge(item.currency(), item.outstandingMinor(), Math::addExact);
            outstanding.merge(item.currency(), item.outstandingMinor(), Math::addExact);
            if (daysPastDue > 0) {
                overdue++;
            }
            int age = (int) ChronoUnit.DAYS.between(issued, today);
            oldestAge = oldestAge == null ? age : Math.max(oldestAge, age);
            if (invoices.size() < MAX_INVOICES) {
                invoices.add(invoice(item, issued, due, daysPastDue, risk.get(item.invoiceId()), now));
            }
        }
        List<Map<String, Object>> aging = new ArrayList<>();
        for (int i = 0; i < AGING_LABELS.length; i++) {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("label", AGING_LABELS[i]);
            b.put("count", bucketCounts[i]);
            b.put("outstanding", money(bucketAmounts.get(i)));
            aging.add(b);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("openCount", sorted.size());
        out.put("overdueCount", overdue);
        out.put("outstanding", money(outstanding));
        out.put("aging", aging);
        out.put("oldestOpenAgeDays", oldestAge);
        out.put("invoices", invoices);
        out.put("asOf", now.toString());
        out.put("today", today.toString());
        return out;
    }

    /** The aging bucket of a number of days past due (index into {@link #AGING_LABELS}). */
    static int bucket(int daysPastDue) {
        return daysPastDue <= 0 ? 0 : daysPastDue <= 30 ? 1 : daysPastDue <= 60 ? 2 : daysPastDue <= 90 ? 3 : 4;
    }

    private static Map<String, Object> invoice(OpenItem item, LocalDate issued, LocalDate due, int daysPastDue,
            Map<String, Object> stored, Instant now) {
        Map<String, Object> i = new LinkedHashMap<>();
        i.put("invoiceId", item.invoiceId());
        i.put("issuedAt", Instant.ofEpochMilli(item.issuedAt()).toString());
        i.put("dueAt", Instant.ofEpochMilli(item.dueAt()).toString());
        i.put("issuedDate", issued.toString());
        i.put("dueDate", due.toString());
        i.put("amount", money(item.currency(), item.amountMinor()));
        i.put("outstanding", money(item.currency(), item.outstandingMinor()));
        i.put("daysPastDue", daysPastDue);
        Object probability = stored == null ? null : stored.get("lateProbability");
        Object expected = stored == null ? null : stored.get("expectedSettleAt");
        Object basis = stored == null ? null : stored.get("riskBasis");
        RiskModel.Assessment risk = item.riskAtIssue();
        if (risk != null) {
            // The fixed risk at issue, from the invoice itself: the same answer whenever the question is asked.
            probability = risk.lateProbability();
            expected = Instant.ofEpochMilli(RiskModel.expectedSettleAt(item.issuedAt(), risk.expectedDaysToPay()))
                    .toString();
            basis = risk.basis().name();
        }
        if (daysPastDue > 0) {
            // Already past due today: late whatever the model said at issue, and not settled before today.
            probability = 1.0;
            Instant at = expected == null ? now : Instant.parse(String.valueOf(expected));
            expected = (at.isBefore(now) ? now : at).toString();
        }
        i.put("lateProbability", probability);
        i.put("expectedSettleAt", expected);
        i.put("riskBasis", basis);
        return i;
    }

    private static List<Map<String, Object>> money(Map<String, Long> perCurrency) {
        List<Map<String, Object>> out = new ArrayList<>();
        perCurrency.forEach((currency, minor) -> out.add(money(currency, minor)));
        return out;
    }

    private static Map<String, Object> money(String currency, long amountMinor) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("amountMinor", amountMinor);
        m.put("currency", currency);
        return m;
    }
}
