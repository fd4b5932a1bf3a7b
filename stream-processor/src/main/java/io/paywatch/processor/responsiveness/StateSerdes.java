package io.paywatch.processor.responsiveness;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Compact binary serdes for the tracker's internal store values. These never leave the processor (only its
 * changelogs), so a versioned hand-written format keeps them small without touching the frozen Avro contract.
 */
final class StateSerdes {

    private static final byte VERSION = 1;

    private StateSerdes() {
    }

    @FunctionalInterface
    private interface Writer<T> {
        void write(DataOutputStream out, T value) throws IOException;
    }

    @FunctionalInterface
    private interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static <T> Serde<T> serde(String what, Writer<T> writer, Reader<T> reader) {
        return Serdes.serdeFrom((topic, value) -> {
            if (value == null) {
                return null;
            }
            try {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
                DataOutputStream out = new DataOutputStream(bytes);
                out.writeByte(VERSION);
                writer.write(out, value);
                out.flush();
                return bytes.toByteArray();
            } catch (IOException e) {
                throw new SerializationException("cannot encode " + what, e);
            }
        }, (topic, data) -> {
            if (data == null) {
                return null;
            }
            try {
                DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
                byte version = in.readByte();
                if (version != VERSION) {
                    throw new SerializationException("unknown " + what + " format version " + version);
                }
                return reader.read(in);
            } catch (IOException e) {
                throw new SerializationException("cannot decode " + what, e);
            }
        });
    }

    static final Serde<ThreadRef> THREAD_REF = serde("thread ref", (out, v) -> {
        out.writeUTF(v.clientKey());
        out.writeUTF(v.threadId());
    }, in -> new ThreadRef(in.readUTF(), in.readUTF()));

    static final Serde<OpenThread> OPEN_THREAD = serde("open thread", (out, v) -> {
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

    static final Serde<ClientResponsiveness> SUMMARY = serde("responsiveness summary", (out, v) -> {
        out.writeLong(v.firstSeenAt);
        out.writeLong(v.lastInboundAt);
        out.writeLong(v.lastOutboundAt);
        out.writeInt(v.openThreads);
        out.writeInt(v.consecutiveFollowUps);
        out.writeLong(v.unansweredSince);
        writeNullable(out, v.unansweredThread);
        out.writeBoolean(v.ghosting);
        writeNullable(out, v.episodeKey);
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
        v.unansweredThread = readNullable(in);
        v.ghosting = in.readBoolean();
        v.episodeKey = readNullable(in);
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

    private static void writeNullable(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    private static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
