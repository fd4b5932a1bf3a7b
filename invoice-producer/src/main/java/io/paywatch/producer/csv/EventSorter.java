package io.paywatch.producer.csv;

import io.paywatch.producer.publish.OutboundEvent;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;

/**
 * An external sort of events by event time, in bounded memory: events are buffered up to {@code runBytes},
 * each full buffer is sorted and spilled to a temporary run file, and the runs are k-way merged when read back.
 * Order: event time, then invoices before payments, then event id (see {@code ORDER}), so the output is the
 * same for any order of the rows. Heap use is about {@code runBytes} while adding and one buffered
 * reader (64 KB) per run while merging.
 */
public final class EventSorter implements Closeable {

    /** An event with its sort key. */
    public record Timed(long eventTime, long seq, OutboundEvent event) {
        long bytes() {
            OutboundEvent e = event;
            return 96 + e.value().length + 2L * (e.topic().length() + e.key().length() + e.type().length()
                    + e.eventId().length() + e.source().length());
        }
    }

    /**
     * Event time, then an invoice before its payments at the same instant, then the event id: the order depends
     * only on the events, never on the order of the rows, so any row order of a file publishes the same sequence.
     */
    private static final Comparator<Timed> ORDER = Comparator.comparingLong(Timed::eventTime)
            .thenComparingInt(t -> t.event().type().equals("InvoiceIssued") ? 0 : 1)
            .thenComparing(t -> t.event().eventId())
            .thenComparingLong(Timed::seq);
    private static final int IO_BUFFER = 64 * 1024;

    private final long runBytes;
    private final Path tempDir;
    private final List<Timed> buffer = new ArrayList<>();
    private final List<Path> runs = new ArrayList<>();
    private long buffered;
    private long seq;
    private long count;

    public EventSorter(long runBytes, Path tempDir) {
        this.runBytes = runBytes;
        this.tempDir = tempDir;
    }

    /** Adds an event at its event time (epoch millis). */
    public void add(long eventTime, OutboundEvent event) throws IOException {
        Timed t = new Timed(eventTime, seq++, event);
        buffer.add(t);
        buffered += t.bytes();
        count++;
        if (buffered >= runBytes) {
            spill();
        }
    }

    /** Events added so far. */
    public long count() {
        return count;
    }

    /** Run files spilled so far (0 when everything fitted in memory). */
    public int runs() {
        return runs.size();
    }

    /** Every event added, in event-time order. Call once, after the last {@link #add}. */
    public Iterator<Timed> sorted() throws IOException {
        buffer.sort(ORDER);
        if (runs.isEmpty()) {
            return buffer.iterator();
        }
        if (!buffer.isEmpty()) {
            spill();
        }
        PriorityQueue<RunReader> heads = new PriorityQueue<>(Comparator.comparing(r -> r.head, ORDER));
        for (Path run : runs) {
            RunReader r = new RunReader(run);
            if (r.advance()) {
                heads.add(r);
            } else {
                r.close();
            }
        }
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return !heads.isEmpty();
            }

            @Override
            public Timed next() {
                RunReader r = heads.poll();
                if (r == null) {
                    throw new NoSuchElementException();
                }
                Timed out = r.head;
                try {
                    if (r.advance()) {
                        heads.add(r);
                    } else {
                        r.close();
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return out;
            }
        };
    }

    private void spill() throws IOException {
        buffer.sort(ORDER);
        Path run = Files.createTempFile(tempDir, "paywatch-import-", ".run");
        runs.add(run);
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(run),
                IO_BUFFER))) {
            for (Timed t : buffer) {
                OutboundEvent e = t.event();
                out.writeLong(t.eventTime());
                out.writeLong(t.seq());
                out.writeUTF(e.topic());
                out.writeUTF(e.key());
                out.writeInt(e.value().length);
                out.write(e.value());
                out.writeUTF(e.type());
                out.writeUTF(e.eventId());
                out.writeUTF(e.source());
            }
        }
        buffer.clear();
        buffered = 0;
    }

    /** Deletes the run files. */
    @Override
    public void close() {
        for (Path run : runs) {
            try {
                Files.deleteIfExists(run);
            } catch (IOException e) {
                run.toFile().deleteOnExit();
            }
        }
        runs.clear();
        buffer.clear();
    }

    private static final class RunReader implements Closeable {
        private final DataInputStream in;
        Timed head;

        RunReader(Path run) throws IOException {
            in = new DataInputStream(new BufferedInputStream(Files.newInputStream(run), IO_BUFFER));
        }

        boolean advance() throws IOException {
            long time;
            try {
                time = in.readLong();
            } catch (EOFException end) {
                head = null;
                return false;
            }
            long seq = in.readLong();
            String topic = in.readUTF();
            String key = in.readUTF();
            byte[] value = new byte[in.readInt()];
            in.readFully(value);
            head = new Timed(time, seq, new OutboundEvent(topic, key, value, in.readUTF(), in.readUTF(), in.readUTF()));
            return true;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
