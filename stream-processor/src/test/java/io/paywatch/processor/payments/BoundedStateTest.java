package io.paywatch.processor.payments;

import io.paywatch.contract.AlertType;
import io.paywatch.contract.ClientProfile;
import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.InvoiceIssued;
import io.paywatch.contract.Money;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.contract.SourceSystem;
import io.paywatch.contract.VoidReason;
import io.paywatch.processor.Events;
import io.paywatch.processor.ProcessorStores;
import io.paywatch.processor.TopologyFixture;
import io.paywatch.processor.TopologyOptions;
import io.paywatch.processor.ops.ProcessorMetrics;
import io.paywatch.schemas.ClientKey;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12, bounded state of the payments side, through the production topology: events held for an invoice that
 * never arrives and unpaid write-offs expire a state horizon after their latest event (counted); settled invoice ids
 * are remembered for the horizon, beyond the 50-settlement ring, so a late duplicate payment or a re-sync of an old
 * invoice never reopens it; and the settled-invoices store forgets them past the horizon. Truth is computed in the
 * test from what it sent.
 */
class BoundedStateTest {

    private static final String T = "t-bounds";
    private static final String C = "c1";
    private static final String KEY = ClientKey.of(T, C);
    private static final Instant JAN1 = Instant.parse("2026-01-01T10:00:00Z");
    private static final Duration HORIZON = Duration.ofDays(30);

    private static Instant day(int n) {
        return JAN1.plus(Duration.ofDays(n));
    }

    private static TopologyFixture fixture(Duration horizon) {
        return new TopologyFixture(TopologyOptions.defaults().withStateHorizon(horizon), TopologyFixture.REPLAY_WALL);
    }

    /**
     * Without the record cache: a window store's cache keeps a flushed entry (clean) until the cache needs the room,
     * so reads through it may remember longer than the store does. The bound under test is the store's.
     */
    private static TopologyFixture uncached(TopologyOptions options) {
        java.util.Properties noCache = new java.util.Properties();
        noCache.put(org.apache.kafka.streams.StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0L);
        return new TopologyFixture(options, TopologyFixture.REPLAY_WALL, ApplyProbe.NONE, noCache);
    }

    private static Map<String, OpenInvoiceState.Status> entries(TopologyFixture f) {
        KeyValueStore<String, OpenInvoiceState> store = f.driver.getKeyValueStore(ProcessorStores.OPEN_INVOICES);
        Map<String, OpenInvoiceState.Status> out = new TreeMap<>();
        try (KeyValueIterator<String, OpenInvoiceState> it = store.prefixScan(KEY + ClientProcessor.US,
                new org.apache.kafka.common.serialization.StringSerializer())) {
            while (it.hasNext()) {
                KeyValue<String, OpenInvoiceState> e = it.next();
                out.put(e.value.invoiceId(), e.value.status());
            }
        }
        return out;
    }

    private static double expired(TopologyFixture f, String what) {
        var counter = f.registry.find(ProcessorMetrics.STATE_EXPIRED).tag("what", what).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void eventsHeldForAnInvoiceThatNeverArrivesExpireTheHorizonAfterTheirNewestEvent() {
        try (TopologyFixture f = fixture(HORIZON)) {
            f.pipeSettings(Events.settings(T).build());
            f.pipe(T, C, Events.paid(T, C, "never-paid", day(0), 10_00));
            f.pipe(T, C, Events.voided(T, C, "never-voided", day(2)));
            f.pipe(T, C, Events.dueChanged(T, C, "never-moved", day(4), day(40)));
            f.pipe(T, C, Events.paid(T, C, "paid-twice", day(1), 10_00));
            f.pipe(T, C, Events.paid(T, C, "paid-twice", day(20), 10_00)); // its newest held event: day 20
            f.passLateness(day(29));
            assertThat(entries(f)).containsOnlyKeys("never-paid", "never-voided", "never-moved", "paid-twice")
                    .allSatisfy((id, status) -> assertThat(status).isEqualTo(OpenInvoiceState.Status.HELD));

            // Truth: an entry is kept while (newest held event + horizon) is after the watermark.
            Map<String, Instant> newest = Map.of("never-paid", day(0), "never-voided", day(2), "never-moved", day(4),
                    "paid-twice", day(20));
            for (int w : new int[] {30, 33, 49, 51}) {
                f.passLateness(day(w));
                Instant watermark = day(w);
                Map<String, Instant> kept = new TreeMap<>(newest);
                kept.values().removeIf(at -> !at.plus(HORIZON).isAfter(watermark));
                assertThat(entries(f).keySet()).as("watermark day %d", w).isEqualTo(kept.keySet());
            }
            assertThat(expired(f, "held")).isEqualTo(4.0);
            assertThat(f.alerts.readValuesToList()).isEmpty();
        }
    }

    @Test
    void anInvoiceArrivingWithinTheHorizonStillFindsItsHeldPayment() {
        try (TopologyFixture f = fixture(HORIZON)) {
            f.pipeSettings(Events.settings(T).build());
            f.pipe(T, C, Events.paid(T, C, "late-invoice", day(0), 10_00));
            f.passLateness(day(25));
            f.pipe(T, C, Events.issued(T, C, "late-invoice", day(26), 10, 10_00)); // the payment came first
            f.passLateness(day(120));
            assertThat(entries(f)).isEmpty();
            KeyValueStore<String, ClientState> states = f.driver.getKeyValueStore(ProcessorStores.CLIENT_STATE);
            assertThat(states.get(KEY).paidInvoices()).isEqualTo(1);
            assertThat(f.alerts.readValuesToList()).extracting(PaymentAlert::getType)
                    .doesNotContain(AlertType.INVOICE_OVERDUE);
        }
    }

    @Test
    void anUnpaidWriteOffExpiresTheHorizonAfterItAndAWriteOffPaidWithinItSettles() {
        try (TopologyFixture f = fixture(HORIZON)) {
            f.pipeSettings(Events.settings(T).build());
            f.pipe(T, C, Events.issued(T, C, "wo-unpaid", day(0), 10, 50_00));
            f.pipe(T, C, Events.voided(T, C, "wo-unpaid", day(5), VoidReason.WRITTEN_OFF));
            f.pipe(T, C, Events.issued(T, C, "wo-paid", day(0), 10, 50_00));
            f.pipe(T, C, Events.voided(T, C, "wo-paid", day(5), VoidReason.WRITTEN_OFF));
            f.passLateness(day(20));
            assertThat(entries(f)).containsEntry("wo-unpaid", OpenInvoiceState.Status.WRITTEN_OFF)
                    .containsEntry("wo-paid", OpenInvoiceState.Status.WRITTEN_OFF);
            f.pipe(T, C, Events.paid(T, C, "wo-paid", day(30), 50_00));
            f.passLateness(day(34));
            assertThat(entries(f)).containsOnlyKeys("wo-unpaid");
            f.passLateness(day(35));
            assertThat(entries(f)).isEmpty();
            assertThat(expired(f, "written-off")).isEqualTo(1.0);
            KeyValueStore<String, ClientState> states = f.driver.getKeyValueStore(ProcessorStores.CLIENT_STATE);
            assertThat(states.get(KEY).history()).extracting(SettledRecord::invoiceId).containsExactly("wo-paid");
        }
    }

    /** The same invoice issued again by a re-sync: a new event id, the same invoice. */
    private static InvoiceEvent reSync(String invoice, Instant issuedAt, int terms, long amount) {
        return new InvoiceEvent(InvoiceIssued.newBuilder()
                .setEventId("resync-" + invoice + "-" + issuedAt.toEpochMilli())
                .setTenantId(T).setClientId(C).setClientName("Client " + C).setInvoiceId(invoice)
                .setIssuedAt(issuedAt).setDueAt(issuedAt.plus(Duration.ofDays(terms)))
                .setPaymentTermsDays(terms).setAmount(new Money(amount, "EUR"))
                .setSource(SourceSystem.DEMO).build());
    }

    @Test
    void aLateDuplicatePaymentOrReSyncOfAnInvoiceSettledBeyondTheRingDoesNotReopenIt() {
        int invoices = ClientState.HISTORY_SIZE + 10;
        try (TopologyFixture f = fixture(TopologyOptions.STATE_HORIZON)) {
            f.pipeSettings(Events.settings(T).build());
            for (int i = 0; i < invoices; i++) {
                f.pipe(T, C, Events.issued(T, C, "inv-" + i, day(i), 30, 100_00));
                f.pipe(T, C, Events.paid(T, C, "inv-" + i, day(i + 10), 100_00));
            }
            f.passLateness(day(invoices + 20));
            KeyValueStore<String, ClientState> states = f.driver.getKeyValueStore(ProcessorStores.CLIENT_STATE);
            assertThat(states.get(KEY).history()).extracting(SettledRecord::invoiceId)
                    .as("inv-0..9 are out of the ring").doesNotContain("inv-0", "inv-1", "inv-2");
            f.alerts.readValuesToList();

            // Late copies with new event ids: a duplicate payment (a bank re-sync), a re-sync of the invoice, a
            // re-sync with other terms followed by its payment again, a void and a due-date change.
            f.pipe(T, C, Events.paid(T, C, "inv-0", day(invoices + 30), 100_00));
            f.pipe(T, C, reSync("inv-1", day(1), 30, 100_00));
            f.pipe(T, C, reSync("inv-2", day(2), 10, 100_00));
            f.pipe(T, C, Events.paid(T, C, "inv-2", day(invoices + 31), 100_00));
            f.pipe(T, C, Events.voided(T, C, "inv-3", day(invoices + 32)));
            f.pipe(T, C, Events.dueChanged(T, C, "inv-4", day(invoices + 33), day(invoices + 40)));
            f.passLateness(day(invoices + 200));

            // Truth from what was sent: every invoice was paid in full within its terms, once.
            assertThat(entries(f)).as("nothing reopened or held").isEmpty();
            assertThat(states.get(KEY).paidInvoices()).isEqualTo(invoices);
            assertThat(f.alerts.readValuesToList()).as("no alert about any of them").isEmpty();
            ClientProfile profile = f.storedProfile(T, C);
            assertThat(profile.getReceivables().getOpenCount()).isZero();
            assertThat(profile.getPayments().getPaidInvoices()).isEqualTo(invoices);

            // The other bounds of the payments side, on the same history (README, Stores):
            ClientState state = states.get(KEY);
            assertThat(state.history()).as("client-state: the ring").hasSize(ClientState.HISTORY_SIZE);
            assertThat(state.driftPending).as("client-state: drift feed, emptied once W passes").isEmpty();
            assertThat(keys(f.driver.getKeyValueStore(ProcessorStores.DUE_INDEX)))
                    .as("due-index: nothing of the client once everything is judged").noneMatch(k -> k.contains(KEY));
            assertThat(keys(f.driver.getKeyValueStore(ProcessorStores.PENDING_PROFILES)))
                    .as("profile-pending: emptied every interval").isEmpty();
            assertThat(keys(f.driver.getKeyValueStore(ProcessorStores.TENANT_RISK_PRIOR)))
                    .as("tenant-risk-prior: one per tenant with settlements").containsExactly(T);
            assertThat(keys(f.driver.getKeyValueStore(ProcessorStores.CLIENT_PROFILES)))
                    .as("client-profile-store: one per client")
                    .containsExactlyInAnyOrder(KEY, ClientKey.of(TopologyFixture.CLOCK_TENANT, "clock"));
        }
    }

    private static java.util.List<String> keys(KeyValueStore<String, ?> store) {
        java.util.List<String> keys = new java.util.ArrayList<>();
        try (KeyValueIterator<String, ?> it = store.all()) {
            it.forEachRemaining(e -> keys.add(e.key));
        }
        return keys;
    }

    @Test
    void seenEventsRememberAnEventIdForTheDedupeTtlOnly() {
        TopologyOptions d = TopologyOptions.defaults();
        TopologyOptions options = new TopologyOptions(d.wallClockScanInterval(), d.streamTimeScanInterval(),
                d.maxDuePerScan(), Duration.ofDays(30), d.replayIdle(), d.replayLag(), d.recentAlertsPerTenant(),
                d.profileEmitInterval(), d.allowedLateness(), d.alertsPerClient(), d.alertRetention());
        try (TopologyFixture f = uncached(options)) {
            f.pipeSettings(Events.settings(T).build());
            InvoiceEvent first = Events.issued(T, C, "a", day(0), 10, 10_00);
            String id = ((InvoiceIssued) first.getPayload()).getEventId();
            f.pipe(T, C, first);
            WindowStore<String, Long> seen = f.driver.getWindowStore(ProcessorStores.SEEN_EVENTS);
            assertThat(seen.fetch(id, day(0).toEpochMilli())).isNotNull();
            f.pipe(T, C, Events.issued(T, C, "b", day(20), 10, 10_00));
            assertThat(seen.fetch(id, day(0).toEpochMilli())).as("within the TTL").isNotNull();
            f.pipe(T, C, Events.issued(T, C, "c", day(70), 10, 10_00));
            assertThat(seen.fetch(id, day(0).toEpochMilli())).as("70 days later, past the 30-day TTL").isNull();
        }
    }

    @Test
    void settledInvoiceIdsAreForgottenPastTheHorizon() {
        try (TopologyFixture f = uncached(TopologyOptions.defaults().withStateHorizon(HORIZON))) {
            f.pipeSettings(Events.settings(T).build());
            f.pipe(T, C, Events.issued(T, C, "old", day(0), 10, 10_00));
            f.pipe(T, C, Events.paid(T, C, "old", day(1), 10_00));
            assertThat(settledIds(f)).containsExactly("old");
            f.pipe(T, C, Events.issued(T, C, "new", day(60), 10, 10_00));
            f.pipe(T, C, Events.paid(T, C, "new", day(61), 10_00));
            assertThat(settledIds(f)).as("old is 60 days behind, past the 30-day horizon").containsExactly("new");
        }
    }

    private static java.util.List<String> settledIds(TopologyFixture f) {
        WindowStore<String, Long> store = f.driver.getWindowStore(ProcessorStores.SETTLED_INVOICES);
        java.util.List<String> ids = new java.util.ArrayList<>();
        for (String id : new String[] {"old", "new"}) {
            try (WindowStoreIterator<Long> it = store.fetch(ClientProcessor.invoiceKey(KEY, id), 0L, Long.MAX_VALUE)) {
                if (it.hasNext()) {
                    ids.add(id);
                }
            }
        }
        return ids;
    }
}
