package io.paywatch.processor.responsiveness;

import io.paywatch.processor.state.VersionedSerde;
import io.paywatch.schemas.Topics;
import org.apache.kafka.common.serialization.Serde;

import java.io.DataInputStream;
import java.io.IOException;
import java.util.Map;

/** Serdes of the tracker's internal store values, in the {@link VersionedSerde} format. */
final class StateSerdes {

    private static final byte VERSION = 1;
    /**
     * Format of {@link #OPEN_THREAD}: 2 adds {@code lastCountedAt} (the follow-up rule). Format 1 still reads, with
     * {@code lastCountedAt} = the thread's last message (stream-processor README, "Upgrading to open-thread format 2").
     */
    static final byte OPEN_THREAD_VERSION = 2;

    private StateSerdes() {
    }

    static final Serde<ThreadRef> THREAD_REF = VersionedSerde.of("thread ref", VERSION, (out, v) -> {
        out.writeUTF(v.clientKey());
        out.writeUTF(v.threadId());
    }, in -> new ThreadRef(in.readUTF(), in.readUTF()));

    static final Serde<OpenThread> OPEN_THREAD = VersionedSerde.of("open thread", OPEN_THREAD_VERSION, (out, v) -> {
        out.writeUTF(v.clientKey);
        out.writeUTF(v.threadId);
        out.writeLong(v.firstUnansweredAt);
        out.writeLong(v.lastSentAt);
        out.writeInt(v.followUps);
        out.writeLong(v.deadlineAt);
        out.writeBoolean(v.ghosted);
        out.writeLong(v.lastCountedAt);
    }, in -> {
        OpenThread t = readOpenThreadV1(in);
        t.lastCountedAt = in.readLong();
        return t;
    }, Map.of((byte) 1, in -> {
        OpenThread t = readOpenThreadV1(in);
        // Format 1 kept no counted time: the thread's last message stands in for it, so a nudge within a business
        // day of it does not count (the safe side: no false follow-up).
        t.lastCountedAt = t.lastSentAt;
        return t;
    }));

    /** The fields of format 1 of an open thread (format 2 appends lastCountedAt). */
    private static OpenThread readOpenThreadV1(DataInputStream in) throws IOException {
        OpenThread t = new OpenThread();
        t.clientKey = in.readUTF();
        t.threadId = in.readUTF();
        t.firstUnansweredAt = in.readLong();
        t.lastSentAt = in.readLong();
        t.followUps = in.readInt();
        t.deadlineAt = in.readLong();
        t.ghosted = in.readBoolean();
        return t;
    }

    /**
     * A message event held while a catch-up runs ({@link ResponsivenessTracker#hold}): the client key and the event in
     * its Avro single-object encoding (the topic's own serde).
     */
    static final Serde<HeldMessage> HELD_MESSAGE = VersionedSerde.of("held message", VERSION, (out, v) -> {
        out.writeUTF(v.clientKey());
        byte[] avro = Topics.MESSAGE_EVENTS.valueSerde().serializer().serialize(Topics.MESSAGE_EVENTS.name(),
                v.event());
        out.writeInt(avro.length);
        out.write(avro);
    }, in -> {
        String clientKey = in.readUTF();
        byte[] avro = new byte[in.readInt()];
        in.readFully(avro);
        return new HeldMessage(clientKey,
                Topics.MESSAGE_EVENTS.valueSerde().deserializer().deserialize(Topics.MESSAGE_EVENTS.name(), avro));
    });

    /**
     * Format of {@link #SUMMARY}: 2 appends {@code lastCountedAt} (the client-wide follow-up rule) and
     * {@code lastInboundThread} (the answer rule) and {@code pendingFollowUpsAt} (a follow-up GHOSTING waiting for the
     * message lateness). Format 1 still reads, with {@code lastCountedAt} = the client's last
     * outbound message while a run is open (the safe side: a nudge within a business day of it does not count) and no
     * thread awaiting the freelancer's answer.
     */
    static final byte SUMMARY_VERSION = 2;

    static final Serde<ClientResponsiveness> SUMMARY = VersionedSerde.of("responsiveness summary", SUMMARY_VERSION,
            (out, v) -> {
        out.writeLong(v.firstSeenAt);
        out.writeLong(v.lastInboundAt);
        out.writeLong(v.lastOutboundAt);
        out.writeInt(v.openThreads);
        out.writeInt(v.consecutiveFollowUps);
        out.writeLong(v.unansweredSince);
        VersionedSerde.writeNullable(out, v.unansweredThread);
        out.writeBoolean(v.ghosting);
        VersionedSerde.writeNullable(out, v.episodeKey);
        out.writeBoolean(v.afterHoursAlerted);
        out.writeShort(v.latencies.size());
        for (ClientResponsiveness.Latency l : v.latencies) {
            out.writeLong(l.answeredAt());
            out.writeLong(l.businessMinutes());
        }
        out.writeShort(v.inboundDays.size());
        for (ClientResponsiveness.InboundDay d : v.inboundDays) {
            out.writeLong(d.epochDay);
            out.writeInt(d.count);
            out.writeInt(d.afterHours);
        }
        out.writeShort(v.episodes.size());
        for (ClientResponsiveness.Episode e : v.episodes) {
            out.writeLong(e.startedAt);
            out.writeLong(e.detectedAt);
            out.writeLong(e.endedAt);
            out.writeUTF(e.reason);
        }
        out.writeLong(v.lastCountedAt);
        VersionedSerde.writeNullable(out, v.lastInboundThread);
        out.writeLong(v.pendingFollowUpsAt);
    }, in -> {
        ClientResponsiveness v = readSummaryV1(in);
        v.lastCountedAt = in.readLong();
        v.lastInboundThread = VersionedSerde.readNullable(in);
        v.pendingFollowUpsAt = in.readLong();
        return v;
    }, Map.of((byte) 1, in -> {
        ClientResponsiveness v = readSummaryV1(in);
        v.lastCountedAt = v.unansweredSince == ClientResponsiveness.NONE ? ClientResponsiveness.NONE
                : v.lastOutboundAt;
        return v;
    }));

    /** The fields of format 1 of a summary (format 2 appends lastCountedAt). */
    private static ClientResponsiveness readSummaryV1(DataInputStream in) throws IOException {
        ClientResponsiveness v = new ClientResponsiveness();
        v.firstSeenAt = in.readLong();
        v.lastInboundAt = in.readLong();
        v.lastOutboundAt = in.readLong();
        v.openThreads = in.readInt();
        v.consecutiveFollowUps = in.readInt();
        v.unansweredSince = in.readLong();
        v.unansweredThread = VersionedSerde.readNullable(in);
        v.ghosting = in.readBoolean();
        v.episodeKey = VersionedSerde.readNullable(in);
        v.afterHoursAlerted = in.readBoolean();
        for (int i = 0, n = in.readShort(); i < n; i++) {
            v.latencies.addLast(new ClientResponsiveness.Latency(in.readLong(), in.readLong()));
        }
        for (int i = 0, n = in.readShort(); i < n; i++) {
            v.inboundDays.add(new ClientResponsiveness.InboundDay(in.readLong(), in.readInt(), in.readInt()));
        }
        for (int i = 0, n = in.readShort(); i < n; i++) {
            v.episodes.add(new ClientResponsiveness.Episode(in.readLong(), in.readLong(), in.readLong(),
                    in.readUTF()));
        }
        return v;
    }
}
