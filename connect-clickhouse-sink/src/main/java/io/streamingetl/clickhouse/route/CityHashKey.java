package io.streamingetl.clickhouse.route;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The cityHash64 that ClickHouse computes for one value of a sharding-key column, from the value
 * the sink is about to encode. Integer and String columns only: other types hash their binary
 * representation in ways not worth reproducing for a key (cluster.sharding.key can name others).
 */
public final class CityHashKey {
    /** Width in bytes of the integer types (signedness does not change the hash: see CityHash.ofLong). */
    private record IntType(int width) {
    }

    private static final Map<String, IntType> INTS = Map.of(
            "Int8", new IntType(1), "Int16", new IntType(2), "Int32", new IntType(4), "Int64", new IntType(8),
            "UInt8", new IntType(1), "UInt16", new IntType(2), "UInt32", new IntType(4), "UInt64", new IntType(8));

    private CityHashKey() {
    }

    public static boolean supports(String columnType) {
        String t = bare(columnType);
        return INTS.containsKey(t) || t.equals("String");
    }

    /** cityHash64 of {@code value} in a column of {@code columnType} (one that {@link #supports}). */
    public static long hash(String columnType, Object value) {
        String t = bare(columnType);
        IntType i = INTS.get(t);
        if (i != null) {
            long v = value instanceof BigInteger b ? b.longValue() : ((Number) value).longValue();
            return CityHash.ofLong(v, i.width());
        }
        byte[] bytes;
        if (value instanceof byte[] b) {
            bytes = b;
        } else if (value instanceof ByteBuffer bb) {
            bytes = new byte[bb.remaining()];
            bb.duplicate().get(bytes);
        } else {
            bytes = value.toString().getBytes(StandardCharsets.UTF_8);
        }
        return CityHash.ofString(bytes);
    }

    /** Combines the hash so far with the next argument's, as cityHash64(a, b, ...) does. */
    public static long combine(long soFar, long next) {
        return CityHash.combine(soFar, next);
    }

    private static String bare(String type) {
        String t = type.trim();
        if (t.startsWith("LowCardinality(") && t.endsWith(")")) {
            t = t.substring("LowCardinality(".length(), t.length() - 1).trim();
        }
        return t;
    }
}
