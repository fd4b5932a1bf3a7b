package io.paywatch.processor.responsiveness;

import io.paywatch.contract.AlertType;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.GhostingEpisode;
import io.paywatch.contract.MessageEvent;
import io.paywatch.contract.MessageReceived;
import io.paywatch.contract.MessageSent;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.contract.ResponsivenessStats;
import io.paywatch.contract.Severity;
import io.paywatch.processor.state.WriteStage;
import io.paywatch.schemas.AlertFacts;
import io.paywatch.schemas.ClientKey;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.LongPredicate;

/**
 * Per-client reply tracking inside the client processor: threads awaiting a reply, reply latencies,
 * follow-ups and ghosting deadlines. It owns its own state stores; the topology adds them and the client
 * processor calls it for every message event and on every punctuation.
 *
 * <p>CONTRACT between the payments side (issue #4) and the responsiveness side (issue #5): the method
 * signatures below are fixed; the bodies belong to the responsiveness work. Definitions and numbers are in
 * stream-processor/RESPONSIVENESS.md.
 *
 * <p>Determinism: a deadline fires at most once, with {@code occurredAt} = the deadline itself, whether a
 * wall-clock tick, a stream-time tick or the client's next message notices it first ({@link #onMessage}
 * first fires this client's deadlines that passed before the message's event time). So a live run and a
 * replay raise the same alerts with the same alertIds. During a catch-up the client processor {@link #hold}s message
 * events instead, and {@link #releaseHeld} applies them in event-time order when it ends: any arrival order of a
 * backfill gives the same alerts. The ghosting rules (follow-ups a business day apart on their thread, any message of
 * the client a sign of life for every thread sent before it, RESPONSIVE_AGAIN never dated before its GHOSTING) are in
 * RESPONSIVENESS.md.
 */
public final class ResponsivenessTracker {

    /** Length of the statistics window (a 30-day window hopping by one UTC day, ending with asOf's day). */
    static final int WINDOW_DAYS = 30;
    /** Ghosting episodes older than this (and ended) drop out of the profile's timeline. */
    static final long TIMELINE_MILLIS = 180L * 86_400_000L;
    /** Fewest inbound messages in the window before the after-hours share can raise an alert. */
    static final int MIN_AFTER_HOURS_SAMPLE = 5;
    /** Most deadlines handled per punctuation; the rest wait for the next tick so one tick never stalls. */
    static final int MAX_DEADLINES_PER_TICK = 500;
    /** Held messages read per chunk when a catch-up's are released (all are applied; this bounds the memory). */
    static final int RELEASE_CHUNK = 1_000;
    /**
     * Ghosted threads kept per client (issue 12, bounded state). A ghosted thread waits for the client's reply (to
     * measure it and end the episode); over this many, the client's oldest ghosted thread (by its last message) is
     * dropped. A client that ignored 100 threads is ghosting whatever the 101st does.
     */
    static final int MAX_GHOSTED_THREADS = 100;

    // Extra facts beyond AlertFacts (the alert-service lists them under their own name); the shared keys and the
    // ones each alert type must carry come from AlertFacts.
    /** GHOSTING: why the episode started, {@link #REASON_THRESHOLD} or {@link #REASON_FOLLOW_UPS}. */
    static final String FACT_REASON = "reason";
    /** GHOSTING, RESPONSIVE_AGAIN: when the first unanswered message of the silence was sent (ISO instant). */
    static final String FACT_UNANSWERED_SINCE = "unansweredSince";
    /** GHOSTING: the tenant's threshold in business days. */
    static final String FACT_THRESHOLD_DAYS = "ghostingThresholdBusinessDays";
    /** GHOSTING: the tenant's follow-up limit. */
    static final String FACT_FOLLOW_UP_LIMIT = "followUpsBeforeGhosting";
    /** GHOSTING: the client's last inbound message (ISO instant, or "never"). */
    static final String FACT_LAST_INBOUND_AT = "lastInboundAt";
    /** RESPONSIVE_AGAIN: when the GHOSTING alert fired (ISO instant). */
    static final String FACT_GHOSTING_DETECTED_AT = "ghostingDetectedAt";
    /** RESPONSIVE_AGAIN: when the client wrote again (ISO instant). */
    static final String FACT_REPLIED_AT = "repliedAt";
    /** AFTER_HOURS_CONTACT: the tenant's share threshold (0..1, two decimals). */
    static final String FACT_SHARE_THRESHOLD = "afterHoursShareThreshold";
    /** AFTER_HOURS_CONTACT: inbound messages outside working hours in the window. */
    static final String FACT_AFTER_HOURS_IN_WINDOW = "afterHoursInWindow";
    /** AFTER_HOURS_CONTACT: inbound messages in the window. */
    static final String FACT_INBOUND_IN_WINDOW = "inboundInWindow";
    /** AFTER_HOURS_CONTACT: the window length in days. */
    static final String FACT_WINDOW_DAYS = "windowDays";
    /** AFTER_HOURS_CONTACT: the tenant's working hours, "HH:MM-HH:MM". */
    static final String FACT_WORKING_HOURS = "workingHours";

    static final String REASON_THRESHOLD = "NO_REPLY_WITHIN_THRESHOLD";
    static final String REASON_FOLLOW_UPS = "UNANSWERED_FOLLOW_UPS";
    private static final long DAY_MILLIS = 86_400_000L;
    private static final char SEP = ClientKey.SEPARATOR;
    /** The thread id of a pending follow-up GHOSTING's entry in the reply deadlines (see {@link #followUpsKey}). */
    static final String FOLLOW_UPS_REF = "\u0001follow-ups";

    private KeyValueStore<String, OpenThread> threads;
    private KeyValueStore<String, ThreadRef> deadlines;
    private KeyValueStore<String, ClientResponsiveness> summaries;
    private KeyValueStore<String, HeldMessage> held;
    /** Whether {@link #held} may hold something: null until looked at, then kept up to date by hold and release. */
    private Boolean mayHoldMessages;
    /**
     * clientKey to the client's display name as the payments side last saw it (null when none was ever seen). Message
     * events carry no name, so a GHOSTING email would otherwise name the client by its id.
     */
    private Function<String, String> clientNames = clientKey -> null;
    /** A ghosted thread is dropped this long after its last message (the state horizon; default 400 days). */
    private long ghostedHorizon = java.time.Duration.ofDays(400).toMillis();
    /** Ghosted threads dropped by a bound since the last {@link #takeExpiredThreads()}. */
    private int expiredThreads;

    /** Store builders this tracker needs; the topology adds them and connects them to the client processor. */
    public static List<StoreBuilder<?>> storeBuilders() {
        return List.of(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ResponsivenessStores.OPEN_THREADS),
                        Serdes.String(), StateSerdes.OPEN_THREAD).withCachingEnabled(),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ResponsivenessStores.REPLY_DEADLINES),
                        Serdes.String(), StateSerdes.THREAD_REF).withCachingEnabled(),
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(ResponsivenessStores.RESPONSIVENESS_STATE),
                        Serdes.String(), StateSerdes.SUMMARY).withCachingEnabled(),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ResponsivenessStores.HELD_MESSAGES),
                        Serdes.String(), StateSerdes.HELD_MESSAGE).withCachingEnabled());
    }

    /** Names of the stores in {@link #storeBuilders()}, for connecting them to the processor. */
    public static List<String> storeNames() {
        return List.of(ResponsivenessStores.OPEN_THREADS, ResponsivenessStores.REPLY_DEADLINES,
                ResponsivenessStores.RESPONSIVENESS_STATE, ResponsivenessStores.HELD_MESSAGES);
    }

    /** Looks up this tracker's stores; called from the client processor's init. Alerts then name clients by id. */
    public void init(ProcessorContext<?, ?> context) {
        init(context, clientKey -> null);
    }

    /**
     * Looks up this tracker's stores and takes the source of client names: {@code clientNames} maps a clientKey to
     * the display name carried by the latest invoice event that had one, or null; alerts fall back to the client id
     * only then.
     */
    public void init(ProcessorContext<?, ?> context, Function<String, String> clientNames) {
        this.clientNames = clientNames;
        threads = context.getStateStore(ResponsivenessStores.OPEN_THREADS);
        deadlines = context.getStateStore(ResponsivenessStores.REPLY_DEADLINES);
        summaries = context.getStateStore(ResponsivenessStores.RESPONSIVENESS_STATE);
        held = context.getStateStore(ResponsivenessStores.HELD_MESSAGES);
        mayHoldMessages = null;
    }

    /**
     * Looks up this tracker's stores with their writes staged in the client processor's unit of work, so a message
     * event that fails half-way leaves no thread, deadline or summary change behind (issue 12). {@code clientNames}
     * is as in {@link #init(ProcessorContext, Function)}.
     */
    public void init(ProcessorContext<?, ?> context, WriteStage stage, java.time.Duration ghostedHorizon,
            Function<String, String> clientNames) {
        init(context, clientNames);
        this.ghostedHorizon = ghostedHorizon.toMillis();
        threads = stage.stage(threads, StateSerdes.OPEN_THREAD);
        deadlines = stage.stage(deadlines, StateSerdes.THREAD_REF);
        summaries = stage.stage(summaries, StateSerdes.SUMMARY);
        held = stage.stage(held, StateSerdes.HELD_MESSAGE);
    }

    /**
     * Holds one (already deduplicated) message event of a catch-up (a backfill or replay, records far behind the wall
     * clock) instead of applying it: in a catch-up the records of a client can come in any order, and applying them
     * as they come would judge a deadline before a reply dated earlier had arrived. {@link #releaseHeld} applies
     * them, in event-time order, once the catch-up is over.
     */
    public void hold(String clientKey, MessageEvent event) {
        long at = eventTime(event);
        held.put(pad(at) + SEP + clientKey + SEP + eventId(event), new HeldMessage(clientKey, event));
        mayHoldMessages = true;
    }

    /** Whether messages are held (a catch-up's, not applied yet). */
    public boolean holdsMessages() {
        if (mayHoldMessages == null) {
            try (KeyValueIterator<String, HeldMessage> it = held.all()) {
                mayHoldMessages = it.hasNext();
            }
        }
        return mayHoldMessages;
    }

    /**
     * Applies every held message in event-time order (ties by client and eventId), as {@link #onMessage} would have
     * in that order, and forgets them. Each client's deadlines that passed before each message fire on the way (as in
     * {@link #onMessage}); the ones after the last message wait for the next {@link #onTime}.
     *
     * @param settingsByTenant  tenantId to settings
     * @param overdueAt         whether the client had an overdue invoice at a time (epoch millis): the message's event
     *                          time for a follow-up GHOSTING, the deadline for a threshold one
     * @param applied           told (clientKey, event time) of each message applied, for the client's profile
     * @return the alerts raised, in the order they were raised
     */
    public List<PaymentAlert> releaseHeld(Function<String, FreelancerSettings> settingsByTenant,
            BiPredicate<String, Long> overdueAt, BiConsumer<String, Long> applied) {
        List<PaymentAlert> alerts = new ArrayList<>();
        if (!holdsMessages()) {
            return alerts;
        }
        // In chunks, each read after the last key applied: memory stays at one chunk whatever the catch-up held, and
        // no scan walks the entries already deleted.
        String from = null;
        while (true) {
            List<KeyValue<String, HeldMessage>> chunk = new ArrayList<>();
            try (KeyValueIterator<String, HeldMessage> it = from == null ? held.all() : held.range(from, null)) {
                while (it.hasNext() && chunk.size() < RELEASE_CHUNK) {
                    chunk.add(it.next());
                }
            }
            if (chunk.isEmpty()) {
                break;
            }
            for (KeyValue<String, HeldMessage> entry : chunk) {
                held.delete(entry.key);
                String clientKey = entry.value.clientKey();
                long at = eventTime(entry.value.event());
                alerts.addAll(onMessage(clientKey, entry.value.event(),
                        settingsByTenant.apply(ClientKey.parse(clientKey).tenantId()), t -> overdueAt.test(clientKey, t)));
                applied.accept(clientKey, at);
            }
            from = chunk.get(chunk.size() - 1).key + '\u0000'; // the smallest key after the last one applied
        }
        mayHoldMessages = false;
        return alerts;
    }

    private static long eventTime(MessageEvent event) {
        Object payload = event.getPayload();
        if (payload instanceof MessageSent sent) {
            return sent.getSentAt().toEpochMilli();
        }
        if (payload instanceof MessageReceived received) {
            return received.getReceivedAt().toEpochMilli();
        }
        throw new IllegalArgumentException("message event without a MessageSent/MessageReceived payload");
    }

    private static String eventId(MessageEvent event) {
        return event.getPayload() instanceof MessageSent sent ? sent.getEventId()
                : ((MessageReceived) event.getPayload()).getEventId();
    }

    /**
     * Applies one (already deduplicated) message event of the client {@code clientKey}.
     *
     * @param settings           the tenant's settings (defaults when the tenant saved none)
     * @param overdueAt          whether the client had an overdue invoice at a time (epoch millis), which raises a
     *                           GHOSTING's severity: asked at the GHOSTING's own date (its deadline, or the follow-up's
     *                           time), so a replay says what a live run said then
     * @return alerts raised by this event (for example RESPONSIVE_AGAIN, or GHOSTING after N unanswered follow-ups)
     */
    public List<PaymentAlert> onMessage(String clientKey, MessageEvent event, FreelancerSettings settings,
            LongPredicate overdueAt) {
        List<PaymentAlert> alerts = new ArrayList<>();
        ClientResponsiveness s = summary(clientKey);
        BusinessCalendar calendar = BusinessCalendar.of(settings);
        Object payload = event.getPayload();
        if (payload instanceof MessageSent sent) {
            long at = sent.getSentAt().toEpochMilli();
            fireOwnDeadlinesBefore(clientKey, s, at, settings, overdueAt, alerts);
            onSent(clientKey, s, sent, at, calendar, settings);
        } else if (payload instanceof MessageReceived received) {
            long at = received.getReceivedAt().toEpochMilli();
            fireOwnDeadlinesBefore(clientKey, s, at, settings, overdueAt, alerts);
            onReceived(clientKey, s, received, at, calendar, settings, alerts);
        } else {
            throw new IllegalArgumentException("message event without a MessageSent/MessageReceived payload");
        }
        summaries.put(clientKey, s);
        return alerts;
    }

    /**
     * Called on wall-clock and stream-time punctuation: raises GHOSTING for every reply deadline that has
     * passed by {@code now} (epoch millis), scanning only the deadlines that are due.
     *
     * @param settingsByTenant   tenantId to settings (never null; defaults when absent)
     * @param overdueAt          (clientKey, time) to whether the client had an overdue invoice then; asked at each
     *                           deadline
     */
    public List<PaymentAlert> onTime(long now, Function<String, FreelancerSettings> settingsByTenant,
            BiPredicate<String, Long> overdueAt) {
        List<KeyValue<String, ThreadRef>> due = new ArrayList<>();
        // Keys are "<13-digit time>|...": the range [0, pad(now)] holds exactly the deadlines strictly before now,
        // because pad(now) alone is never a key and sorts before every "pad(now)|..." key.
        try (KeyValueIterator<String, ThreadRef> it = deadlines.range(pad(0), pad(now))) {
            while (it.hasNext() && due.size() < MAX_DEADLINES_PER_TICK) {
                due.add(it.next());
            }
        }
        List<PaymentAlert> alerts = new ArrayList<>();
        Map<String, ClientResponsiveness> touched = new LinkedHashMap<>();
        for (KeyValue<String, ThreadRef> entry : due) {
            ThreadRef ref = entry.value;
            if (FOLLOW_UPS_REF.equals(ref.threadId())) {
                ClientResponsiveness s = touched.computeIfAbsent(ref.clientKey(), this::summary);
                if (s.pendingFollowUpsAt != ClientResponsiveness.NONE
                        && entry.key.equals(followUpsKey(ref.clientKey(), s.pendingFollowUpsAt))) {
                    FreelancerSettings settings = settingsByTenant.apply(ClientKey.parse(ref.clientKey()).tenantId());
                    firePendingFollowUps(ref.clientKey(), s, settings,
                            overdueAt.test(ref.clientKey(), s.pendingFollowUpsAt), alerts);
                } else {
                    deadlines.delete(entry.key); // stale: the client wrote since
                }
                continue;
            }
            OpenThread thread = threads.get(threadKey(ref.clientKey(), ref.threadId()));
            if (thread == null || !entry.key.equals(deadlineKey(thread))) {
                deadlines.delete(entry.key); // stale: answered or re-armed since
                continue;
            }
            ClientResponsiveness s = touched.computeIfAbsent(ref.clientKey(), this::summary);
            if (thread.ghosted) {
                dropGhosted(thread, s); // a ghosted thread's deadline is its expiry
                continue;
            }
            FreelancerSettings settings = settingsByTenant.apply(ClientKey.parse(ref.clientKey()).tenantId());
            fireDeadline(thread, s, settings, overdueAt.test(ref.clientKey(), thread.deadlineAt), alerts);
        }
        touched.forEach(summaries::put);
        return alerts;
    }

    /** The client's responsiveness figures as of {@code asOf} (epoch millis), for its profile. */
    public ResponsivenessStats stats(String clientKey, long asOf, FreelancerSettings settings) {
        ClientResponsiveness s = summaries.get(clientKey);
        return s == null ? ResponsivenessStats.newBuilder().setWindowDays(WINDOW_DAYS).build()
                : StatsCalculator.stats(s, asOf, settings);
    }

    // ---- message handling -------------------------------------------------------------------------------

    private void onSent(String clientKey, ClientResponsiveness s, MessageSent sent, long at,
            BusinessCalendar calendar, FreelancerSettings settings) {
        s.seen(at);
        s.lastOutboundAt = s.lastOutboundAt == ClientResponsiveness.NONE ? at : Math.max(s.lastOutboundAt, at);
        if (!sent.getExpectsReply()) {
            return;
        }
        // Already answered: the client wrote (in any thread) after this message was sent, so by the sign-of-life rule
        // it has no clock to run. It arrives after that message when a mailbox publishes its Inbox before its Sent
        // folder; applied as it comes, it would open a clock the client had already stopped.
        if (s.lastInboundAt != ClientResponsiveness.NONE && s.lastInboundAt > at) {
            return;
        }
        String key = threadKey(clientKey, sent.getThreadId());
        OpenThread thread = threads.get(key);
        // An answer: the client's newest message is in this thread and the freelancer has not written in it since.
        // Answering the client asks nothing of it ("could you resend the PDF?" - "here it is"), so it opens no clock;
        // the freelancer's next message in the thread (a question, a nudge) does. The price: an answer that itself
        // asks a question is not awaited until that next message (a missed GHOSTING, never a false one).
        if (thread == null && sent.getThreadId() != null && sent.getThreadId().equals(s.lastInboundThread)) {
            s.lastInboundThread = null;
            return;
        }
        // Whether this message counts (toward the follow-up run): the first unanswered message of a thread does, and
        // a further one in the same thread only at least 1 business day (tenant calendar and zone) after the
        // previous counted message of that thread (a sooner nudge counts for nothing and moves nothing).
        boolean counts = true;
        if (thread == null) {
            long deadline = calendar.addBusinessDays(at, Math.max(1, settings.getGhostingThresholdBusinessDays()));
            thread = new OpenThread(clientKey, sent.getThreadId(), at, deadline);
            deadlines.put(deadlineKey(thread), new ThreadRef(clientKey, sent.getThreadId()));
            s.openThreads++;
        } else {
            // The silence is measured from the first unanswered message, so a follow-up does not reset the clock.
            counts = at >= calendar.addBusinessDays(thread.lastCountedAt, 1);
            if (counts) {
                thread.followUps++;
                thread.lastCountedAt = at;
            }
            thread.lastSentAt = Math.max(thread.lastSentAt, at);
            if (thread.ghosted) {
                deadlines.delete(deadlineKey(thread));
                armExpiry(thread); // kept a horizon after its last message
            }
        }
        threads.put(key, thread);

        // The client's run (what GHOSTING by follow-ups reads) counts across threads: a reply-expecting message counts
        // toward it only at least 1 business day after the previous counted one to this client, whichever thread
        // either is in (the per-thread count above only feeds the thread's own figures). Without it, a first message on
        // each of three topics sent in one morning made two follow-ups and a GHOSTING by noon.
        boolean countsForClient;
        if (s.unansweredSince == ClientResponsiveness.NONE) {
            s.unansweredSince = at;
            s.unansweredThread = sent.getThreadId();
            s.consecutiveFollowUps = 0;
            s.lastCountedAt = at;
            countsForClient = false;
        } else {
            countsForClient = s.lastCountedAt == ClientResponsiveness.NONE
                    || at >= calendar.addBusinessDays(s.lastCountedAt, 1);
            if (countsForClient) {
                s.consecutiveFollowUps++;
                s.lastCountedAt = at;
            }
        }
        int limit = settings.getFollowUpsBeforeGhosting();
        if (countsForClient && limit > 0 && s.consecutiveFollowUps >= limit && !s.ghosting
                && s.pendingFollowUpsAt == ClientResponsiveness.NONE) {
            // Judged like a reply deadline (onTime, the message lateness after it; or the client's next message dated
            // after it), so a reply dated before this follow-up that the mailbox delivers a little late still stops it.
            s.pendingFollowUpsAt = at;
            deadlines.put(followUpsKey(clientKey, at), new ThreadRef(clientKey, FOLLOW_UPS_REF));
        }
    }

    private void onReceived(String clientKey, ClientResponsiveness s, MessageReceived received, long at,
            BusinessCalendar calendar, FreelancerSettings settings, List<PaymentAlert> alerts) {
        s.seen(at);
        if (s.lastInboundAt == ClientResponsiveness.NONE || at >= s.lastInboundAt) {
            s.lastInboundThread = received.getThreadId();
        }
        s.lastInboundAt = s.lastInboundAt == ClientResponsiveness.NONE ? at : Math.max(s.lastInboundAt, at);
        s.addInbound(Math.floorDiv(at, DAY_MILLIS), calendar.isAfterHours(at));
        s.unansweredSince = ClientResponsiveness.NONE;
        s.unansweredThread = null;
        s.consecutiveFollowUps = 0;
        s.lastCountedAt = ClientResponsiveness.NONE;
        if (s.pendingFollowUpsAt != ClientResponsiveness.NONE) {
            // The client wrote before the follow-up GHOSTING was judged: the run it counted is over.
            deadlines.delete(followUpsKey(clientKey, s.pendingFollowUpsAt));
            s.pendingFollowUpsAt = ClientResponsiveness.NONE;
        }

        OpenThread answered = received.getThreadId() != null
                ? threads.get(threadKey(clientKey, received.getThreadId()))
                : oldestOpenThread(clientKey);
        long latencyMinutes = -1;
        if (answered != null) {
            latencyMinutes = calendar.businessMinutesBetween(answered.firstUnansweredAt, at);
            s.addLatency(at, latencyMinutes);
            threads.delete(threadKey(clientKey, answered.threadId));
            deadlines.delete(deadlineKey(answered));
            s.openThreads = Math.max(0, s.openThreads - 1);
        }
        // A sign of life: whatever thread the client writes in (a new subject, a call), it is not ghosting. Every
        // other thread awaiting its reply since before this message stops its clock too, with no latency recorded
        // (the message answered none of them); a later message in one of them answers nothing.
        for (OpenThread other : openThreads(clientKey)) {
            if (other.firstUnansweredAt < at && (answered == null || !other.threadId.equals(answered.threadId))) {
                threads.delete(threadKey(clientKey, other.threadId));
                deadlines.delete(deadlineKey(other));
                s.openThreads = Math.max(0, s.openThreads - 1);
            }
        }

        if (s.ghosting) {
            String threadId = answered != null ? answered.threadId : received.getThreadId();
            endEpisode(clientKey, s, threadId, latencyMinutes, at, calendar, settings, alerts);
        }
        checkAfterHours(clientKey, s, at, settings, alerts);
    }

    /** Fires this client's deadlines that passed before {@code at}, oldest first, before the message applies. */
    private void fireOwnDeadlinesBefore(String clientKey, ClientResponsiveness s, long at,
            FreelancerSettings settings, LongPredicate overdueAt, List<PaymentAlert> alerts) {
        boolean followUpsDue = s.pendingFollowUpsAt != ClientResponsiveness.NONE && s.pendingFollowUpsAt < at;
        if (s.openThreads == 0 && !followUpsDue) {
            return;
        }
        List<OpenThread> due = new ArrayList<>();
        for (OpenThread t : openThreads(clientKey)) {
            if (!t.ghosted && t.deadlineAt < at) {
                due.add(t);
            }
        }
        due.sort(Comparator.comparingLong((OpenThread t) -> t.deadlineAt).thenComparing(t -> t.threadId));
        // In time order, the pending follow-up GHOSTING among the reply deadlines: whichever comes first starts the
        // episode, and the other then finds the client already ghosting.
        for (OpenThread t : due) {
            if (followUpsDue && s.pendingFollowUpsAt <= t.deadlineAt) {
                firePendingFollowUps(clientKey, s, settings, overdueAt.test(s.pendingFollowUpsAt), alerts);
                followUpsDue = false;
            }
            fireDeadline(t, s, settings, overdueAt.test(t.deadlineAt), alerts);
        }
        if (followUpsDue) {
            firePendingFollowUps(clientKey, s, settings, overdueAt.test(s.pendingFollowUpsAt), alerts);
        }
    }

    /** Raises the follow-up GHOSTING that waited for the message lateness, dated at the follow-up that reached it. */
    private void firePendingFollowUps(String clientKey, ClientResponsiveness s, FreelancerSettings settings,
            boolean overdue, List<PaymentAlert> alerts) {
        long at = s.pendingFollowUpsAt;
        deadlines.delete(followUpsKey(clientKey, at));
        s.pendingFollowUpsAt = ClientResponsiveness.NONE;
        if (!s.ghosting && s.unansweredSince != ClientResponsiveness.NONE) {
            String episodeKey = "followups" + SEP + s.unansweredThread + SEP + s.unansweredSince;
            startEpisode(clientKey, s, episodeKey, s.unansweredThread, s.unansweredSince, at, REASON_FOLLOW_UPS,
                    BusinessCalendar.of(settings), settings, overdue, alerts);
        }
    }

    private void fireDeadline(OpenThread thread, ClientResponsiveness s, FreelancerSettings settings,
            boolean overdue, List<PaymentAlert> alerts) {
        deadlines.delete(deadlineKey(thread));
        thread.ghosted = true;
        long ghostedAt = thread.deadlineAt;
        armExpiry(thread);
        threads.put(threadKey(thread.clientKey, thread.threadId), thread);
        if (!s.ghosting) {
            String episodeKey = "thread" + SEP + thread.threadId + SEP + thread.firstUnansweredAt;
            startEpisode(thread.clientKey, s, episodeKey, thread.threadId, thread.firstUnansweredAt,
                    ghostedAt, REASON_THRESHOLD, BusinessCalendar.of(settings), settings, overdue, alerts);
        }
        boundGhosted(thread.clientKey, s);
    }

    /**
     * Bounded state (issue 12): a ghosted thread's deadline becomes its expiry, a state horizon after its last
     * message. It stays until then (or until the client replies), so a reply within the horizon is still measured.
     */
    private void armExpiry(OpenThread thread) {
        thread.deadlineAt = thread.lastSentAt + ghostedHorizon;
        deadlines.put(deadlineKey(thread), new ThreadRef(thread.clientKey, thread.threadId));
    }

    /** Keeps at most {@link #MAX_GHOSTED_THREADS} ghosted threads of the client: its oldest go first. */
    private void boundGhosted(String clientKey, ClientResponsiveness s) {
        List<OpenThread> ghosted = new ArrayList<>();
        for (OpenThread t : openThreads(clientKey)) {
            if (t.ghosted) {
                ghosted.add(t);
            }
        }
        if (ghosted.size() <= MAX_GHOSTED_THREADS) {
            return;
        }
        ghosted.sort(Comparator.comparingLong((OpenThread t) -> t.lastSentAt).thenComparing(t -> t.threadId));
        for (OpenThread t : ghosted.subList(0, ghosted.size() - MAX_GHOSTED_THREADS)) {
            deadlines.delete(deadlineKey(t));
            dropGhosted(t, s);
        }
    }

    /** Forgets a ghosted thread (its expiry passed, or the per-client bound): a later reply in it answers nothing. */
    private void dropGhosted(OpenThread thread, ClientResponsiveness s) {
        deadlines.delete(deadlineKey(thread));
        threads.delete(threadKey(thread.clientKey, thread.threadId));
        s.openThreads = Math.max(0, s.openThreads - 1);
        expiredThreads++;
    }

    /** Ghosted threads dropped by a bound since the last call (for the processor's expiry metric). */
    public int takeExpiredThreads() {
        int n = expiredThreads;
        expiredThreads = 0;
        return n;
    }

    // ---- ghosting episodes and alerts ---------------------------------------------------------------------

    private void startEpisode(String clientKey, ClientResponsiveness s, String episodeKey, String threadId,
            long startedAt, long detectedAt, String reason, BusinessCalendar calendar, FreelancerSettings settings,
            boolean overdue, List<PaymentAlert> alerts) {
        s.ghosting = true;
        s.episodeKey = episodeKey;
        s.addEpisode(new ClientResponsiveness.Episode(startedAt, detectedAt, ClientResponsiveness.NONE, reason));
        if (!settings.getAlertOptIns().getGhosting()) {
            return;
        }
        ClientKey ck = ClientKey.parse(clientKey);
        int silentDays = calendar.businessDaysBetween(startedAt, detectedAt);
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put(FACT_REASON, reason);
        facts.put(AlertFacts.THREAD_ID, threadId);
        facts.put(FACT_UNANSWERED_SINCE, Instant.ofEpochMilli(startedAt).toString());
        facts.put(AlertFacts.BUSINESS_DAYS_SILENT, Integer.toString(silentDays));
        facts.put(FACT_THRESHOLD_DAYS, Integer.toString(settings.getGhostingThresholdBusinessDays()));
        facts.put(AlertFacts.UNANSWERED_FOLLOW_UPS, Integer.toString(s.consecutiveFollowUps));
        facts.put(FACT_FOLLOW_UP_LIMIT, Integer.toString(settings.getFollowUpsBeforeGhosting()));
        facts.put(AlertFacts.UNANSWERED_THREADS, Integer.toString(s.openThreads));
        facts.put(FACT_LAST_INBOUND_AT, s.lastInboundAt == ClientResponsiveness.NONE ? "never"
                : Instant.ofEpochMilli(s.lastInboundAt).toString());
        facts.put(AlertFacts.OVERDUE_INVOICE, Boolean.toString(overdue));
        facts.put(AlertFacts.TIMEZONE, calendar.zone().getId());
        String why = REASON_THRESHOLD.equals(reason)
                ? "has not answered for " + silentDays + " business days (thread " + threadId + ")"
                : "left " + s.consecutiveFollowUps + " follow-ups unanswered (first message in thread " + threadId
                        + ", " + silentDays + " business days ago)";
        String summary = "Client " + displayName(ck) + " " + why
                + (overdue ? " while an invoice is overdue." : ".");
        alerts.add(alert(ck, AlertType.GHOSTING, overdue ? Severity.CRITICAL : Severity.WARNING, episodeKey,
                detectedAt, facts, summary));
    }

    /**
     * Ends the episode with the client's message at {@code at}. {@code latencyMinutes} is the business time the
     * reply took on the thread it answers, or -1 when it answers no awaiting thread; then the reply time is the
     * whole silence, measured from the episode's first unanswered message.
     */
    private void endEpisode(String clientKey, ClientResponsiveness s, String threadId, long latencyMinutes, long at,
            BusinessCalendar calendar, FreelancerSettings settings, List<PaymentAlert> alerts) {
        ClientResponsiveness.Episode episode = s.currentEpisode();
        String episodeKey = s.episodeKey;
        s.ghosting = false;
        s.episodeKey = null;
        // Never dated before the GHOSTING it ends: a reply that arrives late, dated before the detection, ends the
        // episode when it is applied, and is dated at the detection (its own time stays in repliedAt).
        long endedAt = episode == null ? at : Math.max(at, episode.detectedAt);
        if (episode != null && episode.endedAt == ClientResponsiveness.NONE) {
            episode.endedAt = endedAt;
        }
        if (!settings.getAlertOptIns().getGhosting() || episode == null) {
            return;
        }
        ClientKey ck = ClientKey.parse(clientKey);
        int silentDays = calendar.businessDaysBetween(episode.startedAt, at);
        Map<String, String> facts = new LinkedHashMap<>();
        long replyMinutes = latencyMinutes >= 0 ? latencyMinutes
                : calendar.businessMinutesBetween(episode.startedAt, at);
        facts.put(FACT_UNANSWERED_SINCE, Instant.ofEpochMilli(episode.startedAt).toString());
        facts.put(FACT_GHOSTING_DETECTED_AT, Instant.ofEpochMilli(episode.detectedAt).toString());
        facts.put(FACT_REPLIED_AT, Instant.ofEpochMilli(at).toString());
        facts.put(AlertFacts.BUSINESS_DAYS_SILENT, Integer.toString(silentDays));
        facts.put(AlertFacts.REPLY_LATENCY_HOURS, fmt1(replyMinutes / 60.0));
        if (threadId != null) {
            facts.put(AlertFacts.THREAD_ID, threadId);
        }
        facts.put(AlertFacts.UNANSWERED_THREADS, Integer.toString(s.openThreads));
        facts.put(AlertFacts.TIMEZONE, calendar.zone().getId());
        String summary = "Client " + displayName(ck) + " replied again after " + silentDays + " business days of silence.";
        alerts.add(alert(ck, AlertType.RESPONSIVE_AGAIN, Severity.INFO, episodeKey, endedAt, facts, summary));
    }

    private void checkAfterHours(String clientKey, ClientResponsiveness s, long at, FreelancerSettings settings,
            List<PaymentAlert> alerts) {
        StatsCalculator.Inbound inbound = StatsCalculator.inbound(s, at);
        double threshold = settings.getAfterHoursShareThreshold();
        if (inbound.count() == 0 || inbound.share() <= threshold) {
            s.afterHoursAlerted = false; // back under the threshold: a later crossing alerts again
            return;
        }
        if (s.afterHoursAlerted || inbound.count() < MIN_AFTER_HOURS_SAMPLE
                || !settings.getAlertOptIns().getAfterHoursContact()) {
            return;
        }
        s.afterHoursAlerted = true;
        ClientKey ck = ClientKey.parse(clientKey);
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put(AlertFacts.AFTER_HOURS_SHARE, fmt(inbound.share()));
        facts.put(AlertFacts.INBOUND_PER_WEEK, fmt1(StatsCalculator.inboundPerWeek(s, inbound, at)));
        facts.put(FACT_SHARE_THRESHOLD, fmt(threshold));
        facts.put(FACT_AFTER_HOURS_IN_WINDOW, Integer.toString(inbound.afterHours()));
        facts.put(FACT_INBOUND_IN_WINDOW, Integer.toString(inbound.count()));
        facts.put(FACT_WINDOW_DAYS, Integer.toString(WINDOW_DAYS));
        facts.put(FACT_WORKING_HOURS, hhmm(settings.getWorkdayStartMinute()) + "-"
                + hhmm(settings.getWorkdayEndMinute()));
        facts.put(AlertFacts.TIMEZONE, settings.getTimezone());
        String summary = "Client " + displayName(ck) + " sent " + inbound.afterHours() + " of " + inbound.count()
                + " messages outside your working hours in the last " + WINDOW_DAYS + " days ("
                + Math.round(inbound.share() * 100) + "%).";
        alerts.add(alert(ck, AlertType.AFTER_HOURS_CONTACT, Severity.INFO, Long.toString(at), at, facts, summary));
    }

    /**
     * The client as the freelancer knows it: the name of its latest named invoice, its id when it never had one.
     * The summary and the alert's {@code clientName} both use it, so a summary never names a client by its id
     * while the alert carries its name.
     */
    private String displayName(ClientKey ck) {
        String name = clientNames.apply(ClientKey.of(ck.tenantId(), ck.clientId()));
        return name == null || name.isBlank() ? ck.clientId() : name;
    }

    private PaymentAlert alert(ClientKey ck, AlertType type, Severity severity, String condition,
            long occurredAt, Map<String, String> facts, String summary) {
        return PaymentAlert.newBuilder()
                .setAlertId(ck.tenantId() + SEP + ck.clientId() + SEP + type.name() + SEP + condition)
                .setTenantId(ck.tenantId())
                .setClientId(ck.clientId())
                .setClientName(displayName(ck))
                .setType(type)
                .setSeverity(severity)
                .setOccurredAt(Instant.ofEpochMilli(occurredAt))
                .setInvoiceIds(List.of())
                .setAmounts(List.of())
                .setFacts(facts)
                .setSummary(summary)
                .build();
    }

    // ---- store access -------------------------------------------------------------------------------------

    private ClientResponsiveness summary(String clientKey) {
        ClientResponsiveness s = summaries.get(clientKey);
        return s == null ? new ClientResponsiveness() : s;
    }

    private List<OpenThread> openThreads(String clientKey) {
        List<OpenThread> result = new ArrayList<>();
        try (KeyValueIterator<String, OpenThread> it = threads.prefixScan(clientKey + SEP, Serdes.String().serializer())) {
            while (it.hasNext()) {
                OpenThread t = it.next().value;
                // A client id may contain '|', so "t|a" + "|b|x" also matches client "a|b": check the owner.
                if (t != null && clientKey.equals(t.clientKey)) {
                    result.add(t);
                }
            }
        }
        return result;
    }

    /** The awaiting thread whose first unanswered message is oldest: what a thread-less reply answers. */
    private OpenThread oldestOpenThread(String clientKey) {
        OpenThread oldest = null;
        for (OpenThread t : openThreads(clientKey)) {
            if (oldest == null || t.firstUnansweredAt < oldest.firstUnansweredAt
                    || (t.firstUnansweredAt == oldest.firstUnansweredAt && t.threadId.compareTo(oldest.threadId) < 0)) {
                oldest = t;
            }
        }
        return oldest;
    }

    static String threadKey(String clientKey, String threadId) {
        return clientKey + SEP + threadId;
    }

    /**
     * The reply-deadline entry of a client's pending follow-up GHOSTING: its ThreadRef names {@link #FOLLOW_UPS_REF},
     * which no thread id can be (ids are free of control characters).
     */
    static String followUpsKey(String clientKey, long at) {
        return pad(at) + SEP + clientKey + SEP + FOLLOW_UPS_REF;
    }

    static String deadlineKey(OpenThread thread) {
        return pad(thread.deadlineAt) + SEP + thread.clientKey + SEP + thread.threadId;
    }

    /** Zero-padded epoch millis, so string order is time order (13 digits cover years 1970 to 2286). */
    static String pad(long epochMillis) {
        return String.format(Locale.ROOT, "%013d", Math.max(0, epochMillis));
    }

    /** Two decimals, the AlertFacts format of shares. */
    static String fmt(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    /** One decimal, the AlertFacts format of hours and rates. */
    static String fmt1(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    private static String hhmm(int minuteOfDay) {
        return String.format(Locale.ROOT, "%02d:%02d", minuteOfDay / 60, minuteOfDay % 60);
    }

    /** Maps the stored episodes to the profile's timeline: ongoing ones and those ended in the last 180 days. */
    static List<GhostingEpisode> timeline(ClientResponsiveness s, long asOf) {
        List<GhostingEpisode> out = new ArrayList<>();
        for (ClientResponsiveness.Episode e : s.episodes) {
            boolean ongoing = e.endedAt == ClientResponsiveness.NONE;
            if (ongoing || e.endedAt >= asOf - TIMELINE_MILLIS) {
                out.add(GhostingEpisode.newBuilder()
                        .setStartedAt(Instant.ofEpochMilli(e.startedAt))
                        .setDetectedAt(Instant.ofEpochMilli(e.detectedAt))
                        .setEndedAt(ongoing ? null : Instant.ofEpochMilli(e.endedAt))
                        .setReason(e.reason)
                        .build());
            }
        }
        return out;
    }
}
