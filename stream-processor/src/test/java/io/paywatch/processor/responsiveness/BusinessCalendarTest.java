package io.paywatch.processor.responsiveness;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BusinessCalendarTest {

    private static long at(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    private static BusinessCalendar calendar(String zone) {
        return BusinessCalendar.of(TestSettings.defaults("t").setTimezone(zone).build());
    }

    @Test
    void fiveBusinessDaysFromFridaySkipTheWeekend() {
        // 2025-03-07 is a Friday: Mon, Tue, Wed, Thu, Fri -> the next Friday, same clock time.
        long deadline = calendar("UTC").addBusinessDays(at("2025-03-07T10:00:00Z"), 5);
        assertThat(Instant.ofEpochMilli(deadline)).isEqualTo(Instant.parse("2025-03-14T10:00:00Z"));
    }

    @Test
    void aMessageSentOnSaturdayStartsCountingOnMonday() {
        long deadline = calendar("UTC").addBusinessDays(at("2025-03-08T15:00:00Z"), 5);
        assertThat(Instant.ofEpochMilli(deadline)).isEqualTo(Instant.parse("2025-03-17T00:00:00Z"));
    }

    @Test
    void businessDaysAreCountedInTheTenantsTimeZone() {
        // Friday 23:30 UTC is already Saturday 08:30 in Tokyo: the count starts Monday 00:00 JST.
        long deadline = calendar("Asia/Tokyo").addBusinessDays(at("2025-03-07T23:30:00Z"), 5);
        assertThat(Instant.ofEpochMilli(deadline)).isEqualTo(Instant.parse("2025-03-16T15:00:00Z"));
        // In UTC the same instant is a Friday, so the deadline is a week later at 23:30.
        assertThat(Instant.ofEpochMilli(calendar("UTC").addBusinessDays(at("2025-03-07T23:30:00Z"), 5)))
                .isEqualTo(Instant.parse("2025-03-14T23:30:00Z"));
    }

    @Test
    void aDaylightSavingChangeKeepsTheLocalClockTime() {
        // Rome springs forward on Sunday 2025-03-30: 10:00 CET (09:00Z) -> 10:00 CEST (08:00Z) a week later.
        long sent = at("2025-03-28T09:00:00Z");
        long deadline = calendar("Europe/Rome").addBusinessDays(sent, 5);
        assertThat(Instant.ofEpochMilli(deadline)).isEqualTo(Instant.parse("2025-04-04T08:00:00Z"));
        assertThat(Duration.ofMillis(deadline - sent)).isEqualTo(Duration.ofDays(7).minusHours(1));
    }

    @Test
    void businessDaysBetweenCountsWholeWorkingDays() {
        BusinessCalendar cal = calendar("UTC");
        long wednesday = at("2025-03-05T10:00:00Z");
        assertThat(cal.businessDaysBetween(wednesday, at("2025-03-11T10:00:00Z"))).isEqualTo(4); // next Tuesday
        assertThat(cal.businessDaysBetween(wednesday, at("2025-03-12T09:59:00Z"))).isEqualTo(4);
        assertThat(cal.businessDaysBetween(wednesday, at("2025-03-12T10:00:00Z"))).isEqualTo(5);
    }

    @Test
    void businessHoursOverAWeekendCountOnlyWorkingHours() {
        // Friday 17:00 -> Monday 10:00 with 09-18 hours: one hour on Friday, one on Monday.
        assertThat(calendar("UTC").businessHoursBetween(at("2025-03-07T17:00:00Z"), at("2025-03-10T10:00:00Z")))
                .isEqualTo(2.0);
        // Same instants in New York (UTC-5): Friday 12:00 -> Monday 05:00 local = 6 hours on Friday.
        assertThat(calendar("America/New_York")
                .businessHoursBetween(at("2025-03-07T17:00:00Z"), at("2025-03-10T10:00:00Z"))).isEqualTo(6.0);
    }

    @Test
    void businessHoursAcrossADaylightSavingChangeCountRealElapsedTime() {
        // Every day and every minute is working time: a local day with the spring-forward gap lasts 23 hours.
        BusinessCalendar always = BusinessCalendar.of(TestSettings.defaults("t").setTimezone("Europe/Rome")
                .setWorkdayStartMinute(0).setWorkdayEndMinute(1440).setWorkingDays(List.of(1, 2, 3, 4, 5, 6, 7))
                .build());
        long satNoon = at("2025-03-29T11:00:00Z"); // 12:00 CET
        long sunNoon = at("2025-03-30T10:00:00Z"); // 12:00 CEST
        assertThat(always.businessHoursBetween(satNoon, sunNoon)).isEqualTo(23.0);
    }

    @Test
    void afterHoursIsJudgedInLocalTime() {
        BusinessCalendar rome = calendar("Europe/Rome");
        assertThat(rome.isAfterHours(at("2025-03-04T21:00:00Z"))).isTrue();  // Tuesday 22:00 local
        assertThat(rome.isAfterHours(at("2025-03-04T09:00:00Z"))).isFalse(); // Tuesday 10:00 local
        assertThat(rome.isAfterHours(at("2025-03-04T17:00:00Z"))).isTrue();  // Tuesday 18:00 local: closed
        assertThat(rome.isAfterHours(at("2025-03-08T09:00:00Z"))).isTrue();  // Saturday
    }

    @Test
    void unusableSettingsFallBackInsteadOfLoopingOrFailing() {
        BusinessCalendar odd = BusinessCalendar.of(TestSettings.defaults("t").setTimezone("Mars/Olympus")
                .setWorkingDays(List.of()).setWorkdayStartMinute(1000).setWorkdayEndMinute(900).build());
        assertThat(odd.zone().getId()).isEqualTo("Z");
        assertThat(Instant.ofEpochMilli(odd.addBusinessDays(at("2025-03-07T10:00:00Z"), 1)))
                .isEqualTo(Instant.parse("2025-03-10T10:00:00Z"));
        assertThat(odd.businessHoursBetween(at("2025-03-10T00:00:00Z"), at("2025-03-11T00:00:00Z"))).isEqualTo(9.0);
    }
}
