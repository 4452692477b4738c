package io.streamingetl.clickhouse.migrate;

import io.streamingetl.clickhouse.schema.ColumnWidening;
import io.streamingetl.clickhouse.schema.TypeFamilies;
import io.streamingetl.clickhouse.schema.TypeFamilies.Family;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How an existing ClickHouse column follows its source column to a new type, so that every row
 * reads what the source now holds. The source converted its stored values in the ALTER; ClickHouse
 * must convert its own the same way, and must never start a mutation that can fail on a value it
 * still keeps (an old version the source no longer has), since a failed mutation blocks the table.
 */
record Retype(How how, String type, int roundTo) {
    enum How {
        /** The column already holds every old and new value as the source reads it. */
        KEEP,
        /** ALTER TABLE ... MODIFY COLUMN to {@link #type}: a conversion that cannot fail. */
        MODIFY,
        /**
         * A new generation of the table with the column as {@link #type}, filled from the live rows
         * (the ones the source converted, so the cast succeeds) and swapped in.
         */
        COPY
    }

    private static final Pattern DECIMAL = Pattern.compile("Decimal\\((\\d+),\\s*(\\d+)\\)");

    /** No rounding before the change. */
    static final int NO_ROUNDING = -1;

    /** Whether the stored values must first be rounded to {@link #roundTo} digits (MySQL rounds DECIMALs half away from zero). */
    boolean rounds() {
        return roundTo != NO_ROUNDING;
    }

    /**
     * The plan for a column of ClickHouse type {@code existing} whose source column now maps to
     * {@code target} (both ClickHouse types); {@code sortKey}: the column is in the sorting key,
     * whose type ClickHouse cannot modify except to widen it.
     */
    static Retype of(String existing, String target, boolean sortKey) {
        if (existing.equals(target)) {
            return new Retype(How.KEEP, existing, NO_ROUNDING);
        }
        String wider = ColumnWidening.widened(existing, target, sortKey);
        String holder = wider == null ? existing : wider;
        int roundTo = scaleLost(existing, target);
        if (sortKey && roundTo != NO_ROUNDING) {
            return new Retype(How.COPY, TypeFamilies.base(target), roundTo); // a key column cannot be updated
        }
        if (holds(TypeFamilies.base(holder), TypeFamilies.base(target))) {
            return new Retype(wider == null ? How.KEEP : How.MODIFY, holder, roundTo);
        }
        Family from = TypeFamilies.family(existing);
        Family to = TypeFamilies.family(target);
        String nullableTarget = nullableAsEither(existing, target, sortKey);
        if (!sortKey && safeCast(from, to)) {
            return new Retype(How.MODIFY, nullableTarget, roundTo);
        }
        return new Retype(How.COPY, nullableTarget, roundTo);
    }

    /** Whether a column of base type {@code column} holds every value of {@code field} unchanged. */
    private static boolean holds(String column, String field) {
        if (column.equals(field) || ColumnWidening.widerBase(field, column) != null) {
            return true;
        }
        // A shorter VARCHAR, a CHAR: the source refused the ALTER if a value did not fit.
        return TypeFamilies.family(column) == Family.STRING && TypeFamilies.family(field) == Family.STRING;
    }

    /** Casts that succeed for every value ClickHouse may hold, and convert as MySQL converts. */
    private static boolean safeCast(Family from, Family to) {
        return switch (to) {
            case STRING -> from == Family.INT || from == Family.DECIMAL || from == Family.DATE || from == Family.ENUM
                    || from == Family.UUID;
            case FLOAT -> from == Family.FLOAT || from == Family.INT;
            case DATE, DATETIME -> from == Family.DATE || from == Family.DATETIME;
            default -> false;
        };
    }

    /** The scale a DECIMAL loses (the digits to round to), or {@link #NO_ROUNDING}. */
    private static int scaleLost(String existing, String target) {
        Matcher e = DECIMAL.matcher(TypeFamilies.base(existing));
        Matcher t = DECIMAL.matcher(TypeFamilies.base(target));
        if (e.matches() && t.matches() && Integer.parseInt(t.group(2)) < Integer.parseInt(e.group(2))) {
            return Integer.parseInt(t.group(2));
        }
        return NO_ROUNDING;
    }

    private static String nullableAsEither(String existing, String target, boolean sortKey) {
        boolean nullable = !sortKey && (existing.startsWith("Nullable(") || target.startsWith("Nullable("));
        String base = TypeFamilies.base(target);
        return nullable ? "Nullable(" + base + ")" : base;
    }
}
