package io.paywatch.producer.csv;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which CSV column feeds which field: {@code clientId=Customer,invoiceId=Invoice No,...}. Fields not named keep
 * their own name as the column name, so a file with headers clientId, invoiceId... needs no mapping.
 */
public final class ColumnMapping {

    /** Fields a row can carry. */
    public static final List<String> FIELDS = List.of("clientId", "clientName", "invoiceId", "issuedAt", "dueAt",
            "paymentTermsDays", "amount", "currency", "paidAt", "paidAmount");

    /** Fields every row needs a column for. */
    public static final List<String> REQUIRED = List.of("clientId", "invoiceId", "issuedAt", "amount");

    private final Map<String, String> columns;

    private ColumnMapping(Map<String, String> columns) {
        this.columns = columns;
    }

    /** Parses {@code field=Column,field=Column}; throws IllegalArgumentException naming a bad entry. */
    public static ColumnMapping parse(String spec) {
        Map<String, String> columns = new LinkedHashMap<>();
        FIELDS.forEach(f -> columns.put(f, f));
        if (spec != null && !spec.isBlank()) {
            for (String entry : spec.split(",")) {
                int eq = entry.indexOf('=');
                if (eq <= 0 || eq == entry.length() - 1) {
                    throw new IllegalArgumentException("--map entry '" + entry + "' is not field=Column");
                }
                String field = entry.substring(0, eq).strip();
                if (!FIELDS.contains(field)) {
                    throw new IllegalArgumentException("--map field '" + field + "' is not one of " + FIELDS);
                }
                columns.put(field, entry.substring(eq + 1).strip());
            }
        }
        return new ColumnMapping(columns);
    }

    /** The column name of a field. */
    public String column(String field) {
        return columns.get(field);
    }
}
