package io.paywatch.processor.payments;

/**
 * One settled invoice in a client's bounded history (the internal form of SettledInvoice).
 *
 * @param daysToPay calendar days from issue to the settling payment (DTP)
 * @param daysLate  max(0, calendar days from due date to the settling payment)
 * @param termsDays calendar days from issue to due date
 */
public record SettledRecord(String invoiceId, long issuedAt, long dueAt, long settledAt, int daysToPay,
        int daysLate, int termsDays, long amountMinor, String currency) {

    /** Signed days relative to the due date: positive late, negative early. */
    public int daysVsDue() {
        return daysToPay - termsDays;
    }
}
