package io.streamingetl.clickhouse.schema;

import io.streamingetl.clickhouse.schema.TypeFamilies;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a source column was retyped to a wider type (INT to BIGINT, DECIMAL(10,2) to DECIMAL(12,2),
 * NOT NULL to NULL, ...), the ClickHouse column it maps to is modified to the type a new table
 * would get, so every old and new value still fits. Only lossless changes qualify: the column's
 * existing values must all be representable in the new type. Anything else is left alone (values
 * that do not fit are then refused per record, with the field named).
 */
public final class ColumnWidening {
    private static final Pattern INT = Pattern.compile("(U?)Int(8|16|32|64|128|256)");
    private static final Pattern DECIMAL = Pattern.compile("Decimal\\((\\d+),\\s*(\\d+)\\)");
    private static final Pattern DATETIME64 = Pattern.compile("DateTime64\\((\\d)(.*)\\)");
    private static final Pattern ENUM = Pattern.compile("Enum(8|16)\\((.*)\\)");
    private static final Pattern ENUM_PAIR = Pattern.compile("'((?:[^'\\\\]|\\\\.)*)'\\s*=\\s*(-?\\d+)");

    private ColumnWidening() {
    }

    /**
     * The type to modify {@code columnType} to so that it holds values of {@code fieldType} (both
     * as ClickHouse types, Nullable or not), or null when the column stays as it is: it already
     * holds them, or the change would lose existing values. A sort-key column never becomes
     * Nullable (ClickHouse refuses it; the source's key columns are NOT NULL anyway).
     */
    public static String widened(String columnType, String fieldType, boolean sortKey) {
        boolean columnNullable = columnType.startsWith("Nullable(");
        boolean fieldNullable = fieldType.startsWith("Nullable(");
        String column = TypeFamilies.base(columnType);
        String field = TypeFamilies.base(fieldType);
        if (columnType.startsWith("LowCardinality(") || fieldType.startsWith("LowCardinality(")) {
            return null; // LowCardinality is the user's choice of storage: leave it
        }
        String base = column.equals(field) ? column : widerBase(column, field);
        boolean nullable = columnNullable || (fieldNullable && !sortKey);
        if (base == null) {
            base = column; // not a widening of the base type; the nullability may still widen
        }
        if (base.equals(column) && nullable == columnNullable) {
            return null;
        }
        return nullable ? "Nullable(" + base + ")" : base;
    }

    /** {@code field} when every value of {@code column} fits it and it holds more, else null. */
    public static String widerBase(String column, String field) {
        Matcher c = INT.matcher(column);
        Matcher f = INT.matcher(field);
        if (c.matches() && f.matches()) {
            boolean cUnsigned = !c.group(1).isEmpty();
            boolean fUnsigned = !f.group(1).isEmpty();
            int cBits = Integer.parseInt(c.group(2));
            int fBits = Integer.parseInt(f.group(2));
            // Signed into unsigned loses the negatives; unsigned into signed needs a wider type.
            boolean fits = cUnsigned == fUnsigned ? fBits > cBits : cUnsigned && fBits > cBits;
            return fits ? field : null;
        }
        if (column.equals("Float32") && field.equals("Float64")) {
            return field;
        }
        c = DECIMAL.matcher(column);
        f = DECIMAL.matcher(field);
        if (c.matches() && f.matches()) {
            int cp = Integer.parseInt(c.group(1));
            int cs = Integer.parseInt(c.group(2));
            int fp = Integer.parseInt(f.group(1));
            int fs = Integer.parseInt(f.group(2));
            return fs >= cs && fp - fs >= cp - cs && (fp > cp || fs > cs) ? field : null;
        }
        c = ENUM.matcher(column);
        f = ENUM.matcher(field);
        if (c.matches() && f.matches()) {
            // A value added to the source ENUM: every existing name keeps its number.
            Map<String, String> existing = enumPairs(c.group(2));
            Map<String, String> wanted = enumPairs(f.group(2));
            return wanted.size() > existing.size() && wanted.entrySet().containsAll(existing.entrySet()) ? field : null;
        }
        if (column.startsWith("Array(") && field.startsWith("Array(")) {
            // A member added to a source SET whose column is Array(Enum8(...)).
            String element = widerBase(TypeFamilies.base(column.substring(6, column.length() - 1)),
                    TypeFamilies.base(field.substring(6, field.length() - 1)));
            return element == null ? null : "Array(" + element + ")";
        }
        c = DATETIME64.matcher(column);
        f = DATETIME64.matcher(field);
        if (c.matches() && f.matches() && c.group(2).equals(f.group(2))
                && Integer.parseInt(f.group(1)) > Integer.parseInt(c.group(1))) {
            return field;
        }
        return null;
    }

    private static Map<String, String> enumPairs(String body) {
        Map<String, String> pairs = new LinkedHashMap<>();
        Matcher m = ENUM_PAIR.matcher(body);
        while (m.find()) {
            pairs.put(m.group(1), m.group(2));
        }
        return pairs;
    }
}
