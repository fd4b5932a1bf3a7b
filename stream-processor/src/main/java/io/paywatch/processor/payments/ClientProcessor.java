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
import io.paywatch.processor.ProcessorStores;
import io.paywatch.processor.TopologyOptions;
import io.paywatch.processor.alerting.AlertLog;
import io.paywatch.processor.classification.Classifier;
import io.paywatch.processor.ops.ContractViolation;
import io.paywatch.processor.ops.EventTimeExtractor;
import io.paywatch.processor.ops.ProcessorMetrics;
import io.paywatch.processor.responsiveness.ResponsivenessTracker;
import io.paywatch.schemas.AlertFacts;
import io.paywatch.schemas.ClientKey;
import org.apache.avro.specific.SpecificRecord;
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
 * <p><b>Time.</b> Event time (from the payload) drives everything, so a replay gives the same result as the live
 * run. Deadlines (overdue steps, reply deadlines) are checked three ways, all calling the same deterministic
 * {@link #scan(long)}:
 * <ul>
 *   <li>before each record, for the record's event time, so that in a replay an invoice goes overdue before a
 *       later payment settles it, exactly as it did live;</li>
 *   <li>on STREAM_TIME punctuation, so a client that is silent in a replay is still checked as other clients'
 *       events move stream time on;</li>
 *   <li>on WALL_CLOCK_TIME punctuation, because in live operation a client who never pays sends nothing. While
 *       records are flowing with event times far behind the wall clock (a replay or backfill), the wall-clock
 *       scan stands aside: firing "now" would raise overdue alerts for invoices whose payments are still in the
 *       backlog.</li>
 * </ul>
 * Alerts carry the time their condition became true (for example local midnight of the day an invoice is more
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

    private final TopologyOptions options;
    private final ResponsivenessTracker tracker = new ResponsivenessTracker();
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
    /** Clients whose profile changed since the last emission, and the asOf of the latest change (first-change order). */
    private final Map<String, Long> pendingProfiles = new LinkedHashMap<>();

    /** Earliest time in the due index (in memory; MIN_VALUE forces a scan after a restart). */
    private long dueHint = Long.MIN_VALUE;
    private long lastTrackerScan = Long.MIN_VALUE;
    private long lastRecordWallMs = Long.MIN_VALUE;
    private long lastEventTime = Long.MIN_VALUE;
    /** Whether the record being processed changed the client's {@link ClientState} (so it must be written). */
    private boolean stateChanged;

    public ClientProcessor(TopologyOptions options) {
        this.options = options;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        // A revived task re-runs init on the same instance after its stores were restored: start from the stores.
        dueHint = Long.MIN_VALUE;
        this.metrics = ProcessorMetrics.from(context.appConfigs());
        seenEvents = context.getStateStore(ProcessorStores.SEEN_EVENTS);
        openInvoices = context.getStateStore(ProcessorStores.OPEN_INVOICES);
        dueIndex = context.getStateStore(ProcessorStores.DUE_INDEX);
        clientStates = context.getStateStore(ProcessorStores.CLIENT_STATE);
        profiles = context.getStateStore(ProcessorStores.CLIENT_PROFILES);
        alertLog = new AlertLog(context, options);
        settingsStore = context.getStateStore(ProcessorStores.SETTINGS);
        pendingProfileStore = context.getStateStore(ProcessorStores.PENDING_PROFILES);
        pendingProfiles.clear();
        try (KeyValueIterator<String, Long> it = pendingProfileStore.all()) {
            while (it.hasNext()) {
                KeyValue<String, Long> pending = it.next();
                pendingProfiles.put(pending.key, pending.value); // left by the previous owner of this task
            }
        }
        tracker.init(context);
        context.schedule(options.wallClockScanInterval(), PunctuationType.WALL_CLOCK_TIME, this::wallClockScan);
        context.schedule(options.streamTimeScanInterval(), PunctuationType.STREAM_TIME, this::scan);
        context.schedule(options.profileEmitInterval(), PunctuationType.WALL_CLOCK_TIME,
                wallNow -> emitPendingProfiles());
    }

    @Override
    public void process(Record<String, Object> record) {
        if (record.value() == null) {
            return;
        }
        // Validation first: a contract-breaking record throws before any store is touched.
        InputValidator.Identity id = InputValidator.validate(record.key(), record.value());
        if (record.value() instanceof PaymentReceived payment) {
            requireInvoiceCurrency(record.key(), payment);
        }
        long eventTime = EventTimeExtractor.eventTime(record.value()).toEpochMilli();
        lastRecordWallMs = context.currentSystemTimeMs();
        lastEventTime = Math.max(lastEventTime, eventTime);
        catchUp(eventTime);

        if (seenEvents.fetch(id.eventId(), eventTime) != null) {
            return; // a duplicate (same eventId, so the same payload and event time) changes nothing
        }
        seenEvents.put(id.eventId(), eventTime, eventTime);

        String clientKey = record.key();
        FreelancerSettings settings = settings(id.tenantId());
        Object value = record.value();
        if (value instanceof MessageEvent message) {
            List<PaymentAlert> alerts = tracker.onMessage(clientKey, message, settings,
                    hasOverdueInvoice(clientKey, eventTime, settings));
            alerts.forEach(this::raise);
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
            onVoided(clientKey, e);
        } else if (value instanceof InvoiceDueDateChanged e) {
            onDueDateChanged(clientKey, e, settings);
        }
        if (stateChanged) {
            // Only a settlement or a new client name changes it; a ~3 KB write (and changelog record) per invoice
            // event was a large share of the commit cost.
            clientStates.put(clientKey, state);
        }
        profileChanged(clientKey, eventTime);
    }

    // ---------------------------------------------------------------- invoice lifecycle

    private void onIssued(String clientKey, ClientState state, InvoiceIssued e, FreelancerSettings settings) {
        if (e.getClientName() != null && !e.getClientName().equals(state.clientName)) {
            stateChanged = true;
            state.clientName = e.getClientName();
        }
        String key = invoiceKey(clientKey, e.getInvoiceId());
        OpenInvoiceState invoice = openInvoices.get(key);
        if (state.recentlySettled(e.getInvoiceId())) {
            return; // issued again after it was settled (a re-sync): the settlement stands
        }
        if (invoice != null && invoice.status == OpenInvoiceState.Status.VOIDED_BEFORE_ISSUE) {
            openInvoices.delete(key); // the void arrived first; the invoice never counts
            return;
        }
        boolean reissue = invoice != null && invoice.status == OpenInvoiceState.Status.OPEN;
        if (invoice == null) {
            invoice = new OpenInvoiceState();
        }
        if (invoice.status == OpenInvoiceState.Status.HOLDING_PAYMENTS && invoice.paidCurrency != null
                && !invoice.paidCurrency.equals(e.getAmount().getCurrency())) {
            LOG.warn("Payments held for invoice {} are in {}, the invoice in {}: held payments ignored",
                    e.getInvoiceId(), invoice.paidCurrency, e.getAmount().getCurrency());
            invoice.paidMinor = 0;
        }
        invoice.status = OpenInvoiceState.Status.OPEN;
        invoice.tenantId = e.getTenantId();
        invoice.clientId = e.getClientId();
        invoice.invoiceId = e.getInvoiceId();
        invoice.issuedAt = e.getIssuedAt().toEpochMilli();
        invoice.dueAt = e.getDueAt().toEpochMilli();
        invoice.amountMinor = e.getAmount().getAmountMinor();
        invoice.currency = e.getAmount().getCurrency();
        if (!reissue) {
            assessAtIssue(clientKey, state, invoice, settings, e.getClientName());
        }
        if (invoice.paidMinor >= invoice.amountMinor) {
            // Paid before we saw it (out-of-order delivery): settled by the payment that completed it.
            settle(clientKey, state, invoice, invoice.lastPaidAt, settings);
            return;
        }
        reindex(key, invoice, settings);
        openInvoices.put(key, invoice);
    }

    private void onPayment(String clientKey, ClientState state, PaymentReceived e, FreelancerSettings settings) {
        String key = invoiceKey(clientKey, e.getInvoiceId());
        if (state.recentlySettled(e.getInvoiceId())) {
            LOG.debug("Payment {} for already settled invoice {} ignored", e.getEventId(), e.getInvoiceId());
            return;
        }
        OpenInvoiceState invoice = openInvoices.get(key);
        if (invoice != null && invoice.status == OpenInvoiceState.Status.VOIDED_BEFORE_ISSUE) {
            return;
        }
        String currency = e.getAmount().getCurrency();
        if (invoice == null) {
            invoice = new OpenInvoiceState();
            invoice.status = OpenInvoiceState.Status.HOLDING_PAYMENTS;
            invoice.tenantId = e.getTenantId();
            invoice.clientId = e.getClientId();
            invoice.invoiceId = e.getInvoiceId();
            invoice.paidCurrency = currency;
        }
        long paidAt = e.getPaidAt().toEpochMilli();
        invoice.paidMinor = Math.addExact(invoice.paidMinor, e.getAmount().getAmountMinor());
        invoice.paidCurrency = currency;
        invoice.lastPaidAt = Math.max(invoice.lastPaidAt, paidAt);
        if (invoice.status == OpenInvoiceState.Status.OPEN && invoice.paidMinor >= invoice.amountMinor) {
            settle(clientKey, state, invoice, paidAt, settings);
            return;
        }
        openInvoices.put(key, invoice);
    }

    /** A payment must be in its invoice's currency (or in the currency of payments already held for it). */
    private void requireInvoiceCurrency(String clientKey, PaymentReceived e) {
        OpenInvoiceState invoice = openInvoices.get(invoiceKey(clientKey, e.getInvoiceId()));
        if (invoice == null || invoice.status == OpenInvoiceState.Status.VOIDED_BEFORE_ISSUE) {
            return;
        }
        String expected = invoice.status == OpenInvoiceState.Status.OPEN ? invoice.currency : invoice.paidCurrency;
        if (expected != null && !expected.equals(e.getAmount().getCurrency())) {
            throw new ContractViolation("amount.currency " + e.getAmount().getCurrency() + " differs from invoice "
                    + e.getInvoiceId() + " currency " + expected);
        }
    }

    private void onVoided(String clientKey, InvoiceVoided e) {
        String key = invoiceKey(clientKey, e.getInvoiceId());
        OpenInvoiceState invoice = openInvoices.get(key);
        if (invoice != null && invoice.status == OpenInvoiceState.Status.OPEN) {
            removeFromIndex(invoice);
            openInvoices.delete(key);
            return;
        }
        // Void before the invoice (or with only payments held): remember it so the invoice never opens.
        OpenInvoiceState marker = new OpenInvoiceState();
        marker.status = OpenInvoiceState.Status.VOIDED_BEFORE_ISSUE;
        marker.tenantId = e.getTenantId();
        marker.clientId = e.getClientId();
        marker.invoiceId = e.getInvoiceId();
        openInvoices.put(key, marker);
    }

    private void onDueDateChanged(String clientKey, InvoiceDueDateChanged e, FreelancerSettings settings) {
        String key = invoiceKey(clientKey, e.getInvoiceId());
        OpenInvoiceState invoice = openInvoices.get(key);
        if (invoice == null || invoice.status != OpenInvoiceState.Status.OPEN) {
            LOG.debug("Due date change for invoice {} that is not open ignored", e.getInvoiceId());
            return;
        }
        invoice.dueAt = e.getNewDueAt().toEpochMilli();
        invoice.overdueSteps = 0; // a new due date starts a new escalation (its alert ids include the due date)
        reindex(key, invoice, settings);
        openInvoices.put(key, invoice);
    }

    private void settle(String clientKey, ClientState state, OpenInvoiceState invoice, long settledAt,
            FreelancerSettings settings) {
        ZoneId zone = CalendarDays.zone(settings.getTimezone());
        // A prepayment before the invoice date counts as paid on the day: DTP is never negative.
        int daysToPay = Math.max(0, CalendarDays.between(invoice.issuedAt, settledAt, zone));
        int daysLate = Math.max(0, CalendarDays.between(invoice.dueAt, settledAt, zone));
        int terms = Math.max(0, CalendarDays.between(invoice.issuedAt, invoice.dueAt, zone));
        stateChanged = true;
        state.addSettled(new SettledRecord(invoice.invoiceId, invoice.issuedAt, invoice.dueAt, settledAt, daysToPay,
                daysLate, terms, invoice.amountMinor, invoice.currency));
        removeFromIndex(invoice);
        openInvoices.delete(invoiceKey(clientKey, invoice.invoiceId));

        DriftDetector.Transition transition = DriftDetector.update(state, daysToPay, settings.getPaymentNormDays(),
                settings.getDriftToleranceDays());
        if (transition != DriftDetector.Transition.NONE && settings.getAlertOptIns().getPaymentDrift()) {
            raise(driftAlert(clientKey, state, transition, settledAt, invoice, settings));
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
                settings.getPaymentNormDays());
        long expectedSettleAt = expectedSettleAt(invoice.issuedAt, a.expectedDaysToPay());
        ClientKey ck = ClientKey.parse(clientKey);
        Money amount = new Money(invoice.amountMinor, invoice.currency);
        context.forward(new Record<>(clientKey, InvoiceRisk.newBuilder()
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
        return issuedAt + Math.round(expectedDays * 86_400_000d);
    }

    // ---------------------------------------------------------------- deadlines

    private void wallClockScan(long wallNow) {
        boolean recordsFlowing = lastRecordWallMs != Long.MIN_VALUE
                && wallNow - lastRecordWallMs < options.replayIdle().toMillis();
        boolean behind = lastEventTime < wallNow - options.replayLag().toMillis();
        if (recordsFlowing && behind) {
            return; // replaying history: event time drives the scans (see the class comment)
        }
        scan(wallNow);
    }

    private void catchUp(long eventTime) {
        if (eventTime >= dueHint || eventTime - lastTrackerScan >= TRACKER_SCAN_STEP_MS) {
            scan(eventTime);
        }
    }

    /** The deterministic deadline scan, as of {@code now}: overdue steps from the due index, then reply deadlines. */
    void scan(long now) {
        TreeSet<String> touched = new TreeSet<>();
        if (now >= dueHint) {
            scanDueIndex(now, touched);
        }
        if (now > lastTrackerScan) {
            lastTrackerScan = now;
            List<PaymentAlert> alerts = tracker.onTime(now, this::settings,
                    clientKey -> hasOverdueInvoice(clientKey, now, settings(ClientKey.parse(clientKey).tenantId())));
            for (PaymentAlert alert : alerts) {
                raise(alert);
                touched.add(ClientKey.of(alert.getTenantId(), alert.getClientId()));
            }
        }
        for (String clientKey : touched) {
            profileChanged(clientKey, now);
        }
    }

    private void scanDueIndex(long now, TreeSet<String> touched) {
        List<KeyValue<String, String>> due = new ArrayList<>();
        boolean more;
        // dueHint is a lower bound of every key in the index, so the range starts there rather than at the first
        // key: RocksDB would otherwise step over the tombstones of every entry already handled, on every scan.
        String from = dueHint == Long.MIN_VALUE ? null : dueKeyPrefix(dueHint);
        try (KeyValueIterator<String, String> it = dueIndex.range(from, dueKeyPrefix(now) + "\uFFFF")) {
            while (it.hasNext() && due.size() < options.maxDuePerScan()) {
                due.add(it.next());
            }
            more = it.hasNext();
        }
        for (KeyValue<String, String> entry : due) {
            dueIndex.delete(entry.key);
            OpenInvoiceState invoice = openInvoices.get(entry.value);
            if (invoice == null || invoice.status != OpenInvoiceState.Status.OPEN
                    || !entry.key.equals(invoice.dueIndexKey)) {
                continue; // stale entry
            }
            invoice.dueIndexKey = null;
            String clientKey = ClientKey.of(invoice.tenantId, invoice.clientId);
            FreelancerSettings settings = settings(invoice.tenantId);
            ZoneId zone = CalendarDays.zone(settings.getTimezone());
            int grace = settings.getOverdueGraceDays();
            for (int step = OverdueSchedule.nextStep(invoice.overdueSteps, grace);
                    step > 0 && OverdueSchedule.firesAt(invoice.dueAt, step, grace, zone) <= now;
                    step = OverdueSchedule.nextStep(invoice.overdueSteps, grace)) {
                if (settings.getAlertOptIns().getInvoiceOverdue()) {
                    raise(overdueAlert(clientKey, invoice, step, grace, settings.getPaymentNormDays(), zone));
                }
                invoice.overdueSteps = step;
            }
            reindex(entry.value, invoice, settings);
            openInvoices.put(entry.value, invoice);
            touched.add(clientKey);
        }
        if (more) {
            // Work left, all at or after the last key handled: the next record or tick continues from there.
            dueHint = Long.parseLong(due.get(due.size() - 1).key.substring(0, 13));
        } else {
            dueHint = nextDue(now);
        }
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

    private void reindex(String invoiceKey, OpenInvoiceState invoice, FreelancerSettings settings) {
        removeFromIndex(invoice);
        int grace = settings.getOverdueGraceDays();
        int step = OverdueSchedule.nextStep(invoice.overdueSteps, grace);
        if (step < 0) {
            return;
        }
        long at = OverdueSchedule.firesAt(invoice.dueAt, step, grace, CalendarDays.zone(settings.getTimezone()));
        String key = dueKeyPrefix(at) + invoiceKey;
        dueIndex.put(key, invoiceKey);
        invoice.dueIndexKey = key;
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

    /** Whether the client has an open invoice more than the grace period past due at {@code now}. */
    private boolean hasOverdueInvoice(String clientKey, long now, FreelancerSettings settings) {
        ZoneId zone = CalendarDays.zone(settings.getTimezone());
        try (KeyValueIterator<String, OpenInvoiceState> it = openInvoices.prefixScan(clientKey + US,
                new StringSerializer())) {
            while (it.hasNext()) {
                OpenInvoiceState invoice = it.next().value;
                if (invoice.status == OpenInvoiceState.Status.OPEN
                        && CalendarDays.between(invoice.dueAt, now, zone) > settings.getOverdueGraceDays()) {
                    return true;
                }
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
        Severity severity = daysPastDue >= 60 ? Severity.CRITICAL : Severity.WARNING;
        String name = clientState(clientKey).clientName;
        return alert(clientKey, AlertType.INVOICE_OVERDUE, severity, occurredAt,
                AlertIds.of(ck.tenantId(), ck.clientId(), "INVOICE_OVERDUE", invoice.invoiceId, invoice.dueAt, step),
                List.of(invoice.invoiceId), List.of(outstanding), facts,
                "Invoice " + invoice.invoiceId + " is " + daysPastDue + " days past due with "
                        + formatMoney(outstanding) + " outstanding", name);
    }

    private PaymentAlert driftAlert(String clientKey, ClientState state, DriftDetector.Transition transition,
            long settledAt, OpenInvoiceState invoice, FreelancerSettings settings) {
        ClientKey ck = ClientKey.parse(clientKey);
        boolean started = transition == DriftDetector.Transition.DRIFT_STARTED;
        AlertType type = started ? AlertType.PAYMENT_DRIFT : AlertType.RECOVERED;
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put(AlertFacts.EWMA_DAYS_TO_PAY, ExtraFacts.oneDecimal(state.ewma));
        facts.put(AlertFacts.NORM_DAYS, Integer.toString(settings.getPaymentNormDays()));
        facts.put(AlertFacts.TOLERANCE_DAYS, Integer.toString(settings.getDriftToleranceDays()));
        // The baseline has at least one settlement here: the detector learns before it decides.
        facts.put(AlertFacts.BASELINE_DAYS, ExtraFacts.oneDecimal(state.baselineMean));
        if (started) {
            facts.put(AlertFacts.DRIFT_REASON, state.driftReason);
        }
        facts.put(AlertFacts.DAYS_TO_PAY, Integer.toString(state.history.peekLast().daysToPay()));
        facts.put(ExtraFacts.CUSUM, ExtraFacts.twoDecimals(state.cusum));
        facts.put(ExtraFacts.EPISODE, Integer.toString(state.driftEpisode));
        String summary = started
                ? String.format(java.util.Locale.ROOT,
                        "Client now pays in %.0f days on average (EWMA), against a norm of %d and its own "
                                + "baseline of %s days",
                        state.ewma, settings.getPaymentNormDays(), facts.get(AlertFacts.BASELINE_DAYS))
                : String.format(java.util.Locale.ROOT,
                        "Client is back under the norm: EWMA %.0f days to pay, norm %d", state.ewma,
                        settings.getPaymentNormDays());
        return alert(clientKey, type, started ? Severity.WARNING : Severity.INFO, settledAt,
                AlertIds.of(ck.tenantId(), ck.clientId(), type.name(), state.driftEpisode),
                List.of(invoice.invoiceId), List.of(new Money(invoice.amountMinor, invoice.currency)), facts,
                summary, state.clientName);
    }

    private static PaymentAlert alert(String clientKey, AlertType type, Severity severity, long occurredAt,
            String alertId, List<String> invoiceIds, List<Money> amounts, Map<String, String> facts, String summary,
            String clientName) {
        ClientKey ck = ClientKey.parse(clientKey);
        Map<String, String> allFacts = new LinkedHashMap<>(facts);
        allFacts.put(ExtraFacts.SUMMARY, summary);
        return PaymentAlert.newBuilder()
                .setAlertId(alertId).setTenantId(ck.tenantId()).setClientId(ck.clientId()).setClientName(clientName)
                .setType(type).setSeverity(severity).setOccurredAt(Instant.ofEpochMilli(occurredAt))
                .setInvoiceIds(invoiceIds).setAmounts(amounts).setFacts(allFacts).setSummary(summary)
                .build();
    }

    /** Emits an alert, keeps it in the bounded alert history ({@link AlertLog}) and counts it. */
    private void raise(PaymentAlert alert) {
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
        Long previous = pendingProfiles.put(clientKey, asOf);
        if (previous == null || previous != asOf) {
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

    private void emitProfile(String clientKey, ClientState state, FreelancerSettings settings, long asOf) {
        ClientKey ck = ClientKey.parse(clientKey);
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
                int terms = Math.max(0, CalendarDays.between(invoice.issuedAt, invoice.dueAt, zone));
                RiskModel.Assessment a = RiskModel.assess(history, terms, invoice.amountMinor, invoice.currency,
                        settings.getPaymentNormDays());
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

    // ---------------------------------------------------------------- lookups

    private ClientState clientState(String clientKey) {
        ClientState state = clientStates.get(clientKey);
        return state == null ? new ClientState() : state;
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
