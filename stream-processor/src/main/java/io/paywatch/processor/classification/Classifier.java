package io.paywatch.processor.classification;

import io.paywatch.contract.Classification;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.PaymentStats;
import io.paywatch.contract.ReceivablesStats;
import io.paywatch.contract.ResponsivenessStats;

/**
 * Classifies a client (IDEAL, SLOW_PAYER, GHOST, MICROMANAGER, NEW) with a 0-100 score and the factors
 * that moved it. CONTRACT: the signature is fixed; the body belongs to the responsiveness work (issue #5).
 */
public final class Classifier {

    private Classifier() {
    }

    /** Classifies from the client's current figures and the tenant's thresholds. Pure and deterministic. */
    public static Classification classify(PaymentStats payments, ReceivablesStats receivables,
            ResponsivenessStats responsiveness, FreelancerSettings settings) {
        return Classification.newBuilder().build();
    }
}
