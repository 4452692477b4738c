package io.streamingetl.common;

import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;

/**
 * JSON text of a Connect value (Struct, Map, List, scalars), the one rendering every plugin uses:
 * the enrich SMT for collections it turns into text, the sink for structs, maps and arrays going
 * into String or JSON columns. Hand-written because plugins ship with no JSON library.
 *
 * <p>Always valid JSON (RFC 8259), in forms ClickHouse reads back:
 * <ul>
 * <li>NaN and ±infinity, which JSON has no number for, as the strings {@code "NaN"},
 *     {@code "Infinity"} and {@code "-Infinity"} ({@code JSONExtractFloat} and {@code toFloat64}
 *     read them as the float values);
 * <li>decimals as plain numbers (no exponent); bytes as base64 strings;
 * <li>Connect dates as ISO-8601 text in UTC: a {@code Date} field {@code "2024-01-02"}, a {@code Time}
 *     field {@code "03:04:05.123"}, a {@code Timestamp} field or a date without a schema
 *     {@code "2024-01-02T03:04:05.123Z"} (ClickHouse's JSON type infers Date and DateTime64 from them);
 * <li>map keys as strings; anything else as the string of its {@code toString()}.
 * </ul>
 */
public final class JsonText {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private JsonText() {
    }

    /** The JSON text of {@code value} (null for null), its dates typed by their runtime class only. */
    public static String render(Object value) {
        return render(value, null);
    }

    /** The JSON text of {@code value} (null for null); {@code schema} (may be null) tells dates from times. */
    public static String render(Object value, Schema schema) {
        if (value == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(64);
        write(out, value, schema);
        return out.toString();
    }

    private static void write(StringBuilder out, Object v, Schema schema) {
        if (v == null) {
            out.append("null");
        } else if (v instanceof CharSequence || v instanceof Character) {
            string(out, v.toString());
        } else if (v instanceof Double || v instanceof Float) {
            floating(out, (Number) v);
        } else if (v instanceof BigDecimal d) {
            out.append(d.toPlainString());
        } else if (v instanceof Number || v instanceof Boolean) {
            out.append(v);
        } else if (v instanceof byte[] bytes) {
            string(out, Base64.getEncoder().encodeToString(bytes));
        } else if (v instanceof ByteBuffer buffer) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            string(out, Base64.getEncoder().encodeToString(bytes));
        } else if (v instanceof java.util.Date d) {
            string(out, date(d, schema == null ? null : schema.name()));
        } else if (v instanceof Struct s) {
            out.append('{');
            boolean first = true;
            for (Field f : s.schema().fields()) {
                first = comma(out, first);
                string(out, f.name());
                out.append(':');
                write(out, s.getWithoutDefault(f.name()), f.schema());
            }
            out.append('}');
        } else if (v instanceof Map<?, ?> m) {
            Schema values = schema != null && schema.type() == Schema.Type.MAP ? schema.valueSchema() : null;
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                first = comma(out, first);
                string(out, String.valueOf(e.getKey()));
                out.append(':');
                write(out, e.getValue(), values);
            }
            out.append('}');
        } else if (v instanceof Collection<?> c) {
            Schema elements = schema != null && schema.type() == Schema.Type.ARRAY ? schema.valueSchema() : null;
            out.append('[');
            boolean first = true;
            for (Object o : c) {
                first = comma(out, first);
                write(out, o, elements);
            }
            out.append(']');
        } else {
            string(out, v.toString());
        }
    }

    private static boolean comma(StringBuilder out, boolean first) {
        if (!first) {
            out.append(',');
        }
        return false;
    }

    private static void floating(StringBuilder out, Number n) {
        double d = n.doubleValue();
        if (Double.isNaN(d)) {
            out.append("\"NaN\"");
        } else if (Double.isInfinite(d)) {
            out.append(d > 0 ? "\"Infinity\"" : "\"-Infinity\"");
        } else {
            out.append(n); // Java's shortest round-trip form, e.g. 1.5 or 1.0E-7: valid JSON numbers
        }
    }

    private static String date(java.util.Date d, String logicalName) {
        long ms = d.getTime();
        if (Date.LOGICAL_NAME.equals(logicalName)) {
            return LocalDate.ofEpochDay(Math.floorDiv(ms, 86_400_000L)).toString();
        }
        if (Time.LOGICAL_NAME.equals(logicalName)) {
            return TIME.format(Instant.ofEpochMilli(Math.floorMod(ms, 86_400_000L)));
        }
        return TIMESTAMP.format(Instant.ofEpochMilli(ms));
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
