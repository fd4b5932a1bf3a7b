package io.paywatch.processor.payments;

import io.paywatch.contract.AgingBucket;
import io.paywatch.contract.AlertType;
import io.paywatch.contract.Classification;
import io.paywatch.contract.ClientProfile;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.InvoiceDueDateChanged;
import io.paywatch.contract.InvoiceIssued;
import io.paywatch.contract.InvoiceRisk;
import io.paywatch.contract.InvoiceVoided;
import io.paywatch.contract.MessageEvent;
import io.paywatch.contract.Money;
import io.paywatch.contract.OpenInvoice;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.contract.PaymentReceived;
import io.paywatch.contract.PaymentStats;
import io.paywatch.contract.ReceivablesStats;
import io.paywatch.contract.ResponsivenessStats;
import io.paywatch.contract.RiskBasis;
import io.paywatch.contract.Severity;
import io.paywatch.contract.VoidReason;
import io.paywatch.processor.ProcessorStores;
import io.paywatch.processor.TopologyOptions;
import io.paywatch.processor.alerting.AlertLog;
import io.paywatch.processor.classification.Classifier;
import io.paywatch.processor.ops.ContractViolation;
import io.paywatch.processor.ops.EventTimeExtractor;
import io.paywatch.processor.ops.ProcessorMetrics;
import io.paywatch.processor.responsiveness.ResponsivenessStores;
import io.paywatch.processor.responsiveness.ResponsivenessTracker;
import io.paywatch.processor.state.WriteStage;
import io.paywatch.schemas.AlertFacts;
import io.paywatch.schemas.ClientKey;
import io.paywatch.schemas.LogSafe;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.state.WindowStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The one stateful processor per client key: joins payments to invoices in a local store, keeps the bounded
 * per-client state, scores risk at issue time, runs the overdue and drift rules, hands message events and
 * punctuation to the {@link ResponsivenessTracker} and emits the client's profile after a change: alerts and risk
 * immediately, the profile (the client's latest state) at most once per {@code profileEmitInterval}.
 *
 * <p><b>Time.</b> Event time (from the payload) drives everything, and answers do not depend on the arrival order
 * within the allowed lateness L ({@link TopologyOptions#allowedLateness()}). Overdue steps, the risk at issue and
 * the drift detector's input are due-index entries at their event time T, judged only once the task's watermark W
 * (newest event time, or the wall clock when live, minus L) has passed T, and judged as of T: a step fires iff the
 * invoice was neither settled nor voided at an event time at or before T. Each record is applied first, then the
 * entries W has passed are judged; the same judgement runs on STREAM_TIME and WALL_CLOCK_TIME punctuation. While
 * the task catches up (records flowing with event times far behind the wall clock: a backfill or replay), W follows
 * the catch-up's own event time and the wall clock stands aside, so a backfill into a running system is judged by
 * its own time. A payment or void dated at or before steps already raised (later than L) withdraws them with one
 * OVERDUE_CORRECTED. See the README, Time model.
 * <p>Alerts carry the time their condition became true (for example local midnight of the day an invoice is more
 * than the grace period past due) and an id derived from the condition, so every path raises the same alert.
 */
public final class ClientProcessor implements Processor<String, Object, String, SpecificRecord> {

    private static final Logger LOG = LoggerFactory.getLogger(ClientProcessor.class);

    /** Separates the client key from the invoice id in store keys; a client id is not expected to contain it. */
    public static final char US = '\u001F';
    private static final String[] AGING_LABELS = {"current", "1-30", "31-60", "61-90", "90+"};
    private static final int MAX_PROFILE_INVOICES = 100;
    private static final long TRACKER_SCAN_STEP_MS = 60_000;
    /** How far past a scan the next due time is looked up (see {@link #nextDue}). */
    private static final long DUE_LOOKAHEAD_MS = 86_400_000L;
    private static final long NONE = OpenInvoiceState.NONE;
    /*
     * Reserved keys of due-index holding the task's watermark inputs. '~' sorts after every digit, so no range scan
     * of due entries (which all start with 13 digits) ever meets them.
     */
    static final String LIVE_MAX_KEY = "~watermark-live-max";
    static final String CATCH_UP_MAX_KEY = "~watermark-catch-up-max";
    /**
     * Prefix of an overdue step whose time the watermark passed while a catch-up was running: the step waits under
     * this prefix (outside every range scan of due entries) until the catch-up ends, then goes back to its time.
     * Why: a catch-up's watermark follows the newest event time of the whole task (every client of the partition),
     * so an invoice posted after later history of other clients, or an invoice whose payment is the very next record
     * of the same sync, would otherwise have its steps judged before its own payment could arrive: a false
     * "still unpaid" alert and then a correction. A catch-up ends replayIdle after its last record, by which time
     * the sync's payments are in; the step is then judged as of its own time, as before.
     */
    static final String DEFERRED_PREFIX = "~deferred|";
    /*
     * Due-index values are open-invoices keys (an overdue step), or one of these tags followed by a key: the risk at
     * issue of an invoice (invoice key), the drift feed of a client (client key). Keys of tagged entries end with the
     * tag too, so they never collide with an overdue entry at the same time.
     */
    static final String RISK_TAG = "\u0002R";
    static final String DRIFT_TAG = "\u0002D";
    /**
     * Due-index tag of an expiry (issue 12, bounded state): an open-invoices entry held for an invoice that never
     * arrived, or a written-off invoice nobody paid, is deleted when the watermark passes its latest event time plus
     * the state horizon.
     */
    static final String EXPIRE_TAG = "\u0002X";

    private final TopologyOptions options;
    private final ApplyProbe probe;
    private final ResponsivenessTracker tracker = new ResponsivenessTracker();
    /**
     * The unit of work of one record (issue 12): every store write made while a record is applied is staged here
     * and written only when the whole record has been applied; alerts, risk and profile changes wait with them.
     */
    private WriteStage stage = new WriteStage();
    /** Outputs (alerts, risk) of the record being applied, sent only when it commits. */
    private final List<Runnable> stagedOutputs = new ArrayList<>();
    /** Profile changes of the record being applied (clientKey → asOf), applied only when it commits. */
    private final Map<String, Long> stagedProfileChanges = new LinkedHashMap<>();
    private ProcessorContext<String, SpecificRecord> context;
    private ProcessorMetrics metrics;
    private WindowStore<String, Long> seenEvents;
    private KeyValueStore<String, OpenInvoiceState> openInvoices;
    private KeyValueStore<String, String> dueIndex;
    private KeyValueStore<String, ClientState> clientStates;
    private KeyValueStore<String, ClientProfile> profiles;
    private AlertLog alertLog;
    private KeyValueStore<String, Object> settingsStore;
    private KeyValueStore<String, Long> pendingProfileStore;
    private KeyValueStore<String, TenantPrior> tenantPriors;
    /** Settled invoice ids (invoice key → settledAt), remembered for the state horizon (a window store drops them). */
    private WindowStore<String, Long> settledInvoices;
    /** Settlements of the record being applied, written to {@link #settledInvoices} when it commits. */
    private final Map<String, Long> stagedSettled = new LinkedHashMap<>();
    private long horizon;
    /** Clients whose profile changed since the last emission, and the asOf of the latest change (first-change order). */
    private final Map<String, Long> pendingProfiles = new LinkedHashMap<>();

    /** Earliest time in the due index (in memory; MIN_VALUE forces a scan after a restart). */
    private long dueHint = Long.MIN_VALUE;
    private long lastTrackerScan = Long.MIN_VALUE;
    /** Message lateness in millis: how long after a reply deadline GHOSTING is judged (TopologyOptions). */
    private long messageLateness;
    /** Allowed lateness in millis (see TopologyOptions#allowedLateness). */
    private long lateness;
    /** Newest event time of the records that were not behind the wall clock (persisted under LIVE_MAX_KEY). */
    private long liveMax = NONE;
    /**
     * Newest event time of the behind records of the current catch-up (a backfill or a replay), or NONE when no
     * catch-up runs (persisted under CATCH_UP_MAX_KEY, so a restart in the middle of a backfill stays in it).
     */
    private long catchUpMax = NONE;
    /** Wall-clock time of the last behind record (in memory; set to the start time when a catch-up was restored). */
    private long lastBehindWallMs = NONE;
    /** Wall-clock time the running catch-up began (in memory, like lastBehindWallMs); NONE when none runs. */
    private long catchUpBeganWallMs = NONE;
    /** Whether due-index may hold parked overdue steps (DEFERRED_PREFIX); true at start, as a restart may leave some. */
    private boolean parkedSteps = true;
    /**
     * How long, in replayIdles, overdue steps may stay parked while a catch-up runs (DEFERRED_PREFIX). A one-off sync
     * or backfill ends well within it; a partition that never stops receiving behind records (every tenant's sync
     * posting date-only events, hours "behind" the wall clock) would otherwise never judge a step again. Past it,
     * parked steps are released and the catch-up's own watermark judges, as before the parking existed.
     */
    static final int MAX_PARKING_IN_REPLAY_IDLES = 5;
    /** Whether the record being processed changed the client's {@link ClientState} (so it must be written). */
    private boolean stateChanged;

    public ClientProcessor(TopologyOptions options) {
        this(options, ApplyProbe.NONE);
    }

    /** A processor whose {@code probe} is told at a point in the middle of applying each event (tests inject faults). */
    public ClientProcessor(TopologyOptions options, ApplyProbe probe) {
        this.options = options;
        this.probe = probe;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        // A revived task re-runs init on the same instance after its stores were restored: start from the stores.
        dueHint = Long.MIN_VALUE;
        lateness = options.allowedLateness().toMillis();
        messageLateness = options.messageLateness().toMillis();
        horizon = options.stateHorizon().toMillis();
        settledInvoices = context.getStateStore(ProcessorStores.SETTLED_INVOICES);
        this.metrics = ProcessorMetrics.from(context.appConfigs());
        seenEvents = context.getStateStore(ProcessorStores.SEEN_EVENTS);
        // A revived task re-runs init: a new stage over the (restored) stores; whatever a failed record staged is gone.
        stage = new WriteStage();
        openInvoices = stage.stage(context.getStateStore(ProcessorStores.OPEN_INVOICES), StateSerdes.openInvoice());
        dueIndex = stage.stage(context.getStateStore(ProcessorStores.DUE_INDEX), Serdes.String());
        clientStates = stage.stage(context.getStateStore(ProcessorStores.CLIENT_STATE), StateSerdes.clientState());
        profiles = context.getStateStore(ProcessorStores.CLIENT_PROFILES);
        alertLog = new AlertLog(context, options);
        settingsStore = context.getStateStore(ProcessorStores.SETTINGS);
        pendingProfileStore = context.getStateStore(ProcessorStores.PENDING_PROFILES);
        tenantPriors = stage.stage(context.getStateStore(ProcessorStores.TENANT_RISK_PRIOR), TenantPrior.serde());
        stagedOutputs.clear();
        stagedProfileChanges.clear();
        stagedSettled.clear();
        pendingProfiles.clear();
        try (KeyValueIterator<String, Long> it = pendingProfileStore.all()) {
            while (it.hasNext()) {
                KeyValue<String, Long> pending = it.next();
                pendingProfiles.put(pending.key, pending.value); // left by the previous owner of this task
            }
        }
        liveMax = readMark(LIVE_MAX_KEY);
        catchUpMax = readMark(CATCH_UP_MAX_KEY);
        // A catch-up that was running when the task stopped: the backlog is presumably still there, so the wall
        // clock must not judge its deadlines before it had replayIdle to resume.
        lastBehindWallMs = catchUpMax == NONE ? NONE : context.currentSystemTimeMs();
        catchUpBeganWallMs = lastBehindWallMs;
        tracker.init(context, stage, options.stateHorizon(), key -> clientState(key).clientName);
        context.schedule(options.wallClockScanInterval(), PunctuationType.WALL_CLOCK_TIME, this::wallClockScan);
        context.schedule(options.streamTimeScanInterval(), PunctuationType.STREAM_TIME, streamTime -> {
            scanTracker(streamTime);
            judge(watermark(context.currentSystemTimeMs()), NONE);
        });
        context.schedule(options.profileEmitInterval(), PunctuationType.WALL_CLOCK_TIME,
                wallNow -> emitPendingProfiles());
    }

    /**
     * Applies one record all or nothing (issue 12). First it is validated in full against the contract and the
     * client's state, without writing anything: a {@link ContractViolation} leaves no trace but its dead letter.
     * Then it is applied inside a unit of work ({@link WriteStage}): store writes, alerts, risk and profile changes
     * are staged and take effect only once the whole record has been applied, and only then is its eventId marked
     * seen. Any other exception (a bug) rolls the stage back and propagates: the processing exception handler fails
     * the task, so under exactly_once_v2 the transaction aborts and the record is processed again by the next owner
     * of the task, whole (README, "Half-applied events").
     */
    @Override
    public void process(Record<String, Object> record) {
        if (record.value() == null) {
            return;
        }
        // Validation first: a contract-breaking record throws before any store is touched.
        InputValidator.Identity id = InputValidator.validate(record.key(), record.value());
        if (record.value() instanceof PaymentReceived payment) {
            validatePayment(record.key(), payment);
        }
        long eventTime = EventTimeExtractor.eventTime(record.value()).toEpochMilli();
        long wallNow = context.currentSystemTimeMs();
        boolean duplicate = seenEvents.fetch(id.eventId(), eventTime) != null;

        long savedDueHint = dueHint;
        long savedTrackerScan = lastTrackerScan;
        long savedLiveMax = liveMax;
        long savedCatchUpMax = catchUpMax;
        long savedLastBehind = lastBehindWallMs;
        long savedCatchUpBegan = catchUpBeganWallMs;
        boolean savedParkedSteps = parkedSteps;
        stage.begin();
        try {
            observe(eventTime, wallNow);
            if (eventTime - lastTrackerScan >= TRACKER_SCAN_STEP_MS) {
                scanTracker(eventTime);
            }
            // A duplicate (same eventId, so the same payload and event time) changes nothing.
            if (!duplicate) {
                apply(record.key(), id, record.value(), eventTime);
                // The record's own effects first, then the deadlines the watermark has passed: a payment is never
                // judged after a deadline it resolves (issue 10, item 5), and a settlement that arrives before the
                // watermark passes an earlier step lets that step be judged as of its own time (it fires as
                // history, with settledDate).
                judge(watermark(wallNow), NONE);
            }
        } catch (RuntimeException | Error e) {
            stage.rollback();
            stagedOutputs.clear();
            stagedProfileChanges.clear();
            stagedSettled.clear();
            tracker.takeExpiredThreads();
            dueHint = savedDueHint;
            lastTrackerScan = savedTrackerScan;
            liveMax = savedLiveMax;
            catchUpMax = savedCatchUpMax;
            lastBehindWallMs = savedLastBehind;
            catchUpBeganWallMs = savedCatchUpBegan;
            parkedSteps = savedParkedSteps;
            throw e;
        }
        stage.commit();
        stagedSettled.forEach((key, settledAt) -> settledInvoices.put(key, settledAt, settledAt));
        stagedSettled.clear();
        if (!duplicate) {
            // Marked seen only now that it is applied: a record that failed half-way is not a duplicate next time.
            seenEvents.put(id.eventId(), eventTime, eventTime);
        }
        stagedProfileChanges.forEach(this::applyProfileChange);
        stagedProfileChanges.clear();
        List<Runnable> outputs = new ArrayList<>(stagedOutputs);
        stagedOutputs.clear();
        outputs.forEach(Runnable::run);
    }

    private void apply(String clientKey, InputValidator.Identity id, Object value, long eventTime) {
        FreelancerSettings settings = settings(id.tenantId());
        if (value instanceof MessageEvent message) {
            if (parkingSteps(context.currentSystemTimeMs())) {
                // A catch-up: held, and applied in event-time order once it ends (scanTracker), like parked steps.
                tracker.hold(clientKey, message);
                probe.midway(clientKey, value);
                return;
            }
            releaseHeldMessages(); // a catch-up's messages are older: they go first
            List<PaymentAlert> alerts = tracker.onMessage(clientKey, message, settings,
                    at -> hasOverdueInvoice(clientKey, at, settings));
            alerts.forEach(this::raise);
            int expired = tracker.takeExpiredThreads();
            if (expired > 0) {
                afterCommit(() -> metrics.stateExpired(ResponsivenessStores.OPEN_THREADS, "ghosted", expired));
            }
            probe.midway(clientKey, value);
            profileChanged(clientKey, eventTime);
            return;
        }
        ClientState state = clientState(clientKey);
        stateChanged = false;
        if (value instanceof InvoiceIssued e) {
            onIssued(clientKey, state, e, settings);
        } else if (value instanceof PaymentReceived e) {
            onPayment(clientKey, state, e, settings);
        } else if (value instanceof InvoiceVoided e) {
            onVoided(clientKey, state, e, settings);
        } else if (value instanceof InvoiceDueDateChanged e) {
            onDueDateChanged(clientKey, state, e, settings);
        }
        probe.midway(clientKey, value);
        if (stateChanged) {
            // Only a settlement or a new client name changes it; a ~3 KB write (and changelog record) per invoice
            // event was a large share of the commit cost.
            clientStates.put(clientKey, state);
        }
        profileChanged(clientKey, eventTime);
    }

    // ---------------------------------------------------------------- invoice lifecycle

    /*
     * Terminal states and reopening (issue 11, item 2). A settlement is final. A void (VoidReason VOIDED, DELETED or
     * UNKNOWN) is final: a payment that arrives for a voided invoice is ignored. A write-off (WRITTEN_OFF, what
     * Stripe's "marked uncollectible" maps to) is not: real billing systems let an uncollectible invoice be paid
     * later, so a written-off invoice is kept and a payment that covers it settles it, dated by that payment
     * (days to pay and days late from its own issue and due dates). A write-off ends overdue alerts from its date on.
     */

    private void onIssued(String clientKey, ClientState state, InvoiceIssued e, FreelancerSettings settings) {
        if (e.getClientName() != null && !e.getClientName().equals(state.clientName)) {
            stateChanged = true;
            state.clientName = e.getClientName();
        }
        String key = invoiceKey(clientKey, e.getInvoiceId());
        if (settled(state, key, e.getInvoiceId())) {
            return; // issued again after it was settled (a re-sync): the settlement stands
        }
        OpenInvoiceState invoice = openInvoices.get(key);
        if (invoice != null && invoice.status == OpenInvoiceState.Status.OPEN) {
            // Issued again while open (a re-sync or an edit): the new terms apply, the risk at issue stands.
            invoice.issuedAt = e.getIssuedAt().toEpochMilli();
            invoice.dueAt = e.getDueAt().toEpochMilli();
            invoice.amountMinor = e.getAmount().getAmountMinor();
            invoice.currency = e.getAmount().getCurrency();
            if (invoice.paidMinor >= invoice.amountMinor) {
                settle(clientKey, state, key, invoice, settings);
                return;
            }
            reindex(key, invoice, settings);
            openInvoices.put(key, invoice);
            return;
        }
        if (invoice != null && invoice.status != OpenInvoiceState.Status.HELD) {
            return; // already settled, voided or written off: a re-sync changes nothing
        }
        if (invoice == null) {
            invoice = held(e.getTenantId(), e.getClientId(), e.getInvoiceId());
        }
        if (invoice.paidCurrency != null && !invoice.paidCurrency.equals(e.getAmount().getCurrency())) {
            LOG.warn("Payments held for invoice {} are in {}, the invoice in {}: held payments ignored",
                    LogSafe.escape(e.getInvoiceId()), LogSafe.escape(invoice.paidCurrency),
                    LogSafe.escape(e.getAmount().getCurrency()));
            invoice.paidMinor = 0;
            invoice.lastPaidAt = NONE;
        }
        invoice.issuedAt = e.getIssuedAt().toEpochMilli();
        // A due-date change that arrived before the invoice is the newer due date.
        invoice.dueAt = invoice.heldDueAt != NONE ? invoice.heldDueAt : e.getDueAt().toEpochMilli();
        invoice.heldDueAt = NONE;
        invoice.heldDueChangedAt = NONE;
        invoice.heldAt = NONE; // arrived: its expiry entry (if any) is stale now
        invoice.amountMinor = e.getAmount().getAmountMinor();
        invoice.currency = e.getAmount().getCurrency();
        invoice.status = OpenInvoiceState.Status.OPEN;
        if (invoice.voidedAt != NONE) {
            invoice.status = isWriteOff(invoice.voidReason) ? OpenInvoiceState.Status.WRITTEN_OFF
                    : OpenInvoiceState.Status.VOIDED_PENDING;
            if (invoice.status == OpenInvoiceState.Status.WRITTEN_OFF) {
                expireAfterHorizon(key, invoice.voidedAt);
            }
        }
        // The risk at issue waits until the watermark passes the issue time: by then every settlement dated before
        // it has arrived, whatever the arrival order (issue 10, item 4).
        invoice.riskPending = true;
        indexTagged(dueKeyPrefix(invoice.issuedAt) + key + RISK_TAG, RISK_TAG + key, invoice.issuedAt);
        if (invoice.status != OpenInvoiceState.Status.VOIDED_PENDING && coversAmount(invoice)) {
            // Paid before we saw it (out-of-order delivery): settled by the payments held for it.
            settle(clientKey, state, key, invoice, settings);
            return;
        }
        reindex(key, invoice, settings);
        storeOrDrop(key, invoice);
    }

    private void onPayment(String clientKey, ClientState state, PaymentReceived e, FreelancerSettings settings) {
        String key = invoiceKey(clientKey, e.getInvoiceId());
        if (settled(state, key, e.getInvoiceId())) {
            LOG.debug("Payment {} for already settled invoice {} ignored", LogSafe.escape(e.getEventId()),
                    LogSafe.escape(e.getInvoiceId()));
            return;
        }
        OpenInvoiceState invoice = openInvoices.get(key);
        if (invoice != null && (invoice.status == OpenInvoiceState.Status.SETTLED_PENDING
                || invoice.status == OpenInvoiceState.Status.VOIDED_PENDING)) {
            return; // an overpayment of a settled invoice, or a payment of a voided one: never reopens it
        }
        String currency = e.getAmount().getCurrency();
        if (invoice == null) {
            invoice = held(e.getTenantId(), e.getClientId(), e.getInvoiceId());
        }
        if (invoice.status == OpenInvoiceState.Status.HELD) {
            invoice.paidCurrency = currency;
        }
        invoice.paidMinor = Math.addExact(invoice.paidMinor, e.getAmount().getAmountMinor());
        invoice.lastPaidAt = Math.max(invoice.lastPaidAt, e.getPaidAt().toEpochMilli());
        if (invoice.status != OpenInvoiceState.Status.HELD && coversAmount(invoice)) {
            settle(clientKey, state, key, invoice, settings); // OPEN, or WRITTEN_OFF reopened by this payment
            return;
        }
        if (invoice.status == OpenInvoiceState.Status.HELD) {
            held(key, invoice, e.getPaidAt().toEpochMilli());
        }
        openInvoices.put(key, invoice);
    }

    /**
     * What a payment must satisfy against the client's state, checked before anything is written: it is in its
     * invoice's currency (or in the currency of payments already held for it), and the invoice's payments still add
     * up in a long.
     */
    private void validatePayment(String clientKey, PaymentReceived e) {
        OpenInvoiceState invoice = openInvoices.get(invoiceKey(clientKey, e.getInvoiceId()));
        if (invoice == null) {
            return;
        }
        String expected = invoice.status == OpenInvoiceState.Status.HELD ? invoice.paidCurrency : invoice.currency;
        if (expected != null && !expected.equals(e.getAmount().getCurrency())) {
            throw new ContractViolation("amount.currency " + e.getAmount().getCurrency() + " differs from invoice "
                    + e.getInvoiceId() + " currency " + expected);
        }
        if (invoice.paidMinor > Long.MAX_VALUE - e.getAmount().getAmountMinor()) {
            throw new ContractViolation("amount.amountMinor " + e.getAmount().getAmountMinor()
                    + " overflows the payments of invoice " + e.getInvoiceId());
        }
    }

    private void onVoided(String clientKey, ClientState state, InvoiceVoided e, FreelancerSettings settings) {
        String key = invoiceKey(clientKey, e.getInvoiceId());
        if (settled(state, key, e.getInvoiceId())) {
            return; // a settlement is final
        }
        OpenInvoiceState invoice = openInvoices.get(key);
        String reason = e.getReason() == null ? "UNKNOWN" : e.getReason().name();
        long voidedAt = e.getVoidedAt().toEpochMilli();
        if (invoice == null || invoice.status == OpenInvoiceState.Status.HELD) {
            // Before the invoice: held, so the invoice arrives voided or written off (a void beats a write-off).
            if (invoice == null) {
                invoice = held(e.getTenantId(), e.getClientId(), e.getInvoiceId());
            }
            if (invoice.voidReason == null || isWriteOff(invoice.voidReason)) {
                invoice.voidReason = reason;
            }
            invoice.voidedAt = invoice.voidedAt == NONE ? voidedAt : Math.min(invoice.voidedAt, voidedAt);
            held(key, invoice, voidedAt);
            openInvoices.put(key, invoice);
            return;
        }
        if (invoice.status == OpenInvoiceState.Status.OPEN) {
            invoice.voidedAt = voidedAt;
            invoice.voidReason = reason;
            invoice.status = isWriteOff(reason) ? OpenInvoiceState.Status.WRITTEN_OFF
                    : OpenInvoiceState.Status.VOIDED_PENDING;
            if (invoice.status == OpenInvoiceState.Status.WRITTEN_OFF) {
                expireAfterHorizon(key, voidedAt);
            }
        } else if (invoice.status == OpenInvoiceState.Status.WRITTEN_OFF && !isWriteOff(reason)) {
            invoice.voidedAt = Math.min(invoice.voidedAt, voidedAt); // written off, then voided: never reopens
            invoice.voidReason = reason;
            invoice.status = OpenInvoiceState.Status.VOIDED_PENDING;
        } else if (invoice.status == OpenInvoiceState.Status.SETTLED_PENDING && isWriteOff(reason)
                && (invoice.voidedAt == NONE || voidedAt < invoice.voidedAt)) {
            // Written off, then paid, arriving in the other order: the settlement stands, and no overdue step from
            // the write-off on fires (as when the write-off arrives first).
            invoice.voidedAt = voidedAt;
            invoice.voidReason = reason;
        } else {
            return; // already settled or voided
        }
        correctFiredSteps(clientKey, invoice, settings);
        reindex(key, invoice, settings);
        storeOrDrop(key, invoice);
    }

    private void onDueDateChanged(String clientKey, ClientState state, InvoiceDueDateChanged e,
            FreelancerSettings settings) {
        String key = invoiceKey(clientKey, e.getInvoiceId());
        if (settled(state, key, e.getInvoiceId())) {
            return;
        }
        OpenInvoiceState invoice = openInvoices.get(key);
        long changedAt = e.getChangedAt().toEpochMilli();
        if (invoice == null || invoice.status == OpenInvoiceState.Status.HELD) {
            // Before the invoice: held, the latest change (by its event time) wins when the invoice arrives.
            if (invoice == null) {
                invoice = held(e.getTenantId(), e.getClientId(), e.getInvoiceId());
            }
            if (changedAt >= invoice.heldDueChangedAt) {
                invoice.heldDueAt = e.getNewDueAt().toEpochMilli();
                invoice.heldDueChangedAt = changedAt;
            }
            held(key, invoice, changedAt);
            openInvoices.put(key, invoice);
            return;
        }
        if (invoice.status != OpenInvoiceState.Status.OPEN) {
            LOG.debug("Due date change for invoice {} that is not open ignored", LogSafe.escape(e.getInvoiceId()));
            return;
        }
        invoice.dueAt = e.getNewDueAt().toEpochMilli();
        invoice.overdueSteps = 0; // a new due date starts a new escalation (its alert ids include the due date)
        reindex(key, invoice, settings);
        openInvoices.put(key, invoice);
    }

    private static OpenInvoiceState held(String tenantId, String clientId, String invoiceId) {
        OpenInvoiceState invoice = new OpenInvoiceState();
        invoice.status = OpenInvoiceState.Status.HELD;
        invoice.tenantId = tenantId;
        invoice.clientId = clientId;
        invoice.invoiceId = invoiceId;
        return invoice;
    }

    /**
     * Notes a held event at {@code eventTime}: the entry expires a state horizon after its newest held event, unless
     * the invoice arrives first (bounded state: an invoice that never arrives does not keep its events for ever).
     */
    private void held(String key, OpenInvoiceState invoice, long eventTime) {
        if (invoice.heldAt == NONE || eventTime > invoice.heldAt) {
            invoice.heldAt = eventTime;
            expireAfterHorizon(key, eventTime);
        }
    }

    /** Indexes the expiry check of an open-invoices entry at {@code from} + the state horizon. */
    private void expireAfterHorizon(String key, long from) {
        long at = from + horizon;
        indexTagged(dueKeyPrefix(at) + key + EXPIRE_TAG, EXPIRE_TAG + key, at);
    }

    /**
     * Judges an expiry entry at {@code at}: deletes the entry if it is still held and its newest held event is a state
     * horizon old, or still written off (unpaid) a state horizon after the write-off. Otherwise the entry is stale.
     */
    private void expire(String key, long at) {
        OpenInvoiceState invoice = openInvoices.get(key);
        if (invoice == null) {
            return;
        }
        String what;
        if (invoice.status == OpenInvoiceState.Status.HELD && invoice.heldAt != NONE
                && invoice.heldAt + horizon <= at) {
            what = "held";
        } else if (invoice.status == OpenInvoiceState.Status.WRITTEN_OFF && invoice.voidedAt + horizon <= at) {
            what = "written-off";
        } else {
            return;
        }
        removeFromIndex(invoice);
        openInvoices.delete(key);
        afterCommit(() -> metrics.stateExpired(ProcessorStores.OPEN_INVOICES, what, 1));
    }

    /**
     * Whether the invoice was settled within the state horizon: in the client's ring of recent settlements, or in
     * {@code settled-invoices} (so a late duplicate payment or a re-sync of an older invoice never reopens it).
     */
    private boolean settled(ClientState state, String key, String invoiceId) {
        if (state.recentlySettled(invoiceId) || stagedSettled.containsKey(key)) {
            return true;
        }
        try (var it = settledInvoices.fetch(key, 0L, Long.MAX_VALUE)) {
            return it.hasNext();
        }
    }

    private static boolean isWriteOff(String reason) {
        return VoidReason.WRITTEN_OFF.name().equals(reason);
    }

    private static boolean coversAmount(OpenInvoiceState invoice) {
        return invoice.paidMinor >= invoice.amountMinor && invoice.lastPaidAt != NONE;
    }

    /**
     * Settles an invoice whose payments cover its amount. It is settled at its latest payment (the payment that
     * completed it in event time, whatever the arrival order). Its statistics count at once; the drift detector
     * gets it when the watermark passes its date, in date order. Overdue steps dated before the settlement that are
     * not judged yet keep the invoice (SETTLED_PENDING) until they are; steps already raised at or after the
     * settlement date are withdrawn (OVERDUE_CORRECTED).
     */
    private void settle(String clientKey, ClientState state, String key, OpenInvoiceState invoice,
            FreelancerSettings settings) {
        long settledAt = invoice.lastPaidAt;
        ZoneId zone = CalendarDays.zone(settings.getTimezone());
        // A prepayment before the invoice date counts as paid on the day: DTP is never negative.
        int daysToPay = Math.max(0, CalendarDays.between(invoice.issuedAt, settledAt, zone));
        int daysLate = Math.max(0, CalendarDays.between(invoice.dueAt, settledAt, zone));
        int terms = Math.max(0, CalendarDays.between(invoice.issuedAt, invoice.dueAt, zone));
        SettledRecord record = new SettledRecord(invoice.invoiceId, invoice.issuedAt, invoice.dueAt, settledAt,
                daysToPay, daysLate, terms, invoice.amountMinor, invoice.currency);
        stateChanged = true;
        state.addSettled(record);
        state.addDriftPending(record);
        indexTagged(dueKeyPrefix(settledAt) + clientKey + DRIFT_TAG, DRIFT_TAG + clientKey, settledAt);
        invoice.settledAt = settledAt;
        invoice.status = OpenInvoiceState.Status.SETTLED_PENDING;
        if (stage.isOpen()) {
            stagedSettled.put(key, settledAt);
        } else {
            settledInvoices.put(key, settledAt, settledAt);
        }
        correctFiredSteps(clientKey, invoice, settings);
        reindex(key, invoice, settings);
        storeOrDrop(key, invoice);
    }

    /** Keeps the entry while it still matters (see {@link OpenInvoiceState}), and deletes it otherwise. */
    private void storeOrDrop(String key, OpenInvoiceState invoice) {
        boolean keep = invoice.status == OpenInvoiceState.Status.OPEN
                || invoice.status == OpenInvoiceState.Status.HELD
                || invoice.status == OpenInvoiceState.Status.WRITTEN_OFF
                || invoice.dueIndexKey != null || invoice.riskPending;
        if (keep) {
            openInvoices.put(key, invoice);
        } else {
            openInvoices.delete(key);
        }
    }

    /**
     * A settlement or void dated at or before overdue steps already raised proves them wrong (a fact later than the
     * allowed lateness, such as a bank feed days late): one OVERDUE_CORRECTED, for the lowest such step, withdraws
     * them all (its facts list every withdrawn alert id), so the freelancer gets one message per wrong invoice.
     */
    private void correctFiredSteps(String clientKey, OpenInvoiceState invoice, FreelancerSettings settings) {
        long terminal = invoice.terminalAt();
        if (invoice.overdueSteps == 0 || terminal == NONE || !settings.getAlertOptIns().getInvoiceOverdue()) {
            return;
        }
        ZoneId zone = CalendarDays.zone(settings.getTimezone());
        int grace = settings.getOverdueGraceDays();
        ClientKey ck = ClientKey.parse(clientKey);
        int first = -1;
        List<String> withdrawn = new ArrayList<>();
        for (int step = OverdueSchedule.nextStep(0, grace); step > 0 && step <= invoice.overdueSteps;
                step = OverdueSchedule.nextStep(step, grace)) {
            if (OverdueSchedule.firesAt(invoice.dueAt, step, grace, zone) >= terminal) {
                first = first < 0 ? step : first;
                withdrawn.add(AlertIds.of(ck.tenantId(), ck.clientId(), "INVOICE_OVERDUE", invoice.invoiceId,
                        invoice.dueAt, step));
            }
        }
        if (first > 0) {
            raise(correctedAlert(clientKey, invoice, first, withdrawn, grace, zone));
        }
    }

    // ---------------------------------------------------------------- risk

    private void assessAtIssue(String clientKey, ClientState state, OpenInvoiceState invoice,
            FreelancerSettings settings, String clientName) {
        ZoneId zone = CalendarDays.zone(settings.getTimezone());
        // Only what was settled before the invoice was issued, so replayed history measures honest forecasts.
        List<SettledRecord> prior = state.history().stream().filter(r -> r.settledAt() <= invoice.issuedAt).toList();
        int terms = Math.max(0, CalendarDays.between(invoice.issuedAt, invoice.dueAt, zone));
        RiskModel.Assessment a = RiskModel.assess(prior, terms, invoice.amountMinor, invoice.currency,
                settings.getPaymentNormDays(), tenantPrior(invoice.tenantId));
        invoice.riskAtIssue = a; // the caller stores the invoice: profiles show this figure from now on
        long expectedSettleAt = expectedSettleAt(invoice.issuedAt, a.expectedDaysToPay());
        ClientKey ck = ClientKey.parse(clientKey);
        Money amount = new Money(invoice.amountMinor, invoice.currency);
        output(new Record<>(clientKey, InvoiceRisk.newBuilder()
                .setTenantId(ck.tenantId()).setClientId(ck.clientId()).setInvoiceId(invoice.invoiceId)
                .setIssuedAt(Instant.ofEpochMilli(invoice.issuedAt)).setDueAt(Instant.ofEpochMilli(invoice.dueAt))
                .setAmount(amount).setLateProbability(a.lateProbability())
                .setExpectedDaysToPay(a.expectedDaysToPay())
                .setExpectedSettleAt(Instant.ofEpochMilli(expectedSettleAt))
                .setBasis(a.basis()).setBasisInvoices(a.basisInvoices()).setModelVersion(RiskModel.VERSION)
                .build(), context.currentSystemTimeMs()));
        if (settings.getAlertOptIns().getInvoiceAtRisk() && a.basis() == RiskBasis.CLIENT_HISTORY
                && a.lateProbability() >= settings.getAtRiskThreshold()) {
            String why = RiskModel.explain(prior);
            RiskModel.RecentLateness recent = RiskModel.recentLateness(prior);
            Map<String, String> facts = new LinkedHashMap<>();
            facts.put(AlertFacts.LATE_PROBABILITY, ExtraFacts.twoDecimals(a.lateProbability()));
            facts.put(AlertFacts.EXPECTED_DAYS_TO_PAY, ExtraFacts.oneDecimal(a.expectedDaysToPay()));
            facts.put(AlertFacts.EXPECTED_SETTLE_DATE, ExtraFacts.localDate(expectedSettleAt, zone));
            facts.put(AlertFacts.LATE_INVOICES, Integer.toString(recent.lateInvoices()));
            facts.put(AlertFacts.RECENT_INVOICES, Integer.toString(recent.recentInvoices()));
            facts.put(AlertFacts.AVG_DAYS_LATE, ExtraFacts.oneDecimal(recent.avgDaysLate()));
            facts.put(AlertFacts.NORM_DAYS, Integer.toString(settings.getPaymentNormDays()));
            facts.put(AlertFacts.ISSUED_DATE, ExtraFacts.localDate(invoice.issuedAt, zone));
            facts.put(AlertFacts.DUE_DATE, ExtraFacts.localDate(invoice.dueAt, zone));
            facts.put(AlertFacts.TIMEZONE, zone.getId());
            facts.put(ExtraFacts.THRESHOLD, ExtraFacts.twoDecimals(settings.getAtRiskThreshold()));
            facts.put(ExtraFacts.BASIS_INVOICES, Integer.toString(a.basisInvoices()));
            facts.put(ExtraFacts.EXPLANATION, why);
            raise(alert(clientKey, AlertType.INVOICE_AT_RISK, Severity.WARNING, invoice.issuedAt,
                    AlertIds.of(ck.tenantId(), ck.clientId(), "INVOICE_AT_RISK", invoice.invoiceId),
                    List.of(invoice.invoiceId), List.of(amount), facts,
                    "Invoice " + invoice.invoiceId + " is likely to be paid late ("
                            + Math.round(a.lateProbability() * 100) + "%): this client " + why
                            + "; consider a deposit", clientName != null ? clientName : state.clientName));
        }
    }

    private static long expectedSettleAt(long issuedAt, double expectedDays) {
        return RiskModel.expectedSettleAt(issuedAt, expectedDays); // the query API computes it the same way
    }

    // ---------------------------------------------------------------- deadlines and the watermark

    /*
     * The time model (README, Time model). Overdue steps, the risk at issue and the drift detector's input are all
     * entries of due-index keyed by their event time T; an entry is judged only once the watermark W has passed T,
     * and judged "as of T": an overdue step fires iff the invoice was neither settled nor voided at an event time at
     * or before T. W lags the newest event time by the allowed lateness L, so any event displaced from event-time
     * order by less than L has arrived before W passes it, and the answers are a pure function of event times.
     *
     * Which newest event time: while the task catches up (behind records flowing: a backfill or a replay), the
     * newest event time of this catch-up's records. Otherwise the wall clock (or a post-dated live event), because a
     * silent client sends nothing. A backfill imported into a running system thus judges its history by its own
     * time, not by the wall clock it arrives at; deadlines of live invoices wait until the catch-up ends.
     */

    /** Records the event time of an arriving record in the watermark inputs (and persists what changed). */
    private void observe(long eventTime, long wallNow) {
        if (eventTime < wallNow - options.replayLag().toMillis()) {
            if (lastBehindWallMs == NONE || wallNow - lastBehindWallMs >= options.replayIdle().toMillis()) {
                catchUpBeganWallMs = wallNow; // a new catch-up (the previous one, if any, had gone idle)
            }
            lastBehindWallMs = wallNow;
            if (eventTime > catchUpMax) {
                catchUpMax = eventTime;
                dueIndex.put(CATCH_UP_MAX_KEY, Long.toString(eventTime));
            }
        } else if (eventTime > liveMax) {
            liveMax = eventTime;
            dueIndex.put(LIVE_MAX_KEY, Long.toString(eventTime));
        }
    }

    /** Whether behind records flowed within the last replayIdle: a backfill or replay is being caught up. */
    private boolean catchingUp(long wallNow) {
        return catchUpMax != NONE && lastBehindWallMs != NONE
                && wallNow - lastBehindWallMs < options.replayIdle().toMillis();
    }

    /** The watermark at {@code wallNow}; ends a catch-up whose records stopped flowing. NONE when nothing is known. */
    private long watermark(long wallNow) {
        if (catchingUp(wallNow)) {
            if (parkedSteps && !parkingSteps(wallNow)) {
                releaseDeferred(); // an endless catch-up: its steps have waited long enough
            }
            return catchUpMax - lateness;
        }
        if (catchUpMax != NONE) {
            catchUpMax = NONE;
            catchUpBeganWallMs = NONE;
            dueIndex.delete(CATCH_UP_MAX_KEY);
            releaseDeferred();
        } else if (parkedSteps) {
            releaseDeferred(); // possibly left by a previous owner of the task
        }
        return Math.max(wallNow, liveMax) - lateness;
    }

    /**
     * Whether overdue steps the watermark passes are parked (DEFERRED_PREFIX): while a catch-up runs, for at most
     * {@link #MAX_PARKING_IN_REPLAY_IDLES} replayIdles from its start.
     */
    private boolean parkingSteps(long wallNow) {
        return catchingUp(wallNow) && catchUpBeganWallMs != NONE
                && wallNow - catchUpBeganWallMs < options.replayIdle().toMillis() * MAX_PARKING_IN_REPLAY_IDLES;
    }

    /**
     * The catch-up ended (or outlasted {@link #MAX_PARKING_IN_REPLAY_IDLES}): overdue steps parked during it go back
     * to their own time, to be judged in time order.
     */
    private void releaseDeferred() {
        parkedSteps = false;
        List<KeyValue<String, String>> parked = new ArrayList<>();
        try (KeyValueIterator<String, String> it = dueIndex.range(DEFERRED_PREFIX, DEFERRED_PREFIX + "\uFFFF")) {
            it.forEachRemaining(parked::add);
        }
        for (KeyValue<String, String> entry : parked) {
            dueIndex.delete(entry.key);
            OpenInvoiceState invoice = openInvoices.get(entry.value);
            if (invoice == null || !entry.key.equals(invoice.dueIndexKey)) {
                continue; // settled, voided or re-indexed since it was parked
            }
            String key = entry.key.substring(DEFERRED_PREFIX.length());
            dueIndex.put(key, entry.value);
            invoice.dueIndexKey = key;
            openInvoices.put(entry.value, invoice);
            dueHint = Math.min(dueHint, Long.parseLong(key.substring(0, 13)));
        }
    }

    private long readMark(String key) {
        String value = dueIndex.get(key);
        return value == null ? NONE : Long.parseLong(value);
    }

    private void wallClockScan(long wallNow) {
        if (catchingUp(wallNow)) {
            return; // catching up: the catch-up's own event time drives the deadlines (see above)
        }
        judge(watermark(wallNow), wallNow);
        scanTracker(wallNow);
    }

    /** Applies the message events a catch-up held, in event-time order (ResponsivenessTracker#releaseHeld). */
    private void releaseHeldMessages() {
        if (!tracker.holdsMessages()) {
            return;
        }
        List<PaymentAlert> alerts = tracker.releaseHeld(this::settings,
                (clientKey, at) -> hasOverdueInvoice(clientKey, at, settings(ClientKey.parse(clientKey).tenantId())),
                this::profileChanged);
        alerts.forEach(this::raise);
        int expired = tracker.takeExpiredThreads();
        if (expired > 0) {
            afterCommit(() -> metrics.stateExpired(ResponsivenessStores.OPEN_THREADS, "ghosted", expired));
        }
    }

    /** Reply deadlines of the responsiveness tracker, as of {@code now} (unchanged by the watermark). */
    private void scanTracker(long now) {
        if (parkingSteps(context.currentSystemTimeMs())) {
            return; // a catch-up: its messages are held, and no reply deadline is judged before they are applied
        }
        releaseHeldMessages();
        if (now <= lastTrackerScan) {
            return;
        }
        lastTrackerScan = now;
        TreeSet<String> touched = new TreeSet<>();
        // Deadlines are judged messageLateness behind now: a reply dated before its deadline that mail tooling delivers
        // a little late still stops the GHOSTING (which stays dated at the deadline) instead of following it.
        List<PaymentAlert> alerts = tracker.onTime(now - messageLateness, this::settings,
                (clientKey, at) -> hasOverdueInvoice(clientKey, at, settings(ClientKey.parse(clientKey).tenantId())));
        int expired = tracker.takeExpiredThreads();
        if (expired > 0) {
            afterCommit(() -> metrics.stateExpired(ResponsivenessStores.OPEN_THREADS, "ghosted", expired));
        }
        for (PaymentAlert alert : alerts) {
            raise(alert);
            touched.add(ClientKey.of(alert.getTenantId(), alert.getClientId()));
        }
        for (String clientKey : touched) {
            profileChanged(clientKey, now);
        }
    }

    /**
     * Judges every due-index entry at or before the watermark {@code w} (at most maxDuePerScan per call). A changed
     * client's profile is as of the latest thing judged for it (a function of event times only), or as of
     * {@code wallAsOf} when the wall clock judges (live: the profile is as of now, as before).
     */
    private void judge(long w, long wallAsOf) {
        if (w == NONE || w < dueHint) {
            return;
        }
        Map<String, Long> touched = new TreeMap<>();
        scanDueIndex(w, touched);
        touched.forEach((clientKey, at) -> profileChanged(clientKey, wallAsOf == NONE ? at : Math.max(at, wallAsOf)));
    }

    private void scanDueIndex(long w, Map<String, Long> touched) {
        List<KeyValue<String, String>> due = new ArrayList<>();
        boolean more;
        // dueHint is a lower bound of every key in the index, so the range starts there rather than at the first
        // key: RocksDB would otherwise step over the tombstones of every entry already handled, on every scan.
        String from = dueHint == Long.MIN_VALUE ? null : dueKeyPrefix(dueHint);
        try (KeyValueIterator<String, String> it = dueIndex.range(from, dueKeyPrefix(w) + "\uFFFF")) {
            while (it.hasNext() && due.size() < options.maxDuePerScan()) {
                due.add(it.next());
            }
            more = it.hasNext();
        }
        for (KeyValue<String, String> entry : due) {
            dueIndex.delete(entry.key);
            if (entry.value.startsWith(RISK_TAG)) {
                judgeRisk(entry.value.substring(RISK_TAG.length()));
            } else if (entry.value.startsWith(EXPIRE_TAG)) {
                expire(entry.value.substring(EXPIRE_TAG.length()), Long.parseLong(entry.key.substring(0, 13)));
            } else if (entry.value.startsWith(DRIFT_TAG)) {
                // Up to the entry's own time, not to w: the entries are judged in time order, so the tenant prior
                // (shared by the tenant's clients) learns the settlements of all clients in event-time order, and a
                // risk entry at T sees exactly the settlements dated at or before T, however far w jumped in one
                // scan (how far it jumps depends on the arrival order).
                feedDrift(entry.value.substring(DRIFT_TAG.length()), Long.parseLong(entry.key.substring(0, 13)),
                        touched);
            } else {
                judgeOverdue(entry.key, entry.value, w, touched);
            }
        }
        if (more) {
            // Work left, all at or after the last key handled: the next record or tick continues from there.
            dueHint = Long.parseLong(due.get(due.size() - 1).key.substring(0, 13));
        } else {
            dueHint = nextDue(w);
        }
    }

    /** Fires the overdue steps of one invoice at or before {@code w} that it was still open at (as of each step). */
    private void judgeOverdue(String indexKey, String invoiceKey, long w, Map<String, Long> touched) {
        OpenInvoiceState invoice = openInvoices.get(invoiceKey);
        if (invoice == null || invoice.status == OpenInvoiceState.Status.HELD
                || !indexKey.equals(invoice.dueIndexKey)) {
            return; // stale entry
        }
        if (parkingSteps(context.currentSystemTimeMs())) {
            // Not judged during a catch-up (see DEFERRED_PREFIX): parked until it ends, then judged as of its time.
            parkedSteps = true;
            String deferred = DEFERRED_PREFIX + indexKey;
            dueIndex.put(deferred, invoiceKey);
            invoice.dueIndexKey = deferred;
            openInvoices.put(invoiceKey, invoice);
            return;
        }
        invoice.dueIndexKey = null;
        String clientKey = ClientKey.of(invoice.tenantId, invoice.clientId);
        FreelancerSettings settings = settings(invoice.tenantId);
        ZoneId zone = CalendarDays.zone(settings.getTimezone());
        int grace = settings.getOverdueGraceDays();
        long terminal = invoice.terminalAt();
        for (int step = OverdueSchedule.nextStep(invoice.overdueSteps, grace); step > 0;
                step = OverdueSchedule.nextStep(invoice.overdueSteps, grace)) {
            long at = OverdueSchedule.firesAt(invoice.dueAt, step, grace, zone);
            if (at > w || (terminal != NONE && at >= terminal)) {
                break;
            }
            if (settings.getAlertOptIns().getInvoiceOverdue()) {
                raise(overdueAlert(clientKey, invoice, step, grace, settings.getPaymentNormDays(), zone));
            }
            invoice.overdueSteps = step;
            touched.merge(clientKey, at, Math::max);
        }
        reindex(invoiceKey, invoice, settings);
        storeOrDrop(invoiceKey, invoice);
    }

    /** Emits the InvoiceRisk (and INVOICE_AT_RISK) of an invoice whose issue time the watermark has passed. */
    private void judgeRisk(String invoiceKey) {
        OpenInvoiceState invoice = openInvoices.get(invoiceKey);
        if (invoice == null || !invoice.riskPending) {
            return;
        }
        invoice.riskPending = false;
        String clientKey = ClientKey.of(invoice.tenantId, invoice.clientId);
        assessAtIssue(clientKey, clientState(clientKey), invoice, settings(invoice.tenantId), null);
        storeOrDrop(invoiceKey, invoice);
    }

    /**
     * Feeds the drift detector (and the tenant prior) the client's settlements at or before {@code w}, the time of
     * the drift entry being judged (at or before the watermark), in settlement-time order.
     */
    private void feedDrift(String clientKey, long w, Map<String, Long> touched) {
        ClientState state = clientStates.get(clientKey);
        if (state == null || state.driftPending.isEmpty() || state.driftPending.get(0).settledAt() > w) {
            return;
        }
        FreelancerSettings settings = settings(ClientKey.parse(clientKey).tenantId());
        while (!state.driftPending.isEmpty() && state.driftPending.get(0).settledAt() <= w) {
            SettledRecord record = state.driftPending.remove(0);
            List<SettledRecord> upTo = state.historyUpTo(record);
            // The tenant's late rate and client spread learn from this settlement in event-time order too, and
            // before the client's history includes it (TenantPrior#plus), so risk judged later is order-free.
            List<SettledRecord> before = upTo.isEmpty() ? upTo : upTo.subList(0, upTo.size() - 1);
            String tenantId = ClientKey.parse(clientKey).tenantId();
            tenantPriors.put(tenantId, tenantPrior(tenantId).plus(before, record.daysLate() > 0));
            DriftDetector.Outcome drift = DriftDetector.evaluate(state, upTo, record.daysToPay(),
                    settings.getPaymentNormDays(), settings.getDriftToleranceDays(), settings.getOverdueGraceDays());
            if (drift.transition() != DriftDetector.Transition.NONE && settings.getAlertOptIns().getPaymentDrift()) {
                raise(driftAlert(clientKey, state, drift, record, upTo, settings));
            }
            touched.merge(clientKey, record.settledAt(), Math::max);
        }
        clientStates.put(clientKey, state);
    }

    /**
     * The earliest due time after {@code now}, or a lower bound of it: only a bounded window is looked at, because a
     * range over a cached store copies every cached key in the range, and the whole rest of the index may be cached.
     * With nothing due in the window, its end is a safe hint (the index has no key before it); re-indexing lowers
     * the hint again when it adds an earlier key.
     */
    private long nextDue(long now) {
        long windowEnd = now + DUE_LOOKAHEAD_MS;
        try (KeyValueIterator<String, String> it = dueIndex.range(dueKeyPrefix(now + 1), dueKeyPrefix(windowEnd))) {
            return it.hasNext() ? Long.parseLong(it.next().key.substring(0, 13)) : windowEnd;
        }
    }

    /**
     * Indexes the invoice's next overdue step, if it has one that can still fire: an open invoice's, or a settled
     * or voided one's step dated before its settlement or void (judged as of its own time when W passes it).
     */
    private void reindex(String invoiceKey, OpenInvoiceState invoice, FreelancerSettings settings) {
        removeFromIndex(invoice);
        if (invoice.status == OpenInvoiceState.Status.HELD) {
            return;
        }
        int grace = settings.getOverdueGraceDays();
        int step = OverdueSchedule.nextStep(invoice.overdueSteps, grace);
        if (step < 0) {
            return;
        }
        long at = OverdueSchedule.firesAt(invoice.dueAt, step, grace, CalendarDays.zone(settings.getTimezone()));
        long terminal = invoice.terminalAt();
        if (terminal != NONE && at >= terminal) {
            return;
        }
        String key = dueKeyPrefix(at) + invoiceKey;
        dueIndex.put(key, invoiceKey);
        invoice.dueIndexKey = key;
        dueHint = Math.min(dueHint, at);
    }

    /** Adds a risk or drift entry to the due index (its key says when, its value what). */
    private void indexTagged(String key, String value, long at) {
        dueIndex.put(key, value);
        dueHint = Math.min(dueHint, at);
    }

    private void removeFromIndex(OpenInvoiceState invoice) {
        if (invoice.dueIndexKey != null) {
            dueIndex.delete(invoice.dueIndexKey);
            invoice.dueIndexKey = null;
        }
    }

    private static String dueKeyPrefix(long epochMillis) {
        return pad13(epochMillis) + "|";
    }

    /**
     * Whether the client had an invoice more than the grace period past due at {@code at} (epoch millis): one still
     * open, or one of its remembered settlements paid after {@code at}. A GHOSTING asks at its own date, so a replay
     * that applies the payment before releasing the held messages still says CRITICAL where the live run did.
     */
    private boolean hasOverdueInvoice(String clientKey, long at, FreelancerSettings settings) {
        ZoneId zone = CalendarDays.zone(settings.getTimezone());
        int grace = settings.getOverdueGraceDays();
        try (KeyValueIterator<String, OpenInvoiceState> it = openInvoices.prefixScan(clientKey + US,
                new StringSerializer())) {
            while (it.hasNext()) {
                OpenInvoiceState invoice = it.next().value;
                if (invoice.status == OpenInvoiceState.Status.OPEN && invoice.issuedAt <= at
                        && CalendarDays.between(invoice.dueAt, at, zone) > grace) {
                    return true;
                }
            }
        }
        // Settled since: overdue then if paid after it (a replay judges a GHOSTING after the payment is applied, and
        // must say what a live run said at the deadline). The history keeps the client's last settlements.
        for (SettledRecord r : clientState(clientKey).history()) {
            if (r.settledAt() > at && r.issuedAt() <= at && CalendarDays.between(r.dueAt(), at, zone) > grace) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- alerts

    private PaymentAlert overdueAlert(String clientKey, OpenInvoiceState invoice, int step, int grace, int normDays,
            ZoneId zone) {
        ClientKey ck = ClientKey.parse(clientKey);
        long occurredAt = OverdueSchedule.firesAt(invoice.dueAt, step, grace, zone);
        int daysPastDue = OverdueSchedule.daysPastDue(step, grace);
        long terminal = invoice.terminalAt();
        Money outstanding = new Money(invoice.outstandingMinor(), invoice.currency);
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put(AlertFacts.DAYS_PAST_DUE, Integer.toString(daysPastDue));
        facts.put(AlertFacts.DUE_DATE, ExtraFacts.localDate(invoice.dueAt, zone));
        facts.put(AlertFacts.ESCALATION_STEP, Integer.toString(step));
        facts.put(AlertFacts.NORM_DAYS, Integer.toString(normDays));
        facts.put(AlertFacts.GRACE_DAYS, Integer.toString(grace));
        facts.put(AlertFacts.ISSUED_DATE, ExtraFacts.localDate(invoice.issuedAt, zone));
        facts.put(AlertFacts.TIMEZONE, zone.getId());
        facts.put(ExtraFacts.AMOUNT_MINOR, Long.toString(invoice.amountMinor));
        facts.put(ExtraFacts.OUTSTANDING_MINOR, Long.toString(invoice.outstandingMinor()));
        facts.put(ExtraFacts.CURRENCY, invoice.currency);
        String summary = "Invoice " + invoice.invoiceId + " is " + daysPastDue + " days past due with "
                + formatMoney(outstanding) + " outstanding";
        List<Money> amounts = List.of(outstanding);
        if (terminal != NONE) {
            // Already settled or voided when judged (a backfill, or a payment that arrived before the watermark
            // passed this step): history, not news. The alert-service does not email it.
            facts.put(AlertFacts.SETTLED_DATE, ExtraFacts.localDate(terminal, zone));
            summary = "Invoice " + invoice.invoiceId + " was " + daysPastDue + " days past due on "
                    + ExtraFacts.localDate(occurredAt, zone) + "; it was " + terminalVerb(invoice) + " on "
                    + ExtraFacts.localDate(terminal, zone);
            amounts = List.of(new Money(invoice.amountMinor, invoice.currency));
        }
        Severity severity = daysPastDue >= 60 ? Severity.CRITICAL : Severity.WARNING;
        String name = clientState(clientKey).clientName;
        return alert(clientKey, AlertType.INVOICE_OVERDUE, severity, occurredAt,
                AlertIds.of(ck.tenantId(), ck.clientId(), "INVOICE_OVERDUE", invoice.invoiceId, invoice.dueAt, step),
                List.of(invoice.invoiceId), amounts, facts, summary, name);
    }

    /**
     * OVERDUE_CORRECTED: the INVOICE_OVERDUE alerts {@code withdrawn} (from step {@code step} on) were wrong, because
     * the invoice was settled or voided at or before their time; the fact arrived later than the allowed lateness.
     * Id: hash(tenant, client, OVERDUE_CORRECTED, invoice, dueAt, step), so a replay raises the same one. Occurred at
     * the time of the first withdrawn alert, so it sorts beside it.
     */
    private PaymentAlert correctedAlert(String clientKey, OpenInvoiceState invoice, int step, List<String> withdrawn,
            int grace, ZoneId zone) {
        ClientKey ck = ClientKey.parse(clientKey);
        long stepAt = OverdueSchedule.firesAt(invoice.dueAt, step, grace, zone);
        int daysPastDue = OverdueSchedule.daysPastDue(step, grace);
        long terminal = invoice.terminalAt();
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put(AlertFacts.DUE_DATE, ExtraFacts.localDate(invoice.dueAt, zone));
        facts.put(AlertFacts.SETTLED_DATE, ExtraFacts.localDate(terminal, zone));
        facts.put(AlertFacts.DAYS_PAST_DUE, Integer.toString(daysPastDue));
        facts.put(AlertFacts.ESCALATION_STEP, Integer.toString(step));
        facts.put(AlertFacts.ISSUED_DATE, ExtraFacts.localDate(invoice.issuedAt, zone));
        facts.put(AlertFacts.TIMEZONE, zone.getId());
        facts.put(ExtraFacts.WITHDRAWN_ALERT_IDS, String.join(",", withdrawn));
        String summary = "Invoice " + invoice.invoiceId + " was " + terminalVerb(invoice) + " on "
                + ExtraFacts.localDate(terminal, zone) + ", before it was " + daysPastDue
                + " days past due: our alert of " + ExtraFacts.localDate(stepAt, zone) + " was wrong";
        return alert(clientKey, AlertType.OVERDUE_CORRECTED, Severity.INFO, stepAt,
                AlertIds.of(ck.tenantId(), ck.clientId(), "OVERDUE_CORRECTED", invoice.invoiceId, invoice.dueAt, step),
                List.of(invoice.invoiceId), List.of(new Money(invoice.amountMinor, invoice.currency)), facts, summary,
                clientState(clientKey).clientName);
    }

    private static String terminalVerb(OpenInvoiceState invoice) {
        if (invoice.settledAt != NONE && invoice.settledAt == invoice.terminalAt()) {
            return "paid";
        }
        return isWriteOff(invoice.voidReason) ? "written off" : "voided";
    }

    private PaymentAlert driftAlert(String clientKey, ClientState state, DriftDetector.Outcome drift,
            SettledRecord settled, List<SettledRecord> upTo, FreelancerSettings settings) {
        ClientKey ck = ClientKey.parse(clientKey);
        boolean started = drift.transition() == DriftDetector.Transition.DRIFT_STARTED;
        AlertType type = started ? AlertType.PAYMENT_DRIFT : AlertType.RECOVERED;
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put(AlertFacts.EWMA_DAYS_TO_PAY, ExtraFacts.oneDecimal(state.ewma));
        facts.put(AlertFacts.NORM_DAYS, Integer.toString(settings.getPaymentNormDays()));
        facts.put(AlertFacts.TOLERANCE_DAYS, Integer.toString(settings.getDriftToleranceDays()));
        // The line the alert names: the norm, or the longer terms of the client's invoices, so an email can say "its
        // 45-day payment terms"; never the smoothed mix of old and new terms the judgement uses (see wordingLineDays).
        facts.put(AlertFacts.LINE_DAYS, Integer.toString(DriftDetector.wordingLineDays(upTo,
                settings.getPaymentNormDays(), state.ewma,
                DriftDetector.margin(settings.getDriftToleranceDays(), settings.getOverdueGraceDays()), !started)));
        facts.put(AlertFacts.GRACE_DAYS, Integer.toString(settings.getOverdueGraceDays()));
        // The baseline has at least one settlement here: the detector learns before it decides.
        facts.put(AlertFacts.BASELINE_DAYS, ExtraFacts.oneDecimal(state.baselineMean));
        if (started) {
            facts.put(AlertFacts.DRIFT_REASON, state.driftReason);
            // How late the client paid recently: the materiality behind the alert (see DriftDetector).
            RiskModel.RecentLateness recent = RiskModel.recentLateness(upTo);
            facts.put(AlertFacts.LATE_INVOICES, Integer.toString(recent.lateInvoices()));
            facts.put(AlertFacts.RECENT_INVOICES, Integer.toString(recent.recentInvoices()));
            facts.put(AlertFacts.AVG_DAYS_LATE, ExtraFacts.oneDecimal(recent.avgDaysLate()));
        } else {
            facts.put(AlertFacts.RECOVERY_KIND, drift.recoveryKind().fact());
        }
        facts.put(AlertFacts.DAYS_TO_PAY, Integer.toString(settled.daysToPay()));
        facts.put(ExtraFacts.CUSUM, ExtraFacts.twoDecimals(state.cusum));
        facts.put(ExtraFacts.EPISODE, Integer.toString(state.driftEpisode));
        // The alert's date is the settlement's calendar date in the tenant's zone, as for every other alert: without
        // it an email or the console would print the UTC date, a day off east of Greenwich after midnight.
        facts.put(AlertFacts.TIMEZONE, CalendarDays.zone(settings.getTimezone()).getId());
        String summary = DriftDetector.summary(state, drift, upTo, settings.getPaymentNormDays(),
                settings.getDriftToleranceDays(), settings.getOverdueGraceDays());
        return alert(clientKey, type, started ? Severity.WARNING : Severity.INFO, settled.settledAt(),
                AlertIds.of(ck.tenantId(), ck.clientId(), type.name(), state.driftEpisode),
                List.of(settled.invoiceId()), List.of(new Money(settled.amountMinor(), settled.currency())), facts,
                summary, state.clientName);
    }

    private static PaymentAlert alert(String clientKey, AlertType type, Severity severity, long occurredAt,
            String alertId, List<String> invoiceIds, List<Money> amounts, Map<String, String> facts, String summary,
            String clientName) {
        ClientKey ck = ClientKey.parse(clientKey);
        Map<String, String> allFacts = new LinkedHashMap<>(facts);
        allFacts.put(ExtraFacts.SUMMARY, summary);
        return PaymentAlert.newBuilder()
                .setAlertId(alertId).setTenantId(ck.tenantId()).setClientId(ck.clientId()).setClientName(clientName != null ? clientName : ck.clientId())
                .setType(type).setSeverity(severity).setOccurredAt(Instant.ofEpochMilli(occurredAt))
                .setInvoiceIds(invoiceIds).setAmounts(amounts).setFacts(allFacts).setSummary(summary)
                .build();
    }

    /** Sends an output record now, or when the record being applied commits. */
    private void output(Record<String, SpecificRecord> out) {
        afterCommit(() -> context.forward(out));
    }

    /** Runs {@code effect} now, or when the record being applied commits (never, if it fails). */
    private void afterCommit(Runnable effect) {
        if (stage.isOpen()) {
            stagedOutputs.add(effect);
        } else {
            effect.run();
        }
    }

    /**
     * Raises an alert: now, or when the record being applied commits (an alert of a record that fails half-way is
     * never sent, so the retry raises it once).
     */
    private void raise(PaymentAlert alert) {
        afterCommit(() -> send(alert));
    }

    /** Emits an alert, keeps it in the bounded alert history ({@link AlertLog}) and counts it. */
    private void send(PaymentAlert alert) {
        String clientKey = ClientKey.of(alert.getTenantId(), alert.getClientId());
        alertLog.record(alert);
        metrics.alertRaised(alert.getType());
        // Output records carry the processing (wall-clock) time: years-old event times would let retention
        // delete the alerts of a backfill almost at once. Event time is in the payload.
        context.forward(new Record<>(clientKey, alert, context.currentSystemTimeMs()));
    }

    /** Epoch millis as 13 zero-padded digits (negative as 0), so string order is time order. */
    static String pad13(long epochMillis) {
        String digits = Long.toString(Math.max(0, epochMillis));
        return digits.length() >= 13 ? digits : "0".repeat(13 - digits.length()) + digits;
    }

    private static String formatMoney(Money money) {
        int digits = Math.max(0, java.util.Currency.getInstance(money.getCurrency()).getDefaultFractionDigits());
        return money.getCurrency() + " " + java.math.BigDecimal.valueOf(money.getAmountMinor(), digits).toPlainString();
    }

    // ---------------------------------------------------------------- profile

    /**
     * Records that the client's profile changed as of {@code asOf}; the profile itself is built and emitted by
     * {@link #emitPendingProfiles()}, once per client per {@code profileEmitInterval}. The pending set is also kept
     * in the changelogged {@code profile-pending} store, so a clean hand-over of the task (rebalance, shutdown)
     * between two emissions does not lose the last change: the next owner emits it.
     */
    private void profileChanged(String clientKey, long asOf) {
        if (stage.isOpen()) {
            stagedProfileChanges.merge(clientKey, asOf, Math::max);
            return;
        }
        applyProfileChange(clientKey, asOf);
    }

    private void applyProfileChange(String clientKey, long asOf) {
        // The latest event time, not the last one to arrive: the same events in another order give the same asOf.
        Long previous = pendingProfiles.get(clientKey);
        if (previous == null || previous < asOf) {
            pendingProfiles.put(clientKey, asOf);
            pendingProfileStore.put(clientKey, asOf);
        }
    }

    /**
     * Builds, stores and emits the profile of every client changed since the last call, as of its latest change.
     * A profile is the client's latest state (client-profiles is compacted), so intermediate versions within one
     * interval need not be sent; building and serializing a full profile per event was the topology's largest
     * cost after the alert trimming (see README, Performance). Alerts are never deferred.
     */
    private void emitPendingProfiles() {
        if (pendingProfiles.isEmpty()) {
            return;
        }
        for (Map.Entry<String, Long> pending : pendingProfiles.entrySet()) {
            String clientKey = pending.getKey();
            emitProfile(clientKey, clientState(clientKey), settings(ClientKey.parse(clientKey).tenantId()),
                    pending.getValue());
            pendingProfileStore.delete(clientKey);
        }
        pendingProfiles.clear();
    }

    private void emitProfile(String clientKey, ClientState state, FreelancerSettings settings, long changedAt) {
        ClientKey ck = ClientKey.parse(clientKey);
        // As of the latest event time that changed the client, never earlier than a profile already emitted: a
        // function of the events, not of their arrival order.
        ClientProfile previous = profiles.get(clientKey);
        long asOf = previous == null ? changedAt : Math.max(changedAt, previous.getAsOf().toEpochMilli());
        PaymentStats payments = PaymentStatistics.of(state);
        ReceivablesStats receivables = receivables(clientKey, state, settings, asOf);
        ResponsivenessStats responsiveness = tracker.stats(clientKey, asOf, settings);
        Classification classification = Classifier.classify(payments, receivables, responsiveness, settings);
        ClientProfile profile = ClientProfile.newBuilder()
                .setTenantId(ck.tenantId()).setClientId(ck.clientId()).setClientName(state.clientName)
                .setAsOf(Instant.ofEpochMilli(asOf)).setPayments(payments).setReceivables(receivables)
                .setResponsiveness(responsiveness).setClassification(classification)
                .build();
        profiles.put(clientKey, profile);
        context.forward(new Record<>(clientKey, profile, context.currentSystemTimeMs()));
    }

    /**
     * Receivables as of {@code asOf}. Aging: each open invoice falls in one bucket by calendar days past due
     * (current = not yet due, 1-30, 31-60, 61-90, 90+); several tools treat 90+ as "at risk".
     * <p>Standard measures the dashboard can derive from these figures and the history (not stored, because
     * they need a period's credit sales): <b>DSO</b> (days sales outstanding) = ending receivables / credit
     * sales in the period x days in the period; <b>best possible DSO</b> = current receivables / credit sales x
     * days; <b>ADD</b> (average days delinquent) = DSO - best possible DSO.
     */
    private ReceivablesStats receivables(String clientKey, ClientState state, FreelancerSettings settings, long asOf) {
        ZoneId zone = CalendarDays.zone(settings.getTimezone());
        List<OpenInvoiceState> open = new ArrayList<>();
        try (KeyValueIterator<String, OpenInvoiceState> it = openInvoices.prefixScan(clientKey + US,
                new StringSerializer())) {
            while (it.hasNext()) {
                OpenInvoiceState invoice = it.next().value;
                if (invoice.status == OpenInvoiceState.Status.OPEN) {
                    open.add(invoice);
                }
            }
        }
        open.sort(Comparator.comparingLong(OpenInvoiceState::dueAt).thenComparing(OpenInvoiceState::invoiceId));
        Map<String, Long> outstanding = new HashMap<>();
        List<Map<String, Long>> bucketAmounts = new ArrayList<>();
        int[] bucketCounts = new int[AGING_LABELS.length];
        for (int i = 0; i < AGING_LABELS.length; i++) {
            bucketAmounts.add(new HashMap<>());
        }
        int overdue = 0;
        Integer oldestAge = null;
        List<SettledRecord> history = state.history();
        List<OpenInvoice> invoices = new ArrayList<>();
        for (OpenInvoiceState invoice : open) {
            int daysPastDue = CalendarDays.between(invoice.dueAt, asOf, zone);
            int bucket = daysPastDue <= 0 ? 0 : daysPastDue <= 30 ? 1 : daysPastDue <= 60 ? 2 : daysPastDue <= 90 ? 3 : 4;
            bucketCounts[bucket]++;
            bucketAmounts.get(bucket).merge(invoice.currency, invoice.outstandingMinor(), Math::addExact);
            outstanding.merge(invoice.currency, invoice.outstandingMinor(), Math::addExact);
            if (daysPastDue > 0) {
                overdue++;
            }
            int age = CalendarDays.between(invoice.issuedAt, asOf, zone);
            oldestAge = oldestAge == null ? age : Math.max(oldestAge, age);
            if (invoices.size() < MAX_PROFILE_INVOICES) {
                RiskModel.Assessment a = riskShown(invoice, history, settings, zone);
                long expected = expectedSettleAt(invoice.issuedAt, a.expectedDaysToPay());
                invoices.add(OpenInvoice.newBuilder()
                        .setInvoiceId(invoice.invoiceId)
                        .setIssuedAt(Instant.ofEpochMilli(invoice.issuedAt))
                        .setDueAt(Instant.ofEpochMilli(invoice.dueAt))
                        .setAmount(new Money(invoice.amountMinor, invoice.currency))
                        .setOutstanding(new Money(invoice.outstandingMinor(), invoice.currency))
                        .setDaysPastDue(daysPastDue)
                        // Already past due: it is late whatever the model says.
                        .setLateProbability(daysPastDue > 0 ? 1.0 : a.lateProbability())
                        .setExpectedSettleAt(Instant.ofEpochMilli(Math.max(expected, daysPastDue > 0 ? asOf : expected)))
                        .setRiskBasis(a.basis())
                        .build());
            }
        }
        List<AgingBucket> aging = new ArrayList<>();
        for (int i = 0; i < AGING_LABELS.length; i++) {
            aging.add(AgingBucket.newBuilder().setLabel(AGING_LABELS[i]).setCount(bucketCounts[i])
                    .setOutstanding(PaymentStatistics.perCurrency(bucketAmounts.get(i))).build());
        }
        return ReceivablesStats.newBuilder()
                .setOpenCount(open.size()).setOverdueCount(overdue)
                .setOutstanding(PaymentStatistics.perCurrency(new TreeMap<>(outstanding)))
                .setAging(aging).setOldestOpenAgeDays(oldestAge).setInvoices(invoices)
                .build();
    }

    /**
     * The risk a profile shows for an open invoice: a function of the client's state only, never of when the
     * profile is built (the tenant prior moves with other clients' settlements, and the profile is emitted on the
     * wall clock). Once assessed, the risk at issue as sent on invoice-risk (stored on the invoice). Until then (the
     * watermark has not passed the issue time yet, or the invoice was stored before the format that keeps it), a
     * provisional estimate from the client's settlements dated at or before the issue and the global prior
     * ({@link TenantPrior#NONE}). The caller sets probability 1 once the invoice is past due as of the profile's date.
     */
    private static RiskModel.Assessment riskShown(OpenInvoiceState invoice, List<SettledRecord> history,
            FreelancerSettings settings, ZoneId zone) {
        if (invoice.riskAtIssue != null) {
            return invoice.riskAtIssue;
        }
        List<SettledRecord> prior = history.stream().filter(r -> r.settledAt() <= invoice.issuedAt).toList();
        int terms = Math.max(0, CalendarDays.between(invoice.issuedAt, invoice.dueAt, zone));
        return RiskModel.assess(prior, terms, invoice.amountMinor, invoice.currency, settings.getPaymentNormDays(),
                TenantPrior.NONE);
    }

    // ---------------------------------------------------------------- lookups

    private ClientState clientState(String clientKey) {
        ClientState state = clientStates.get(clientKey);
        return state == null ? new ClientState() : state;
    }

    /** The tenant's risk prior in this task (per partition, see {@link TenantPrior}); NONE before any settlement. */
    private TenantPrior tenantPrior(String tenantId) {
        TenantPrior prior = tenantPriors.get(tenantId);
        return prior == null ? TenantPrior.NONE : prior;
    }

    /** The tenant's settings from the global store, or the contract defaults when the tenant saved none. */
    private FreelancerSettings settings(String tenantId) {
        Object value = settingsStore.get(tenantId);
        if (value instanceof ValueAndTimestamp<?> timestamped) {
            value = timestamped.value();
        }
        if (value instanceof FreelancerSettings settings) {
            return settings;
        }
        return FreelancerSettings.newBuilder().setTenantId(tenantId).setNotificationEmail("")
                .setUpdatedAt(Instant.EPOCH).build();
    }

    static String invoiceKey(String clientKey, String invoiceId) {
        return clientKey + US + invoiceId;
    }
}
