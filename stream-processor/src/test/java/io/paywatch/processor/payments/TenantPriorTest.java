package io.paywatch.processor.payments;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link TenantPrior}: the tenant's late rate and the empirical-Bayes spread of its clients. */
class TenantPriorTest {

    private static final SettledRecord LATE = new SettledRecord("l", 0, 0, 0, 40, 10, 30, 100, "EUR");
    private static final SettledRecord ON_TIME = new SettledRecord("o", 0, 0, 0, 20, 0, 30, 100, "EUR");

    /** Clients with late rates drawn from two-point mixtures; settlements interleaved round-robin. */
    private static TenantPrior observe(double[] clientRates, int perClient, long seed) {
        Random rnd = new Random(seed);
        List<List<SettledRecord>> histories = new ArrayList<>();
        for (int c = 0; c < clientRates.length; c++) {
            histories.add(new ArrayList<>());
        }
        TenantPrior prior = TenantPrior.NONE;
        for (int i = 0; i < perClient; i++) {
            for (int c = 0; c < clientRates.length; c++) {
                boolean late = rnd.nextDouble() < clientRates[c];
                prior = prior.plus(histories.get(c), late);
                histories.get(c).add(late ? LATE : ON_TIME);
            }
        }
        return prior;
    }

    @Test
    void clientsThatDifferGetLittleShrinkageAndAlikeClientsGetMuch() {
        double[] polarised = new double[100];
        double[] alike = new double[100];
        for (int c = 0; c < 100; c++) {
            polarised[c] = c % 2 == 0 ? 0.05 : 0.65; // mean 0.35, between-client variance 0.09
            alike[c] = 0.35;                          // no spread at all
        }
        TenantPrior differ = observe(polarised, 10, 1);
        TenantPrior same = observe(alike, 10, 2);
        assertThat(differ.lateRate()).isBetween(0.31, 0.39);
        assertThat(same.lateRate()).isBetween(0.31, 0.39);
        // Method of moments: 0.35 x 0.65 / 0.09 - 1 = 1.5 pseudo-invoices.
        assertThat(differ.concentration()).isBetween(1.0, 2.2);
        assertThat(same.concentration()).isGreaterThan(10.0);
    }

    @Test
    void aNewTenantStartsAtTheGlobalPriorAndItsCountsStayBounded() {
        assertThat(TenantPrior.NONE.lateRate()).isEqualTo(1 / 3.0);
        assertThat(TenantPrior.NONE.concentration()).isEqualTo(TenantPrior.DEFAULT_CONCENTRATION);
        TenantPrior prior = TenantPrior.NONE;
        for (int i = 0; i < 20_000; i++) {
            prior = prior.plus(List.of(ON_TIME), false);
        }
        assertThat(prior.settled()).isLessThan(1_000.5); // decay: at most 1 / (1 - 0.999)
        assertThat(prior.lateRate()).isLessThan(0.002);
    }

    @Test
    void theSerdeRoundTrips() {
        TenantPrior prior = new TenantPrior(12.5, 3.25, 7, 1.75);
        var serde = TenantPrior.serde();
        assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", prior))).isEqualTo(prior);
    }
}
