package io.streamingetl.clickhouse.schema.debezium;

import io.streamingetl.clickhouse.schema.ColumnType;
import io.streamingetl.clickhouse.schema.TypeContext;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * MySQL/MariaDB unsigned integers -> UInt8/16/32/64. Connect has no unsigned types, so Debezium
 * widens them (TINYINT UNSIGNED to INT16, ...) and the column would be signed and twice as wide;
 * the source type is known only from Debezium's propagated parameter
 * {@code __debezium.source.column.type} (connector option {@code datatype.propagate.source.type}).
 * BIGINT UNSIGNED arrives as INT64 whose bits are the unsigned value ({@code
 * bigint.unsigned.handling.mode=long}: 2^64-1 is -1) or as a Decimal of scale 0 ({@code precise}):
 * both land exact. BIT(n) up to 64 bits, which the enrich SMT turns into an INT64 with the
 * parameter {@code io.streamingetl.bits}, becomes the smallest UInt that holds n bits (BIT(64)
 * all ones arrives as -1 and lands as 18446744073709551615).
 */
public final class UnsignedIntType implements ColumnType {
    /** Debezium's schema parameter naming the source column's type, e.g. {@code BIGINT UNSIGNED}. */
    public static final String SOURCE_TYPE = "__debezium.source.column.type";
    /** Set by the enrich SMT on the INT64 a BIT(n), n <= 64, becomes: n. */
    public static final String BITS = "io.streamingetl.bits";
    private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);
    /** Compiled once: toCanonical asks for the type of every negative long (BIGINT UNSIGNED past 2^63). */
    private static final Pattern BIT_COUNT = Pattern.compile("\\d{1,2}");

    /** The ClickHouse type for a schema whose source column is an unsigned integer, or null. */
    public static String unsignedType(Schema schema) {
        Map<String, String> params = schema.parameters();
        if (params == null) {
            return null;
        }
        String bits = params.get(BITS);
        if (bits != null && BIT_COUNT.matcher(bits).matches()) {
            int n = Integer.parseInt(bits);
            if (n <= 64) {
                return n <= 8 ? "UInt8" : n <= 16 ? "UInt16" : n <= 32 ? "UInt32" : "UInt64";
            }
        }
        String source = params.get(SOURCE_TYPE);
        if (source == null) {
            return null;
        }
        String t = source.toUpperCase(Locale.ROOT).replace(" ZEROFILL", "").strip();
        if (!t.endsWith(" UNSIGNED")) {
            return null;
        }
        return switch (t.substring(0, t.length() - " UNSIGNED".length()).strip()) {
            case "TINYINT", "INT1" -> "UInt8";
            case "SMALLINT", "INT2" -> "UInt16";
            case "MEDIUMINT", "INT3", "INT", "INTEGER", "INT4" -> "UInt32";
            case "BIGINT", "INT8" -> "UInt64";
            default -> null; // DECIMAL/FLOAT/DOUBLE UNSIGNED are ordinary numbers with a check
        };
    }

    @Override
    public String clickHouseType(Schema schema, TypeContext ctx) {
        return unsignedType(schema);
    }

    @Override
    public Object toCanonical(Object value, Schema schema) {
        if (value instanceof Long l && l < 0 && "UInt64".equals(unsignedType(schema))) {
            return BigInteger.valueOf(l).add(TWO_TO_64); // long mode: the bits are the unsigned value
        }
        if (value instanceof BigDecimal d) {
            try {
                BigInteger n = d.toBigIntegerExact();
                if (n.signum() < 0 || n.compareTo(TWO_TO_64) >= 0) {
                    throw new DataException(d.toPlainString() + " is not an unsigned 64-bit integer");
                }
                return n.bitLength() < 64 ? (Object) n.longValue() : n;
            } catch (ArithmeticException e) {
                throw new DataException(d.toPlainString() + " is not a whole number");
            }
        }
        return value;
    }
}
