package io.paywatch.processor.payments;

import io.paywatch.contract.AlertType;
import io.paywatch.contract.ClientProfile;
import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.MessageEvent;
import io.paywatch.contract.MessageSent;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.contract.PaymentReceived;
import io.paywatch.processor.Events;
import io.paywatch.processor.ProcessorStores;
import io.paywatch.processor.TopologyFixture;
import io.paywatch.processor.TopologyOptions;
import io.paywatch.processor.ops.ProcessorMetrics;
import io.paywatch.processor.responsiveness.ResponsivenessStores;
import io.paywatch.schemas.ClientKey;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 12, "Half-applied events": a failure injected half-way through applying an event (through the
 * {@link ApplyProbe} port: after the invoice-side writes and an OVERDUE_CORRECTED raised, before the client-state
 * write) leaves no partial state, sends no output and no dead letter, does not mark the event seen; sending the event
 * again applies it whole, once, and the end state equals that of a run that never failed (the control run).
 */
class HalfAppliedEventTest {

    private static final String T = "t-atomic";
    private static final String C = "c1";
    private static final String KEY = ClientKey.of(T, C);
    private static final Instant JAN1 = Instant.parse("2026-01-01T10:00:00Z");

    /** Fails every event it is armed for, half-way. */
    private static final class FailingProbe implements ApplyProbe {
        final AtomicBoolean armed = new AtomicBoolean();
        final Class<?> type;
        int failures;

        FailingProbe(Class<?> type) {
            this.type = type;
        }

        @Override
        public void midway(String clientKey, Object event) {
            Object payload = event instanceof MessageEvent m ? m.getPayload() : event;
            if (armed.get() && type.isInstance(payload)) {
                failures++;
                throw new IllegalStateException("injected failure half-way through " + type.getSimpleName());
            }
        }
    }

    private static Instant day(int n) {
        return JAN1.plus(java.time.Duration.ofDays(n));
    }

    /** Invoice inv-1 (net 30, due 31 Jan) alerted as overdue by step 1 (4 Feb, grace 3), unpaid. */
    private static void overdueInvoice(TopologyFixture f) {
        f.pipeSettings(Events.settings(T).build());
        f.pipe(T, C, Events.issued(T, C, "inv-0", day(0), 30, 50_00));
        f.pipe(T, C, Events.paid(T, C, "inv-0", day(10), 50_00));
        f.pipe(T, C, Events.issued(T, C, "inv-1", day(1), 30, 100_00));
        f.passLateness(day(50));
        // The history is a catch-up (the wall clock is 2030): its overdue steps are judged once it has ended.
        f.advanceWallClock(TopologyOptions.defaults().replayIdle().plusSeconds(30));
    }

    /** Paid on 2 Feb, before the step-1 alert of 5 Feb: settles inv-1 and withdraws that alert. */
    private static InvoiceEvent latePayment() {
        return Events.paid(T, C, "inv-1", day(32), 100_00);
    }

    @Test
    void aPaymentThatFailsHalfWayLeavesNothingAndIsAppliedWholeOnceWhenSentAgain() {
        FailingProbe probe = new FailingProbe(PaymentReceived.class);
        ClientProfile failedThenRetried;
        List<PaymentAlert> retriedAlerts = new ArrayList<>();
        try (TopologyFixture f = new TopologyFixture(TopologyOptions.defaults(), TopologyFixture.REPLAY_WALL, probe)) {
            overdueInvoice(f);
            List<PaymentAlert> before = f.alerts.readValuesToList();
            assertThat(before).extracting(PaymentAlert::getType).contains(AlertType.INVOICE_OVERDUE)
                    .doesNotContain(AlertType.OVERDUE_CORRECTED);
            f.risks.readValuesToList();
            f.flushProfiles();
            f.profiles.readValuesToList();
            Snapshot clean = Snapshot.of(f);

            probe.armed.set(true);
            InvoiceEvent payment = latePayment();
            assertThatThrownBy(() -> f.pipe(T, C, payment)).hasStackTraceContaining("injected failure");
            assertThat(probe.failures).isEqualTo(1);

            // Nothing of it: stores as before, not seen, no alert (the OVERDUE_CORRECTED it raised is gone), no
            // risk, no dead letter, no profile change; the failure is counted.
            assertThat(Snapshot.of(f)).isEqualTo(clean);
            PaymentReceived p = (PaymentReceived) payment.getPayload();
            assertThat(seen(f, p.getEventId(), p.getPaidAt())).isFalse();
            assertThat(f.alerts.isEmpty()).isTrue();
            assertThat(f.risks.isEmpty()).isTrue();
            assertThat(f.deadLetters.isEmpty()).isTrue();
            f.flushProfiles();
            assertThat(f.profiles.isEmpty()).isTrue();
            assertThat(f.registry.counter(ProcessorMetrics.PROCESSING_FAILED, "topic", "invoice-events").count())
                    .isEqualTo(1.0);
            assertThat(f.registry.find(ProcessorMetrics.DEAD_LETTERED).counters()).isEmpty();

            // Sent again (the EOS retry), with the fault gone: applied whole, once; a third copy is a duplicate.
            probe.armed.set(false);
            f.pipe(T, C, payment);
            f.pipe(T, C, payment);
            retriedAlerts.addAll(f.alerts.readValuesToList());
            assertThat(seen(f, p.getEventId(), p.getPaidAt())).isTrue();
            ClientState state = clientState(f);
            assertThat(state.paidInvoices()).isEqualTo(2);
            assertThat(state.history()).extracting(SettledRecord::invoiceId).containsExactly("inv-0", "inv-1");
            failedThenRetried = f.storedProfile(T, C);
        }
        assertThat(retriedAlerts).extracting(PaymentAlert::getType).containsExactly(AlertType.OVERDUE_CORRECTED);

        // The control run, never failed: same alerts from the payment on, same profile.
        try (TopologyFixture f = new TopologyFixture(TopologyOptions.defaults(), TopologyFixture.REPLAY_WALL)) {
            overdueInvoice(f);
            f.alerts.readValuesToList();
            f.pipe(T, C, latePayment());
            assertThat(f.alerts.readValuesToList()).isEqualTo(retriedAlerts);
            assertThat(f.storedProfile(T, C)).isEqualTo(failedThenRetried);
        }
    }

    @Test
    void aMessageThatFailsHalfWayLeavesNoThreadDeadlineOrSummary() {
        FailingProbe probe = new FailingProbe(MessageSent.class);
        try (TopologyFixture f = new TopologyFixture(TopologyOptions.defaults(), TopologyFixture.REPLAY_WALL, probe)) {
            f.pipeSettings(Events.settings(T).build());
            f.pipe(T, C, Events.issued(T, C, "inv-0", day(0), 30, 50_00));
            Snapshot clean = Snapshot.of(f);
            MessageEvent sent = MessageEvent.newBuilder().setPayload(MessageSent.newBuilder()
                    .setEventId("sent-1").setTenantId(T).setClientId(C).setThreadId("th-1")
                    .setSentAt(day(2)).setExpectsReply(true).build()).build();
            probe.armed.set(true);
            assertThatThrownBy(() -> f.messages.pipeInput(KEY, sent)).hasStackTraceContaining("injected failure");
            assertThat(Snapshot.of(f)).isEqualTo(clean);
            assertThat(seen(f, "sent-1", day(2))).isFalse();

            probe.armed.set(false);
            f.messages.pipeInput(KEY, sent);
            // A replay (wall clock 2030): the message is held until the catch-up ends, then applied.
            Snapshot held = Snapshot.of(f);
            assertThat(held.held).hasSize(1);
            f.messages.pipeInput(KEY, sent); // a duplicate
            assertThat(Snapshot.of(f)).isEqualTo(held);
            f.advanceWallClock(f.options().replayIdle().plusSeconds(30));
            Snapshot applied = Snapshot.of(f);
            assertThat(applied.held).isEmpty();
            assertThat(applied.threads).hasSize(1);
            assertThat(applied.deadlines).hasSize(1);
        }
    }

    private static boolean seen(TopologyFixture f, String eventId, Instant at) {
        WindowStore<String, Long> seen = f.driver.getWindowStore(ProcessorStores.SEEN_EVENTS);
        return seen.fetch(eventId, at.toEpochMilli()) != null;
    }

    private static ClientState clientState(TopologyFixture f) {
        KeyValueStore<String, ClientState> states = f.driver.getKeyValueStore(ProcessorStores.CLIENT_STATE);
        return states.get(KEY);
    }

    /** Every entry of the stores an event can write, as comparable strings (values through their serdes). */
    record Snapshot(List<String> openInvoices, List<String> dueIndex, List<String> clientState,
            List<String> priors, List<String> threads, List<String> deadlines, List<String> summaries,
            List<String> held) {

        static Snapshot of(TopologyFixture f) {
            return new Snapshot(
                    dump(f, ProcessorStores.OPEN_INVOICES, StateSerdes.openInvoice()),
                    dump(f, ProcessorStores.DUE_INDEX, null),
                    dump(f, ProcessorStores.CLIENT_STATE, StateSerdes.clientState()),
                    dump(f, ProcessorStores.TENANT_RISK_PRIOR, TenantPrior.serde()),
                    dump(f, ResponsivenessStores.OPEN_THREADS, null),
                    dump(f, ResponsivenessStores.REPLY_DEADLINES, null),
                    dump(f, ResponsivenessStores.RESPONSIVENESS_STATE, null),
                    dump(f, ResponsivenessStores.HELD_MESSAGES, null));
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private static List<String> dump(TopologyFixture f, String store,
                org.apache.kafka.common.serialization.Serde serde) {
            KeyValueStore<String, Object> kv = f.driver.getKeyValueStore(store);
            List<String> out = new ArrayList<>();
            try (KeyValueIterator<String, Object> it = kv.all()) {
                while (it.hasNext()) {
                    KeyValue<String, Object> e = it.next();
                    String value = serde == null ? String.valueOf(e.value)
                            : java.util.HexFormat.of().formatHex(serde.serializer().serialize(store, e.value));
                    if (serde == null && !(e.value instanceof String)) {
                        // internal values without toString: compare their bytes through the store's own serde
                        value = e.value.getClass().getSimpleName() + ":" + reflect(e.value);
                    }
                    out.add(e.key + "=" + value);
                }
            }
            return out;
        }

        private static String reflect(Object value) {
            StringBuilder sb = new StringBuilder();
            for (java.lang.reflect.Field field : value.getClass().getDeclaredFields()) {
                if (java.lang.reflect.Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                field.setAccessible(true);
                try {
                    Object v = field.get(value);
                    sb.append(field.getName()).append('=').append(v instanceof java.util.Collection<?> c
                            ? c.stream().map(String::valueOf).toList() : v).append(';');
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
            return sb.toString();
        }
    }
}
