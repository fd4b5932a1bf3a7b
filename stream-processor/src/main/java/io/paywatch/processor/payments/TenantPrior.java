package io.paywatch.processor.payments;

import io.paywatch.processor.state.VersionedSerde;
import org.apache.kafka.common.serialization.Serde;

import java.util.List;

/**
 * What a tenant's own settled invoices say about lateness, as the prior of {@link RiskModel}: the tenant's observed
 * late rate, and how much clients differ around it (the Beta prior's concentration), estimated by empirical Bayes
 * from state the processor keeps.
 *
 * <p><b>Where it lives.</b> In the {@code tenant-risk-prior} store, keyed tenantId, updated on every settlement by
 * {@link #plus}. A task sees only the clients of its partition, so the figures are <b>per partition</b>: a tenant's
 * clients are spread over partitions by key, and each partition's prior is the late rate of that partition's share
 * of the tenant's clients (a random sample of them, so the same rate up to sampling noise).
 *
 * <p><b>Figures</b> (all exponentially decayed by {@value #DECAY} per settlement, so the prior follows a tenant whose
 * clients change, and the numbers stay bounded; effective memory about 1/(1 - {@value #DECAY}) = 1,000 settlements):
 * <ul>
 *   <li>{@code settled}, {@code late}: settlements and late ones (days late &gt; 0).</li>
 *   <li>{@code pairs}, {@code pairSum}: for each settlement of a client that had settled before, the product of the
 *       new lateness y (0/1) and the client's late share k/n before it. For a client with late rate p, E[y k/n] =
 *       p^2, so pairSum / pairs estimates E[p^2] over clients, and E[p^2] - E[p]^2 the between-client variance of
 *       the late rate: the method-of-moments estimate of the Beta prior's concentration ({@link #concentration}).
 *       </li>
 * </ul>
 *
 * @param settled decayed count of settlements
 * @param late    decayed count of late settlements
 * @param pairs   decayed count of settlements of clients with earlier settlements
 * @param pairSum decayed sum of y x (client's earlier late share)
 */
public record TenantPrior(double settled, double late, double pairs, double pairSum) {

    /** No settlement seen yet: the global prior alone. */
    public static final TenantPrior NONE = new TenantPrior(0, 0, 0, 0);
    /** Decay per settlement of every count. */
    static final double DECAY = 0.999;
    /**
     * Global prior of the tenant's late rate, Beta(a, b) with a = {@value #GLOBAL_LATE}, b = {@value #GLOBAL_ON_TIME}:
     * mean 1/3 with the weight of 3 invoices, so a new tenant starts near what small-business invoice studies
     * report (a third or more of invoices paid late) and its own data takes over within a few dozen settlements.
     */
    static final double GLOBAL_LATE = 1.0;
    static final double GLOBAL_ON_TIME = 2.0;
    /** Concentration (pseudo-invoices) used until the tenant has {@value #MIN_PAIRS} pairs. */
    static final double DEFAULT_CONCENTRATION = 2.0;
    static final double MIN_PAIRS = 30;
    static final double MIN_CONCENTRATION = 0.5;
    static final double MAX_CONCENTRATION = 30;

    /** The tenant's late rate, 0..1: observed late share shrunk toward the global prior. */
    public double lateRate() {
        return (late + GLOBAL_LATE) / (settled + GLOBAL_LATE + GLOBAL_ON_TIME);
    }

    /**
     * The Beta prior's concentration a + b, in pseudo-invoices: how many of a client's own invoices weigh as much as
     * the tenant's rate. Method of moments: with mean m and between-client variance v, a + b = m (1 - m) / v - 1.
     * Clamped to [{@value #MIN_CONCENTRATION}, {@value #MAX_CONCENTRATION}]; {@value #DEFAULT_CONCENTRATION} while
     * the tenant has too few pairs to say.
     */
    public double concentration() {
        if (pairs < MIN_PAIRS) {
            return DEFAULT_CONCENTRATION;
        }
        double m = lateRate();
        double variance = pairSum / pairs - m * m;
        if (variance <= 1e-6) {
            return MAX_CONCENTRATION;
        }
        return Math.max(MIN_CONCENTRATION, Math.min(MAX_CONCENTRATION, m * (1 - m) / variance - 1));
    }

    /**
     * This prior after one more settlement of the tenant.
     *
     * @param clientHistoryBefore the client's remembered settlements before this one (any order)
     * @param wasLate             whether this settlement was late (days late &gt; 0)
     */
    public TenantPrior plus(List<SettledRecord> clientHistoryBefore, boolean wasLate) {
        double y = wasLate ? 1 : 0;
        double p = pairs * DECAY;
        double ps = pairSum * DECAY;
        if (!clientHistoryBefore.isEmpty()) {
            long k = clientHistoryBefore.stream().filter(r -> r.daysLate() > 0).count();
            p += 1;
            ps += y * k / clientHistoryBefore.size();
        }
        return new TenantPrior(settled * DECAY + 1, late * DECAY + y, p, ps);
    }

    /** Serde of the {@code tenant-risk-prior} store's values, in the {@link VersionedSerde} format. */
    public static Serde<TenantPrior> serde() {
        return VersionedSerde.of("tenant-risk-prior", (byte) 1, (out, t) -> {
            out.writeDouble(t.settled);
            out.writeDouble(t.late);
            out.writeDouble(t.pairs);
            out.writeDouble(t.pairSum);
        }, in -> new TenantPrior(in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble()));
    }
}
