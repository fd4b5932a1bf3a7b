package io.paywatch.producer.csv;

import java.math.BigDecimal;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.text.NumberFormat;
import java.util.Currency;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads an amount written the way a spreadsheet or invoicing tool of one locale writes it, exactly, into minor
 * units of an ISO-4217 currency; anything it cannot read with certainty is refused with a reason, never guessed.
 *
 * <p>The locale's separators and grouping size come from {@code java.text} ({@link DecimalFormatSymbols} and the
 * locale's {@link DecimalFormat} pattern, CLDR data in the JDK): {@code en-US} 1,234.56; {@code de-DE}
 * 1.234,56; {@code fr-FR} 1 234,56 (narrow no-break space U+202F; a no-break space U+00A0 or a plain space is
 * read the same); {@code de-CH} 1’234.56 (U+2019; an ASCII apostrophe is read the same). The accepted shape:
 * <ul>
 *   <li>digits with at most one decimal separator; grouping separators only left of it and only at the locale's
 *       grouping size (1,234,567 yes; 1,23,4567 no), so a misplaced separator is refused, not dropped;</li>
 *   <li>no more fraction digits than the currency's ISO-4217 minor units ({@link Currency#getDefaultFractionDigits}):
 *       EUR 12.345 is refused, JPY 1,234 is 1234 yen, KWD 1.234 is 1234 fils;</li>
 *   <li>an optional currency sign before or after the number: the ISO code, or the currency's symbol in this
 *       locale, in en-US, or in a locale of a country that uses the currency ($ for USD/CAD/AUD…, € for EUR,
 *       £, CHF, kr…); a sign of another currency (£ on a EUR row) is refused;</li>
 *   <li>a negative amount as {@code -1,234.56}, {@code 1,234.56-}, with U+2212 minus, or in parentheses
 *       {@code (1,234.56)} (accounting style).</li>
 * </ul>
 * Thread-safe.
 */
public final class AmountParser {

    private static final String SPACES = " \u00a0\u202f\u2009";
    private static final String APOSTROPHES = "'\u2019\u02bc";
    private static final Map<String, Set<String>> SIGNS = new ConcurrentHashMap<>();

    private final Locale locale;
    private final char decimal;
    private final String grouping;
    private final int groupSize;
    private final String example;

    public AmountParser(Locale locale) {
        this.locale = locale;
        DecimalFormatSymbols symbols = DecimalFormatSymbols.getInstance(locale);
        this.decimal = symbols.getDecimalSeparator();
        char g = symbols.getGroupingSeparator();
        // Spreadsheets write the space-like and apostrophe-like separators in several Unicode forms.
        this.grouping = SPACES.indexOf(g) >= 0 ? SPACES : APOSTROPHES.indexOf(g) >= 0 ? APOSTROPHES : String.valueOf(g);
        NumberFormat format = NumberFormat.getNumberInstance(locale);
        int size = format instanceof DecimalFormat df ? df.getGroupingSize() : 3;
        this.groupSize = size <= 0 ? 3 : size;
        format.setMinimumFractionDigits(2);
        this.example = format.format(1234.56);
    }

    /** The locale this parser reads. */
    public Locale locale() {
        return locale;
    }

    /** How this locale writes 1234.56, for messages. */
    public String example() {
        return example;
    }

    /** A parsed amount, or the reason it was refused. */
    public record Result(Long minor, String error) {
        static Result error(String reason) {
            return new Result(null, reason);
        }
    }

    /**
     * Parses {@code text} into minor units of {@code currency} (an upper-case ISO-4217 code).
     *
     * @return the amount (negative when written negative), or the reason it cannot be read with certainty
     */
    public Result parse(String text, String currency) {
        String s = trim(text);
        if (s.isEmpty()) {
            return Result.error("is empty");
        }
        boolean negative = false;
        if (s.startsWith("(") && s.endsWith(")")) {
            negative = true;
            s = trim(s.substring(1, s.length() - 1));
        }
        int first = -1;
        int last = -1;
        for (int i = 0; i < s.length(); i++) {
            if (Character.isDigit(s.charAt(i))) {
                if (first < 0) {
                    first = i;
                }
                last = i;
            }
        }
        if (first < 0) {
            return Result.error("has no digits");
        }
        if (first > 0 && s.charAt(first - 1) == decimal) {
            first--; // ".50"
        }
        if (last + 1 < s.length() && s.charAt(last + 1) == decimal) {
            last++; // "12." is refused below as ending with the separator, not as a currency sign "."
        }
        String prefix = s.substring(0, first);
        String body = s.substring(first, last + 1);
        String suffix = s.substring(last + 1);
        Affix before = affix(prefix);
        Affix after = affix(suffix);
        if (before.error != null || after.error != null) {
            return Result.error(before.error != null ? before.error : after.error);
        }
        if (before.negative && after.negative || negative && (before.negative || after.negative)) {
            return Result.error("has two minus signs");
        }
        negative |= before.negative || after.negative;
        if (before.sign != null && after.sign != null) {
            return Result.error("has a currency sign on both sides");
        }
        String sign = before.sign != null ? before.sign : after.sign;
        if (sign != null && currency != null && !signsOf(currency).contains(sign)) {
            return Result.error("is written in '" + sign + "', which is not a sign of the row's currency " + currency);
        }
        StringBuilder integer = new StringBuilder();
        StringBuilder fraction = null;
        int groupDigits = -1; // digits since the last grouping separator, -1 before the first one
        int firstGroup = -1;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (Character.isDigit(c)) {
                int d = Character.digit(c, 10);
                if (fraction != null) {
                    fraction.append(d);
                } else {
                    integer.append(d);
                    if (groupDigits >= 0) {
                        groupDigits++;
                    }
                }
            } else if (c == decimal) {
                if (fraction != null) {
                    return Result.error("has two decimal separators '" + decimal + "' (" + tag() + " writes "
                            + example + ")");
                }
                if (groupDigits >= 0 && groupDigits != groupSize) {
                    return misplaced();
                }
                fraction = new StringBuilder();
            } else if (grouping.indexOf(c) >= 0) {
                if (fraction != null) {
                    return Result.error("has a grouping separator after the decimal separator (" + tag()
                            + " writes " + example + ")");
                }
                if (groupDigits < 0) {
                    firstGroup = integer.length();
                    if (firstGroup == 0 || firstGroup > groupSize) {
                        return misplaced();
                    }
                } else if (groupDigits != groupSize) {
                    return misplaced();
                }
                groupDigits = 0;
            } else {
                return Result.error("has '" + c + "', which is not a digit or separator in " + tag() + " ("
                        + tag() + " writes " + example + ")");
            }
        }
        if (fraction == null && groupDigits >= 0 && groupDigits != groupSize) {
            return misplaced();
        }
        if (fraction != null && fraction.isEmpty()) {
            return Result.error("ends with the decimal separator");
        }
        if (integer.isEmpty()) {
            integer.append('0');
        }
        BigDecimal value = new BigDecimal(integer + (fraction == null ? "" : "." + fraction));
        int digits = currency == null ? 2 : Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
        if (value.scale() > digits) {
            return Result.error("has more decimals than " + currency + " allows");
        }
        try {
            long minor = value.movePointRight(digits).longValueExact();
            return new Result(negative ? -minor : minor, null);
        } catch (ArithmeticException e) {
            return Result.error("is too large");
        }
    }

    private Result misplaced() {
        return Result.error("has a grouping separator out of place (" + tag() + " groups digits by " + groupSize
                + ": " + example + ")");
    }

    private String tag() {
        return locale.toLanguageTag();
    }

    private record Affix(boolean negative, String sign, String error) {
    }

    /** What surrounds the number: at most one minus sign and at most one currency sign, in any order. */
    private static Affix affix(String text) {
        String s = trim(text);
        boolean negative = false;
        if (s.startsWith("-") || s.startsWith("\u2212")) {
            negative = true;
            s = trim(s.substring(1));
        } else if (s.endsWith("-") || s.endsWith("\u2212")) {
            negative = true;
            s = trim(s.substring(0, s.length() - 1));
        }
        if (s.isEmpty()) {
            return new Affix(negative, null, null);
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '-' || c == '\u2212' || c == '+' || Character.isWhitespace(c) || SPACES.indexOf(c) >= 0) {
                return new Affix(false, null, "has '" + text.strip() + "' around the number, which is not one "
                        + "currency sign and one minus sign");
            }
        }
        return new Affix(negative, s, null);
    }

    private static String trim(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && (Character.isWhitespace(s.charAt(from)) || SPACES.indexOf(s.charAt(from)) >= 0)) {
            from++;
        }
        while (to > from && (Character.isWhitespace(s.charAt(to - 1)) || SPACES.indexOf(s.charAt(to - 1)) >= 0)) {
            to--;
        }
        return s.substring(from, to);
    }

    /**
     * The signs a currency is written with: its code, and its symbol in en-US, in en-GB and in every locale of a
     * country that uses it (CLDR through the JDK), so "$" is a sign of USD, CAD and AUD, "kr" of SEK and NOK.
     */
    static Set<String> signsOf(String currency) {
        return SIGNS.computeIfAbsent(currency, code -> {
            Currency c = Currency.getInstance(code);
            Set<String> signs = new HashSet<>();
            signs.add(code);
            signs.add(c.getSymbol(Locale.US));
            signs.add(c.getSymbol(Locale.UK));
            for (Locale l : Locale.getAvailableLocales()) {
                if (l.getCountry().isEmpty() || !l.getVariant().isEmpty()) {
                    continue;
                }
                try {
                    if (c.equals(Currency.getInstance(l))) {
                        signs.add(c.getSymbol(l));
                    }
                } catch (IllegalArgumentException noCurrency) {
                    // a region without a currency of its own
                }
            }
            // "US$", "CA$": the JDK's international forms are already in; nothing is added by hand.
            return Set.copyOf(signs);
        });
    }
}
