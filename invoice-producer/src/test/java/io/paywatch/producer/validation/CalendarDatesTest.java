package io.paywatch.producer.validation;

import io.paywatch.contract.InvoiceDueDateChanged;
import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.InvoiceIssued;
import io.paywatch.contract.PaymentReceived;
import io.paywatch.contract.SourceSystem;
import io.paywatch.producer.api.EventJson;
import io.paywatch.producer.api.EventJson.EventType;
import io.paywatch.producer.api.MoneyJson;
import io.paywatch.producer.publish.OutboundEvent;
import io.paywatch.schemas.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A date without a time is a calendar date in the tenant's zone, and terms add calendar days there (issue 11 §1).
 * The expected values are written out by hand (the local date, and the UTC instant of its midnight), never taken
 * from the code under test: west of UTC (Los Angeles), east (Tokyo, Auckland), across a DST change inside the
 * terms (New York in autumn and in spring, Auckland in April), and on boundary days (year end, leap day, a day
 * that starts with a DST gap at midnight).
 */
class CalendarDatesTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-15T12:00:00Z"), ZoneOffset.UTC);
    final EventValidator validator = new EventValidator(CLOCK);

    static EventValidator.Context ctx(String zone, int defaultTerms) {
        return new EventValidator.Context("t1", defaultTerms, SourceSystem.API, ZoneId.of(zone));
    }

    InvoiceIssued issued(String zone, String issuedAt, String dueAt, Integer terms, int defaultTerms) {
        EventJson e = EventJson.builder(EventType.InvoiceIssued).eventId("e1").clientId("c1").invoiceId("i1")
                .issuedAt(issuedAt).dueAt(dueAt).paymentTermsDays(terms).amount(new MoneyJson(10000L, "USD")).build();
        EventValidator.Checked c = validator.validate(e, "", ctx(zone, defaultTerms));
        assertThat(c.violations()).isEmpty();
        return (InvoiceIssued) decode(c.event());
    }

    static Object decode(OutboundEvent e) {
        return Topics.INVOICE_EVENTS.valueSerde().deserializer().deserialize(e.topic(), e.value()).getPayload();
    }

    @Test
    void net30FromOctober15InNewYorkIsDueNovember14LocalMidnightAcrossTheEndOfDaylightSaving() {
        InvoiceIssued i = issued("America/New_York", "2025-10-15", null, 30, 14);
        // 15 Oct 00:00 EDT (UTC-4) and 14 Nov 00:00 EST (UTC-5): 721 hours apart, 30 calendar days.
        assertThat(i.getIssuedAt()).isEqualTo(Instant.parse("2025-10-15T04:00:00Z"));
        assertThat(i.getDueAt()).isEqualTo(Instant.parse("2025-11-14T05:00:00Z"));
        assertThat(i.getPaymentTermsDays()).isEqualTo(30);
        // The old Duration.ofDays(30) gave 13 Nov 23:00 local.
        assertThat(i.getDueAt()).isNotEqualTo(Instant.parse("2025-10-15T04:00:00Z").plus(30, ChronoUnit.DAYS));
    }

    @Test
    void derivedTermsCountCalendarDatesAcrossTheStartOfDaylightSaving() {
        // 1 Mar to 31 Mar 2025 in New York is 30 days but only 719 hours (clocks go forward on 9 Mar).
        InvoiceIssued i = issued("America/New_York", "2025-03-01", "2025-03-31", null, 14);
        assertThat(i.getPaymentTermsDays()).isEqualTo(30);
        assertThat(i.getDueAt()).isEqualTo(Instant.parse("2025-03-31T04:00:00Z"));
    }

    @Test
    void aTenantsDefaultTermsAreCalendarDaysToo() {
        InvoiceIssued i = issued("America/New_York", "2025-10-20T14:30:00-04:00", null, null, 30);
        assertThat(LocalDate.ofInstant(i.getDueAt(), ZoneId.of("America/New_York"))).isEqualTo("2025-11-19");
        assertThat(i.getDueAt().atZone(ZoneId.of("America/New_York")).toLocalTime()).isEqualTo(LocalTime.of(14, 30));
    }

    @ParameterizedTest(name = "{0}: {1} is {2}")
    @CsvSource({
            // west of UTC: the evening before in UTC, the right day locally
            "America/Los_Angeles, 2025-05-01, 2025-05-01T07:00:00Z",
            "America/Los_Angeles, 2024-12-31, 2024-12-31T08:00:00Z",
            // east of UTC: the day before in UTC
            "Asia/Tokyo,          2025-05-01, 2025-04-30T15:00:00Z",
            "Asia/Tokyo,          2024-02-29, 2024-02-28T15:00:00Z",
            "Pacific/Auckland,    2025-01-01, 2024-12-31T11:00:00Z",
            "Pacific/Auckland,    2025-04-06, 2025-04-05T11:00:00Z",
            // the day daylight saving starts / ends in New York
            "America/New_York,    2025-03-09, 2025-03-09T05:00:00Z",
            "America/New_York,    2025-11-02, 2025-11-02T04:00:00Z",
            // a day whose midnight did not exist (Sao Paulo, DST start 4 Nov 2018 at 00:00): its first instant, 01:00
            "America/Sao_Paulo,   2018-11-04, 2018-11-04T03:00:00Z",
            "UTC,                 2025-05-01, 2025-05-01T00:00:00Z"})
    void aPlainDateIsTheStartOfThatDayInTheTenantsZone(String zone, String date, String instant) {
        InvoiceIssued i = issued(zone, date, null, 0, 30);
        assertThat(i.getIssuedAt()).isEqualTo(Instant.parse(instant));
        // The stream processor counts local dates in the same zone: the date is read back as itself.
        assertThat(LocalDate.ofInstant(i.getIssuedAt(), ZoneId.of(zone))).isEqualTo(date);
    }

    @ParameterizedTest(name = "{0}: {1} net {2} is due {3}")
    @CsvSource({
            "America/Los_Angeles, 2024-12-31, 1,  2025-01-01",
            "America/Los_Angeles, 2025-02-15, 30, 2025-03-17",   // across the 9 Mar DST start
            "Asia/Tokyo,          2024-02-28, 1,  2024-02-29",
            "Asia/Tokyo,          2023-12-01, 31, 2024-01-01",
            "Pacific/Auckland,    2025-03-20, 30, 2025-04-19",   // across the 6 Apr DST end
            "Pacific/Auckland,    2025-09-10, 30, 2025-10-10",   // across the 28 Sep DST start
            "America/New_York,    2025-10-15, 30, 2025-11-14",
            "America/New_York,    2025-10-31, 0,  2025-10-31"})
    void termsAddCalendarDaysInTheTenantsZone(String zone, String issued, int terms, String due) {
        InvoiceIssued i = issued(zone, issued, null, terms, 30);
        ZoneId z = ZoneId.of(zone);
        assertThat(LocalDate.ofInstant(i.getDueAt(), z)).isEqualTo(due);
        assertThat(i.getDueAt().atZone(z).toLocalTime()).isEqualTo(LocalTime.MIDNIGHT);
        assertThat(i.getPaymentTermsDays()).isEqualTo(terms);
    }

    @Test
    void paymentsAndDueDateChangesWithPlainDatesAreLocalDatesToo() {
        ZoneId la = ZoneId.of("America/Los_Angeles");
        EventJson pay = EventJson.builder(EventType.PaymentReceived).eventId("p1").clientId("c1").invoiceId("i1")
                .paidAt("2025-06-01").amount(new MoneyJson(100L, "USD")).build();
        PaymentReceived p = (PaymentReceived) decode(validator.validate(pay, "", ctx("America/Los_Angeles", 30)).event());
        assertThat(p.getPaidAt()).isEqualTo(Instant.parse("2025-06-01T07:00:00Z"));
        EventJson change = EventJson.builder(EventType.InvoiceDueDateChanged).eventId("d1").clientId("c1")
                .invoiceId("i1").changedAt("2025-06-01").newDueAt("2025-07-01").build();
        InvoiceDueDateChanged d = (InvoiceDueDateChanged) decode(validator.validate(change, "",
                ctx("America/Los_Angeles", 30)).event());
        assertThat(LocalDate.ofInstant(d.getNewDueAt(), la)).isEqualTo("2025-07-01");
        assertThat(d.getNewDueAt()).isEqualTo(Instant.parse("2025-07-01T07:00:00Z"));
        // An instant with an offset is that instant, whatever the zone.
        EventJson exact = EventJson.builder(EventType.PaymentReceived).eventId("p2").clientId("c1").invoiceId("i1")
                .paidAt("2025-06-01T23:30:00+09:00").amount(new MoneyJson(100L, "USD")).build();
        PaymentReceived e = (PaymentReceived) decode(validator.validate(exact, "", ctx("America/Los_Angeles", 30)).event());
        assertThat(e.getPaidAt()).isEqualTo(Instant.parse("2025-06-01T14:30:00Z"));
    }

    @Test
    void anInvoiceWithTermsButNoDueDateAsTheStripeMapperBuildsItIsDueInCalendarDays() {
        // What the Stripe mapper builds for a charge_automatically invoice (no due_date): issuedAt = finalized_at,
        // paymentTermsDays = the tenant's default terms. Finalized 15 Oct 2025 10:00 New York time (14:00Z).
        // (The signed webhook itself is exercised in TenantZonesApiTest.)
        EventJson e = EventJson.builder(EventType.InvoiceIssued).eventId("stripe:in_1:issued").clientId("cus_1")
                .invoiceId("in_1").issuedAt("2025-10-15T14:00:00Z").paymentTermsDays(30)
                .amount(new MoneyJson(50000L, "USD")).source("STRIPE").build();
        EventValidator.Checked c = validator.validate(e, "",
                new EventValidator.Context("t1", 30, SourceSystem.STRIPE, ZoneId.of("America/New_York")));
        InvoiceIssued i = (InvoiceIssued) decode(c.event());
        assertThat(i.getIssuedAt()).isEqualTo(Instant.parse("2025-10-15T14:00:00Z"));
        // 14 Nov 10:00 EST = 15:00Z: 30 calendar days, the same local time (721 hours later).
        assertThat(i.getDueAt()).isEqualTo(Instant.parse("2025-11-14T15:00:00Z"));
        assertThat(i.getPaymentTermsDays()).isEqualTo(30);
    }

    @Test
    void envelopeIsAnInvoiceEvent() {
        // Guards decode(): the CSV and API paths publish the InvoiceEvent envelope.
        OutboundEvent e = validator.validate(EventJson.builder(EventType.PaymentReceived).eventId("p").clientId("c")
                .invoiceId("i").paidAt("2025-06-01").amount(new MoneyJson(1L, "USD")).build(), "",
                ctx("UTC", 30)).event();
        assertThat(Topics.INVOICE_EVENTS.valueSerde().deserializer().deserialize(e.topic(), e.value()))
                .isInstanceOf(InvoiceEvent.class);
    }
}
