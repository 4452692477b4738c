package io.streamingetl.clickhouse.encode;

import com.clickhouse.client.api.data_formats.internal.SerializerUtils;
import com.clickhouse.data.ClickHouseColumn;
import com.clickhouse.data.format.BinaryStreamUtils;
import io.streamingetl.common.JsonText;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.Map;
import java.util.TimeZone;
import java.util.UUID;

/**
 * RowBinary encoders per ClickHouse column type, built once per column plan on the official
 * client's serializers (BinaryStreamUtils / SerializerUtils). Each accepts the canonical values
 * of the schema layer's {@code ColumnType.toCanonical} and, for schemaless records,
 * plain JSON-ish values (numbers, strings, booleans, lists, maps).
 */
public final class Encoders {
    private static final BigInteger[] POW10 = new BigInteger[10];

    static {
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = BigInteger.TEN.pow(i);
        }
    }

    /** Date is 1970-01-01..2149-06-06 (UInt16 days); Date32 and DateTime64 follow the server's {@link DateRange}. */
    static final int DATE_MAX_DAY = 0xFFFF;

    private Encoders() {
    }

    private static long inRange(Object v, ClickHouseColumn column, long min, long max) {
        long n = toLong(v, column);
        if (n < min || n > max) {
            throw new DataException(n + " is out of range for " + column.getOriginalTypeName() + " [" + min + ", " + max + "]");
        }
        return n;
    }

    private static int daysInRange(Object v, ClickHouseColumn column, int min, int max) {
        long days = v instanceof java.util.Date d ? Math.floorDiv(d.getTime(), 86_400_000L)
                : v instanceof Number n && !(v instanceof Integer) ? n.longValue() : toEpochDays(v);
        if (days < min || days > max) {
            throw new DataException((v instanceof java.util.Date d ? d.toInstant().toString() : "day " + days)
                    + " is out of range for " + column.getOriginalTypeName() + " [" + LocalDate.ofEpochDay(min)
                    + ", " + LocalDate.ofEpochDay(max) + "]");
        }
        return (int) days;
    }

    /** The encoder of a non-null value of {@code column}'s type; Nullable is handled by the caller. */
    public static ValueEncoder forColumn(ClickHouseColumn column, DateRange dates) {
        return switch (column.getDataType()) {
            // Range-checked: a narrowing cast would silently store another number (300 -> 44 in UInt8).
            case Int8 -> (out, v) -> BinaryStreamUtils.writeInt8(out, (byte) inRange(v, column, Byte.MIN_VALUE, Byte.MAX_VALUE));
            case UInt8 -> (out, v) -> BinaryStreamUtils.writeInt8(out, (byte) inRange(v, column, 0, 0xFF));
            case Int16 -> (out, v) -> BinaryStreamUtils.writeInt16(out, (short) inRange(v, column, Short.MIN_VALUE, Short.MAX_VALUE));
            case UInt16 -> (out, v) -> BinaryStreamUtils.writeInt16(out, (short) inRange(v, column, 0, 0xFFFF));
            case Int32 -> (out, v) -> BinaryStreamUtils.writeInt32(out, (int) inRange(v, column, Integer.MIN_VALUE, Integer.MAX_VALUE));
            case UInt32 -> (out, v) -> BinaryStreamUtils.writeInt32(out, (int) inRange(v, column, 0, 0xFFFF_FFFFL));
            case Int64 -> (out, v) -> BinaryStreamUtils.writeInt64(out, toLong(v, column));
            case UInt64 -> (out, v) -> {
                if (v instanceof BigInteger bi) {
                    if (bi.signum() < 0 || bi.bitLength() > 64) {
                        throw new DataException(bi + " is out of range for " + column.getOriginalTypeName()
                                + " [0, 18446744073709551615]");
                    }
                    BinaryStreamUtils.writeUnsignedInt64(out, bi);
                } else {
                    // A negative long would be stored as a huge unsigned number (e.g. a _version past 2^63).
                    BinaryStreamUtils.writeInt64(out, inRange(v, column, 0, Long.MAX_VALUE));
                }
            };
            case Float32 -> (out, v) -> BinaryStreamUtils.writeFloat32(out, (float) toDouble(v, column));
            case Float64 -> (out, v) -> BinaryStreamUtils.writeFloat64(out, toDouble(v, column));
            case Bool -> (out, v) -> BinaryStreamUtils.writeBoolean(out, toBoolean(v, column));
            case Decimal, Decimal32, Decimal64, Decimal128, Decimal256 -> decimal(column);
            case String -> (out, v) -> writeString(out, v);
            case FixedString -> fixedString(column);
            case JSON -> (out, v) -> BinaryStreamUtils.writeString(out,
                    v instanceof String s ? s : JsonText.render(v));
            case UUID -> (out, v) -> BinaryStreamUtils.writeUuid(out, v instanceof UUID u ? u : parseUuid(v));
            // Out-of-range days would be stored as another date (the server does not check RowBinary).
            case Date -> (out, v) -> BinaryStreamUtils.writeUnsignedInt16(out, daysInRange(v, column, 0, DATE_MAX_DAY));
            case Date32 -> (out, v) -> BinaryStreamUtils.writeInt32(out, daysInRange(v, column, dates.minDay(), dates.maxDay()));
            case DateTime, DateTime32 -> dateTime(column, 0, dates);
            case DateTime64 -> dateTime(column, column.getScale(), dates);
            // Ticks of the column's scale, as the created column's scale matches the source's unit.
            case Time64 -> (out, v) -> BinaryStreamUtils.writeInt64(out, toLong(v, column));
            case Enum8 -> (out, v) -> BinaryStreamUtils.writeInt8(out, enumValue(column, v));
            case Enum16 -> (out, v) -> BinaryStreamUtils.writeInt16(out, enumValue(column, v));
            case Array -> array(column, dates);
            case Map -> map(column, dates);
            default -> (out, v) -> SerializerUtils.serializeData(out, v, column);
        };
    }

    /** Nullable(T) wrapper or the plain encoder. Nulls into non-Nullable columns are the caller's business. */
    public static ValueEncoder nullableAware(ClickHouseColumn column, DateRange dates) {
        ValueEncoder inner = forColumn(column, dates);
        if (!column.isNullable()) {
            return inner;
        }
        return (out, v) -> {
            if (v == null) {
                out.write(1);
            } else {
                out.write(0);
                inner.encode(out, v);
            }
        };
    }

    private static ValueEncoder array(ClickHouseColumn column, DateRange dates) {
        ClickHouseColumn elem = column.getNestedColumns().get(0);
        ValueEncoder e = nullableAware(elem, dates);
        boolean nullable = elem.isNullable();
        return (out, v) -> {
            Collection<?> c = v instanceof Collection<?> col ? col : java.util.List.of(v);
            BinaryStreamUtils.writeVarInt(out, c.size());
            for (Object o : c) {
                if (o == null && !nullable) {
                    throw new DataException("null element in " + column.getOriginalTypeName());
                }
                e.encode(out, o);
            }
        };
    }

    private static ValueEncoder map(ClickHouseColumn column, DateRange dates) {
        ValueEncoder k = forColumn(column.getKeyInfo(), dates);
        ValueEncoder val = nullableAware(column.getValueInfo(), dates);
        boolean nullable = column.getValueInfo().isNullable();
        return (out, v) -> {
            if (!(v instanceof Map<?, ?> m)) {
                throw new DataException("expected a map for " + column.getOriginalTypeName() + ", got "
                        + v.getClass().getSimpleName());
            }
            BinaryStreamUtils.writeVarInt(out, m.size());
            for (Map.Entry<?, ?> en : m.entrySet()) {
                if (en.getKey() == null || (en.getValue() == null && !nullable)) {
                    throw new DataException("null key or value in " + column.getOriginalTypeName());
                }
                k.encode(out, en.getKey());
                val.encode(out, en.getValue());
            }
        };
    }

    private static ValueEncoder decimal(ClickHouseColumn column) {
        int precision = column.getPrecision();
        int scale = column.getScale();
        if (precision <= 18) {
            // Fast path: the unscaled value fits a long (Decimal32/64); width by precision.
            boolean four = precision <= 9;
            return (out, v) -> {
                BigDecimal d = toDecimal(v, scale, column);
                if (d.precision() - d.scale() > precision - scale) {
                    throw new DataException("decimal " + d.toPlainString() + " does not fit "
                            + column.getOriginalTypeName());
                }
                long unscaled = d.unscaledValue().longValue();
                if (four) {
                    BinaryStreamUtils.writeInt32(out, (int) unscaled);
                } else {
                    BinaryStreamUtils.writeInt64(out, unscaled);
                }
            };
        }
        return (out, v) -> BinaryStreamUtils.writeDecimal(out, toDecimal(v, scale, column), precision, scale);
    }

    private static BigDecimal toDecimal(Object v, int scale, ClickHouseColumn column) {
        BigDecimal d;
        if (v instanceof BigDecimal bd) {
            d = bd;
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            d = BigDecimal.valueOf(((Number) v).longValue());
        } else if (v instanceof Number n) {
            d = new BigDecimal(n.toString());
        } else if (v instanceof String s) {
            try {
                d = new BigDecimal(s.trim());
            } catch (NumberFormatException e) {
                throw new DataException("'" + s + "' is not a decimal for " + column.getOriginalTypeName());
            }
        } else {
            throw mismatch(v, column);
        }
        if (d.scale() == scale) {
            return d;
        }
        try {
            return d.setScale(scale, RoundingMode.UNNECESSARY);
        } catch (ArithmeticException e) {
            throw new DataException("decimal " + d.toPlainString() + " has more digits after the point than "
                    + column.getOriginalTypeName() + " keeps");
        }
    }

    private static ValueEncoder fixedString(ClickHouseColumn column) {
        int n = column.getPrecision() > 0 ? column.getPrecision() : column.getEstimatedLength();
        return (out, v) -> {
            byte[] b = bytesOf(v);
            if (b.length > n) {
                throw new DataException(b.length + " bytes do not fit " + column.getOriginalTypeName());
            }
            SerializerUtils.writeFixedStringBytes(out, b, n);
        };
    }

    private static void writeString(OutputStream out, Object v) throws java.io.IOException {
        if (v instanceof String s) {
            BinaryStreamUtils.writeString(out, s);
        } else if (v instanceof byte[] b) {
            BinaryStreamUtils.writeString(out, b);
        } else if (v instanceof ByteBuffer bb) {
            byte[] b = new byte[bb.remaining()];
            bb.duplicate().get(b);
            BinaryStreamUtils.writeString(out, b);
        } else if (v instanceof BigDecimal d) {
            BinaryStreamUtils.writeString(out, d.toPlainString());
        } else if (v instanceof Struct || v instanceof Map || v instanceof Collection) {
            BinaryStreamUtils.writeString(out, JsonText.render(v));
        } else if (v instanceof java.util.Date d) {
            BinaryStreamUtils.writeString(out, d.toInstant().toString());
        } else {
            BinaryStreamUtils.writeString(out, v.toString());
        }
    }

    private static byte[] bytesOf(Object v) {
        if (v instanceof byte[] b) {
            return b;
        }
        if (v instanceof ByteBuffer bb) {
            byte[] b = new byte[bb.remaining()];
            bb.duplicate().get(b);
            return b;
        }
        return v.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static ValueEncoder dateTime(ClickHouseColumn column, int scale, DateRange dates) {
        TimeZone tz = column.getTimeZone();
        ZoneId zone = tz == null ? ZoneOffset.UTC : tz.toZoneId();
        long perSecond = POW10[scale].longValue();
        return (out, v) -> {
            long ticks;
            if (v instanceof java.util.Date d) {
                long ms = d.getTime();
                ticks = scale >= 3 ? Math.multiplyExact(ms, perSecond / 1000) : Math.floorDiv(ms, 1000L / perSecond);
            } else if (v instanceof Instant i) {
                ticks = instantTicks(i, scale, perSecond);
            } else if (v instanceof Number n) {
                ticks = n.longValue(); // schemaless numbers are in the column's own unit
            } else if (v instanceof String s) {
                ticks = instantTicks(parseInstant(s, zone, column), scale, perSecond);
            } else if (v instanceof LocalDateTime ldt) {
                ticks = instantTicks(ldt.atZone(zone).toInstant(), scale, perSecond);
            } else if (v instanceof OffsetDateTime odt) {
                ticks = instantTicks(odt.toInstant(), scale, perSecond);
            } else if (v instanceof ZonedDateTime zdt) {
                ticks = instantTicks(zdt.toInstant(), scale, perSecond);
            } else {
                throw mismatch(v, column);
            }
            long seconds = Math.floorDiv(ticks, perSecond);
            long min = scale == 0 ? 0 : dates.minSecond();
            long max = scale == 0 ? 0xFFFF_FFFFL : dates.maxSecond();
            if (seconds < min || seconds > max) {
                throw new DataException(Instant.ofEpochSecond(seconds) + " is out of range for "
                        + column.getOriginalTypeName() + " [" + Instant.ofEpochSecond(min) + ", " + Instant.ofEpochSecond(max) + "]");
            }
            if (scale == 0) {
                BinaryStreamUtils.writeUnsignedInt32(out, ticks);
            } else {
                BinaryStreamUtils.writeInt64(out, ticks);
            }
        };
    }

    private static long instantTicks(Instant i, int scale, long perSecond) {
        long sub = scale == 0 ? 0 : i.getNano() / (1_000_000_000L / perSecond);
        return Math.multiplyExact(i.getEpochSecond(), perSecond) + sub;
    }

    private static Instant parseInstant(String s, ZoneId zone, ClickHouseColumn column) {
        String t = s.trim();
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(t.replace(' ', 'T')).atZone(zone).toInstant();
            } catch (DateTimeParseException e2) {
                throw new DataException("'" + s + "' is not an ISO-8601 timestamp for " + column.getOriginalTypeName());
            }
        }
    }

    private static int toEpochDays(Object v) {
        if (v instanceof Integer i) {
            return i;
        }
        if (v instanceof java.util.Date d) {
            return (int) Math.floorDiv(d.getTime(), 86_400_000L);
        }
        if (v instanceof LocalDate ld) {
            return (int) ld.toEpochDay();
        }
        if (v instanceof Number n) {
            return n.intValue();
        }
        if (v instanceof String s) {
            try {
                return (int) LocalDate.parse(s.trim()).toEpochDay();
            } catch (DateTimeParseException e) {
                throw new DataException("'" + s + "' is not an ISO-8601 date");
            }
        }
        throw new DataException("cannot write " + v.getClass().getSimpleName() + " as a date");
    }

    private static long toLong(Object v, ClickHouseColumn column) {
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof Integer i) {
            return i;
        }
        if (v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        if (v instanceof BigDecimal || v instanceof Double || v instanceof Float) {
            BigDecimal d = v instanceof BigDecimal bd ? bd : BigDecimal.valueOf(((Number) v).doubleValue());
            try {
                return d.longValueExact();
            } catch (ArithmeticException e) {
                throw new DataException(v + " is not a whole number for " + column.getOriginalTypeName());
            }
        }
        if (v instanceof BigInteger bi) {
            if (bi.bitLength() > 63) {
                throw new DataException(bi + " is out of range for " + column.getOriginalTypeName());
            }
            return bi.longValue();
        }
        if (v instanceof Number n) {
            return n.longValue();
        }
        if (v instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                throw new DataException("'" + s + "' is not a number for " + column.getOriginalTypeName());
            }
        }
        throw mismatch(v, column);
    }

    private static double toDouble(Object v, ClickHouseColumn column) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof String s) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                throw new DataException("'" + s + "' is not a number for " + column.getOriginalTypeName());
            }
        }
        throw mismatch(v, column);
    }

    private static boolean toBoolean(Object v, ClickHouseColumn column) {
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Number n) {
            return n.longValue() != 0;
        }
        if (v instanceof String s) {
            return s.equalsIgnoreCase("true") || s.equals("1");
        }
        throw mismatch(v, column);
    }

    private static int enumValue(ClickHouseColumn column, Object v) {
        if (v instanceof Number n) {
            return n.intValue();
        }
        try {
            return column.getEnumConstants().value(v.toString());
        } catch (RuntimeException e) {
            throw new DataException("'" + v + "' is not a value of " + column.getOriginalTypeName());
        }
    }

    private static UUID parseUuid(Object v) {
        try {
            return UUID.fromString(v.toString());
        } catch (IllegalArgumentException e) {
            throw new DataException("'" + v + "' is not a UUID");
        }
    }

    private static DataException mismatch(Object v, ClickHouseColumn column) {
        return new DataException("cannot write a " + v.getClass().getSimpleName() + " into "
                + column.getOriginalTypeName());
    }
}
