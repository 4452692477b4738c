package io.streamingetl.enrich;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;

import io.streamingetl.common.JsonText;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * The one place where Debezium logical types become what ClickHouse maps cleanly: Connect's own
 * logical types where they are exact (Date, Timestamp millis, Decimal) and INT64 microseconds under
 * Debezium's names where Connect has no micro type (the sink maps those to DateTime64(6)). The
 * README's type table lists every case.
 */
final class LogicalTypes {

    static final String DBZ_DATE = "io.debezium.time.Date";
    static final String DBZ_TIME = "io.debezium.time.Time";
    static final String DBZ_MICRO_TIME = "io.debezium.time.MicroTime";
    static final String DBZ_NANO_TIME = "io.debezium.time.NanoTime";
    static final String DBZ_TIMESTAMP = "io.debezium.time.Timestamp";
    static final String DBZ_MICRO_TIMESTAMP = "io.debezium.time.MicroTimestamp";
    static final String DBZ_NANO_TIMESTAMP = "io.debezium.time.NanoTimestamp";
    static final String DBZ_ZONED_TIMESTAMP = "io.debezium.time.ZonedTimestamp";
    static final String DBZ_YEAR = "io.debezium.time.Year";
    static final String DBZ_VARIABLE_SCALE_DECIMAL = "io.debezium.data.VariableScaleDecimal";
    static final String DBZ_BITS = "io.debezium.data.Bits";
    static final String DBZ_ENUM = "io.debezium.data.Enum";
    static final String DBZ_ENUM_SET = "io.debezium.data.EnumSet";
    /** Parameter on the INT64 a BIT(n), n <= 64, becomes: n, so that the sink can create UInt8..UInt64. */
    static final String BITS_PARAM = "io.streamingetl.bits";

    private static final long MILLIS_PER_DAY = 86_400_000L;

    /** A per-value conversion; built once per schema, called per record. */
    interface ValueConverter {
        Object convert(Object value);
    }

    /**
     * What a leaf field becomes: its output schema, how to convert its value (null: as is), and
     * what a value read from the binlog needs instead (null: the same).
     */
    static final class Conversion {
        final Schema schema;
        final ValueConverter converter;
        final ValueConverter binlogConverter;

        Conversion(Schema schema, ValueConverter converter) {
            this(schema, converter, converter);
        }

        Conversion(Schema schema, ValueConverter converter, ValueConverter binlogConverter) {
            this.schema = schema;
            this.converter = converter;
            this.binlogConverter = binlogConverter;
        }

        Object apply(Object value) {
            return converter == null || value == null ? value : converter.convert(value);
        }
    }

    private LogicalTypes() {
    }

    /**
     * True for a STRUCT that is a value, not a nesting level: VariableScaleDecimal is one number.
     * (Geometry and Point stay structs and flatten to their wkb/srid/x/y parts.)
     */
    static boolean isLeafStruct(Schema schema) {
        return DBZ_VARIABLE_SCALE_DECIMAL.equals(schema.name());
    }

    /** The conversion of a leaf (non-flattened) field schema. */
    static Conversion forSchema(Schema schema, CdcEnrichConfig.CollectionMode collections) {
        String name = schema.name();
        if (name != null) {
            switch (name) {
                case DBZ_DATE:
                    return convert(schema, Date.builder(), v -> new java.util.Date(((Number) v).longValue() * MILLIS_PER_DAY));
                case DBZ_TIME:
                    return convert(schema, SchemaBuilder.int64().name(DBZ_MICRO_TIME),
                            v -> ((Number) v).longValue() * 1000L);
                case DBZ_NANO_TIME:
                    return convert(schema, SchemaBuilder.int64().name(DBZ_MICRO_TIME),
                            v -> Math.floorDiv(((Number) v).longValue(), 1000L));
                case DBZ_TIMESTAMP:
                    return convert(schema, Timestamp.builder(), v -> new java.util.Date(((Number) v).longValue()));
                case DBZ_NANO_TIMESTAMP:
                    return convert(schema, SchemaBuilder.int64().name(DBZ_MICRO_TIMESTAMP),
                            v -> Math.floorDiv(((Number) v).longValue(), 1000L));
                case DBZ_ZONED_TIMESTAMP:
                    return convert(schema, SchemaBuilder.int64().name(DBZ_MICRO_TIMESTAMP),
                            v -> zonedTimestampToMicros((String) v));
                case DBZ_YEAR:
                    // Kept as it is: the name lets the sink choose UInt16 (YEAR is 0 or 1901..2155).
                    return new Conversion(schema, null);
                case DBZ_VARIABLE_SCALE_DECIMAL:
                    return variableScaleDecimal(schema);
                case DBZ_BITS:
                    return bits(schema);
                case DBZ_ENUM:
                case DBZ_ENUM_SET:
                    // Debezium names a binlog value by its member in the DDL parser's list, in which
                    // ',' is written '\,' and '\' stays '\\'; snapshots read the value as stored.
                    return new Conversion(schema, null, LogicalTypes::unescapeMembers);
                default:
                    break; // Connect logical types, MicroTime, MicroTimestamp, Json, Enum, ... stay as they are
            }
        }
        if ((schema.type() == Schema.Type.ARRAY || schema.type() == Schema.Type.MAP)
                && collections == CdcEnrichConfig.CollectionMode.JSON) {
            return convert(schema, SchemaBuilder.string(), v -> JsonText.render(v, schema));
        }
        return new Conversion(schema, null);
    }

    /** {@code x\,y} to {@code x,y} and {@code b\\c} to {@code b\c}: each backslash escapes the next character. */
    static Object unescapeMembers(Object value) {
        String s = (String) value;
        int i = s.indexOf('\\');
        if (i < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length()).append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                c = s.charAt(++i);
            }
            b.append(c);
        }
        return b.toString();
    }

    private static Conversion convert(Schema in, SchemaBuilder out, ValueConverter converter) {
        if (in.isOptional()) {
            out.optional();
        }
        if (in.doc() != null) {
            out.doc(in.doc());
        }
        if (in.defaultValue() != null) {
            out.defaultValue(converter.convert(in.defaultValue()));
        }
        return new Conversion(out.build(), converter);
    }

    /** Scale varies per row, so no fixed-scale Decimal fits: an exact plain decimal string. */
    private static Conversion variableScaleDecimal(Schema schema) {
        Field scale = schema.field("scale");
        Field value = schema.field("value");
        if (scale == null || value == null) {
            return new Conversion(schema, null);
        }
        return convert(schema, SchemaBuilder.string(), v -> {
            Struct s = (Struct) v;
            Object bytes = s.get(value);
            Object sc = s.get(scale);
            if (bytes == null || sc == null) {
                return null;
            }
            byte[] b = bytes instanceof ByteBuffer ? toArray((ByteBuffer) bytes) : (byte[]) bytes;
            return new BigDecimal(new BigInteger(b), ((Number) sc).intValue()).toPlainString();
        });
    }

    /** BIT(n), n &gt; 1: Debezium's little-endian bytes; up to 64 bits fit an INT64 (BIT(64) may be negative). */
    private static Conversion bits(Schema schema) {
        Map<String, String> params = schema.parameters();
        String length = params == null ? null : params.get("length");
        if (length == null || Integer.parseInt(length) > 64) {
            return new Conversion(schema, null);
        }
        return convert(schema, SchemaBuilder.int64().parameter(BITS_PARAM, length), v -> {
            byte[] b = v instanceof ByteBuffer ? toArray((ByteBuffer) v) : (byte[]) v;
            long n = 0;
            for (int i = Math.min(b.length, 8) - 1; i >= 0; i--) {
                n = (n << 8) | (b[i] & 0xFFL);
            }
            return n;
        });
    }

    private static byte[] toArray(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /**
     * ISO-8601 with offset ({@code 2024-05-01T12:34:56.123456Z}) to epoch microseconds. The common
     * shape is parsed by hand (it is on the hot path); anything else goes through java.time.
     * Digits below microseconds are floored.
     */
    static long zonedTimestampToMicros(String s) {
        int n = s.length();
        if (n >= 20 && s.charAt(4) == '-' && s.charAt(7) == '-' && s.charAt(10) == 'T' && s.charAt(13) == ':'
                && s.charAt(16) == ':') {
            int year = digits(s, 0, 4);
            int month = digits(s, 5, 7);
            int day = digits(s, 8, 10);
            int hour = digits(s, 11, 13);
            int minute = digits(s, 14, 16);
            int second = digits(s, 17, 19);
            int i = 19;
            long micros = 0;
            if (i < n && s.charAt(i) == '.') {
                i++;
                int scale = 0;
                while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                    if (scale < 6) {
                        micros = micros * 10 + (s.charAt(i) - '0');
                    }
                    scale++;
                    i++;
                }
                for (int k = Math.min(scale, 6); k < 6; k++) {
                    micros *= 10;
                }
            }
            int offsetSeconds = Integer.MIN_VALUE;
            if (i == n - 1 && s.charAt(i) == 'Z') {
                offsetSeconds = 0;
            } else if (i == n - 6 && (s.charAt(i) == '+' || s.charAt(i) == '-') && s.charAt(i + 3) == ':') {
                int oh = digits(s, i + 1, i + 3);
                int om = digits(s, i + 4, i + 6);
                if (oh >= 0 && om >= 0) {
                    offsetSeconds = (oh * 3600 + om * 60) * (s.charAt(i) == '-' ? -1 : 1);
                }
            }
            if (year >= 0 && month >= 1 && month <= 12 && day >= 1 && hour >= 0 && hour < 24 && minute >= 0
                    && minute < 60 && second >= 0 && second < 60 && offsetSeconds != Integer.MIN_VALUE) {
                try {
                    long epochDay = LocalDate.of(year, month, day).toEpochDay();
                    long seconds = epochDay * 86_400L + hour * 3600L + minute * 60L + second - offsetSeconds;
                    return Math.addExact(Math.multiplyExact(seconds, 1_000_000L), micros);
                } catch (java.time.DateTimeException | ArithmeticException e) {
                    // fall through to java.time for the precise error
                }
            }
        }
        try {
            OffsetDateTime t = OffsetDateTime.parse(s);
            return Math.addExact(Math.multiplyExact(t.toEpochSecond(), 1_000_000L), t.getNano() / 1000L);
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new DataException("not an ISO-8601 timestamp with offset (" + DBZ_ZONED_TIMESTAMP + "): '" + s + "'", e);
        }
    }

    /** Non-negative decimal in s[from, to), or -1 if any char is not a digit. */
    private static int digits(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
