package io.paywatch.alerts.policy;

import io.paywatch.contract.FreelancerSettings;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/** Quiet hours in the tenant's own time zone, which may wrap midnight (20:00 to 08:00). */
public final class QuietHours {

    private static final int MINUTES_PER_DAY = 24 * 60;

    private QuietHours() {
    }

    /** The tenant's zone; an invalid zone id falls back to UTC rather than blocking delivery. */
    public static ZoneId zone(FreelancerSettings settings) {
        try {
            return ZoneId.of(settings.getTimezone());
        } catch (DateTimeException e) {
            return ZoneId.of("UTC");
        }
    }

    /** True when {@code now} falls in the tenant's quiet hours. Equal start and end mean no quiet hours. */
    public static boolean isQuiet(Instant now, FreelancerSettings settings) {
        int start = clamp(settings.getQuietHoursStartMinute());
        int end = clamp(settings.getQuietHoursEndMinute());
        if (start == end) {
            return false;
        }
        LocalTime local = now.atZone(zone(settings)).toLocalTime();
        int minute = local.getHour() * 60 + local.getMinute();
        return start < end ? minute >= start && minute < end : minute >= start || minute < end;
    }

    /** The first instant after {@code now} at which the local clock shows the end of quiet hours. */
    public static Instant nextEnd(Instant now, FreelancerSettings settings) {
        ZoneId zone = zone(settings);
        LocalTime end = minuteOfDay(settings.getQuietHoursEndMinute());
        LocalDate day = now.atZone(zone).toLocalDate();
        // atZone resolves a DST gap forward, so the hold never ends before the wall clock reaches the end minute.
        Instant candidate = ZonedDateTime.of(day, end, zone).toInstant();
        return candidate.isAfter(now) ? candidate : ZonedDateTime.of(day.plusDays(1), end, zone).toInstant();
    }

    /** The latest instant at or before {@code now} at which quiet hours ended: the daily digest boundary. */
    public static Instant lastEnd(Instant now, FreelancerSettings settings) {
        ZoneId zone = zone(settings);
        LocalTime end = minuteOfDay(settings.getQuietHoursEndMinute());
        LocalDate day = now.atZone(zone).toLocalDate();
        Instant candidate = ZonedDateTime.of(day, end, zone).toInstant();
        return candidate.isAfter(now) ? ZonedDateTime.of(day.minusDays(1), end, zone).toInstant() : candidate;
    }

    private static LocalTime minuteOfDay(int minute) {
        int m = clamp(minute);
        return LocalTime.of(m / 60, m % 60);
    }

    private static int clamp(int minute) {
        return Math.floorMod(minute, MINUTES_PER_DAY);
    }
}
