package io.paywatch.processor.payments;

import io.paywatch.contract.RiskBasis;

import java.util.List;

/**
 * Late-payment risk of an invoice from the client's own settled history (model version {@value #VERSION}).
 *
 * <p><b>Model.</b> For each past settled invoice i (most recent first, rank j = 0, 1, ...) take its signed
 * lateness d_i = DTP_i - terms_i (days relative to its due date; negative = early) and a weight
 * <pre>
 *   w_i = RECENCY^j * exp(-(ln(amount_i / amount_new))^2 / (2 * AMOUNT_SIGMA^2))
 * </pre>
 * (recency: recent behaviour counts more, so a client that changed is followed within a few invoices; amount:
 * invoices of a similar size are better evidence, because large invoices are often paid later). Amounts in
 * another currency get a flat similarity of 0.5. Then
 * <pre>
 *   P(late) = (sum w_i * S(d_i) + PRIOR_WEIGHT * p0) / (sum w_i + PRIOR_WEIGHT)
 *   S(d)    = 1 / (1 + exp(-(d - 0.5) / BANDWIDTH))   (a smoothed step: "more than 0 days late")
 * </pre>
 * S smooths the empirical distribution of days late, so a client who pays exactly on the due date is not
 * treated like one who pays two weeks early: the distance from the due date carries information that a plain
 * late share throws away. The prior p0 (0.5) with weight PRIOR_WEIGHT shrinks estimates from short histories.
 * Expected days to pay = terms_new + weighted mean of d_i (at least 0).
 *
 * <p><b>Fallback.</b> With fewer than {@link #MIN_HISTORY} settled invoices the client's history says too little:
 * basis TENANT_NORM, P(late) = p0 and expected days to pay = max(terms, the tenant's payment norm).
 *
 * <p>Quality is measured walk-forward on generated history in {@code RiskModelEvaluationTest} (Brier score,
 * AUC, against a constant and a plain late-share baseline); the figures are in the module README.
 */
public final class RiskModel {

    /** Version written to InvoiceRisk.modelVersion. */
    public static final String VERSION = "2-kernel-recency-amount";
    /** Settled invoices needed before the client's own history is used. */
    public static final int MIN_HISTORY = 3;
    static final double RECENCY = 0.85;
    static final double AMOUNT_SIGMA = 1.0;
    static final double BANDWIDTH = 1.5;
    static final double PRIOR = 0.5;
    static final double PRIOR_WEIGHT = 1.0;

    /** An assessment: probability of late settlement, expected days to pay and what it rests on. */
    public record Assessment(double lateProbability, double expectedDaysToPay, RiskBasis basis, int basisInvoices) {
    }

    private RiskModel() {
    }

    /**
     * Assesses a new invoice.
     *
     * @param history     settled invoices, oldest first, settled before the invoice was issued
     * @param termsDays   calendar days from issue to due date of the new invoice
     * @param amountMinor amount of the new invoice, in {@code currency} minor units
     * @param normDays    the tenant's payment norm in days
     */
    public static Assessment assess(List<SettledRecord> history, int termsDays, long amountMinor, String currency,
            int normDays) {
        if (history.size() < MIN_HISTORY) {
            return new Assessment(PRIOR, Math.max(termsDays, normDays), RiskBasis.TENANT_NORM, history.size());
        }
        double weightSum = 0;
        double lateSum = 0;
        double daysSum = 0;
        double weight = 1;
        for (int i = history.size() - 1; i >= 0; i--) {
            SettledRecord r = history.get(i);
            double w = weight * amountSimilarity(r, amountMinor, currency);
            int d = r.daysVsDue();
            weightSum += w;
            lateSum += w * smoothLate(d);
            daysSum += w * d;
            weight *= RECENCY;
        }
        double p = (lateSum + PRIOR_WEIGHT * PRIOR) / (weightSum + PRIOR_WEIGHT);
        double expected = Math.max(0, termsDays + daysSum / weightSum);
        return new Assessment(p, expected, RiskBasis.CLIENT_HISTORY, history.size());
    }

    static double amountSimilarity(SettledRecord r, long amountMinor, String currency) {
        if (!r.currency().equals(currency) || r.amountMinor() <= 0 || amountMinor <= 0) {
            return 0.5;
        }
        double logRatio = Math.log((double) r.amountMinor() / amountMinor);
        return Math.exp(-(logRatio * logRatio) / (2 * AMOUNT_SIGMA * AMOUNT_SIGMA));
    }

    static double smoothLate(int daysVsDue) {
        return 1.0 / (1.0 + Math.exp(-(daysVsDue - 0.5) / BANDWIDTH));
    }

    /** Settlements {@link #recentLateness} and {@link #explain} look at. */
    public static final int RECENT_INVOICES = 10;

    /**
     * How late the client paid recently: of the last (up to) {@value #RECENT_INVOICES} settlements, how many were
     * late and their average days late (0 when none was late).
     */
    public record RecentLateness(int lateInvoices, int recentInvoices, double avgDaysLate) {
    }

    /** The lateness of the last (up to) {@value #RECENT_INVOICES} settlements of {@code history} (oldest first). */
    public static RecentLateness recentLateness(List<SettledRecord> history) {
        List<SettledRecord> last = history.subList(Math.max(0, history.size() - RECENT_INVOICES), history.size());
        int late = 0;
        long lateDays = 0;
        for (SettledRecord r : last) {
            if (r.daysLate() > 0) {
                late++;
                lateDays += r.daysLate();
            }
        }
        return new RecentLateness(late, last.size(), late == 0 ? 0 : (double) lateDays / late);
    }

    /** "paid 8 of their last 10 invoices late, 12 days late on average", from the last (up to) 10 settlements. */
    public static String explain(List<SettledRecord> history) {
        RecentLateness r = recentLateness(history);
        if (r.lateInvoices() == 0) {
            return "paid all of their last " + r.recentInvoices() + " invoices on time";
        }
        return "paid " + r.lateInvoices() + " of their last " + r.recentInvoices() + " invoices late, "
                + Math.round(r.avgDaysLate()) + " days late on average";
    }
}
