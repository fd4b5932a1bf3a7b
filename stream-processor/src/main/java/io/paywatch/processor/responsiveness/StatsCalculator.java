package io.paywatch.processor.responsiveness;

import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.ResponsivenessStats;

import java.time.Instant;
import java.util.Arrays;

/**
 * Turns a bounded summary into the profile's responsiveness figures. The window is the 30-day hopping window
 * (advance one UTC day) that ends with asOf's UTC day: replies and inbound messages whose UTC day lies in
 * [asOfDay - 29, asOfDay] count.
 */
final class StatsCalculator {

    private static final long DAY_MILLIS = 86_400_000L;
    /** Shortest span a per-week rate is spread over, so a client seen for one day does not look frantic. */
    static final int MIN_RATE_SPAN_DAYS = 7;

    private StatsCalculator() {
    }

    /** Inbound messages in the window ending with {@code asOf}'s day, and how many came after hours. */
    record Inbound(int count, int afterHours) {
        double share() {
            return count == 0 ? 0.0 : (double) afterHours / count;
        }
    }

    static Inbound inbound(ClientResponsiveness s, long asOf) {
        long lastDay = Math.floorDiv(asOf, DAY_MILLIS);
        long firstDay = lastDay - ResponsivenessTracker.WINDOW_DAYS + 1;
        int count = 0;
        int afterHours = 0;
        for (ClientResponsiveness.InboundDay d : s.inboundDays) {
            if (d.epochDay >= firstDay && d.epochDay <= lastDay) {
                count += d.count;
                afterHours += d.afterHours;
            }
        }
        return new Inbound(count, afterHours);
    }

    static ResponsivenessStats stats(ClientResponsiveness s, long asOf, FreelancerSettings settings) {
        long lastDay = Math.floorDiv(asOf, DAY_MILLIS);
        long firstDay = lastDay - ResponsivenessTracker.WINDOW_DAYS + 1;
        double[] hours = s.latencies.stream()
                .filter(l -> {
                    long day = Math.floorDiv(l.answeredAt(), DAY_MILLIS);
                    return day >= firstDay && day <= lastDay;
                })
                .mapToDouble(l -> l.businessMinutes() / 60.0)
                .sorted()
                .toArray();
        ResponsivenessStats.Builder b = ResponsivenessStats.newBuilder()
                .setWindowDays(ResponsivenessTracker.WINDOW_DAYS)
                .setRepliesInWindow(hours.length)
                .setUnansweredThreads(s.openThreads)
                .setConsecutiveUnansweredFollowUps(s.consecutiveFollowUps)
                .setLastOutboundAt(instant(s.lastOutboundAt))
                .setLastInboundAt(instant(s.lastInboundAt))
                .setGhosting(s.ghosting)
                .setGhostingTimeline(ResponsivenessTracker.timeline(s, asOf));
        if (hours.length > 0) {
            double target = settings.getReplyTargetBusinessHours();
            long within = Arrays.stream(hours).filter(h -> h <= target).count();
            b.setMedianReplyBusinessHours(round2(quantile(hours, 0.5)))
                    .setP90ReplyBusinessHours(round2(quantile(hours, 0.9)))
                    .setAnsweredWithinTargetShare(round2((double) within / hours.length));
        }
        if (s.firstSeenAt != ClientResponsiveness.NONE) {
            Inbound inbound = inbound(s, asOf);
            b.setInboundPerWeek(round2(inboundPerWeek(s, inbound, asOf)));
            if (inbound.count() > 0) {
                b.setAfterHoursShare(round2(inbound.share()));
            }
        }
        return b.build();
    }

    /**
     * Inbound messages per week in the window ending with {@code asOf}'s day, spread over the days the client has
     * been seen (at least {@link #MIN_RATE_SPAN_DAYS}, at most the window). The profile and the
     * AFTER_HOURS_CONTACT alert share it so both show the same rate.
     */
    static double inboundPerWeek(ClientResponsiveness s, Inbound inbound, long asOf) {
        long lastDay = Math.floorDiv(asOf, DAY_MILLIS);
        long firstSeen = s.firstSeenAt == ClientResponsiveness.NONE ? asOf : s.firstSeenAt;
        long seenDays = lastDay - Math.floorDiv(firstSeen, DAY_MILLIS) + 1;
        long span = Math.max(MIN_RATE_SPAN_DAYS, Math.min(ResponsivenessTracker.WINDOW_DAYS, seenDays));
        return inbound.count() * 7.0 / span;
    }

    /** Linear-interpolation quantile (type 7, as spreadsheets compute it) of a sorted, non-empty array. */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    private static double round2(double v) {
        return Math.round(v * 100.0) / 100.0;
    }

    private static Instant instant(long millis) {
        return millis == ClientResponsiveness.NONE ? null : Instant.ofEpochMilli(millis);
    }
}
