package io.paywatch.producer.validation;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Parses the ISO-8601 forms the inputs accept: an instant with {@code Z} or an offset, or a plain date.
 *
 * <p>A plain date ({@code 2025-05-01}) is a calendar date where the freelancer lives: it is read as the start
 * (local midnight) of that date in the tenant's time zone. The stream processor counts days by local date in the
 * same zone ({@code payments/CalendarDays}), so a date read this way is always counted as itself: midnight UTC,
 * the old reading, was the evening before west of UTC and shifted every day count by one there.
 */
public final class Timestamps {

    private Timestamps() {
    }

    /** The instant, or null when the text is not one of the accepted forms; a plain date is midnight UTC. */
    public static Instant parse(String text) {
        return parse(text, ZoneOffset.UTC);
    }

    /**
     * The instant, or null when the text is not one of the accepted forms.
     *
     * @param zone the tenant's zone: a plain date is the start of that date there (on a day that starts with a
     *             daylight-saving gap, the first valid instant of the day)
     */
    public static Instant parse(String text, ZoneId zone) {
        if (text.length() == 10) {
            // The plain date form (yyyy-MM-dd) first: a failed instant parse costs an exception per date.
            try {
                return startOfDay(LocalDate.parse(text, DateTimeFormatter.ISO_LOCAL_DATE), zone);
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException notDateTime) {
            try {
                return startOfDay(LocalDate.parse(text, DateTimeFormatter.ISO_LOCAL_DATE), zone);
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    /** Start of the calendar date in the zone: the instant every plain date of every input maps to. */
    public static Instant startOfDay(LocalDate date, ZoneId zone) {
        return date.atStartOfDay(zone).toInstant();
    }

    /**
     * {@code days} calendar days after {@code from} in the zone, at the same local time of day: net 30 from
     * 15 Oct 2025 00:00 in America/New_York is 14 Nov 2025 00:00 there, although the clocks went back in between
     * (721 hours, not 720). Adding {@code Duration.ofDays} would land on 13 Nov 23:00 local.
     */
    public static Instant plusCalendarDays(Instant from, int days, ZoneId zone) {
        return from.atZone(zone).plusDays(days).toInstant();
    }

    /** Whole calendar days between the local dates of two instants in the zone (the processor's rule). */
    public static int calendarDaysBetween(Instant from, Instant to, ZoneId zone) {
        return (int) java.time.temporal.ChronoUnit.DAYS.between(LocalDate.ofInstant(from, zone),
                LocalDate.ofInstant(to, zone));
    }
}
