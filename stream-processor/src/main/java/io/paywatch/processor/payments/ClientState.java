package io.paywatch.processor.payments;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Bounded per-client payment state kept in {@code client-state}: the last settled invoices (a ring), the EWMA,
 * the drift detector's baseline and CUSUM, and the alert episode counters. Its size does not grow with the
 * client's age: O(history size).
 */
public final class ClientState {

    /** Settled invoices kept per client. */
    public static final int HISTORY_SIZE = 50;

    String clientName;
    int paidInvoices;
    double ewma = Double.NaN;
    int aboveNormStreak;
    int baselineN;
    double baselineMean;
    double baselineVar;
    double cusum;
    boolean drifting;
    int driftEpisode;
    String driftReason;
    /** The last {@link #HISTORY_SIZE} settlements, ordered by (settledAt, invoiceId) whatever their arrival order. */
    final ArrayDeque<SettledRecord> history = new ArrayDeque<>();
    /**
     * Settlements not yet fed to the {@link DriftDetector}, ordered by (settledAt, invoiceId): they are fed when the
     * watermark passes them, so the detector sees them in event-time order. With events displaced by at most the
     * allowed lateness this holds the settlements of the last allowed-lateness days only.
     */
    final List<SettledRecord> driftPending = new ArrayList<>();

    /** Orders settlements by settlement time, then invoice id (a total order, so any arrival order gives one list). */
    static final Comparator<SettledRecord> BY_SETTLED_AT = Comparator.comparingLong(SettledRecord::settledAt)
            .thenComparing(SettledRecord::invoiceId);

    /**
     * Adds a settlement in its place by settlement time (a late-arriving one goes before later ones), keeping the
     * {@link #HISTORY_SIZE} latest by settlement time.
     */
    void addSettled(SettledRecord record) {
        ArrayDeque<SettledRecord> later = new ArrayDeque<>();
        while (!history.isEmpty() && BY_SETTLED_AT.compare(history.peekLast(), record) > 0) {
            later.addFirst(history.removeLast());
        }
        history.addLast(record);
        history.addAll(later);
        while (history.size() > HISTORY_SIZE) {
            history.removeFirst();
        }
        paidInvoices++;
    }

    /** Queues a settlement for the drift detector, in settlement-time order. */
    void addDriftPending(SettledRecord record) {
        int i = driftPending.size();
        while (i > 0 && BY_SETTLED_AT.compare(driftPending.get(i - 1), record) > 0) {
            i--;
        }
        driftPending.add(i, record);
    }

    /** Whether {@code invoiceId} is among the remembered settled invoices. */
    boolean recentlySettled(String invoiceId) {
        for (SettledRecord r : history) {
            if (r.invoiceId().equals(invoiceId)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The remembered settlements up to and including {@code record} in (settledAt, invoiceId) order, oldest first:
     * what the client had settled by then, whatever arrived early since.
     */
    List<SettledRecord> historyUpTo(SettledRecord record) {
        List<SettledRecord> upTo = new ArrayList<>(history.size());
        for (SettledRecord r : history) {
            if (BY_SETTLED_AT.compare(r, record) > 0) {
                break;
            }
            upTo.add(r);
        }
        return upTo;
    }

    /** History, oldest first. */
    public List<SettledRecord> history() {
        return new ArrayList<>(history);
    }

    public String clientName() {
        return clientName;
    }

    public int paidInvoices() {
        return paidInvoices;
    }

    public double ewma() {
        return ewma;
    }

    public boolean drifting() {
        return drifting;
    }

    public double baselineMean() {
        return baselineMean;
    }

    public int baselineN() {
        return baselineN;
    }
}
