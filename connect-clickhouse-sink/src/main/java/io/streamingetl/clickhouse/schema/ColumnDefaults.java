package io.streamingetl.clickhouse.schema;

import io.streamingetl.clickhouse.sql.Sql;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Timestamp;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/**
 * The DEFAULT of a column the sink adds, as a ClickHouse literal, so rows that existed before the
 * source added the column read the source's default (ClickHouse computes a missing column from its
 * DEFAULT when it reads older parts). From the source column's default expression in a
 * schema-change marker, or from the default value Debezium puts in the field's Connect schema. Null
 * when there is none or it is an expression rather than a value (CURRENT_TIMESTAMP, a function):
 * the column then reads ClickHouse's default for its type, as MySQL fills a NOT NULL column added
 * without a default.
 */
public final class ColumnDefaults {
    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern DATE_TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?");
    private static final DateTimeFormatter DATE_TIME_TEXT = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneOffset.UTC);

    private ColumnDefaults() {
    }

    /** From the source's default expression text (MySQL's, as Debezium describes the column). */
    public static String fromSource(String expression, String columnType) {
        if (expression == null || expression.equalsIgnoreCase("NULL")) {
            return null;
        }
        String v = expression;
        if (v.length() >= 2 && v.startsWith("'") && v.endsWith("'")) {
            v = v.substring(1, v.length() - 1).replace("''", "'");
        }
        return literal(v, columnType);
    }

    /** From the default value of a field's Connect schema. */
    public static String fromConnect(Schema schema, String columnType) {
        Object v = schema.defaultValue();
        if (v == null) {
            return null;
        }
        String name = schema.name();
        if (Date.LOGICAL_NAME.equals(name) && v instanceof java.util.Date d) {
            return literal(LocalDate.ofEpochDay(Math.floorDiv(d.getTime(), 86_400_000L)).toString(), columnType);
        }
        if (Timestamp.LOGICAL_NAME.equals(name) && v instanceof java.util.Date d) {
            return literal(DATE_TIME_TEXT.format(Instant.ofEpochMilli(d.getTime())), columnType);
        }
        if (Decimal.LOGICAL_NAME.equals(name) && v instanceof BigDecimal b) {
            return literal(b.toPlainString(), columnType);
        }
        if (name != null || !(v instanceof Number || v instanceof String || v instanceof Boolean)) {
            return null; // a logical type in its own unit (micros, days): not worth a literal per type
        }
        return literal(v instanceof Boolean b ? (b ? "1" : "0") : v.toString(), columnType);
    }

    /** {@code value} as a literal of {@code columnType}, or null when it is not one. */
    static String literal(String value, String columnType) {
        String base = TypeFamilies.base(columnType);
        if (base.matches("U?Int\\d+|Float\\d+|Decimal.*")) {
            return NUMBER.matcher(value).matches() ? value : null;
        }
        if (base.equals("Bool")) {
            return value.equals("1") || value.equalsIgnoreCase("true") ? "true"
                    : value.equals("0") || value.equalsIgnoreCase("false") ? "false" : null;
        }
        if (base.equals("String") || base.startsWith("FixedString") || base.startsWith("Enum")) {
            return Sql.literal(value);
        }
        if (base.equals("Date") || base.equals("Date32")) {
            return DATE.matcher(value).matches() ? Sql.literal(value) : null;
        }
        if (base.startsWith("DateTime")) {
            return DATE_TIME.matcher(value).matches() || DATE.matcher(value).matches() ? Sql.literal(value) : null;
        }
        return null;
    }
}
