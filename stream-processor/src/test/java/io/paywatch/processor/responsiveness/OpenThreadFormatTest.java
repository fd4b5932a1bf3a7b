package io.paywatch.processor.responsiveness;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The open-threads value format: format 2 (this release) adds the thread's last counted message; format 1, written by
 * the release before, still reads, so an instance upgraded in place keeps its awaiting threads.
 */
class OpenThreadFormatTest {

    private static final long FIRST = 1_741_168_800_000L; // 2025-03-05T10:00:00Z
    private static final long LAST = FIRST + 3_600_000L;
    private static final long DEADLINE = FIRST + 7 * 86_400_000L;

    /** The bytes the previous release wrote for an open thread (format 1), laid out field by field. */
    private static byte[] formatOneBytes() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(1);
        out.writeUTF("t1|c|1");
        out.writeUTF("th-1");
        out.writeLong(FIRST);
        out.writeLong(LAST);
        out.writeInt(2);
        out.writeLong(DEADLINE);
        out.writeBoolean(false);
        out.flush();
        return bytes.toByteArray();
    }

    @Test
    void formatOneStillReadsWithItsLastMessageAsTheLastCountedOne() throws IOException {
        OpenThread t = StateSerdes.OPEN_THREAD.deserializer().deserialize("x", formatOneBytes());
        assertThat(t.clientKey).isEqualTo("t1|c|1");
        assertThat(t.threadId).isEqualTo("th-1");
        assertThat(t.firstUnansweredAt).isEqualTo(FIRST);
        assertThat(t.lastSentAt).isEqualTo(LAST);
        assertThat(t.followUps).isEqualTo(2);
        assertThat(t.deadlineAt).isEqualTo(DEADLINE);
        assertThat(t.ghosted).isFalse();
        assertThat(t.lastCountedAt).isEqualTo(LAST);
    }

    @Test
    void formatTwoIsWrittenAndRoundTrips() {
        OpenThread t = new OpenThread("t1|c", "th-2", FIRST, DEADLINE);
        t.lastSentAt = LAST;
        t.lastCountedAt = FIRST + 60_000L;
        t.ghosted = true;
        byte[] bytes = StateSerdes.OPEN_THREAD.serializer().serialize("x", t);
        assertThat(bytes[0]).isEqualTo(StateSerdes.OPEN_THREAD_VERSION).isEqualTo((byte) 2);
        OpenThread read = StateSerdes.OPEN_THREAD.deserializer().deserialize("x", bytes);
        assertThat(read).usingRecursiveComparison().isEqualTo(t);
    }
}
