package io.paywatch.processor.responsiveness;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The bounded per-client responsiveness summary. Every collection has a hard cap, so a client that lives for
 * years costs the same bytes as one that lives for a month:
 * <ul>
 *   <li>{@link #latencies}: the last {@value #MAX_LATENCIES} measured replies (a ring);</li>
 *   <li>{@link #inboundDays}: per-UTC-day inbound counts for the last {@value #MAX_DAYS} days;</li>
 *   <li>{@link #episodes}: the last {@value #MAX_EPISODES} ghosting episodes.</li>
 * </ul>
 */
final class ClientResponsiveness {

    static final int MAX_LATENCIES = 128;
    static final int MAX_DAYS = 31;
    static final int MAX_EPISODES = 10;
    static final long NONE = Long.MIN_VALUE;

    long firstSeenAt = NONE;
    long lastInboundAt = NONE;
    long lastOutboundAt = NONE;
    int openThreads;
    /** Reply-expecting messages sent since the client's last inbound message, minus the first one. */
    int consecutiveFollowUps;
    /** When the first reply-expecting message since the client's last inbound message was sent. */
    long unansweredSince = NONE;
    /**
     * When the last message that counted toward {@link #consecutiveFollowUps} (or started the run) was sent, over all
     * the client's threads: a message counts only at least 1 business day after it, so three emails on three topics
     * sent to a client in one morning are not two follow-ups.
     */
    long lastCountedAt = NONE;
    /**
     * The thread of the client's newest message while the freelancer has not yet answered in it (null otherwise): a
     * reply-expecting message in that thread is the freelancer answering the client, and opens no clock.
     */
    String lastInboundThread;
    /**
     * When the follow-up that reached the tenant's limit was sent, while its GHOSTING waits for the message lateness
     * (a reply dated before it may still arrive); NONE otherwise.
     */
    long pendingFollowUpsAt = NONE;
    String unansweredThread;
    boolean ghosting;
    /** Identifies the current ghosting episode in alert ids (for example {@code thread|t-1|1741168800000}). */
    String episodeKey;
    boolean afterHoursAlerted;
    final ArrayDeque<Latency> latencies = new ArrayDeque<>();
    final List<InboundDay> inboundDays = new ArrayList<>();
    final List<Episode> episodes = new ArrayList<>();

    /** One measured reply: when it came, and how many business minutes it took. */
    record Latency(long answeredAt, long businessMinutes) {
    }

    /** Inbound messages on one UTC day, and how many of them came outside working hours. */
    static final class InboundDay {
        final long epochDay;
        int count;
        int afterHours;

        InboundDay(long epochDay, int count, int afterHours) {
            this.epochDay = epochDay;
            this.count = count;
            this.afterHours = afterHours;
        }
    }

    /** One ghosting episode; {@code endedAt} is {@link #NONE} while ongoing. */
    static final class Episode {
        final long startedAt;
        final long detectedAt;
        long endedAt;
        final String reason;

        Episode(long startedAt, long detectedAt, long endedAt, String reason) {
            this.startedAt = startedAt;
            this.detectedAt = detectedAt;
            this.endedAt = endedAt;
            this.reason = reason;
        }
    }

    void seen(long at) {
        if (firstSeenAt == NONE || at < firstSeenAt) {
            firstSeenAt = at;
        }
    }

    void addLatency(long answeredAt, long businessMinutes) {
        latencies.addLast(new Latency(answeredAt, businessMinutes));
        while (latencies.size() > MAX_LATENCIES) {
            latencies.removeFirst();
        }
    }

    void addInbound(long epochDay, boolean afterHours) {
        InboundDay day = null;
        int at = 0;
        for (; at < inboundDays.size(); at++) {
            InboundDay d = inboundDays.get(at);
            if (d.epochDay == epochDay) {
                day = d;
                break;
            }
            if (d.epochDay > epochDay) {
                break;
            }
        }
        if (day == null) {
            day = new InboundDay(epochDay, 0, 0);
            inboundDays.add(at, day);
        }
        day.count++;
        if (afterHours) {
            day.afterHours++;
        }
        long newest = inboundDays.get(inboundDays.size() - 1).epochDay;
        inboundDays.removeIf(d -> d.epochDay <= newest - MAX_DAYS);
        while (inboundDays.size() > MAX_DAYS) {
            inboundDays.remove(0);
        }
    }

    void addEpisode(Episode episode) {
        episodes.add(episode);
        while (episodes.size() > MAX_EPISODES) {
            episodes.remove(0);
        }
    }

    Episode currentEpisode() {
        return episodes.isEmpty() ? null : episodes.get(episodes.size() - 1);
    }
}
