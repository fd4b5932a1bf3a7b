package io.paywatch.processor.payments;

import java.time.ZoneId;

/**
 * Escalation steps of INVOICE_OVERDUE. Step 1 fires when the invoice is more than the grace period past due
 * (days past due = grace + 1); steps 2, 3 and 4 at 30, 60 and 90 days past due. A step whose day is not after
 * the previous step's (a grace of 29 days or more) is skipped. Each step fires at local midnight of its day in the
 * tenant's zone, so the alert's occurredAt (and id) do not depend on when the scan ran.
 */
public final class OverdueSchedule {

    /** Number of escalation steps. */
    public static final int STEPS = 4;
    private static final int[] ESCALATION_DAYS = {30, 60, 90};

    private OverdueSchedule() {
    }

    /** Days past due at which {@code step} (1-based) fires. */
    public static int daysPastDue(int step, int graceDays) {
        return step == 1 ? Math.max(1, graceDays + 1) : ESCALATION_DAYS[step - 2];
    }

    /** The next step after {@code firedSteps} that lies after the previous one, or -1 when none is left. */
    public static int nextStep(int firedSteps, int graceDays) {
        int previousDay = firedSteps == 0 ? 0 : daysPastDue(firedSteps, graceDays);
        for (int step = firedSteps + 1; step <= STEPS; step++) {
            if (daysPastDue(step, graceDays) > previousDay) {
                return step;
            }
        }
        return -1;
    }

    /** Epoch millis at which {@code step} fires for an invoice due at {@code dueAt}. */
    public static long firesAt(long dueAt, int step, int graceDays, ZoneId zone) {
        return CalendarDays.startOfDayAfter(dueAt, daysPastDue(step, graceDays), zone);
    }
}
