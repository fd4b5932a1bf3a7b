package io.paywatch.processor.responsiveness;

import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.MessageEvent;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.contract.ResponsivenessStats;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.StoreBuilder;

import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Per-client reply tracking inside the client processor: threads awaiting a reply, reply latencies,
 * follow-ups and ghosting deadlines. It owns its own state stores; the topology adds them and the client
 * processor calls it for every message event and on every punctuation.
 *
 * <p>CONTRACT between the payments side (issue #4) and the responsiveness side (issue #5): the method
 * signatures below are fixed; the bodies belong to the responsiveness work.
 */
public final class ResponsivenessTracker {

    /** Store builders this tracker needs; the topology adds them and connects them to the client processor. */
    public static List<StoreBuilder<?>> storeBuilders() {
        return List.of();
    }

    /** Names of the stores in {@link #storeBuilders()}, for connecting them to the processor. */
    public static List<String> storeNames() {
        return List.of();
    }

    /** Looks up this tracker's stores; called from the client processor's init. */
    public void init(ProcessorContext<?, ?> context) {
    }

    /**
     * Applies one (already deduplicated) message event of the client {@code clientKey}.
     *
     * @param settings           the tenant's settings (defaults when the tenant saved none)
     * @param hasOverdueInvoice  whether the client has an overdue open invoice right now (raises severity)
     * @return alerts raised by this event (for example RESPONSIVE_AGAIN, or GHOSTING after N unanswered follow-ups)
     */
    public List<PaymentAlert> onMessage(String clientKey, MessageEvent event, FreelancerSettings settings,
            boolean hasOverdueInvoice) {
        return List.of();
    }

    /**
     * Called on wall-clock and stream-time punctuation: raises GHOSTING for every reply deadline that has
     * passed by {@code now} (epoch millis), scanning only the deadlines that are due.
     *
     * @param settingsByTenant   tenantId to settings (never null; defaults when absent)
     * @param hasOverdueInvoice  clientKey to whether it has an overdue invoice
     */
    public List<PaymentAlert> onTime(long now, Function<String, FreelancerSettings> settingsByTenant,
            Predicate<String> hasOverdueInvoice) {
        return List.of();
    }

    /** The client's responsiveness figures as of {@code asOf} (epoch millis), for its profile. */
    public ResponsivenessStats stats(String clientKey, long asOf, FreelancerSettings settings) {
        return ResponsivenessStats.newBuilder().build();
    }
}
