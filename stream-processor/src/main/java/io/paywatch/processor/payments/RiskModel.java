package io.paywatch.processor.payments;

import io.paywatch.contract.RiskBasis;

import java.util.List;

/**
 * Late-payment risk of an invoice from what the client had settled by its issue date (model version
 * {@value #VERSION}), shrunk toward the tenant's own observed late rate.
 *
 * <p><b>Model: a Beta-Binomial posterior with weighted evidence.</b> The client's late rate p has a Beta prior
 * centred on the tenant's late rate p0 with concentration c (in pseudo-invoices), both estimated from the tenant's
 * own settlements by empirical Bayes ({@link TenantPrior}). Each past settled invoice i (most recent first, rank
 * j = 0, 1, ...) counts as evidence with weight
 * <pre>
 *   w_i = RECENCY^j * sim(amount_i, amount_new),  sim = exp(-(ln(amount_i / amount_new))^2 / (2 * AMOUNT_SIGMA^2))
 * </pre>
 * (recency: a client that changed is followed within a few invoices; amount: invoices of a similar size are better
 * evidence, because large invoices are often paid later; another currency counts 0.5). With y_i = 1 when invoice i
 * was paid after its due date (days late &gt; 0):
 * <pre>
 *   P(late) = (sum w_i * y_i + c * p0) / (sum w_i + c)
 * </pre>
 * the posterior mean of p. Unlike a smoothed step of days late, the plain late/on-time outcome keeps the estimate a
 * probability of the event it predicts: a client that always pays on the due date is not 40 % "late". The
 * posterior mean is calibrated when the prior matches the spread of clients, which is why c is estimated from the
 * tenant's data rather than fixed. With no history at all, P(late) = p0: the tenant's observed late rate, never a
 * flat 0.5.
 *
 * <p>Expected days to pay = terms_new + weighted mean of d_i = DTP_i - terms_i (at least 0); with fewer than
 * {@value #MIN_HISTORY} settlements, max(terms, the tenant's payment norm).
 *
 * <p><b>Basis.</b> CLIENT_HISTORY from {@value #MIN_HISTORY} settled invoices on; below that TENANT_NORM (the
 * estimate is then mostly the tenant's prior, and INVOICE_AT_RISK does not fire on it).
 *
 * <p>Quality is measured walk-forward on generated history in {@code RiskModelEvaluationTest} (Brier score, AUC,
 * calibration by predicted decile, against the client's Laplace-smoothed late share); the figures are in the
 * module README.
 */
public final class RiskModel {

    /** Version written to InvoiceRisk.modelVersion. */
    public static final String VERSION = "3-beta-binomial-tenant-prior";
    /** Settled invoices needed before the basis is the client's own history. */
    public static final int MIN_HISTORY = 3;
    static final double RECENCY = 0.9;
    static final double AMOUNT_SIGMA = 1.0;

    /** An assessment: probability of late settlement, expected days to pay and what it rests on. */
    public record Assessment(double lateProbability, double expectedDaysToPay, RiskBasis basis, int basisInvoices) {
    }

    private RiskModel() {
    }

    /**
     * Assesses a new invoice against the global prior only ({@link TenantPrior#NONE}); prefer
     * {@link #assess(List, int, long, String, int, TenantPrior)} with the tenant's prior.
     */
    public static Assessment assess(List<SettledRecord> history, int termsDays, long amountMinor, String currency,
            int normDays) {
        return assess(history, termsDays, amountMinor, currency, normDays, TenantPrior.NONE);
    }

    /**
     * Assesses a new invoice.
     *
     * @param history     settled invoices, oldest first, settled before the invoice was issued
     * @param termsDays   calendar days from issue to due date of the new invoice
     * @param amountMinor amount of the new invoice, in {@code currency} minor units
     * @param normDays    the tenant's payment norm in days
     * @param tenantPrior the tenant's late rate and spread of clients (per partition, see {@link TenantPrior})
     * @return P(late) in (0, 1), expected days to pay (&gt;= 0), basis and the number of settlements used
     */
    public static Assessment assess(List<SettledRecord> history, int termsDays, long amountMinor, String currency,
            int normDays, TenantPrior tenantPrior) {
        double p0 = tenantPrior.lateRate();
        double c = tenantPrior.concentration();
        double weightSum = 0;
        double lateSum = 0;
        double daysSum = 0;
        double weight = 1;
        for (int i = history.size() - 1; i >= 0; i--) {
            SettledRecord r = history.get(i);
            double w = weight * amountSimilarity(r, amountMinor, currency);
            weightSum += w;
            lateSum += r.daysLate() > 0 ? w : 0;
            daysSum += w * r.daysVsDue();
            weight *= RECENCY;
        }
        double p = (lateSum + c * p0) / (weightSum + c);
        if (history.size() < MIN_HISTORY) {
            return new Assessment(p, Math.max(termsDays, normDays), RiskBasis.TENANT_NORM, history.size());
        }
        double expected = Math.max(0, termsDays + daysSum / weightSum);
        return new Assessment(p, expected, RiskBasis.CLIENT_HISTORY, history.size());
    }

    /** When an invoice issued at {@code issuedAt} (epoch ms) is expected to be settled, {@code expectedDays} later. */
    public static long expectedSettleAt(long issuedAt, double expectedDays) {
        return issuedAt + Math.round(expectedDays * 86_400_000d);
    }

    static double amountSimilarity(SettledRecord r, long amountMinor, String currency) {
        if (!r.currency().equals(currency) || r.amountMinor() <= 0 || amountMinor <= 0) {
            return 0.5;
        }
        double logRatio = Math.log((double) r.amountMinor() / amountMinor);
        return Math.exp(-(logRatio * logRatio) / (2 * AMOUNT_SIGMA * AMOUNT_SIGMA));
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
