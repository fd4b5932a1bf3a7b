package io.paywatch.processor.payments;

import org.junit.jupiter.api.Test;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.ToDoubleFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Walk-forward quality of {@link RiskModel} on a generated history of one tenant: 100 clients, about 2,500 invoices,
 * lateness depending on the client. Every invoice is assessed as of its issue date from only the invoices settled by
 * then (the client's history and the tenant's prior), with the events fed in event-time order, as the topology feeds
 * them; then compared with what happened.
 *
 * <p>The generator is deliberately not the model: each client has a typical payment day relative to the due date
 * (normal across clients, mean 3 days early, sd 10) and a spread (1-10 days) of Laplace noise, heavier-tailed than
 * normal; a fifth of the clients pay exactly on the due date 30-80 % of the time (an accounts-payable run on the due
 * date, which a model that smooths days late would call 40 % late); 30 % of the clients shift their habit once
 * (by a normal amount, sd 10 days); large invoices (a fifth, 4 x the usual amount) are paid 4 days later.
 *
 * <p>Prints Brier score, AUC and calibration by predicted decile (bins of width 0.1 of the predicted probability;
 * a bin with fewer than {@value #MIN_BIN} invoices is merged into its neighbour towards the middle, so each reported
 * bin's observed rate has a standard error of at most 0.05). Asserts that the model beats the client's
 * Laplace-smoothed late share (k+1)/(n+2), and the tenant's late rate alone, on both AUC and Brier, and that each
 * bin's observed late rate lies within 0.1 of its mean prediction.
 */
class RiskModelEvaluationTest {

    private static final long DAY = 86_400_000L;
    static final int MIN_BIN = 100;

    record Scored(double model, double lateShare, double tenantRate, boolean late, int historySize) {
    }

    /** One generated invoice. */
    record Inv(int client, String id, long issuedAt, long dueAt, long settledAt, int terms, long amount,
            boolean late) {
    }

    /** A client's generated history: issue dates increasing. */
    static List<Inv> generate(long seed, int clients) {
        Random rnd = new Random(seed);
        List<Inv> all = new ArrayList<>();
        long t0 = 1_600_000_000_000L;
        for (int c = 0; c < clients; c++) {
            double typical = -3 + 10 * rnd.nextGaussian();         // typical days vs due: early .. chronically late
            double spread = 1 + rnd.nextDouble() * 9;
            double onDueDate = rnd.nextDouble() < 0.2 ? 0.3 + 0.5 * rnd.nextDouble() : 0; // pays on the due date
            int n = 5 + rnd.nextInt(41);                              // 5..45 invoices: short and long histories
            int changeAt = rnd.nextDouble() < 0.3 ? n / 3 + rnd.nextInt(Math.max(1, n / 2)) : Integer.MAX_VALUE;
            double shift = 10 * rnd.nextGaussian();
            long usualAmount = 50_000 + rnd.nextInt(450_000);
            long issued = t0 + rnd.nextInt(180) * DAY;
            for (int i = 0; i < n; i++) {
                int terms = rnd.nextDouble() < 0.7 ? 30 : rnd.nextBoolean() ? 14 : 45;
                boolean large = rnd.nextDouble() < 0.2;
                long amount = large ? usualAmount * 4 : usualAmount;
                double mu = typical + (i >= changeAt ? shift : 0) + (large ? 4 : 0);
                // Laplace noise (heavier tails than normal): an occasional payment far from the client's habit.
                double u = rnd.nextDouble() - 0.5;
                double noise = -spread / Math.sqrt(2) * Math.signum(u) * Math.log(1 - 2 * Math.abs(u));
                int vsDue = rnd.nextDouble() < onDueDate ? 0 : (int) Math.round(mu + noise);
                int dtp = Math.max(0, terms + vsDue);
                long dueAt = issued + terms * DAY;
                all.add(new Inv(c, "c" + c + "-" + i, issued, dueAt, issued + dtp * DAY, terms, amount,
                        dtp > terms));
                issued += (7 + rnd.nextInt(30)) * DAY;
            }
        }
        return all;
    }

    /**
     * Assesses every invoice walk-forward: events in time order (a settlement at the same instant as an issue
     * counts as settled before it, as {@code ClientProcessor.assessAtIssue} filters settledAt &lt;= issuedAt).
     */
    static List<Scored> walkForward(List<Inv> invoices) {
        record Event(long at, int kind, Inv inv) {
        }
        List<Event> events = new ArrayList<>();
        for (Inv inv : invoices) {
            events.add(new Event(inv.issuedAt(), 1, inv));
            events.add(new Event(inv.settledAt(), 0, inv));
        }
        events.sort(Comparator.comparingLong(Event::at).thenComparingInt(Event::kind)
                .thenComparing(e -> e.inv().id()));
        Map<Integer, List<SettledRecord>> histories = new HashMap<>();
        TenantPrior prior = TenantPrior.NONE;
        List<Scored> out = new ArrayList<>();
        for (Event e : events) {
            Inv inv = e.inv();
            List<SettledRecord> history = histories.computeIfAbsent(inv.client(), c -> new ArrayList<>());
            if (e.kind() == 0) {
                int dtp = (int) ((inv.settledAt() - inv.issuedAt()) / DAY);
                int daysLate = Math.max(0, CalendarDays.between(inv.dueAt(), inv.settledAt(), ZoneOffset.UTC));
                prior = prior.plus(history, daysLate > 0);
                history.add(new SettledRecord(inv.id(), inv.issuedAt(), inv.dueAt(), inv.settledAt(), dtp, daysLate,
                        inv.terms(), inv.amount(), "EUR"));
                if (history.size() > ClientState.HISTORY_SIZE) {
                    history.remove(0);
                }
            } else {
                RiskModel.Assessment a = RiskModel.assess(List.copyOf(history), inv.terms(), inv.amount(), "EUR", 30,
                        prior);
                long k = history.stream().filter(r -> r.daysLate() > 0).count();
                double laplace = (k + 1.0) / (history.size() + 2.0);
                out.add(new Scored(a.lateProbability(), laplace, prior.lateRate(), inv.late(), history.size()));
            }
        }
        return out;
    }

    /** One calibration bin: predictions in [from, to), their mean and the observed late rate. */
    record Bin(double from, double to, int n, double meanPredicted, double observed) {
    }

    /** Equal-width bins of 0.1 of the prediction; bins under {@link #MIN_BIN} merged towards the middle. */
    static List<Bin> calibration(List<Scored> scored) {
        List<List<Scored>> raw = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            raw.add(new ArrayList<>());
        }
        for (Scored s : scored) {
            raw.get(Math.min(9, (int) (s.model() * 10))).add(s);
        }
        List<double[]> ranges = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ranges.add(new double[] {i / 10.0, (i + 1) / 10.0});
        }
        boolean merged = true;
        while (merged && raw.size() > 1) {
            merged = false;
            for (int i = 0; i < raw.size(); i++) {
                if (raw.get(i).size() < MIN_BIN) {
                    int into = i < raw.size() / 2 ? i + 1 : i - 1; // towards the middle
                    raw.get(into).addAll(raw.remove(i));
                    double[] gone = ranges.remove(i);
                    double[] kept = ranges.get(into < i ? into : i);
                    kept[0] = Math.min(kept[0], gone[0]);
                    kept[1] = Math.max(kept[1], gone[1]);
                    merged = true;
                    break;
                }
            }
        }
        List<Bin> bins = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            List<Scored> b = raw.get(i);
            bins.add(new Bin(ranges.get(i)[0], ranges.get(i)[1], b.size(),
                    b.stream().mapToDouble(Scored::model).average().orElse(Double.NaN),
                    b.stream().filter(Scored::late).count() / (double) b.size()));
        }
        return bins;
    }

    @Test
    void modelBeatsTheLaplaceLateShareAndIsCalibratedWalkForward() {
        List<Inv> invoices = generate(42, 100);
        assertThat(invoices).hasSizeGreaterThanOrEqualTo(2000);
        List<Scored> scored = walkForward(invoices);
        double brierModel = brier(scored, Scored::model);
        double brierShare = brier(scored, Scored::lateShare);
        double brierTenant = brier(scored, Scored::tenantRate);
        double aucModel = auc(scored, Scored::model);
        double aucShare = auc(scored, Scored::lateShare);
        double aucTenant = auc(scored, Scored::tenantRate);
        List<Scored> shortHistory = scored.stream().filter(s -> s.historySize() < RiskModel.MIN_HISTORY).toList();
        System.out.printf(Locale.ROOT, "[risk-eval] invoices=%d clients=100 late=%.1f%% (fewer than %d settled "
                        + "before issue: %d)%n", scored.size(),
                100.0 * scored.stream().filter(Scored::late).count() / scored.size(), RiskModel.MIN_HISTORY,
                shortHistory.size());
        System.out.printf(Locale.ROOT, "[risk-eval] model              Brier=%.4f AUC=%.4f%n", brierModel, aucModel);
        System.out.printf(Locale.ROOT, "[risk-eval] late share Laplace Brier=%.4f AUC=%.4f%n", brierShare, aucShare);
        System.out.printf(Locale.ROOT, "[risk-eval] tenant rate only   Brier=%.4f AUC=%.4f%n", brierTenant, aucTenant);
        System.out.printf(Locale.ROOT, "[risk-eval] short histories: model Brier=%.4f, Laplace Brier=%.4f%n",
                brier(shortHistory, Scored::model), brier(shortHistory, Scored::lateShare));
        List<Bin> bins = calibration(scored);
        for (Bin b : bins) {
            System.out.printf(Locale.ROOT, "[risk-eval] predicted %.1f-%.1f n=%4d mean predicted %.3f observed %.3f%n",
                    b.from(), b.to(), b.n(), b.meanPredicted(), b.observed());
        }
        assertThat(brierModel).isLessThan(brierShare).isLessThan(brierTenant);
        assertThat(aucModel).isGreaterThan(aucShare).isGreaterThan(aucTenant);
        for (Bin b : bins) {
            assertThat(Math.abs(b.observed() - b.meanPredicted()))
                    .as("bin %.1f-%.1f (n=%d)", b.from(), b.to(), b.n()).isLessThanOrEqualTo(0.1);
        }
    }

    @Test
    void withoutHistoryTheRiskIsTheTenantsObservedLateRateNotAFlatHalf() {
        TenantPrior prior = TenantPrior.NONE;
        SettledRecord onTime = new SettledRecord("x", 0, 30 * DAY, 10 * DAY, 10, 0, 30, 100, "EUR");
        for (int i = 0; i < 200; i++) {
            prior = prior.plus(List.of(onTime), i % 5 == 0); // a tenant whose clients pay 20 % late
        }
        RiskModel.Assessment a = RiskModel.assess(List.of(), 30, 100, "EUR", 30, prior);
        assertThat(a.lateProbability()).isBetween(0.18, 0.23);
        assertThat(a.basis()).isEqualTo(io.paywatch.contract.RiskBasis.TENANT_NORM);
        assertThat(RiskModel.assess(List.of(), 30, 100, "EUR", 30).lateProbability())
                .as("no tenant data: the global prior").isCloseTo(1 / 3.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    static double brier(List<Scored> scored, ToDoubleFunction<Scored> score) {
        double sum = 0;
        for (Scored s : scored) {
            double d = score.applyAsDouble(s) - (s.late() ? 1 : 0);
            sum += d * d;
        }
        return sum / scored.size();
    }

    /** Area under the ROC curve by the rank-sum (Mann-Whitney) formula, ties counted as one half. */
    static double auc(List<Scored> scored, ToDoubleFunction<Scored> score) {
        List<Scored> sorted = new ArrayList<>(scored);
        sorted.sort(Comparator.comparingDouble(score));
        double rankSumPositives = 0;
        long positives = 0;
        int i = 0;
        while (i < sorted.size()) {
            int j = i;
            while (j < sorted.size() && score.applyAsDouble(sorted.get(j)) == score.applyAsDouble(sorted.get(i))) {
                j++;
            }
            double averageRank = (i + 1 + j) / 2.0;
            for (int k = i; k < j; k++) {
                if (sorted.get(k).late()) {
                    rankSumPositives += averageRank;
                    positives++;
                }
            }
            i = j;
        }
        long negatives = sorted.size() - positives;
        return (rankSumPositives - positives * (positives + 1) / 2.0) / (positives * (double) negatives);
    }
}
