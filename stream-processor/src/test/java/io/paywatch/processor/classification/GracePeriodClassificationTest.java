package io.paywatch.processor.classification;

import io.paywatch.contract.Classification;
import io.paywatch.contract.ClientProfile;
import io.paywatch.contract.ClientType;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.ScoreFactor;
import io.paywatch.processor.Events;
import io.paywatch.schemas.AvroSerde;
import io.paywatch.processor.TopologyFixture;
import io.paywatch.processor.TopologyOptions;
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
 * A payment inside the tenant's grace period (a day or two after the due date, which bank feeds routinely post) is
 * not a late payment for the classification, while {@code lateShare} keeps DOMAIN.md's "days late > 0". Through
 * {@code PaywatchTopology.buildTopology} with pinned time; the days late of every payment are counted in the test from
 * calendar dates in the tenant's zone.
 */
class GracePeriodClassificationTest {

    static {
        AvroSerde.of(FreelancerSettings.class); // registers the contract package with Avro's class-trust check
    }

    private static final String T = "grace-tenant";
    private static final ZoneId ZONE = ZoneId.of("America/New_York");
    private static final int TERMS = 30;

    private static Instant at(LocalDate date) {
        return date.atTime(LocalTime.of(11, 0)).atZone(ZONE).toInstant();
    }

    /**
     * Four invoices, one a month from 5 Jan 2026 on 30-day terms, each paid {@code daysAfterDue[i]} calendar days after
     * its due date; returns the client's profile once everything is settled.
     */
    private static ClientProfile paysAfterDue(FreelancerSettings settings, String c, int... daysAfterDue) {
        try (TopologyFixture f = new TopologyFixture(TopologyOptions.defaults(),
                Instant.parse("2026-06-01T12:00:00Z"))) {
            f.pipeSettings(settings);
            LocalDate issue = LocalDate.of(2026, 1, 5);
            for (int i = 0; i < daysAfterDue.length; i++) {
                LocalDate due = issue.plusDays(TERMS);
                LocalDate paidOn = due.plusDays(daysAfterDue[i]);
                assertThat(ChronoUnit.DAYS.between(due, paidOn)).isEqualTo(daysAfterDue[i]);
                f.pipe(T, c, issued(T, c, c + "-" + i, at(issue), TERMS, 500_00));
                f.pipe(T, c, paid(T, c, c + "-" + i, at(paidOn), 500_00));
                issue = issue.plusMonths(1);
            }
            return f.storedProfile(T, c);
        }
    }

    private static FreelancerSettings settings(int grace) {
        return Events.settings(T).setTimezone(ZONE.getId()).setOverdueGraceDays(grace).build();
    }

    private static int impact(Classification c, String factor) {
        return c.getFactors().stream().filter(x -> x.getName().equals(factor)).mapToInt(ScoreFactor::getImpact)
                .findFirst().orElseThrow();
    }

    @Test
    void aClientPayingOneOrTwoDaysAfterTheDueDateInsideTheGraceIsNotASlowPayer() {
        ClientProfile p = paysAfterDue(settings(3), "within", 2, 1, 2, 2);
        // DOMAIN.md's figure is unchanged: every payment was after its due date.
        assertThat(p.getPayments().getLateShare()).isEqualTo(1.0);
        assertThat(p.getPayments().getHistory()).allSatisfy(s -> assertThat(s.getDaysLate()).isBetween(1, 3));
        Classification c = p.getClassification();
        assertThat(c.getType()).isEqualTo(ClientType.IDEAL);
        assertThat(c.getReasons()).anyMatch(r -> r.startsWith("Pays within terms or your 3-day grace: 4 of 4"));
        assertThat(impact(c, "lateShare")).isEqualTo(15);
        assertThat(c.getFactors()).filteredOn(x -> x.getName().equals("lateShare")).singleElement()
                .satisfies(x -> assertThat(x.getDetail())
                        .isEqualTo("0% of 4 settled invoices paid more than 3 days after the due date"
                                + " (4 more within the grace)"));
    }

    @Test
    void theGraceIsTheTenantsOwnAndItsLastDayStillCounts() {
        // Paid exactly 3 days after the due date: inside a 3-day grace, beyond a 1-day grace.
        assertThat(paysAfterDue(settings(3), "edge", 3, 3, 3, 3).getClassification().getType())
                .isEqualTo(ClientType.IDEAL);
        ClientProfile strict = paysAfterDue(settings(1), "strict", 3, 3, 3, 3);
        assertThat(strict.getClassification().getType()).isEqualTo(ClientType.SLOW_PAYER);
        assertThat(strict.getClassification().getReasons())
                .contains("Late on 4 of 4 invoices (more than your 1-day grace past due): 4 paid late.");
    }

    @Test
    void aClientPayingBeyondTheGraceOnMostInvoicesIsStillASlowPayer() {
        // 4 days after due is the first day beyond a 3-day grace: the day INVOICE_OVERDUE's step 1 fires.
        ClientProfile p = paysAfterDue(settings(3), "beyond", 4, 0, 5, 4);
        Classification c = p.getClassification();
        assertThat(c.getType()).isEqualTo(ClientType.SLOW_PAYER);
        assertThat(c.getReasons())
                .contains("Late on 3 of 4 invoices (more than your 3-day grace past due): 3 paid late.");
        assertThat(impact(c, "lateShare")).isEqualTo(-20);
    }

    @Test
    void aClientPayingWeeksLateIsASlowPayer() {
        Classification c = paysAfterDue(settings(3), "weeks", 20, 25, 18, 30).getClassification();
        assertThat(c.getType()).isEqualTo(ClientType.SLOW_PAYER);
        assertThat(c.getReasons()).noneMatch(r -> r.contains("within terms"));
    }

    @Test
    void aClientPayingByTheDueDateIsIdealAndPaysWithinTerms() {
        Classification c = paysAfterDue(settings(3), "ontime", 0, -2, -5, 0).getClassification();
        assertThat(c.getType()).isEqualTo(ClientType.IDEAL);
        assertThat(c.getReasons()).anyMatch(r -> r.startsWith("Pays within terms: typically"));
    }
}
