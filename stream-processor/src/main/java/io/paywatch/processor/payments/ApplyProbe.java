package io.paywatch.processor.payments;

/**
 * A port into {@link ClientProcessor}'s application of one event, told at a point in the middle of it: after the
 * invoice-side writes (open-invoices, due-index, the settlement added to the client's state in memory) and before
 * the client-state write. Production passes {@link #NONE}; a test passes a probe that throws, to prove that an event
 * failing half-way leaves nothing behind (issue 12).
 */
@FunctionalInterface
public interface ApplyProbe {

    /** The probe that does nothing. */
    ApplyProbe NONE = (clientKey, event) -> {
    };

    /**
     * Called once per applied (not duplicate) event, half-way through applying it.
     *
     * @param clientKey the record key, {@code tenant|client}
     * @param event     the event (an invoice event's payload, or a {@code MessageEvent})
     */
    void midway(String clientKey, Object event);
}
