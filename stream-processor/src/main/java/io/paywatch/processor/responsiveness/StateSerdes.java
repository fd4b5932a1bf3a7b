package io.paywatch.processor.responsiveness;

import io.paywatch.processor.state.VersionedSerde;
import org.apache.kafka.common.serialization.Serde;

/** Serdes of the tracker's internal store values, in the {@link VersionedSerde} format. */
final class StateSerdes {

    private static final byte VERSION = 1;

    private StateSerdes() {
    }

    static final Serde<ThreadRef> THREAD_REF = VersionedSerde.of("thread ref", VERSION, (out, v) -> {
        out.writeUTF(v.clientKey());
        out.writeUTF(v.threadId());
    }, in -> new ThreadRef(in.readUTF(), in.readUTF()));

    static final Serde<OpenThread> OPEN_THREAD = VersionedSerde.of("open thread", VERSION, (out, v) -> {
        out.writeUTF(v.clientKey);
        out.writeUTF(v.threadId);
        out.writeLong(v.firstUnansweredAt);
        out.writeLong(v.lastSentAt);
        out.writeInt(v.followUps);
        out.writeLong(v.deadlineAt);
        out.writeBoolean(v.ghosted);
    }, in -> {
        OpenThread t = new OpenThread();
        t.clientKey = in.readUTF();
        t.threadId = in.readUTF();
        t.firstUnansweredAt = in.readLong();
        t.lastSentAt = in.readLong();
        t.followUps = in.readInt();
        t.deadlineAt = in.readLong();
        t.ghosted = in.readBoolean();
        return t;
    });

    static final Serde<ClientResponsiveness> SUMMARY = VersionedSerde.of("responsiveness summary", VERSION, (out, v) -> {
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
    }, in -> {
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
    });
}
