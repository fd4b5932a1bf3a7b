package io.paywatch.processor.classification;

import io.paywatch.contract.Classification;
import io.paywatch.contract.ClientProfile;
import io.paywatch.contract.ClientType;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.ScoreFactor;
import io.paywatch.processor.Events;
import io.paywatch.processor.TopologyFixture;
import io.paywatch.processor.TopologyOptions;
import io.paywatch.schemas.AvroSerde;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;

import static io.paywatch.processor.Events.issued;
import static io.paywatch.processor.Events.paid;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client is judged by the classification against the same line as PAYMENT_DRIFT: max(norm, its invoices' terms)
 * plus max(tolerance, grace). A client on 45-day terms paying on day 44 keeps its terms and is not a slow payer,
 * however far that is above the tenant's 30-day norm. Through {@code PaywatchTopology.buildTopology} with pinned
 * time; every days-to-pay and the expected class are computed in the test from calendar dates in the tenant's zone.
 */
class TermsLineClassificationTest {

    static {
        AvroSerde.of(FreelancerSettings.class); // registers the contract package with Avro's class-trust check
    }

    private static final String T = "terms-tenant";
    private static final ZoneId ZONE = ZoneId.of("Pacific/Auckland");
    /** The defaults the line is built from: norm 30, tolerance 5, grace 3 (FreelancerSettings.avsc): margin 5. */
    private static final int NORM = 30;
    private static final int MARGIN = Math.max(5, 3);

    private static Instant at(LocalDate date) {
        // Noon in Auckland is the previous calendar day in UTC while daylight saving time lasts: days must be counted
        // in the tenant's zone. Noon also keeps the fixture's due date (issued + terms x 24 h) on the same calendar
        // day across the April change of offset.
        return date.atTime(LocalTime.NOON).atZone(ZONE).toInstant();
    }

    /** Four invoices a month apart from 5 Jan 2026 on {@code terms}-day terms, each paid on day {@code dtp}. */
    private static ClientProfile pays(String c, int terms, int dtp) {
        try (TopologyFixture f = new TopologyFixture(TopologyOptions.defaults(),
                Instant.parse("2026-06-01T12:00:00Z"))) {
            f.pipeSettings(Events.settings(T).setTimezone(ZONE.getId()).build());
            LocalDate issue = LocalDate.of(2026, 1, 5);
            for (int i = 0; i < 4; i++) {
                LocalDate paidOn = issue.plusDays(dtp);
                assertThat(ChronoUnit.DAYS.between(issue, paidOn)).isEqualTo(dtp);
                f.pipe(T, c, issued(T, c, c + "-" + i, at(issue), terms, 800_00));
                f.pipe(T, c, paid(T, c, c + "-" + i, at(paidOn), 800_00));
                issue = issue.plusMonths(1);
            }
            return f.storedProfile(T, c);
        }
    }

    /** The truth, independently: slow when the typical days to pay exceed max(norm, terms) + margin. */
    private static boolean slowByTheLine(int terms, int dtp) {
        return dtp > Math.max(NORM, terms) + MARGIN;
    }

    private static int impact(Classification c, String factor) {
        return c.getFactors().stream().filter(x -> x.getName().equals(factor)).mapToInt(ScoreFactor::getImpact)
                .findFirst().orElseThrow();
    }

    @Test
    void aClientOn45DayTermsPayingOnDay44IsNotASlowPayer() {
        assertThat(slowByTheLine(45, 44)).isFalse();
        ClientProfile p = pays("on-terms", 45, 44);
        assertThat(p.getPayments().getEwmaDaysToPay()).isEqualTo(44.0);
        assertThat(p.getPayments().getHistory()).allSatisfy(s -> assertThat(s.getDaysLate()).isZero());
        Classification c = p.getClassification();
        assertThat(c.getType()).isEqualTo(ClientType.IDEAL);
        assertThat(c.getReasons()).noneMatch(r -> r.contains("Typically pays in"));
        assertThat(impact(c, "daysToPay")).isEqualTo(10);
        assertThat(c.getFactors()).filteredOn(x -> x.getName().equals("daysToPay")).singleElement()
                .satisfies(x -> assertThat(x.getDetail()).contains("its 45-day payment terms"));
    }

    @Test
    void theSameClientPayingBeyondItsTermsAndTheMarginIsASlowPayerAgainstItsTerms() {
        assertThat(slowByTheLine(45, 55)).isTrue();
        Classification c = pays("beyond-terms", 45, 55).getClassification();
        assertThat(c.getType()).isEqualTo(ClientType.SLOW_PAYER);
        assertThat(c.getReasons()).contains("Typically pays in 55 days against its 45-day payment terms.");
        assertThat(impact(c, "daysToPay")).isEqualTo(-10);
    }

    @Test
    void withoutLongerTermsTheNormIsTheLine() {
        assertThat(slowByTheLine(30, 44)).isTrue();
        assertThat(slowByTheLine(14, 34)).isFalse();
        Classification slow = pays("slow-on-30", 30, 44).getClassification();
        assertThat(slow.getType()).isEqualTo(ClientType.SLOW_PAYER);
        assertThat(slow.getReasons()).contains("Typically pays in 44 days against your 30-day norm.");
        // Short terms never lower the line under the norm: paid late (day 34 of 14-day terms) but not slow by days.
        Classification shortTerms = pays("late-on-14", 14, 34).getClassification();
        assertThat(shortTerms.getReasons()).noneMatch(r -> r.contains("Typically pays in"));
    }
}
