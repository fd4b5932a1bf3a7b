package io.paywatch.processor.payments;

import io.paywatch.contract.Money;
import io.paywatch.contract.PaymentStats;
import io.paywatch.contract.SettledInvoice;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Payment figures of one client, computed from its bounded history of settled invoices.
 *
 * <ul>
 *   <li><b>Days to pay (DTP)</b> = settled date - invoice date, whole calendar days in the tenant's zone
 *       ({@link CalendarDays}).</li>
 *   <li><b>Days late</b> (days beyond terms) = max(0, settled date - due date).</li>
 *   <li><b>Weighted average days to pay (WADTP)</b> = sum(amount x DTP) / sum(amount). Amounts of different
 *       currencies cannot be added, so it is computed over the client's most used currency in the window.</li>
 *   <li><b>EWMA</b> of DTP with alpha {@link DriftDetector#EWMA_ALPHA}; <b>trend</b> = least-squares slope of DTP
 *       against the invoice's position in the history (days per invoice).</li>
 * </ul>
 * Percentiles use the nearest-rank method: p90 = the ceil(0.9 n)-th smallest DTP.
 */
public final class PaymentStatistics {

    private PaymentStatistics() {
    }

    /** The PaymentStats record of a client. */
    public static PaymentStats of(ClientState state) {
        List<SettledRecord> history = state.history();
        PaymentStats.Builder stats = PaymentStats.newBuilder()
                .setPaidInvoices(state.paidInvoices())
                .setDrifting(state.drifting)
                .setHistory(history.stream().map(PaymentStatistics::settledInvoice).toList());
        if (history.isEmpty()) {
            return stats.build();
        }
        int n = history.size();
        double[] dtp = new double[n];
        double lateSum = 0;
        int lateCount = 0;
        for (int i = 0; i < n; i++) {
            dtp[i] = history.get(i).daysToPay();
            lateSum += history.get(i).daysLate();
            if (history.get(i).daysLate() > 0) {
                lateCount++;
            }
        }
        double[] sorted = dtp.clone();
        java.util.Arrays.sort(sorted);
        stats.setMeanDaysToPay(mean(dtp))
                .setMedianDaysToPay(n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0)
                .setP90DaysToPay(sorted[(int) Math.ceil(0.9 * n) - 1])
                .setWeightedAvgDaysToPay(weightedAverageDaysToPay(history))
                .setMeanDaysLate(lateSum / n)
                .setLateShare((double) lateCount / n)
                .setEwmaDaysToPay(Double.isNaN(state.ewma) ? null : state.ewma)
                .setTrendDaysPerInvoice(n >= 3 ? slope(dtp) : null)
                .setBaselineDaysToPay(state.baselineN > 0 ? state.baselineMean : null);
        return stats.build();
    }

    /** WADTP over the most used currency; exact long arithmetic for the money side. */
    static Double weightedAverageDaysToPay(List<SettledRecord> history) {
        Map<String, Integer> uses = new HashMap<>();
        history.forEach(r -> uses.merge(r.currency(), 1, Integer::sum));
        String currency = uses.entrySet().stream()
                .max(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey).orElseThrow();
        long weighted = 0;
        long total = 0;
        for (SettledRecord r : history) {
            if (r.currency().equals(currency)) {
                weighted = Math.addExact(weighted, Math.multiplyExact(r.amountMinor(), (long) r.daysToPay()));
                total = Math.addExact(total, r.amountMinor());
            }
        }
        return total == 0 ? null : (double) weighted / total;
    }

    static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    /** Least-squares slope of values against their index. */
    static double slope(double[] y) {
        int n = y.length;
        double xMean = (n - 1) / 2.0;
        double yMean = mean(y);
        double num = 0;
        double den = 0;
        for (int i = 0; i < n; i++) {
            num += (i - xMean) * (y[i] - yMean);
            den += (i - xMean) * (i - xMean);
        }
        return den == 0 ? 0 : num / den;
    }

    static SettledInvoice settledInvoice(SettledRecord r) {
        return SettledInvoice.newBuilder()
                .setInvoiceId(r.invoiceId())
                .setIssuedAt(Instant.ofEpochMilli(r.issuedAt()))
                .setDueAt(Instant.ofEpochMilli(r.dueAt()))
                .setSettledAt(Instant.ofEpochMilli(r.settledAt()))
                .setDaysToPay(r.daysToPay())
                .setDaysLate(r.daysLate())
                .setAmount(new Money(r.amountMinor(), r.currency()))
                .build();
    }

    /** Sums amounts per currency, sorted by currency code for deterministic output. */
    public static List<Money> perCurrency(Map<String, Long> amounts) {
        List<Money> out = new ArrayList<>();
        new java.util.TreeMap<>(amounts).forEach((c, a) -> out.add(new Money(a, c)));
        return out;
    }
}
