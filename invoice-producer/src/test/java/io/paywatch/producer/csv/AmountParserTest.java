package io.paywatch.producer.csv;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Amounts as spreadsheets and invoicing tools of different locales write them (issue 11 §4): each accepted form
 * with the exact minor units written out by hand, and each form that cannot be read with certainty refused with
 * a reason. Separators are escaped: U+00A0 no-break space, U+202F narrow no-break space, U+2019 right quote.
 */
class AmountParserTest {

    @ParameterizedTest(name = "{0} {2} ''{1}'' = {3}")
    @CsvSource(delimiter = '|', value = {
            // grouping separators of the common locales, and the decimal comma
            "en-US | 1,234.56          | USD | 123456",
            "en-US | 1,234,567.8       | USD | 123456780",
            "en-GB | 1234.5            | GBP | 123450",
            "de-DE | 1.234,56          | EUR | 123456",
            "de-DE | 1234,56           | EUR | 123456",
            "it-IT | 1.234.567,00      | EUR | 123456700",
            "fr-FR | 1\u202f234,56     | EUR | 123456",
            "fr-FR | 1\u00a0234,56     | EUR | 123456",
            "fr-FR | 1 234,56          | EUR | 123456",
            "sv-SE | 1\u00a0234,56     | SEK | 123456",
            "de-CH | 1'234.56          | CHF | 123456",
            "de-CH | 1\u2019234.56     | CHF | 123456",
            // currency symbols and ISO codes, before or after
            "en-US | $1,234.56         | USD | 123456",
            "en-US | USD 1,234.56      | USD | 123456",
            "en-US | 1,234.56 USD      | USD | 123456",
            "de-DE | 1.234,56 €        | EUR | 123456",
            "de-DE | 1.234,56\u00a0€   | EUR | 123456",
            "fr-FR | 1\u202f234,56\u00a0€ | EUR | 123456",
            "nl-NL | € 1.234,56        | EUR | 123456",
            "de-CH | CHF 1'234.50      | CHF | 123450",
            "en-GB | £12.00            | GBP | 1200",
            "en-CA | $12               | CAD | 1200",
            "sv-SE | 1 234,56 kr       | SEK | 123456",
            // negative amounts: parentheses (accounting), minus before or after, U+2212
            "en-US | (1,234.56)        | USD | -123456",
            "en-US | ($1,234.56)       | USD | -123456",
            "en-US | -$1,234.56        | USD | -123456",
            "de-DE | -1.234,56 €       | EUR | -123456",
            "de-DE | 1.234,56-         | EUR | -123456",
            "fr-FR | \u22121 234,56 €  | EUR | -123456",
            // ISO-4217 minor units decide the digits: zero-decimal yen, three-decimal dinar
            "ja-JP | ￥1,234            | JPY | 1234",
            "en-US | 1,234             | JPY | 1234",
            "en-US | 1.234             | KWD | 1234",
            "en-US | .5                | USD | 50"})
    void reads(String locale, String text, String currency, long minor) {
        AmountParser.Result r = new AmountParser(Locale.forLanguageTag(locale)).parse(text, currency);
        assertThat(r.error()).isNull();
        assertThat(r.minor()).isEqualTo(minor);
    }

    @ParameterizedTest(name = "{0} {2} ''{1}'' refused: {3}")
    @CsvSource(delimiter = '|', value = {
            // more digits than the currency's minor units: refused, never rounded
            "en-US | 12.345            | EUR | more decimals than EUR allows",
            "de-DE | 1,234             | EUR | more decimals than EUR allows",
            "en-US | 1.5               | JPY | more decimals than JPY allows",
            // a separator the locale does not use, or one out of place
            "fr-FR | 1.234,56          | EUR | '.', which is not a digit or separator in fr-FR",
            "en-US | 1.234,56          | EUR | grouping separator after the decimal separator",
            "de-DE | 1,234.56          | EUR | grouping separator after the decimal separator",
            "en-US | 12,34             | USD | grouping separator out of place",
            "en-US | 1,2345            | USD | grouping separator out of place",
            "en-US | 1,23,456.00       | USD | grouping separator out of place",
            "en-US | ,123              | USD | which is not a sign of the row's currency USD",
            "en-US | 1.2.3             | USD | two decimal separators",
            "en-US | 12.               | USD | ends with the decimal separator",
            // another currency's sign, two signs, two minus signs, text
            "en-US | £12.00            | EUR | not a sign of the row's currency EUR",
            "en-US | 12.00 EUR         | USD | not a sign of the row's currency USD",
            "en-US | EUR 12.00 €       | EUR | currency sign on both sides",
            "en-US | (-12.00)          | USD | two minus signs",
            "en-US | 12 apples         | USD | 'apples', which is not a sign of the row's currency USD",
            "en-US | 12 - 3            | USD | ' ', which is not a digit or separator in en-US",
            "en-US | 12 USD EUR        | USD | not one currency sign and one minus sign",
            "en-US | 1e3               | USD | 'e', which is not a digit",
            "en-US | n/a               | USD | has no digits"})
    void refuses(String locale, String text, String currency, String reason) {
        AmountParser.Result r = new AmountParser(Locale.forLanguageTag(locale)).parse(text, currency);
        assertThat(r.minor()).isNull();
        assertThat(r.error()).contains(reason);
    }
}
