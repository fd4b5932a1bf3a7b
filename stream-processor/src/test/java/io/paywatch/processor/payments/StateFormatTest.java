package io.paywatch.processor.payments;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 12: the open-invoice status is stored by a stable code, not by its ordinal, and state written by the previous
 * format (version 2: the ordinal, no heldAt; client-state with consecutiveNormal) still reads. Open-invoice version 4
 * adds the risk assessed at issue; versions 3 and 2 read without it.
 */
class StateFormatTest {

    /** The ordinals version 2 wrote, frozen (the enum's order when version 2 was released). */
    private static final OpenInvoiceState.Status[] V2_ORDER = {OpenInvoiceState.Status.HELD,
            OpenInvoiceState.Status.OPEN, OpenInvoiceState.Status.SETTLED_PENDING,
            OpenInvoiceState.Status.VOIDED_PENDING, OpenInvoiceState.Status.WRITTEN_OFF};

    private static OpenInvoiceState invoice(OpenInvoiceState.Status status) {
        OpenInvoiceState s = new OpenInvoiceState();
        s.status = status;
        s.tenantId = "t";
        s.clientId = "c";
        s.invoiceId = "inv-1";
        s.issuedAt = 1_000;
        s.dueAt = 2_000;
        s.amountMinor = 12_345;
        s.currency = "EUR";
        s.paidMinor = 345;
        s.dueIndexKey = "0000000002000|t|c\u001Finv-1";
        s.riskPending = true;
        s.heldAt = 1_500;
        return s;
    }

    @Test
    void statusCodesArePinnedDistinctLettersAndTheStoreHoldsTheCode() {
        assertThat(Arrays.stream(OpenInvoiceState.Status.values()).map(s -> (char) s.code()).toList())
                .containsExactly('H', 'O', 'S', 'V', 'W');
        Set<Byte> codes = new HashSet<>();
        for (OpenInvoiceState.Status s : OpenInvoiceState.Status.values()) {
            assertThat(codes.add(s.code())).isTrue();
            assertThat(OpenInvoiceState.Status.ofCode(s.code())).isEqualTo(s);
            byte[] bytes = StateSerdes.openInvoice().serializer().serialize("x", invoice(s));
            assertThat(bytes[0]).as("format version").isEqualTo((byte) 4);
            assertThat(bytes[1]).as("status byte").isEqualTo(s.code());
            OpenInvoiceState read = StateSerdes.openInvoice().deserializer().deserialize("x", bytes);
            assertThat(read.status).isEqualTo(s);
            assertThat(read.heldAt).isEqualTo(1_500);
            assertThat(read.dueIndexKey).isEqualTo(invoice(s).dueIndexKey);
        }
        assertThatThrownBy(() -> OpenInvoiceState.Status.ofCode((byte) 'Z'))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Version 3 of an invoice without a risk at issue: version 4 is version 3 plus the risk's presence flag (one byte,
     * false) and, when present, the risk.
     */
    private static byte[] version3(OpenInvoiceState s) {
        assertThat(s.riskAtIssue).isNull();
        byte[] v4 = StateSerdes.openInvoice().serializer().serialize("x", s);
        byte[] v3 = Arrays.copyOf(v4, v4.length - 1);
        v3[0] = 3;
        return v3;
    }

    @Test
    void version4KeepsTheRiskAssessedAtIssueAndVersion3ReadsWithoutIt() {
        OpenInvoiceState s = invoice(OpenInvoiceState.Status.OPEN);
        s.riskPending = false;
        s.riskAtIssue = new RiskModel.Assessment(0.4375, 41.5, io.paywatch.contract.RiskBasis.CLIENT_HISTORY, 7);
        OpenInvoiceState read = StateSerdes.openInvoice().deserializer().deserialize("x",
                StateSerdes.openInvoice().serializer().serialize("x", s));
        assertThat(read.riskAtIssue).isEqualTo(s.riskAtIssue);
        assertThat(read.heldAt).isEqualTo(1_500);

        OpenInvoiceState old = StateSerdes.openInvoice().deserializer().deserialize("x",
                version3(invoice(OpenInvoiceState.Status.OPEN)));
        assertThat(old.riskAtIssue).isNull();
        assertThat(old.heldAt).isEqualTo(1_500);
        assertThat(old.riskPending).isTrue();
    }

    @Test
    void version2OpenInvoicesStillReadWithTheirOrdinals() {
        for (int ordinal = 0; ordinal < V2_ORDER.length; ordinal++) {
            OpenInvoiceState.Status status = V2_ORDER[ordinal];
            byte[] v3 = version3(invoice(status));
            // Version 2 = version byte 2, the ordinal, the same fields, and no heldAt (the last 8 bytes).
            byte[] v2 = Arrays.copyOf(v3, v3.length - 8);
            v2[0] = 2;
            v2[1] = (byte) ordinal;
            OpenInvoiceState read = StateSerdes.openInvoice().deserializer().deserialize("x", v2);
            assertThat(read.status).isEqualTo(status);
            assertThat(read.heldAt).isEqualTo(OpenInvoiceState.NONE);
            assertThat(read.amountMinor).isEqualTo(12_345);
            assertThat(read.paidMinor).isEqualTo(345);
            assertThat(read.riskPending).isTrue();
        }
    }

    @Test
    void version2ClientStateStillReadsWithoutConsecutiveNormal() {
        ClientState s = new ClientState();
        s.clientName = null;
        s.driftReason = null;
        s.driftEpisode = 3;
        s.addSettled(new SettledRecord("inv-1", 1, 2, 3, 4, 5, 6, 700, "EUR"));
        byte[] v3 = StateSerdes.clientState().serializer().serialize("x", s);
        // Version 2 had an int (consecutiveNormal) after driftReason: 1 version byte, nullable name (1), int, double,
        // int, int, 3 doubles, boolean, int, nullable reason (1) = 52 bytes before it.
        int at = 52;
        byte[] v2 = new byte[v3.length + 4];
        System.arraycopy(v3, 0, v2, 0, at);
        v2[at + 3] = 7; // consecutiveNormal = 7, ignored
        System.arraycopy(v3, at, v2, at + 4, v3.length - at);
        v2[0] = 2;
        ClientState read = StateSerdes.clientState().deserializer().deserialize("x", v2);
        assertThat(read.driftEpisode).isEqualTo(3);
        assertThat(read.history()).extracting(SettledRecord::invoiceId).containsExactly("inv-1");
        assertThat(StateSerdes.clientState().deserializer().deserialize("x", v3).history())
                .isEqualTo(read.history());
    }
}
