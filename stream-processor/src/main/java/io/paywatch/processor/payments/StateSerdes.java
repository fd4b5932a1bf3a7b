package io.paywatch.processor.payments;

import io.paywatch.contract.RiskBasis;
import io.paywatch.processor.state.VersionedSerde;
import org.apache.kafka.common.serialization.Serde;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;

/** Serdes of the payments side's internal state, in the {@link VersionedSerde} format. */
public final class StateSerdes {

    /*
     * Version 2 of both (time model): client-state adds the drift feed queue; open-invoice adds the settled, voided,
     * held-due-date and risk-pending fields and new statuses. Version 1 values are refused: after an upgrade, rebuild
     * the state from the input topics (see README, Time model, "Upgrading").
     *
     * Version 3 (issue 12, bounded state): open-invoice stores the status by its stable code (Status#code), not by
     * its ordinal, and adds heldAt; client-state drops consecutiveNormal (never used). Version 2 values still read:
     * their status byte is the ordinal of the enum as released with version 2 (V2_STATUS, frozen here), their heldAt
     * is unknown (NONE), and their consecutiveNormal is skipped. They are written back as version 3.
     *
     * Open-invoice version 4: adds the risk assessed at issue (probability, expected days to pay, basis, basis
     * invoices; a presence flag first), so a profile shows that fixed figure instead of one re-assessed when it is
     * built. Versions 3 and 2 still read, with no risk at issue (shown as the provisional estimate, see
     * ClientProcessor#receivables), and are written back as version 4.
     */
    private static final byte CLIENT_STATE_V2 = 2;
    private static final byte OPEN_INVOICE_V2 = 2;
    private static final byte CLIENT_STATE_V3 = 3;
    private static final byte OPEN_INVOICE_V3 = 3;
    private static final byte OPEN_INVOICE_V4 = 4;
    /** The Status symbols in their version-2 ordinal order, frozen: version-2 values stored these ordinals. */
    private static final OpenInvoiceState.Status[] V2_STATUS = {OpenInvoiceState.Status.HELD,
            OpenInvoiceState.Status.OPEN, OpenInvoiceState.Status.SETTLED_PENDING,
            OpenInvoiceState.Status.VOIDED_PENDING, OpenInvoiceState.Status.WRITTEN_OFF};

    private StateSerdes() {
    }

    /** Serde of {@link ClientState}: writes version 3, reads 3 and 2. */
    public static Serde<ClientState> clientState() {
        return VersionedSerde.of("client-state", CLIENT_STATE_V3, StateSerdes::writeClient,
                in -> readClient(in, false), Map.of(CLIENT_STATE_V2, in -> readClient(in, true)));
    }

    /** Serde of {@link OpenInvoiceState}: writes version 4, reads 4, 3 and 2. */
    public static Serde<OpenInvoiceState> openInvoice() {
        return VersionedSerde.of("open-invoice", OPEN_INVOICE_V4, StateSerdes::writeOpen,
                in -> readOpen(in, OPEN_INVOICE_V4),
                Map.of(OPEN_INVOICE_V3, in -> readOpen(in, OPEN_INVOICE_V3),
                        OPEN_INVOICE_V2, in -> readOpen(in, OPEN_INVOICE_V2)));
    }

    private static void writeClient(DataOutputStream out, ClientState s) throws IOException {
        VersionedSerde.writeNullable(out, s.clientName);
        out.writeInt(s.paidInvoices);
        out.writeDouble(s.ewma);
        out.writeInt(s.aboveNormStreak);
        out.writeInt(s.baselineN);
        out.writeDouble(s.baselineMean);
        out.writeDouble(s.baselineVar);
        out.writeDouble(s.cusum);
        out.writeBoolean(s.drifting);
        out.writeInt(s.driftEpisode);
        VersionedSerde.writeNullable(out, s.driftReason);
        writeRecords(out, s.history);
        writeRecords(out, s.driftPending);
    }

    private static void writeRecords(DataOutputStream out, java.util.Collection<SettledRecord> records)
            throws IOException {
        out.writeInt(records.size());
        for (SettledRecord r : records) {
            out.writeUTF(r.invoiceId());
            out.writeLong(r.issuedAt());
            out.writeLong(r.dueAt());
            out.writeLong(r.settledAt());
            out.writeInt(r.daysToPay());
            out.writeInt(r.daysLate());
            out.writeInt(r.termsDays());
            out.writeLong(r.amountMinor());
            out.writeUTF(r.currency());
        }
    }

    private static ClientState readClient(DataInputStream in, boolean v2) throws IOException {
        ClientState s = new ClientState();
        s.clientName = VersionedSerde.readNullable(in);
        s.paidInvoices = in.readInt();
        s.ewma = in.readDouble();
        s.aboveNormStreak = in.readInt();
        s.baselineN = in.readInt();
        s.baselineMean = in.readDouble();
        s.baselineVar = in.readDouble();
        s.cusum = in.readDouble();
        s.drifting = in.readBoolean();
        s.driftEpisode = in.readInt();
        s.driftReason = reason(VersionedSerde.readNullable(in));
        if (v2) {
            in.readInt(); // consecutiveNormal, never used
        }
        s.history.addAll(readRecords(in));
        s.driftPending.addAll(readRecords(in));
        return s;
    }

    private static java.util.List<SettledRecord> readRecords(DataInputStream in) throws IOException {
        int n = in.readInt();
        java.util.List<SettledRecord> records = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            records.add(new SettledRecord(in.readUTF(), in.readLong(), in.readLong(), in.readLong(),
                    in.readInt(), in.readInt(), in.readInt(), in.readLong(), in.readUTF()));
        }
        return records;
    }

    /** Reasons stored before they were aligned with AlertFacts.DRIFT_REASON read as the new values. */
    private static String reason(String stored) {
        if ("EWMA_ABOVE_NORM".equals(stored)) {
            return DriftDetector.REASON_NORM;
        }
        return "CHANGE_VS_BASELINE".equals(stored) ? DriftDetector.REASON_BASELINE : stored;
    }

    private static void writeOpen(DataOutputStream out, OpenInvoiceState s) throws IOException {
        out.writeByte(s.status.code());
        out.writeUTF(s.tenantId);
        out.writeUTF(s.clientId);
        out.writeUTF(s.invoiceId);
        out.writeLong(s.issuedAt);
        out.writeLong(s.dueAt);
        out.writeLong(s.amountMinor);
        VersionedSerde.writeNullable(out, s.currency);
        out.writeLong(s.paidMinor);
        VersionedSerde.writeNullable(out, s.paidCurrency);
        out.writeLong(s.lastPaidAt);
        out.writeInt(s.overdueSteps);
        VersionedSerde.writeNullable(out, s.dueIndexKey);
        out.writeLong(s.settledAt);
        out.writeLong(s.voidedAt);
        VersionedSerde.writeNullable(out, s.voidReason);
        out.writeLong(s.heldDueAt);
        out.writeLong(s.heldDueChangedAt);
        out.writeBoolean(s.riskPending);
        out.writeLong(s.heldAt);
        RiskModel.Assessment risk = s.riskAtIssue;
        out.writeBoolean(risk != null);
        if (risk != null) {
            out.writeDouble(risk.lateProbability());
            out.writeDouble(risk.expectedDaysToPay());
            out.writeUTF(risk.basis().name());
            out.writeInt(risk.basisInvoices());
        }
    }

    private static OpenInvoiceState readOpen(DataInputStream in, byte version) throws IOException {
        boolean v2 = version == OPEN_INVOICE_V2;
        OpenInvoiceState s = new OpenInvoiceState();
        byte status = in.readByte();
        try {
            s.status = v2 ? V2_STATUS[status] : OpenInvoiceState.Status.ofCode(status);
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            throw new IOException("open-invoice status byte " + status + " is not a known status", e);
        }
        s.tenantId = in.readUTF();
        s.clientId = in.readUTF();
        s.invoiceId = in.readUTF();
        s.issuedAt = in.readLong();
        s.dueAt = in.readLong();
        s.amountMinor = in.readLong();
        s.currency = VersionedSerde.readNullable(in);
        s.paidMinor = in.readLong();
        s.paidCurrency = VersionedSerde.readNullable(in);
        s.lastPaidAt = in.readLong();
        s.overdueSteps = in.readInt();
        s.dueIndexKey = VersionedSerde.readNullable(in);
        s.settledAt = in.readLong();
        s.voidedAt = in.readLong();
        s.voidReason = VersionedSerde.readNullable(in);
        s.heldDueAt = in.readLong();
        s.heldDueChangedAt = in.readLong();
        s.riskPending = in.readBoolean();
        if (!v2) {
            s.heldAt = in.readLong();
        }
        if (version >= OPEN_INVOICE_V4 && in.readBoolean()) {
            double probability = in.readDouble();
            double expectedDays = in.readDouble();
            String basis = in.readUTF();
            int basisInvoices = in.readInt();
            RiskBasis b;
            try {
                b = RiskBasis.valueOf(basis);
            } catch (IllegalArgumentException e) {
                b = RiskBasis.TENANT_NORM; // a symbol this build does not know: the contract's default
            }
            s.riskAtIssue = new RiskModel.Assessment(probability, expectedDays, b, basisInvoices);
        }
        return s;
    }
}
