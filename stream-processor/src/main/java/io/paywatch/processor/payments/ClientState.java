package io.paywatch.processor.payments;

import java.util.ArrayDeque;
import java.util.ArrayList;
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
    int consecutiveNormal;
    final ArrayDeque<SettledRecord> history = new ArrayDeque<>();

    /** Adds a settlement, dropping the oldest once the ring is full. */
    void addSettled(SettledRecord record) {
        history.addLast(record);
        while (history.size() > HISTORY_SIZE) {
            history.removeFirst();
        }
        paidInvoices++;
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
