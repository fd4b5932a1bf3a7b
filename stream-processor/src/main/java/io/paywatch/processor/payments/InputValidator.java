package io.paywatch.processor.payments;

import io.paywatch.contract.InvoiceDueDateChanged;
import io.paywatch.contract.InvoiceIssued;
import io.paywatch.contract.InvoiceVoided;
import io.paywatch.contract.MessageEvent;
import io.paywatch.contract.MessageReceived;
import io.paywatch.contract.MessageSent;
import io.paywatch.contract.Money;
import io.paywatch.contract.PaymentReceived;
import io.paywatch.processor.ops.ContractViolation;
import io.paywatch.schemas.ClientKey;

import java.util.Currency;

/**
 * Checks what the Avro schema cannot: the contract's rules. Runs before any state changes, so a rejected
 * record leaves no trace except its dead letter.
 */
public final class InputValidator {

    /** The identity of a valid input event. */
    public record Identity(String eventId, String tenantId, String clientId) {
    }

    private InputValidator() {
    }

    /** Validates {@code value} read under {@code key}; throws {@link ContractViolation} naming the field at fault. */
    public static Identity validate(String key, Object value) {
        if (value instanceof MessageEvent m) {
            value = m.getPayload();
        }
        Identity id;
        if (value instanceof InvoiceIssued e) {
            requireText(e.getInvoiceId(), "invoiceId");
            requireMoney(e.getAmount(), "amount");
            if (e.getDueAt().isBefore(e.getIssuedAt())) {
                throw new ContractViolation("dueAt " + e.getDueAt() + " is before issuedAt " + e.getIssuedAt());
            }
            id = new Identity(e.getEventId(), e.getTenantId(), e.getClientId());
        } else if (value instanceof PaymentReceived e) {
            requireText(e.getInvoiceId(), "invoiceId");
            requireMoney(e.getAmount(), "amount");
            id = new Identity(e.getEventId(), e.getTenantId(), e.getClientId());
        } else if (value instanceof InvoiceVoided e) {
            requireText(e.getInvoiceId(), "invoiceId");
            id = new Identity(e.getEventId(), e.getTenantId(), e.getClientId());
        } else if (value instanceof InvoiceDueDateChanged e) {
            requireText(e.getInvoiceId(), "invoiceId");
            id = new Identity(e.getEventId(), e.getTenantId(), e.getClientId());
        } else if (value instanceof MessageSent e) {
            id = new Identity(e.getEventId(), e.getTenantId(), e.getClientId());
        } else if (value instanceof MessageReceived e) {
            id = new Identity(e.getEventId(), e.getTenantId(), e.getClientId());
        } else if (value == null) {
            throw new ContractViolation("value is null");
        } else {
            throw new ContractViolation("unexpected payload type " + value.getClass().getSimpleName());
        }
        requireText(id.eventId(), "eventId");
        String expected;
        try {
            expected = ClientKey.of(id.tenantId(), id.clientId());
        } catch (IllegalArgumentException e) {
            throw new ContractViolation("tenantId/clientId: " + e.getMessage());
        }
        if (!expected.equals(key)) {
            // A wrong key would put the client's events on two partitions and break ordering.
            throw new ContractViolation("record key '" + key + "' does not match payload tenant|client '"
                    + expected + "'");
        }
        return id;
    }

    private static void requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new ContractViolation(field + " must not be blank");
        }
    }

    private static void requireMoney(Money money, String field) {
        if (money.getAmountMinor() <= 0) {
            throw new ContractViolation(field + ".amountMinor must be positive, was " + money.getAmountMinor());
        }
        String code = money.getCurrency();
        if (code == null || !code.matches("[A-Z]{3}")) {
            throw new ContractViolation(field + ".currency must be an upper-case ISO-4217 code, was '" + code + "'");
        }
        try {
            Currency.getInstance(code);
        } catch (IllegalArgumentException e) {
            throw new ContractViolation(field + ".currency '" + code + "' is not an ISO-4217 currency");
        }
    }
}
