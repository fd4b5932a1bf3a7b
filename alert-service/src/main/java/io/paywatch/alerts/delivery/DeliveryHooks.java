package io.paywatch.alerts.delivery;

import java.util.Collection;

/**
 * Points in the delivery sequence where a test can simulate a crash. Production uses {@link NoDeliveryHooks}.
 * The order is: SMTP accepts, {@link #afterEmailAccepted}, SENT is written to the log, and later, for the
 * whole poll batch, {@link #beforeOffsetCommit}, then the input offsets are committed.
 */
public interface DeliveryHooks {

    /** Called right after the mail server accepted an email, before SENT is logged. */
    void afterEmailAccepted(String alertId);

    /** Called after every alert of a poll batch is sent or parked, before its input offsets are committed. */
    void beforeOffsetCommit(Collection<String> alertIds);
}
