package io.paywatch.producer.webhook.stripe;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Stripe amounts to ISO-4217 minor units; expected values are written from the currency tables (ISO-4217 and
 * docs.stripe.com/currencies), not computed by the class under test.
 */
class StripeMoneyTest {

    @ParameterizedTest(name = "{1} {0} from Stripe is {2} ISO minor units")
    @CsvSource({
            // two-decimal everywhere: unchanged
            "120000, USD, 120000",
            "5, EUR, 5",
            // zero-decimal in both: unchanged (JPY 500 is 500 yen)
            "500, JPY, 500",
            "15000, KRW, 15000",
            "990, CLP, 990",
            "1000, XOF, 1000",
            // ISK and UGX: zero-decimal in ISO, sent x100 by Stripe (ISK 15,000 is 1500000)
            "1500000, ISK, 15000",
            "100, ISK, 1",
            "370000000, UGX, 3700000",
            // MGA: zero-decimal at Stripe, two decimals in ISO-4217 (MGA 5,000 is 500000 minor units)
            "5000, MGA, 500000",
            // three-decimal in both (5.120 KWD), also when the last digit is not 0
            "5120, KWD, 5120",
            "5125, BHD, 5125",
            // HUF and TWD are special only for payouts: invoice amounts are plain two-decimal values
            "1000050, HUF, 1000050",
            "99999, TWD, 99999",
    })
    void convertsToIsoMinorUnits(long stripe, String currency, long iso) throws Exception {
        assertThat(StripeMoney.toMinorUnits(stripe, currency)).isEqualTo(iso);
    }

    @Test
    void fractionalKronaAndShillingAreRefusedWithTheReason() {
        assertThatThrownBy(() -> StripeMoney.toMinorUnits(1500050, "ISK"))
                .isInstanceOf(StripeMoney.Refused.class)
                .hasMessageContaining("whole multiples of 100").hasMessageContaining("1500050");
        assertThatThrownBy(() -> StripeMoney.toMinorUnits(1, "UGX")).isInstanceOf(StripeMoney.Refused.class);
    }

    @Test
    void unknownOrUndocumentedCurrenciesAreRefused() {
        assertThatThrownBy(() -> StripeMoney.toMinorUnits(100, "XXX")).isInstanceOf(StripeMoney.Refused.class);
        assertThatThrownBy(() -> StripeMoney.toMinorUnits(100, "ABC")).isInstanceOf(StripeMoney.Refused.class);
        // IQD has three ISO decimals and no Stripe rule: reading it as two-decimal would store a wrong value.
        assertThatThrownBy(() -> StripeMoney.toMinorUnits(100, "IQD")).isInstanceOf(StripeMoney.Refused.class);
    }

    @Test
    void scalingUpNeverOverflows() {
        assertThatThrownBy(() -> StripeMoney.toMinorUnits(Long.MAX_VALUE / 10, "MGA"))
                .isInstanceOf(StripeMoney.Refused.class).hasMessageContaining("64-bit");
    }
}
