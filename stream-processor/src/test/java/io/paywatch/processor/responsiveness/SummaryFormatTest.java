package io.paywatch.processor.responsiveness;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The responsiveness summary format: format 2 (this release) adds the client's last counted message (the client-wide
 * follow-up rule); format 1, written by the release before, still reads, so an instance upgraded in place keeps its
 * clients' runs, on the safe side (a nudge within a business day of the last outbound message does not count).
 */
class SummaryFormatTest {

    private static final long SINCE = 1_741_168_800_000L; // 2025-03-05T10:00:00Z
    private static final long LAST_OUT = SINCE + 86_400_000L;

    /** The bytes the previous release wrote for a summary (format 1), field by field, with an open run. */
    private static byte[] formatOneBytes(long unansweredSince) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(1);
        out.writeLong(SINCE - 86_400_000L); // firstSeenAt
        out.writeLong(Long.MIN_VALUE); // lastInboundAt
        out.writeLong(LAST_OUT); // lastOutboundAt
        out.writeInt(1); // openThreads
        out.writeInt(1); // consecutiveFollowUps
        out.writeLong(unansweredSince);
        out.writeBoolean(true); // unansweredThread present
        out.writeUTF("th-1");
        out.writeBoolean(false); // ghosting
        out.writeBoolean(false); // no episode key
        out.writeBoolean(false); // afterHoursAlerted
        out.writeShort(0); // latencies
        out.writeShort(0); // inbound days
        out.writeShort(0); // episodes
        out.flush();
        return bytes.toByteArray();
    }

    @Test
    void formatOneStillReadsWithTheLastOutboundMessageAsTheLastCountedOne() throws IOException {
        ClientResponsiveness s = StateSerdes.SUMMARY.deserializer().deserialize("x", formatOneBytes(SINCE));
        assertThat(s.unansweredSince).isEqualTo(SINCE);
        assertThat(s.unansweredThread).isEqualTo("th-1");
        assertThat(s.consecutiveFollowUps).isEqualTo(1);
        assertThat(s.lastOutboundAt).isEqualTo(LAST_OUT);
        assertThat(s.lastCountedAt).isEqualTo(LAST_OUT);
        assertThat(s.lastInboundThread).isNull();
        ClientResponsiveness idle = StateSerdes.SUMMARY.deserializer()
                .deserialize("x", formatOneBytes(ClientResponsiveness.NONE));
        assertThat(idle.lastCountedAt).as("no open run, nothing counted").isEqualTo(ClientResponsiveness.NONE);
    }

    @Test
    void formatTwoIsWrittenAndRoundTrips() {
        ClientResponsiveness s = new ClientResponsiveness();
        s.unansweredSince = SINCE;
        s.unansweredThread = "th-2";
        s.consecutiveFollowUps = 1;
        s.lastOutboundAt = LAST_OUT;
        s.lastCountedAt = SINCE + 3_600_000L;
        s.lastInboundThread = "th-client";
        s.pendingFollowUpsAt = SINCE + 7_200_000L;
        byte[] bytes = StateSerdes.SUMMARY.serializer().serialize("x", s);
        assertThat(bytes[0]).isEqualTo(StateSerdes.SUMMARY_VERSION).isEqualTo((byte) 2);
        ClientResponsiveness read = StateSerdes.SUMMARY.deserializer().deserialize("x", bytes);
        assertThat(read).usingRecursiveComparison().isEqualTo(s);
    }
}
