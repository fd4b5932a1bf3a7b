package io.paywatch.processor.query;

import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plain JSON-ready maps from contract records: field names as in the contract, unions unwrapped, timestamps
 * as ISO-8601 strings, enums as their symbols, money as {@code {amountMinor, currency}}. Generic over the
 * schema, so a field added to the contract shows up in the API without code here.
 */
public final class AvroMaps {

    private AvroMaps() {
    }

    /** The record as a map of its fields, in schema order. */
    public static Map<String, Object> toMap(IndexedRecord record) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Schema.Field field : record.getSchema().getFields()) {
            out.put(field.name(), convert(record.get(field.pos())));
        }
        return out;
    }

    private static Object convert(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof IndexedRecord r) {
            return toMap(r);
        }
        if (value instanceof CharSequence || value instanceof Enum<?> || value instanceof Instant) {
            return value.toString();
        }
        if (value instanceof Double d) {
            // JSON has no NaN or infinity.
            return d.isNaN() || d.isInfinite() ? null : d;
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value;
        }
        if (value instanceof Collection<?> c) {
            List<Object> list = new ArrayList<>(c.size());
            c.forEach(v -> list.add(convert(v)));
            return list;
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> map = new LinkedHashMap<>();
            m.forEach((k, v) -> map.put(String.valueOf(k), convert(v)));
            return map;
        }
        if (value instanceof ByteBuffer b) {
            return Base64.getEncoder().encodeToString(b.duplicate().array());
        }
        return value.toString();
    }
}
