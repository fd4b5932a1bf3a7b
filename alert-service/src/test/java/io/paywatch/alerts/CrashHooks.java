package io.paywatch.alerts;

import io.micronaut.context.annotation.Replaces;
import io.paywatch.alerts.delivery.DeliveryHooks;
import io.paywatch.alerts.delivery.NoDeliveryHooks;
import jakarta.inject.Singleton;

import java.util.Collection;

/**
 * Test hooks that kill the delivery worker at a chosen step for a chosen alert, like a crash: the thread ends
 * with an Error, nothing further is written or committed.
 */
@Singleton
@Replaces(NoDeliveryHooks.class)
public class CrashHooks implements DeliveryHooks {

    /** Alert whose SMTP acceptance is followed by a crash, before SENT is logged. */
    public static volatile String crashAfterAccepted;
    /** Alert whose batch crashes after SENT is logged, before the input offset is committed. */
    public static volatile String crashBeforeCommit;

    /** Clears both triggers. */
    public static void reset() {
        crashAfterAccepted = null;
        crashBeforeCommit = null;
    }

    @Override
    public void afterEmailAccepted(String alertId) {
        if (alertId.equals(crashAfterAccepted)) {
            crashAfterAccepted = null;
            throw new SimulatedCrash("after SMTP accept of " + alertId);
        }
    }

    @Override
    public void beforeOffsetCommit(Collection<String> alertIds) {
        String target = crashBeforeCommit;
        if (target != null && alertIds.contains(target)) {
            crashBeforeCommit = null;
            throw new SimulatedCrash("before offset commit of " + target);
        }
    }

    /** An Error, so no catch block of the worker treats it as a recoverable failure. */
    public static final class SimulatedCrash extends Error {
        SimulatedCrash(String message) {
            super("simulated crash " + message);
        }
    }
}
