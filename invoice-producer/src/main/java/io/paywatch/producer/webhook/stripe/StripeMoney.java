package io.paywatch.producer.webhook.stripe;

import java.util.Currency;
import java.util.Locale;
import java.util.Set;

/**
 * Converts a Stripe amount to ISO-4217 minor units.
 *
 * <p>Stripe sends every amount as an integer in "the currency's smallest unit", with its own list of decimals
 * (https://docs.stripe.com/currencies, "Zero-decimal", "Three-decimal" and "Special cases"):
 * <ul>
 *   <li>zero-decimal: BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF VND VUV XAF XOF XPF: {@code 500} is 500 units;</li>
 *   <li>ISK and UGX are zero-decimal in ISO-4217, but Stripe keeps them two-decimal for backwards
 *       compatibility and only accepts multiples of 100: {@code 1500000} is ISK 15,000 (Stripe support,
 *       "Deprecation of fractional ISK charges": "an ISK amount of 100 will continue to represent 1 króna");</li>
 *   <li>three-decimal: BHD JOD KWD OMR TND: {@code 5120} is 5.120 (Stripe asks for a last digit of 0 on charges,
 *       which changes nothing for reading);</li>
 *   <li>every other currency is two-decimal. HUF and TWD are special only for payouts (multiples of 100),
 *       which are not invoice amounts, so invoice amounts are read as ordinary two-decimal values.</li>
 * </ul>
 * Paywatch stores minor units as ISO-4217 defines them ({@link Currency#getDefaultFractionDigits()}), so the
 * amount is scaled by {@code 10^(isoDigits - stripeDigits)}: ISK {@code 1500000} becomes {@code 15000}, MGA
 * (ISO: 2 digits, Stripe: 0) {@code 5000} becomes {@code 500000}. A value that would need rounding or would
 * overflow is refused, never stored as another value.
 */
public final class StripeMoney {

    /** Stripe's zero-decimal currencies, less ISK and UGX (see {@link #TWO_DECIMAL_WHOLE_UNITS}). */
    static final Set<String> ZERO_DECIMAL = Set.of("BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG",
            "RWF", "VND", "VUV", "XAF", "XOF", "XPF");
    /** Zero-decimal in reality, two-decimal in Stripe's API; amounts must be multiples of 100. */
    static final Set<String> TWO_DECIMAL_WHOLE_UNITS = Set.of("ISK", "UGX");
    /** Stripe's three-decimal currencies. */
    static final Set<String> THREE_DECIMAL = Set.of("BHD", "JOD", "KWD", "OMR", "TND");

    private StripeMoney() {
    }

    /** Why a Stripe amount cannot be stored. */
    public static final class Refused extends Exception {
        public Refused(String reason) {
            super(reason);
        }
    }

    /** Decimals of a currency in Stripe's API (upper-case ISO code). */
    public static int stripeDigits(String code) {
        if (ZERO_DECIMAL.contains(code)) {
            return 0;
        }
        if (THREE_DECIMAL.contains(code)) {
            return 3;
        }
        return 2;
    }

    /**
     * The ISO-4217 minor units of a Stripe amount.
     *
     * @param stripeAmount the integer Stripe sent ({@code amount_due}, {@code amount_paid}...)
     * @param code         upper-case ISO-4217 code
     * @throws Refused when the currency is unknown, the amount is not a whole multiple that ISO's decimals can
     *                 hold, or the scaled value overflows 64 bits
     */
    public static long toMinorUnits(long stripeAmount, String code) throws Refused {
        Currency currency;
        try {
            currency = Currency.getInstance(code.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new Refused("'" + code + "' is not an ISO-4217 currency code");
        }
        int iso = currency.getDefaultFractionDigits();
        if (iso < 0) {
            throw new Refused(code + " has no minor unit in ISO-4217 (not a currency Stripe invoices in)");
        }
        int stripe = stripeDigits(currency.getCurrencyCode());
        boolean documented = ZERO_DECIMAL.contains(code) || THREE_DECIMAL.contains(code)
                || TWO_DECIMAL_WHOLE_UNITS.contains(code) || iso == 2;
        if (!documented) {
            throw new Refused(code + " has " + iso + " decimals in ISO-4217 and Stripe documents no rule for it");
        }
        if (iso == stripe) {
            return stripeAmount;
        }
        if (iso < stripe) {
            long factor = pow10(stripe - iso);
            if (stripeAmount % factor != 0) {
                throw new Refused(code + " amounts from Stripe are in 1/" + factor + " units and must be whole "
                        + "multiples of " + factor + " (Stripe special case: " + code + " has " + iso
                        + " decimals); " + stripeAmount + " is not");
            }
            return stripeAmount / factor;
        }
        try {
            return Math.multiplyExact(stripeAmount, pow10(iso - stripe));
        } catch (ArithmeticException e) {
            throw new Refused(stripeAmount + " " + code + " does not fit 64-bit minor units");
        }
    }

    private static long pow10(int n) {
        long f = 1;
        for (int i = 0; i < n; i++) {
            f *= 10;
        }
        return f;
    }
}
