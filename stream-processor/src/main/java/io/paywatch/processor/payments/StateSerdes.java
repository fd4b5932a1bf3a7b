package io.paywatch.processor.payments;

import io.paywatch.processor.state.VersionedSerde;
import org.apache.kafka.common.serialization.Serde;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/** Serdes of the payments side's internal state, in the {@link VersionedSerde} format. */
public final class StateSerdes {

    /*
     * Version 2 of both (time model): client-state adds the drift feed queue; open-invoice adds the settled, voided,
     * held-due-date and risk-pending fields and new statuses. Version 1 values are refused: after an upgrade, rebuild
     * the state from the input topics (see README, Time model, "Upgrading").
     */
    private static final byte CLIENT_STATE_V2 = 2;
    private static final byte OPEN_INVOICE_V2 = 2;

    private StateSerdes() {
    }

    /** Serde of {@link ClientState}. */
    public static Serde<ClientState> clientState() {
        return VersionedSerde.of("client-state", CLIENT_STATE_V2, StateSerdes::writeClient, StateSerdes::readClient);
    }

    /** Serde of {@link OpenInvoiceState}. */
    public static Serde<OpenInvoiceState> openInvoice() {
        return VersionedSerde.of("open-invoice", OPEN_INVOICE_V2, StateSerdes::writeOpen, StateSerdes::readOpen);
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
        out.writeInt(s.consecutiveNormal);
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

    private static ClientState readClient(DataInputStream in) throws IOException {
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
        s.consecutiveNormal = in.readInt();
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
        out.writeByte(s.status.ordinal());
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
    }

    private static OpenInvoiceState readOpen(DataInputStream in) throws IOException {
        OpenInvoiceState s = new OpenInvoiceState();
        s.status = OpenInvoiceState.Status.values()[in.readByte()];
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
        return s;
    }
}
