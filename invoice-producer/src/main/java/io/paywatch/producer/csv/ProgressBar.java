package io.paywatch.producer.csv;

import java.io.PrintStream;
import java.util.Locale;

/** A one-line progress bar on stderr, redrawn at most every 250 ms, sized by bytes read of the file (CSV and mail imports). */
public final class ProgressBar {

    private static final long REDRAW_NANOS = 250_000_000L;
    private static final int WIDTH = 30;

    private final PrintStream out;
    private final long totalBytes;
    private final String unit;
    private final long start = System.nanoTime();
    private long lastDraw;

    ProgressBar(PrintStream out, long totalBytes) {
        this(out, totalBytes, "rows");
    }

    /** A bar over {@code total} units of progress; counts are labelled {@code unit} (rows read, events published). */
    public ProgressBar(PrintStream out, long totalBytes, String unit) {
        this.unit = unit;
        this.out = out;
        this.totalBytes = Math.max(1, totalBytes);
    }

    public void update(long bytes, long rows, long rejected, boolean force) {
        long now = System.nanoTime();
        if (!force && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        double fraction = Math.min(1.0, (double) bytes / totalBytes);
        int filled = (int) (fraction * WIDTH);
        double seconds = Math.max(1e-3, (now - start) / 1e9);
        out.print(String.format(Locale.ROOT, "\r[%s%s] %3d%%  %,d %s  %,.0f %s/s%s",
                "=".repeat(filled), " ".repeat(WIDTH - filled), (int) (fraction * 100), rows, unit, rows / seconds,
                unit, unit.equals("rows") ? String.format(Locale.ROOT, "  %,d rejected", rejected)
                        : unit.equals("messages") ? String.format(Locale.ROOT, "  %,d skipped", rejected) : ""));
        out.flush();
    }

    public void finish(long bytes, long rows, long rejected) {
        update(bytes, rows, rejected, true);
        out.println();
    }
}
