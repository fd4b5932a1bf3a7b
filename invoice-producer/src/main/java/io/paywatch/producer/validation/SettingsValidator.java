package io.paywatch.producer.validation;

import io.paywatch.contract.AlertOptIns;
import io.paywatch.contract.DeliveryMode;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.Language;
import io.paywatch.producer.api.SettingsJson;
import io.paywatch.producer.problem.Violation;
import io.paywatch.schemas.LogSafe;

import java.net.URI;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/** Checks a tenant's settings and builds the contract record, defaults filled by the Avro builder. */
public final class SettingsValidator {

    private static final int MINUTES_PER_DAY = 1440;
    /** Longest webhook signing secret accepted: an HMAC key longer than a few hundred bytes adds nothing. */
    public static final int MAX_SECRET_LENGTH = 256;
    /** Longest webhook URL accepted. */
    public static final int MAX_URL_LENGTH = 2048;

    private final Clock clock;

    public SettingsValidator(Clock clock) {
        this.clock = clock;
    }

    /** Outcome: violations, or the settings to publish. */
    public record Checked(List<Violation> violations, FreelancerSettings settings) {
    }

    /** Validates {@code s} for {@code tenantId}, collecting every violation. */
    public Checked validate(SettingsJson s, String tenantId) {
        List<Violation> v = new ArrayList<>();
        FreelancerSettings.Builder b = FreelancerSettings.newBuilder().setTenantId(tenantId)
                .setUpdatedAt(clock.instant());
        String email = s.notificationEmail();
        if (email == null || email.isBlank()) {
            v.add(new Violation("notificationEmail", "is required", "missing"));
        } else if (email.length() > 254 || LogSafe.firstUnsafe(email) >= 0
                || !email.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
            v.add(new Violation("notificationEmail", "is not an email address", "invalid"));
        } else {
            b.setNotificationEmail(email);
        }
        if (s.displayName() != null) {
            if (s.displayName().length() > EventValidator.MAX_NAME_LENGTH) {
                v.add(new Violation("displayName", "is longer than " + EventValidator.MAX_NAME_LENGTH
                        + " characters", "too_long"));
            } else if (LogSafe.firstUnsafe(s.displayName()) >= 0) {
                v.add(new Violation("displayName", EventValidator.UNSAFE_CHARACTER, "invalid_character"));
            }
            b.setDisplayName(s.displayName());
        }
        if (s.language() != null) {
            enumOf(v, "language", s.language(), Language.class, b::setLanguage);
        }
        if (s.timezone() != null) {
            try {
                b.setTimezone(ZoneId.of(s.timezone()).getId());
            } catch (DateTimeException e) {
                v.add(new Violation("timezone", "is not an IANA time zone", "invalid"));
            }
        }
        minute(v, "workdayStartMinute", s.workdayStartMinute(), b::setWorkdayStartMinute);
        minute(v, "workdayEndMinute", s.workdayEndMinute(), b::setWorkdayEndMinute);
        if (s.workdayStartMinute() != null && s.workdayEndMinute() != null
                && s.workdayEndMinute() <= s.workdayStartMinute()) {
            v.add(new Violation("workdayEndMinute", "must be after workdayStartMinute", "invalid"));
        }
        minute(v, "quietHoursStartMinute", s.quietHoursStartMinute(), b::setQuietHoursStartMinute);
        minute(v, "quietHoursEndMinute", s.quietHoursEndMinute(), b::setQuietHoursEndMinute);
        if (s.workingDays() != null) {
            if (s.workingDays().isEmpty() || s.workingDays().stream().anyMatch(d -> d == null || d < 1 || d > 7)) {
                v.add(new Violation("workingDays", "must list ISO days 1 (Monday) to 7", "invalid"));
            } else {
                b.setWorkingDays(s.workingDays().stream().distinct().sorted().toList());
            }
        }
        range(v, "paymentNormDays", s.paymentNormDays(), 1, EventValidator.MAX_TERMS_DAYS, b::setPaymentNormDays);
        range(v, "driftToleranceDays", s.driftToleranceDays(), 0, 365, b::setDriftToleranceDays);
        range(v, "overdueGraceDays", s.overdueGraceDays(), 0, 365, b::setOverdueGraceDays);
        range(v, "ghostingThresholdBusinessDays", s.ghostingThresholdBusinessDays(), 1, 365,
                b::setGhostingThresholdBusinessDays);
        range(v, "followUpsBeforeGhosting", s.followUpsBeforeGhosting(), 1, 100, b::setFollowUpsBeforeGhosting);
        range(v, "replyTargetBusinessHours", s.replyTargetBusinessHours(), 1, 10_000, b::setReplyTargetBusinessHours);
        range(v, "cooldownHours", s.cooldownHours(), 0, 24 * 365, b::setCooldownHours);
        share(v, "atRiskThreshold", s.atRiskThreshold(), b::setAtRiskThreshold);
        share(v, "afterHoursShareThreshold", s.afterHoursShareThreshold(), b::setAfterHoursShareThreshold);
        if (s.inboundPerWeekThreshold() != null) {
            if (!(s.inboundPerWeekThreshold() > 0) || s.inboundPerWeekThreshold().isInfinite()) {
                v.add(new Violation("inboundPerWeekThreshold", "must be greater than zero", "out_of_range"));
            } else {
                b.setInboundPerWeekThreshold(s.inboundPerWeekThreshold());
            }
        }
        if (s.deliveryMode() != null) {
            enumOf(v, "deliveryMode", s.deliveryMode(), DeliveryMode.class, b::setDeliveryMode);
        }
        if (s.alertOptIns() != null) {
            SettingsJson.AlertOptInsJson o = s.alertOptIns();
            AlertOptIns.Builder ob = AlertOptIns.newBuilder();
            if (o.invoiceOverdue() != null) {
                ob.setInvoiceOverdue(o.invoiceOverdue());
            }
            if (o.paymentDrift() != null) {
                ob.setPaymentDrift(o.paymentDrift());
            }
            if (o.ghosting() != null) {
                ob.setGhosting(o.ghosting());
            }
            if (o.invoiceAtRisk() != null) {
                ob.setInvoiceAtRisk(o.invoiceAtRisk());
            }
            if (o.afterHoursContact() != null) {
                ob.setAfterHoursContact(o.afterHoursContact());
            }
            b.setAlertOptIns(ob.build());
        }
        if (s.webhookUrl() != null) {
            try {
                URI uri = URI.create(s.webhookUrl());
                if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
                    throw new IllegalArgumentException("not http(s)");
                }
                b.setWebhookUrl(s.webhookUrl());
            } catch (IllegalArgumentException e) {
                v.add(new Violation("webhookUrl", "must be an absolute http(s) URL", "invalid"));
            }
            if (s.webhookSecret() == null || s.webhookSecret().length() < 16) {
                v.add(new Violation("webhookSecret", "is required with webhookUrl, at least 16 characters",
                        "missing"));
            }
        }
        if (s.webhookSecret() != null) {
            if (s.webhookSecret().length() > MAX_SECRET_LENGTH) {
                v.add(new Violation("webhookSecret", "is longer than " + MAX_SECRET_LENGTH + " characters",
                        "too_long"));
            } else if (LogSafe.firstUnsafe(s.webhookSecret()) >= 0) {
                v.add(new Violation("webhookSecret", "contains a control or line-break character",
                        "invalid_character"));
            } else {
                b.setWebhookSecret(s.webhookSecret());
            }
        }
        if (s.webhookUrl() != null && s.webhookUrl().length() > MAX_URL_LENGTH) {
            v.add(new Violation("webhookUrl", "is longer than " + MAX_URL_LENGTH + " characters", "too_long"));
        }
        return new Checked(v, v.isEmpty() ? b.build() : null);
    }

    private static void minute(List<Violation> v, String field, Integer value, Consumer<Integer> set) {
        range(v, field, value, 0, MINUTES_PER_DAY - 1, set);
    }

    private static void range(List<Violation> v, String field, Integer value, int min, int max,
            Consumer<Integer> set) {
        if (value == null) {
            return;
        }
        if (value < min || value > max) {
            v.add(new Violation(field, "must be between " + min + " and " + max, "out_of_range"));
        } else {
            set.accept(value);
        }
    }

    private static void share(List<Violation> v, String field, Double value, Consumer<Double> set) {
        if (value == null) {
            return;
        }
        if (!(value >= 0 && value <= 1)) {
            v.add(new Violation(field, "must be between 0 and 1", "out_of_range"));
        } else {
            set.accept(value);
        }
    }

    private static <E extends Enum<E>> void enumOf(List<Violation> v, String field, String text, Class<E> type,
            Consumer<E> set) {
        for (E c : type.getEnumConstants()) {
            if (c.name().equals(text)) {
                set.accept(c);
                return;
            }
        }
        v.add(new Violation(field, "must be one of " + Arrays.toString(type.getEnumConstants()), "unknown_value"));
    }
}
