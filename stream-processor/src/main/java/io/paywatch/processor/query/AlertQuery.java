package io.paywatch.processor.query;

import io.micronaut.http.HttpStatus;
import io.paywatch.contract.AlertType;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.contract.Severity;
import io.paywatch.processor.alerting.AlertLog;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;
import java.util.StringJoiner;

/**
 * One page request of the alert history: filters, an optional cursor and a page size, validated from the query
 * string. Order is newest first: occurredAt descending, then alertId descending (the store's key order reversed).
 *
 * @param types      alert types wanted (empty: all)
 * @param severities severities wanted (empty: all)
 * @param clientId   only this client's alerts (null: all clients)
 * @param fromMs     occurredAt at or after this (epoch ms, inclusive; null: no lower bound)
 * @param toMs       occurredAt before this (epoch ms, exclusive; null: no upper bound)
 * @param after      the position of the last alert of the previous page (null: the first page)
 * @param limit      alerts per page, 1 to {@link #MAX_LIMIT}
 */
public record AlertQuery(Set<AlertType> types, Set<Severity> severities, String clientId, Long fromMs, Long toMs,
        Position after, int limit) {

    /** Default page size. */
    public static final int DEFAULT_LIMIT = 50;
    /** Largest page size. */
    public static final int MAX_LIMIT = 200;
    private static final String CURSOR_VERSION = "1";

    /** A place in the newest-first order: an alert's occurredAt and alertId. */
    public record Position(long occurredAtMs, String alertId) {

        /** The position of {@code alert}. */
        public static Position of(PaymentAlert alert) {
            return new Position(alert.getOccurredAt().toEpochMilli(), alert.getAlertId());
        }

        /**
         * The opaque cursor: URL-safe base64 of {@code 1|<13-digit occurredAt>|alertId}. Opaque to clients; the
         * version lets the format change without misreading an old cursor.
         */
        public String encode() {
            String raw = CURSOR_VERSION + "|" + AlertLog.pad13(occurredAtMs) + "|" + alertId;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
        }

        /** Parses a cursor made by {@link #encode}; a bad one is a 400 naming {@code cursor}. */
        public static Position decode(String cursor) {
            String raw;
            try {
                raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw bad("cursor", "cursor is not one this API returned (not URL-safe base64)");
            }
            String[] parts = raw.split("\\|", 3);
            if (parts.length != 3 || !CURSOR_VERSION.equals(parts[0]) || parts[1].length() != 13
                    || !parts[1].chars().allMatch(Character::isDigit) || parts[2].isEmpty()) {
                throw bad("cursor", "cursor is not one this API returned; start again without it");
            }
            return new Position(Long.parseLong(parts[1]), parts[2]);
        }

        /** The alert's key suffix after {@code tenant|}: {@code <occurredAt13>|alertId}, in store order. */
        String keySuffix() {
            return AlertLog.pad13(occurredAtMs) + "|" + alertId;
        }
    }

    /** Validates the raw query parameters (any may be null); each error is a 400 naming its parameter. */
    public static AlertQuery parse(String type, String severity, String clientId, String from, String to,
            String cursor, String limit) {
        Set<AlertType> types = enums(AlertType.class, "type", type);
        Set<Severity> severities = enums(Severity.class, "severity", severity);
        if (clientId != null && clientId.isBlank()) {
            throw bad("clientId", "clientId must not be blank");
        }
        Long fromMs = instant("from", from);
        Long toMs = instant("to", to);
        if (fromMs != null && toMs != null && fromMs >= toMs) {
            throw bad("to", "to must be after from (from is inclusive, to exclusive)");
        }
        int max = DEFAULT_LIMIT;
        if (limit != null) {
            try {
                max = Integer.parseInt(limit.trim());
            } catch (NumberFormatException e) {
                max = -1;
            }
        }
        if (max < 1 || max > MAX_LIMIT) {
            throw bad("limit", "limit must be a whole number between 1 and " + MAX_LIMIT);
        }
        Position after = cursor == null || cursor.isEmpty() ? null : Position.decode(cursor);
        return new AlertQuery(types, severities, clientId, fromMs, toMs, after, max);
    }

    /** Whether {@code alert} passes the filters (the time range and cursor are applied by the key range). */
    public boolean matches(PaymentAlert alert) {
        return (types.isEmpty() || types.contains(alert.getType()))
                && (severities.isEmpty() || severities.contains(alert.getSeverity()))
                && (clientId == null || clientId.equals(alert.getClientId()));
    }

    /**
     * The query string of these filters with {@code limit} (no cursor, no scope), for the hop to another instance.
     */
    public String toQueryString(String cursor) {
        StringJoiner q = new StringJoiner("&");
        if (!types.isEmpty()) {
            q.add("type=" + join(types));
        }
        if (!severities.isEmpty()) {
            q.add("severity=" + join(severities));
        }
        if (clientId != null) {
            q.add("clientId=" + QueryController.enc(clientId));
        }
        if (fromMs != null) {
            q.add("from=" + Instant.ofEpochMilli(fromMs));
        }
        if (toMs != null) {
            q.add("to=" + Instant.ofEpochMilli(toMs));
        }
        if (cursor != null) {
            q.add("cursor=" + cursor);
        }
        q.add("limit=" + limit);
        return q.toString();
    }

    private static String join(Set<? extends Enum<?>> values) {
        StringJoiner j = new StringJoiner(",");
        values.forEach(v -> j.add(v.name()));
        return j.toString();
    }

    private static <E extends Enum<E>> Set<E> enums(Class<E> type, String field, String raw) {
        Set<E> out = EnumSet.noneOf(type);
        if (raw == null) {
            return out;
        }
        for (String part : raw.split(",", -1)) {
            String name = part.trim();
            try {
                out.add(Enum.valueOf(type, name));
            } catch (IllegalArgumentException e) {
                throw bad(field, field + " '" + name + "' is not one of "
                        + Arrays.toString(type.getEnumConstants()) + " (comma-separated for several)");
            }
        }
        return out;
    }

    private static Long instant(String field, String raw) {
        if (raw == null) {
            return null;
        }
        try {
            return Instant.parse(raw.trim()).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw bad(field, field + " must be an ISO-8601 instant such as 2026-01-31T00:00:00Z");
        }
    }

    private static QueryProblem bad(String field, String detail) {
        return new QueryProblem(HttpStatus.BAD_REQUEST, field, detail);
    }
}
