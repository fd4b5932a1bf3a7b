package io.paywatch.processor.payments;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * Whole calendar days in the tenant's time zone.
 *
 * <p>Rounding: both instants are turned into local dates in the tenant's zone and the dates are subtracted; the
 * time of day is ignored. An invoice issued on Monday at 23:50 and paid on Tuesday at 00:10 took 1 day to pay;
 * one issued and paid on the same local date took 0 days. This is what an accountant counts on a calendar, and
 * it makes DST days count as one day like any other.
 */
public final class CalendarDays {

    private CalendarDays() {
    }

    /** The zone of an IANA id, or UTC when the id is unknown (settings are validated upstream; never fail here). */
    public static ZoneId zone(String id) {
        try {
            return id == null || id.isBlank() ? ZoneOffset.UTC : ZoneId.of(id);
        } catch (DateTimeException e) {
            return ZoneOffset.UTC;
        }
    }

    /** Local date of an epoch-millis instant in the zone. */
    public static LocalDate date(long epochMillis, ZoneId zone) {
        return LocalDate.ofInstant(Instant.ofEpochMilli(epochMillis), zone);
    }

    /** Calendar days from {@code from} to {@code to} (negative when {@code to} is on an earlier date). */
    public static int between(long fromMillis, long toMillis, ZoneId zone) {
        return (int) ChronoUnit.DAYS.between(date(fromMillis, zone), date(toMillis, zone));
    }

    /** Start (local midnight) of the date {@code days} after the local date of {@code epochMillis}. */
    public static long startOfDayAfter(long epochMillis, int days, ZoneId zone) {
        return date(epochMillis, zone).plusDays(days).atStartOfDay(zone).toInstant().toEpochMilli();
    }
}
