package io.paywatch.processor.payments;

import org.junit.jupiter.api.Test;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Walk-forward quality of {@link RiskModel} on generated history where lateness depends on the client (its own
 * mean and spread of days late), changes over time for some clients, and grows with invoice size. Every invoice
 * is scored at its issue time from only the invoices settled before it, then compared with what happened.
 * Prints Brier score and AUC for the model and two naive baselines; asserts the model beats both.
 */
class RiskModelEvaluationTest {

    private static final long DAY = 86_400_000L;

    record Scored(double model, double lateShare, double prevalence, boolean late) {
    }

    @Test
    void modelBeatsNaiveBaselinesWalkForward() {
        List<Scored> scored = simulate(new Random(42), 400, 30);
        double[] brier = new double[3];
        for (Scored s : scored) {
            double y = s.late() ? 1 : 0;
            brier[0] += sq(s.model() - y);
            brier[1] += sq(s.lateShare() - y);
            brier[2] += sq(s.prevalence() - y);
        }
        for (int i = 0; i < 3; i++) {
            brier[i] /= scored.size();
        }
        double aucModel = auc(scored, Scored::model);
        double aucShare = auc(scored, Scored::lateShare);
        double aucPrev = auc(scored, Scored::prevalence);
        System.out.printf("[risk-eval] invoices=%d late=%.1f%%%n", scored.size(),
                100.0 * scored.stream().filter(Scored::late).count() / scored.size());
        System.out.printf("[risk-eval] model      Brier=%.4f AUC=%.4f%n", brier[0], aucModel);
        System.out.printf("[risk-eval] late share Brier=%.4f AUC=%.4f%n", brier[1], aucShare);
        System.out.printf("[risk-eval] prevalence Brier=%.4f AUC=%.4f%n", brier[2], aucPrev);
        assertThat(brier[0]).isLessThan(brier[1]).isLessThan(brier[2]);
        assertThat(aucModel).isGreaterThan(aucShare).isGreaterThan(0.75);
    }

    static List<Scored> simulate(Random rnd, int clients, int invoicesPerClient) {
        List<Scored> out = new ArrayList<>();
        long lateSoFar = 0;
        long seenSoFar = 0;
        // Clients are simulated one after another; the prevalence baseline learns across them as it goes.
        for (int c = 0; c < clients; c++) {
            double mean = -10 + rnd.nextDouble() * 30;          // days vs due: early payer .. chronic late payer
            double sd = 2 + rnd.nextDouble() * 8;
            boolean drifts = rnd.nextBoolean();
            double shift = rnd.nextBoolean() ? 15 : -12;
            long typical = 50_000 + rnd.nextInt(200_000);
            List<SettledRecord> settled = new ArrayList<>();
            long issuedAt = 1_700_000_000_000L + rnd.nextInt(30) * DAY;
            for (int i = 0; i < invoicesPerClient; i++) {
                int terms = new int[] {14, 30, 45}[rnd.nextInt(3)];
                long amount = rnd.nextDouble() < 0.2 ? typical * 4 : typical;
                double mu = mean + (drifts && i >= invoicesPerClient / 2 ? shift : 0) + (amount > typical ? 6 : 0);
                int vsDue = (int) Math.round(mu + rnd.nextGaussian() * sd);
                int dtp = Math.max(0, terms + vsDue);
                long dueAt = issuedAt + terms * DAY;
                long settledAt = issuedAt + dtp * DAY;
                final long now = issuedAt;
                List<SettledRecord> prior = settled.stream().filter(r -> r.settledAt() <= now)
                        .sorted(Comparator.comparingLong(SettledRecord::settledAt)).toList();
                RiskModel.Assessment a = RiskModel.assess(prior, terms, amount, "EUR", 30);
                long priorLate = prior.stream().filter(r -> r.daysLate() > 0).count();
                double share = prior.size() < RiskModel.MIN_HISTORY ? 0.5
                        : (priorLate + 1.0) / (prior.size() + 2.0);
                double prevalence = seenSoFar == 0 ? 0.5 : (double) lateSoFar / seenSoFar;
                int daysLate = Math.max(0, CalendarDays.between(dueAt, settledAt, ZoneOffset.UTC));
                out.add(new Scored(a.lateProbability(), share, prevalence, daysLate > 0));
                settled.add(new SettledRecord("i" + i, issuedAt, dueAt, settledAt, dtp, daysLate, terms, amount,
                        "EUR"));
                lateSoFar += daysLate > 0 ? 1 : 0;
                seenSoFar++;
                issuedAt += (10 + rnd.nextInt(30)) * DAY;
            }
        }
        return out;
    }

    /** Area under the ROC curve by the rank-sum (Mann-Whitney) formula, ties counted as one half. */
    static double auc(List<Scored> scored, java.util.function.ToDoubleFunction<Scored> score) {
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

    private static double sq(double x) {
        return x * x;
    }
}
