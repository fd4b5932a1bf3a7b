package io.paywatch.processor.query;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Receivables as of "now" (the query's clock), not as of the client's last event. Expected figures are written out
 * by hand from calendar dates (the truth), never computed by the code under test.
 */
class ReceivablesAsOfTest {

    static final ZoneId AUCKLAND = ZoneId.of("Pacific/Auckland");
    /** 12:00 UTC on 20 Nov 2026 is 01:00 on 21 Nov in Auckland (UTC+13): the tenant's today is the 21st. */
    static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");

    private static long at(String date, String time, ZoneId zone) {
        return LocalDate.parse(date).atTime(LocalTime.parse(time)).atZone(zone).toInstant().toEpochMilli();
    }

    private static ReceivablesAsOf.OpenItem open(String id, String issued, String due, long outstanding) {
        return new ReceivablesAsOf.OpenItem(id, at(issued, "10:00", AUCKLAND), at(due, "10:00", AUCKLAND),
                outstanding, outstanding, "NZD");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> invoices(Map<String, Object> r) {
        return (List<Map<String, Object>>) r.get("invoices");
    }

    @SuppressWarnings("unchecked")
    private static List<Integer> agingCounts(Map<String, Object> r) {
        return ((List<Map<String, Object>>) r.get("aging")).stream().map(b -> (Integer) b.get("count")).toList();
    }

    @Test
    void aClientSilentSinceMarchIsJudgedAsOfTodayNotAsOfItsLastEvent() {
        // Four invoices issued in February and March, the last event on 5 March; by 21 November they are all 90+.
        List<ReceivablesAsOf.OpenItem> open = List.of(
                open("S-1", "2026-02-20", "2026-03-06", 100_00),
                open("S-2", "2026-02-25", "2026-03-11", 200_00),
                open("S-3", "2026-03-01", "2026-03-15", 300_00),
                open("S-4", "2026-03-05", "2026-03-19", 400_00));
        Map<String, Object> r = ReceivablesAsOf.of(open, List.of(), AUCKLAND, NOW);

        // 6 Mar → 21 Nov: 25 (rest of March) + 30 + 31 + 30 + 31 + 31 + 30 + 31 + 21 = 260 days.
        assertThat(invoices(r)).extracting(i -> i.get("daysPastDue")).containsExactly(260, 255, 251, 247);
        assertThat(r).containsEntry("openCount", 4).containsEntry("overdueCount", 4)
                .containsEntry("today", "2026-11-21").containsEntry("asOf", "2026-11-20T12:00:00Z")
                // 20 Feb → 21 Nov: 8 + 31 + 30 + 31 + 30 + 31 + 31 + 30 + 31 + 21 = 274 days.
                .containsEntry("oldestOpenAgeDays", 274);
        assertThat(agingCounts(r)).containsExactly(0, 0, 0, 0, 4);
        assertThat(r.get("outstanding")).isEqualTo(List.of(Map.of("amountMinor", 1000_00L, "currency", "NZD")));
        assertThat(invoices(r)).allSatisfy(i -> assertThat(i).containsEntry("lateProbability", 1.0));
    }

    @Test
    void todayIsTheTenantsCalendarDateNotUtcs() {
        // In UTC it is still the 20th; in Auckland it is the 21st.
        List<ReceivablesAsOf.OpenItem> open = List.of(
                new ReceivablesAsOf.OpenItem("due-today", at("2026-10-22", "09:00", AUCKLAND),
                        at("2026-11-21", "09:00", AUCKLAND), 1, 1, "NZD"),
                new ReceivablesAsOf.OpenItem("due-last-night", at("2026-10-21", "23:30", AUCKLAND),
                        at("2026-11-20", "23:30", AUCKLAND), 1, 1, "NZD"),
                new ReceivablesAsOf.OpenItem("due-in-13", at("2026-11-08", "10:00", AUCKLAND),
                        at("2026-12-04", "10:00", AUCKLAND), 1, 1, "NZD"));
        Map<String, Object> r = ReceivablesAsOf.of(open, List.of(), AUCKLAND, NOW);
        assertThat(invoices(r)).extracting(i -> i.get("invoiceId"), i -> i.get("daysPastDue"), i -> i.get("dueDate"))
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("due-last-night", 1, "2026-11-20"),
                        org.assertj.core.groups.Tuple.tuple("due-today", 0, "2026-11-21"),
                        org.assertj.core.groups.Tuple.tuple("due-in-13", -13, "2026-12-04"));
        assertThat(r).containsEntry("overdueCount", 1);
        assertThat(agingCounts(r)).containsExactly(2, 1, 0, 0, 0);
    }

    @Test
    void termsAddCalendarDaysAcrossADstChange() {
        ZoneId newYork = ZoneId.of("America/New_York");
        // Net 30 from 15 Oct 2025 in New York is due 14 Nov (DST ended on 2 Nov); on 24 Nov it is 10 days past due.
        ReceivablesAsOf.OpenItem item = new ReceivablesAsOf.OpenItem("ny", at("2025-10-15", "00:00", newYork),
                at("2025-11-14", "00:00", newYork), 5_00, 5_00, "USD");
        Instant now = Instant.ofEpochMilli(at("2025-11-24", "23:59", newYork));
        Map<String, Object> r = ReceivablesAsOf.of(List.of(item), List.of(), newYork, now);
        assertThat(invoices(r).get(0)).containsEntry("daysPastDue", 10).containsEntry("dueDate", "2025-11-14")
                .containsEntry("issuedDate", "2025-10-15");
        assertThat(r).containsEntry("oldestOpenAgeDays", 40).containsEntry("today", "2025-11-24");
    }

    @Test
    void theRiskAtIssueIsKeptUntilTheInvoiceIsPastDueThenItIsLate() {
        List<ReceivablesAsOf.OpenItem> open = List.of(
                open("past", "2026-09-01", "2026-10-01", 10_00),
                open("future", "2026-11-10", "2026-12-10", 10_00),
                open("unscored", "2026-11-11", "2026-12-11", 10_00));
        List<Map<String, Object>> stored = List.of(
                Map.of("invoiceId", "past", "lateProbability", 0.2, "expectedSettleAt", "2026-10-05T00:00:00Z",
                        "riskBasis", "CLIENT_HISTORY"),
                Map.of("invoiceId", "future", "lateProbability", 0.35, "expectedSettleAt", "2026-12-12T00:00:00Z",
                        "riskBasis", "CLIENT_HISTORY"));
        Map<String, Object> r = ReceivablesAsOf.of(open, stored, AUCKLAND, NOW);
        Map<String, Object> past = invoices(r).get(0);
        Map<String, Object> future = invoices(r).get(1);
        Map<String, Object> unscored = invoices(r).get(2);
        assertThat(past).containsEntry("lateProbability", 1.0).containsEntry("expectedSettleAt", NOW.toString());
        assertThat(future).containsEntry("lateProbability", 0.35).containsEntry("expectedSettleAt", "2026-12-12T00:00:00Z")
                .containsEntry("riskBasis", "CLIENT_HISTORY").containsEntry("daysPastDue", -19);
        assertThat(unscored).containsEntry("lateProbability", null).containsEntry("daysPastDue", -20);
    }

    @Test
    void countsCoverEveryOpenInvoiceWhileTheListKeepsTheProfilesBound() {
        List<ReceivablesAsOf.OpenItem> open = new ArrayList<>();
        LocalDate due = LocalDate.parse("2026-06-01");
        for (int i = 0; i < 150; i++) {
            String d = due.plusDays(i).toString();
            open.add(new ReceivablesAsOf.OpenItem("I-" + i, at("2026-05-01", "10:00", AUCKLAND), at(d, "10:00", AUCKLAND),
                    1_00, i % 2 == 0 ? 1_00 : 50, i % 3 == 0 ? "EUR" : "NZD"));
        }
        Map<String, Object> r = ReceivablesAsOf.of(open, List.of(), AUCKLAND, NOW);
        assertThat(r).containsEntry("openCount", 150);
        assertThat(invoices(r)).hasSize(ReceivablesAsOf.MAX_INVOICES);
        assertThat(agingCounts(r).stream().mapToInt(Integer::intValue).sum()).isEqualTo(150);
        // Due 1 Jun .. 28 Oct; today 21 Nov: 174 .. 24 days past due. 90+: due on or before 22 Aug (days 0..82).
        assertThat(agingCounts(r)).containsExactly(0, 7, 30, 30, 83);
        long eur = 0;
        long nzd = 0;
        for (int i = 0; i < 150; i++) {
            long outstanding = i % 2 == 0 ? 1_00 : 50;
            if (i % 3 == 0) {
                eur += outstanding;
            } else {
                nzd += outstanding;
            }
        }
        assertThat(r.get("outstanding")).isEqualTo(List.of(Map.of("amountMinor", eur, "currency", "EUR"),
                Map.of("amountMinor", nzd, "currency", "NZD")));
    }
}
