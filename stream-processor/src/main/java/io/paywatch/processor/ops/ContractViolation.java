package io.paywatch.processor.ops;

/**
 * A record that decodes but breaks the contract (negative amount, unknown currency, key that does not match the
 * payload...). Thrown before any state changes; the processing exception handler dead-letters the original bytes.
 */
public final class ContractViolation extends RuntimeException {

    public ContractViolation(String reason) {
        super(reason);
    }
}
