package io.paywatch.processor.classification;

import io.paywatch.contract.AlertOptIns;
import io.paywatch.contract.Classification;
import io.paywatch.contract.ClientType;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.GhostingEpisode;
import io.paywatch.contract.Money;
import io.paywatch.contract.OpenInvoice;
import io.paywatch.contract.PaymentStats;
import io.paywatch.contract.ReceivablesStats;
import io.paywatch.contract.ResponsivenessStats;
import io.paywatch.contract.ScoreFactor;
import io.paywatch.schemas.AvroSerde;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** One test per class, plus the score, its factors and determinism. Default tenant thresholds throughout. */
class ClassifierTest {

    static {
        AvroSerde.of(FreelancerSettings.class); // registers the contract package with Avro's class-trust check
    }

    private static final FreelancerSettings SETTINGS = FreelancerSettings.newBuilder().setTenantId("t")
            .setNotificationEmail("me@example.org").setAlertOptIns(AlertOptIns.newBuilder().build())
            .setUpdatedAt(Instant.parse("2025-01-01T00:00:00Z")).build();

    private static PaymentStats.Builder payments(int paid, double ewma, double lateShare) {
        return PaymentStats.newBuilder().setPaidInvoices(paid).setEwmaDaysToPay(ewma).setMedianDaysToPay(ewma)
                .setLateShare(lateShare).setMeanDaysLate(0.0);
    }

    private static ReceivablesStats.Builder receivables() {
        return ReceivablesStats.newBuilder();
    }

    private static ResponsivenessStats.Builder replies(int count, double medianHours, double withinTarget) {
        return ResponsivenessStats.newBuilder().setRepliesInWindow(count).setMedianReplyBusinessHours(medianHours)
                .setP90ReplyBusinessHours(medianHours * 1.5).setAnsweredWithinTargetShare(withinTarget)
                .setInboundPerWeek(2.0).setAfterHoursShare(0.0);
    }

    private static Classification classify(PaymentStats.Builder p, ReceivablesStats.Builder r,
            ResponsivenessStats.Builder s) {
        return Classifier.classify(p.build(), r.build(), s.build(), SETTINGS);
    }

    private static int impact(Classification c, String factor) {
        return c.getFactors().stream().filter(f -> f.getName().equals(factor)).mapToInt(ScoreFactor::getImpact)
                .findFirst().orElseThrow(() -> new AssertionError("no factor " + factor + " in " + c.getFactors()));
    }

    @Test
    void idealPaysWithinTermsAndAnswersPromptly() {
        Classification c = classify(payments(6, 24.0, 0.0), receivables(), replies(5, 4.0, 1.0));
        assertThat(c.getType()).isEqualTo(ClientType.IDEAL);
        // 50 + lateShare 15 + daysToPay 10 + replyTime 10 + promptShare 5
        assertThat(c.getScore()).isEqualTo(90);
        assertThat(impact(c, "daysToPay")).isEqualTo(10);
        assertThat(c.getReasons()).anyMatch(r -> r.contains("Pays within terms"))
                .anyMatch(r -> r.contains("Answers promptly: median reply 4 business hours"));
    }

    @Test
    void slowPayerPaysMostInvoicesLate() {
        Classification c = classify(payments(10, 44.0, 0.8), receivables(), replies(5, 4.0, 1.0));
        assertThat(c.getType()).isEqualTo(ClientType.SLOW_PAYER);
        assertThat(impact(c, "lateShare")).isEqualTo(-20);
        assertThat(impact(c, "daysToPay")).isEqualTo(-14); // 44 against a 30-day norm
        assertThat(c.getScore()).isEqualTo(50 - 20 - 14 + 10 + 5);
        // Built without its per-invoice history, so the grace cannot be applied: every late payment counts.
        assertThat(c.getReasons()).contains("Late on 8 of 10 invoices (more than your 3-day grace past due): 8 paid late.",
                "Typically pays in 44 days against your 30-day norm.");
        assertThat(c.getFactors()).filteredOn(f -> f.getName().equals("daysToPay")).singleElement()
                .satisfies(f -> assertThat(f.getDetail()).contains("44").contains("30-day norm"));
    }

    @Test
    void aLongOverdueInvoiceMakesASlowPayerEvenWithLittleHistory() {
        ReceivablesStats.Builder r = receivables().setOverdueCount(1).setOpenCount(1).setInvoices(List.of(
                OpenInvoice.newBuilder().setInvoiceId("i1").setIssuedAt(Instant.parse("2025-01-01T00:00:00Z"))
                        .setDueAt(Instant.parse("2025-01-31T00:00:00Z")).setAmount(new Money(10000L, "EUR"))
                        .setOutstanding(new Money(10000L, "EUR")).setDaysPastDue(45).setLateProbability(0.9)
                        .setExpectedSettleAt(Instant.parse("2025-03-31T00:00:00Z")).build()));
        Classification c = classify(PaymentStats.newBuilder(), r, ResponsivenessStats.newBuilder());
        assertThat(c.getType()).isEqualTo(ClientType.SLOW_PAYER);
        assertThat(impact(c, "overdueInvoices")).isEqualTo(-10);
        assertThat(c.getReasons()).contains("Has an invoice 45 days past due.");
    }

    @Test
    void ghostIsWhoeverIsGhostingNowEvenIfTheyPayWell() {
        ResponsivenessStats.Builder s = replies(5, 4.0, 1.0).setGhosting(true).setConsecutiveUnansweredFollowUps(2)
                .setGhostingTimeline(List.of(GhostingEpisode.newBuilder()
                        .setStartedAt(Instant.parse("2025-03-03T10:00:00Z"))
                        .setDetectedAt(Instant.parse("2025-03-05T10:00:00Z")).setReason("UNANSWERED_FOLLOW_UPS")
                        .build()));
        Classification c = classify(payments(6, 24.0, 0.0), receivables(), s);
        assertThat(c.getType()).isEqualTo(ClientType.GHOST);
        assertThat(impact(c, "ghosting")).isEqualTo(-30);
        assertThat(impact(c, "unansweredFollowUps")).isEqualTo(-10);
        assertThat(c.getFactors()).noneMatch(f -> f.getName().equals("pastGhosting"));
        assertThat(c.getScore()).isEqualTo(90 - 30 - 10);
        assertThat(c.getReasons().get(0)).contains("5 business days").contains("2 follow-ups");
    }

    @Test
    void ghostAlsoCoversChronicallySlowReplies() {
        Classification c = classify(payments(6, 24.0, 0.0), receivables(), replies(4, 60.0, 0.0));
        assertThat(c.getType()).isEqualTo(ClientType.GHOST);
        assertThat(impact(c, "replyTime")).isEqualTo(-15);
        assertThat(impact(c, "promptShare")).isEqualTo(-5);
        assertThat(c.getReasons()).singleElement().asString().contains("60 business hours").contains("16-hour");
    }

    @Test
    void micromanagerWritesTooOften() {
        Classification c = classify(payments(6, 24.0, 0.0), receivables(),
                replies(5, 4.0, 1.0).setInboundPerWeek(14.0));
        assertThat(c.getType()).isEqualTo(ClientType.MICROMANAGER);
        assertThat(impact(c, "inboundRate")).isEqualTo(-10);
        assertThat(c.getReasons()).containsExactly("Writes 14 times a week (your limit is 10).");
    }

    @Test
    void micromanagerWritesAfterHours() {
        Classification c = classify(payments(6, 24.0, 0.0), receivables(),
                replies(5, 4.0, 1.0).setInboundPerWeek(3.0).setAfterHoursShare(0.5));
        assertThat(c.getType()).isEqualTo(ClientType.MICROMANAGER);
        assertThat(impact(c, "afterHours")).isEqualTo(-10);
        assertThat(c.getReasons()).containsExactly(
                "50% of their messages come outside your working hours (your limit is 30%).");
    }

    @Test
    void oneLateEveningMessageIsNotMicromanaging() {
        Classification c = classify(payments(6, 24.0, 0.0), receivables(),
                replies(5, 4.0, 1.0).setInboundPerWeek(1.0).setAfterHoursShare(1.0));
        assertThat(c.getType()).isEqualTo(ClientType.IDEAL);
    }

    @Test
    void newWhenThereIsTooLittleHistory() {
        Classification c = classify(payments(1, 20.0, 0.0), receivables(), ResponsivenessStats.newBuilder());
        assertThat(c.getType()).isEqualTo(ClientType.NEW);
        assertThat(c.getReasons()).containsExactly("Too little history: 1 paid invoice and 0 measured replies so far.");
        Classification empty = Classifier.classify(PaymentStats.newBuilder().build(),
                ReceivablesStats.newBuilder().build(), ResponsivenessStats.newBuilder().build(), SETTINGS);
        assertThat(empty.getType()).isEqualTo(ClientType.NEW);
        assertThat(empty.getScore()).isEqualTo(50);
        assertThat(empty.getFactors()).isEmpty();
    }

    @Test
    void thresholdsComeFromTheTenantsSettings() {
        FreelancerSettings strict = FreelancerSettings.newBuilder(SETTINGS).setInboundPerWeekThreshold(1.5)
                .setPaymentNormDays(14).setDriftToleranceDays(2).build();
        PaymentStats p = payments(6, 24.0, 0.0).build();
        ResponsivenessStats s = replies(5, 4.0, 1.0).build();
        assertThat(Classifier.classify(p, receivables().build(), s, SETTINGS).getType()).isEqualTo(ClientType.IDEAL);
        assertThat(Classifier.classify(p, receivables().build(), s, strict).getType())
                .isEqualTo(ClientType.SLOW_PAYER);
        PaymentStats fast = payments(6, 10.0, 0.0).build();
        assertThat(Classifier.classify(fast, receivables().build(), s, strict).getType())
                .isEqualTo(ClientType.MICROMANAGER);
    }

    @Test
    void theScoreIsClampedAndDeterministic() {
        ResponsivenessStats.Builder awful = replies(5, 80.0, 0.0).setGhosting(true).setConsecutiveUnansweredFollowUps(5)
                .setInboundPerWeek(30.0).setAfterHoursShare(0.9);
        Classification a = classify(payments(10, 90.0, 1.0).setDrifting(true), receivables().setOverdueCount(3), awful);
        Classification b = classify(payments(10, 90.0, 1.0).setDrifting(true), receivables().setOverdueCount(3), awful);
        assertThat(a.getScore()).isZero();
        assertThat(a).isEqualTo(b);
    }
}
