package io.paywatch.processor.payments;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Compact binary serdes of the internal state. Internal state is not part of the public contract (it never
 * leaves the processor except through its own changelogs), so a versioned hand-written format is used instead
 * of widening the frozen Avro contract; the first byte is the format version.
 */
public final class StateSerdes {

    private static final byte CLIENT_STATE_V1 = 1;
    private static final byte OPEN_INVOICE_V1 = 1;

    private StateSerdes() {
    }

    /** Serde of {@link ClientState}. */
    public static Serde<ClientState> clientState() {
        return Serdes.serdeFrom((topic, s) -> s == null ? null : write(out -> writeClient(out, s)),
                (topic, bytes) -> bytes == null ? null : read(bytes, StateSerdes::readClient));
    }

    /** Serde of {@link OpenInvoiceState}. */
    public static Serde<OpenInvoiceState> openInvoice() {
        return Serdes.serdeFrom((topic, s) -> s == null ? null : write(out -> writeOpen(out, s)),
                (topic, bytes) -> bytes == null ? null : read(bytes, StateSerdes::readOpen));
    }

    private static void writeClient(DataOutputStream out, ClientState s) throws IOException {
        out.writeByte(CLIENT_STATE_V1);
        writeNullable(out, s.clientName);
        out.writeInt(s.paidInvoices);
        out.writeDouble(s.ewma);
        out.writeInt(s.aboveNormStreak);
        out.writeInt(s.baselineN);
        out.writeDouble(s.baselineMean);
        out.writeDouble(s.baselineVar);
        out.writeDouble(s.cusum);
        out.writeBoolean(s.drifting);
        out.writeInt(s.driftEpisode);
        writeNullable(out, s.driftReason);
        out.writeInt(s.consecutiveNormal);
        out.writeInt(s.history.size());
        for (SettledRecord r : s.history) {
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
        byte version = in.readByte();
        if (version != CLIENT_STATE_V1) {
            throw new SerializationException("unknown client-state format " + version);
        }
        ClientState s = new ClientState();
        s.clientName = readNullable(in);
        s.paidInvoices = in.readInt();
        s.ewma = in.readDouble();
        s.aboveNormStreak = in.readInt();
        s.baselineN = in.readInt();
        s.baselineMean = in.readDouble();
        s.baselineVar = in.readDouble();
        s.cusum = in.readDouble();
        s.drifting = in.readBoolean();
        s.driftEpisode = in.readInt();
        s.driftReason = reason(readNullable(in));
        s.consecutiveNormal = in.readInt();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            s.history.addLast(new SettledRecord(in.readUTF(), in.readLong(), in.readLong(), in.readLong(),
                    in.readInt(), in.readInt(), in.readInt(), in.readLong(), in.readUTF()));
        }
        return s;
    }

    /** Reasons stored before they were aligned with AlertFacts.DRIFT_REASON read as the new values. */
    private static String reason(String stored) {
        if ("EWMA_ABOVE_NORM".equals(stored)) {
            return DriftDetector.REASON_NORM;
        }
        return "CHANGE_VS_BASELINE".equals(stored) ? DriftDetector.REASON_BASELINE : stored;
    }

    private static void writeOpen(DataOutputStream out, OpenInvoiceState s) throws IOException {
        out.writeByte(OPEN_INVOICE_V1);
        out.writeByte(s.status.ordinal());
        out.writeUTF(s.tenantId);
        out.writeUTF(s.clientId);
        out.writeUTF(s.invoiceId);
        out.writeLong(s.issuedAt);
        out.writeLong(s.dueAt);
        out.writeLong(s.amountMinor);
        writeNullable(out, s.currency);
        out.writeLong(s.paidMinor);
        writeNullable(out, s.paidCurrency);
        out.writeLong(s.lastPaidAt);
        out.writeInt(s.overdueSteps);
        writeNullable(out, s.dueIndexKey);
    }

    private static OpenInvoiceState readOpen(DataInputStream in) throws IOException {
        byte version = in.readByte();
        if (version != OPEN_INVOICE_V1) {
            throw new SerializationException("unknown open-invoice format " + version);
        }
        OpenInvoiceState s = new OpenInvoiceState();
        s.status = OpenInvoiceState.Status.values()[in.readByte()];
        s.tenantId = in.readUTF();
        s.clientId = in.readUTF();
        s.invoiceId = in.readUTF();
        s.issuedAt = in.readLong();
        s.dueAt = in.readLong();
        s.amountMinor = in.readLong();
        s.currency = readNullable(in);
        s.paidMinor = in.readLong();
        s.paidCurrency = readNullable(in);
        s.lastPaidAt = in.readLong();
        s.overdueSteps = in.readInt();
        s.dueIndexKey = readNullable(in);
        return s;
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static byte[] write(Writer writer) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
            DataOutputStream out = new DataOutputStream(bytes);
            writer.write(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new SerializationException("cannot write state", e);
        }
    }

    private static <T> T read(byte[] bytes, Reader<T> reader) {
        try {
            return reader.read(new DataInputStream(new ByteArrayInputStream(bytes)));
        } catch (IOException e) {
            throw new SerializationException("cannot read state", e);
        }
    }

    private static void writeNullable(DataOutputStream out, String value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeUTF(value);
        }
    }

    private static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
