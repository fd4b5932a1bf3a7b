package io.paywatch.processor.responsiveness;

import io.paywatch.contract.FreelancerSettings;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Business-time arithmetic in one tenant's time zone: working days, working hours, business days and
 * business hours between two instants. All local-time reasoning goes through {@link ZonedDateTime}, so a
 * daylight-saving change moves the instants, never the local clock times the freelancer lives by.
 */
public final class BusinessCalendar {

    /** Default working hours (09:00-18:00) used when the saved ones are unusable. */
    static final int DEFAULT_START_MINUTE = 9 * 60;
    static final int DEFAULT_END_MINUTE = 18 * 60;

    /** Longest span business hours are counted over (days); beyond it the count is capped, not looped. */
    static final int MAX_SPAN_DAYS = 3660;

    private final ZoneId zone;
    private final int startMinute;
    private final int endMinute;
    private final Set<DayOfWeek> workingDays;

    BusinessCalendar(ZoneId zone, int startMinute, int endMinute, Set<DayOfWeek> workingDays) {
        this.zone = zone;
        // Unusable hours (end before start, out of the day) fall back to 09-18 rather than failing the client.
        boolean usable = startMinute >= 0 && endMinute <= 24 * 60 && startMinute < endMinute;
        this.startMinute = usable ? startMinute : DEFAULT_START_MINUTE;
        this.endMinute = usable ? endMinute : DEFAULT_END_MINUTE;
        // No working day at all would make "N business days later" never come; fall back to Monday-Friday.
        this.workingDays = workingDays.isEmpty()
                ? EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY) : EnumSet.copyOf(workingDays);
    }

    /** The calendar of a tenant's settings; an unknown time zone falls back to UTC. */
    public static BusinessCalendar of(FreelancerSettings settings) {
        ZoneId zone;
        try {
            zone = ZoneId.of(settings.getTimezone());
        } catch (DateTimeException | NullPointerException e) {
            zone = ZoneOffset.UTC;
        }
        return new BusinessCalendar(zone, settings.getWorkdayStartMinute(), settings.getWorkdayEndMinute(),
                days(settings.getWorkingDays()));
    }

    private static Set<DayOfWeek> days(List<Integer> isoDays) {
        Set<DayOfWeek> set = EnumSet.noneOf(DayOfWeek.class);
        if (isoDays != null) {
            for (Integer d : isoDays) {
                if (d != null && d >= 1 && d <= 7) {
                    set.add(DayOfWeek.of(d));
                }
            }
        }
        return set;
    }

    /** The tenant's time zone. */
    public ZoneId zone() {
        return zone;
    }

    /** Whether the local date is a working day. */
    public boolean isWorkingDay(LocalDate date) {
        return workingDays.contains(date.getDayOfWeek());
    }

    /** Whether the instant falls outside working hours or on a non-working day, in local time. */
    public boolean isAfterHours(long epochMillis) {
        ZonedDateTime local = Instant.ofEpochMilli(epochMillis).atZone(zone);
        if (!isWorkingDay(local.toLocalDate())) {
            return true;
        }
        int minute = local.getHour() * 60 + local.getMinute();
        return minute < startMinute || minute >= endMinute;
    }

    /**
     * The instant {@code businessDays} whole working days after {@code fromMillis}: the same local clock time,
     * that many working days later. A start on a non-working day first rolls to 00:00 of the next working day,
     * so a message sent on Saturday has its first business day on Monday. DST-safe: the local time is kept
     * and resolved in the zone (a time inside a spring-forward gap moves forward by the gap).
     */
    public long addBusinessDays(long fromMillis, int businessDays) {
        LocalDateTime local = LocalDateTime.ofInstant(Instant.ofEpochMilli(fromMillis), zone);
        if (!isWorkingDay(local.toLocalDate())) {
            LocalDate d = local.toLocalDate().plusDays(1);
            while (!isWorkingDay(d)) {
                d = d.plusDays(1);
            }
            local = d.atStartOfDay();
        }
        LocalDate date = local.toLocalDate();
        for (int added = 0; added < Math.max(0, businessDays); ) {
            date = date.plusDays(1);
            if (isWorkingDay(date)) {
                added++;
            }
        }
        return ZonedDateTime.of(date, local.toLocalTime(), zone).toInstant().toEpochMilli();
    }

    /**
     * Whole working days elapsed between two instants: how many times {@link #addBusinessDays} can step from
     * {@code fromMillis} and still be at or before {@code toMillis}.
     */
    public int businessDaysBetween(long fromMillis, long toMillis) {
        int days = 0;
        while (days < MAX_SPAN_DAYS && addBusinessDays(fromMillis, days + 1) <= toMillis) {
            days++;
        }
        return days;
    }

    /**
     * Business minutes between two instants: the minutes of [from, to) that fall inside working hours on
     * working days, local time. Each local day's working window is resolved to instants separately, so a
     * DST change inside the window counts the real elapsed minutes.
     */
    public long businessMinutesBetween(long fromMillis, long toMillis) {
        if (toMillis <= fromMillis) {
            return 0;
        }
        LocalDate day = Instant.ofEpochMilli(fromMillis).atZone(zone).toLocalDate();
        LocalDate last = Instant.ofEpochMilli(toMillis).atZone(zone).toLocalDate();
        long millis = 0;
        for (int i = 0; !day.isAfter(last) && i <= MAX_SPAN_DAYS; i++, day = day.plusDays(1)) {
            if (!isWorkingDay(day)) {
                continue;
            }
            long open = at(day, startMinute);
            long close = at(day, endMinute);
            long a = Math.max(open, fromMillis);
            long b = Math.min(close, toMillis);
            if (b > a) {
                millis += b - a;
            }
        }
        return millis / 60_000L;
    }

    /** Business hours between two instants, see {@link #businessMinutesBetween}. */
    public double businessHoursBetween(long fromMillis, long toMillis) {
        return businessMinutesBetween(fromMillis, toMillis) / 60.0;
    }

    private long at(LocalDate day, int minuteOfDay) {
        LocalDateTime t = minuteOfDay >= 24 * 60 ? day.plusDays(1).atStartOfDay()
                : day.atTime(LocalTime.of(minuteOfDay / 60, minuteOfDay % 60));
        return ZonedDateTime.of(t, zone).toInstant().toEpochMilli();
    }
}
