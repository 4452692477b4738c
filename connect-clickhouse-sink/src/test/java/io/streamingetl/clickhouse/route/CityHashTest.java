package io.streamingetl.clickhouse.route;

import io.streamingetl.clickhouse.ddl.Sql;
import io.streamingetl.localstack.junit.LocalStackExtension;
import io.streamingetl.localstack.junit.LocalStackExtension.Component;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The sink's cityHash64 against a real server's, on seeded random values of every key type the
 * sink routes by (replay with {@code -Dcityhash.seed=N}): strings of every length 0..300 (every
 * CityHash code path, multi-byte UTF-8), integers of every width at their edges, and 2- and
 * 3-argument combinations. Shard routing is only right if every one of them agrees.
 */
class CityHashTest {
    @RegisterExtension
    static final LocalStackExtension stack = LocalStackExtension.with(Component.CLICKHOUSE);

    private static final String[] INT_TYPES = {"Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64"};

    /** A value as a ClickHouse expression, with the hash the sink computes for it. */
    private record Arg(String sql, String type, Object value) {
        long hash() {
            return CityHashKey.hash(type, value);
        }
    }

    @Test
    void agreesWithTheServerOnEveryKeyTypeAndLength() {
        long seed = Long.getLong("cityhash.seed", System.nanoTime());
        System.out.println("CityHashTest seed " + seed + " (replay: -Dcityhash.seed=" + seed + ")");
        Random random = new Random(seed);
        List<List<Arg>> calls = new ArrayList<>();
        for (int len = 0; len <= 300; len++) {
            calls.add(List.of(string(random, len)));
        }
        for (String type : INT_TYPES) {
            int bits = type.endsWith("8") ? 8 : type.endsWith("16") ? 16 : type.endsWith("32") ? 32 : 64;
            boolean signed = !type.startsWith("U");
            long min = signed ? -(1L << (bits - 1)) : 0;
            long max = bits == 64 ? (signed ? Long.MAX_VALUE : -1L) : signed ? (1L << (bits - 1)) - 1 : (1L << bits) - 1;
            for (long v : new long[] {0, 1, -1, min, max, min + 1, max - 1}) {
                calls.add(List.of(integer(type, v, bits, signed)));
            }
            for (int i = 0; i < 20; i++) {
                calls.add(List.of(integer(type, random.nextLong(), bits, signed)));
            }
        }
        for (int i = 0; i < 200; i++) {
            List<Arg> args = new ArrayList<>();
            int n = 2 + random.nextInt(2);
            for (int k = 0; k < n; k++) {
                args.add(random.nextBoolean() ? string(random, random.nextInt(90))
                        : integer(INT_TYPES[random.nextInt(INT_TYPES.length)], random.nextLong(), 0, false));
            }
            calls.add(args);
        }
        StringBuilder sql = new StringBuilder("SELECT arrayJoin([");
        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            List<Arg> args = calls.get(i);
            sql.append(i == 0 ? "" : ", ").append("cityHash64(")
                    .append(String.join(", ", args.stream().map(Arg::sql).toList())).append(")");
            long h = args.get(0).hash();
            for (int k = 1; k < args.size(); k++) {
                h = CityHashKey.combine(h, args.get(k).hash());
            }
            expected.add(h);
        }
        sql.append("]) FORMAT TSV"); // one query; arrayJoin keeps the order
        String[] got = stack.clickHouse().query(sql.toString()).split("\n");
        assertEquals(calls.size(), got.length);
        for (int i = 0; i < calls.size(); i++) {
            assertEquals(got[i], Long.toUnsignedString(expected.get(i)), "cityHash64(" + calls.get(i) + ")");
            for (int shards : new int[] {2, 3}) {
                assertEquals(Long.remainderUnsigned(Long.parseUnsignedLong(got[i]), shards),
                        Long.remainderUnsigned(expected.get(i), shards), "shard of " + calls.get(i));
            }
        }
        System.out.println("cityHash64 agreed with ClickHouse on " + calls.size() + " calls");
    }

    /** A random string of {@code len} UTF-8 bytes, mixing ASCII and multi-byte characters. */
    private static Arg string(Random random, int len) {
        StringBuilder b = new StringBuilder();
        while (b.toString().getBytes(StandardCharsets.UTF_8).length < len) {
            int left = len - b.toString().getBytes(StandardCharsets.UTF_8).length;
            int kind = random.nextInt(4);
            if (kind == 0 && left >= 2) {
                b.append((char) (0xe0 + random.nextInt(32))); // 2 bytes
            } else if (kind == 1 && left >= 4) {
                b.appendCodePoint(0x1f600 + random.nextInt(50)); // 4 bytes
            } else {
                b.append((char) ('!' + random.nextInt(90)));
            }
        }
        String s = b.toString();
        return new Arg(Sql.literal(s), "String", s);
    }

    /** {@code raw} narrowed to the type (bits 0: derive the width from the type name). */
    private static Arg integer(String type, long raw, int bits, boolean signed) {
        if (bits == 0) {
            bits = type.endsWith("8") ? 8 : type.endsWith("16") ? 16 : type.endsWith("32") ? 32 : 64;
            signed = !type.startsWith("U");
        }
        long v = bits == 64 ? raw : signed ? raw << (64 - bits) >> (64 - bits) : raw & ((1L << bits) - 1);
        String literal = !signed && bits == 64 ? Long.toUnsignedString(v) : Long.toString(v);
        return new Arg("to" + type + "('" + literal + "')", type, v);
    }
}
