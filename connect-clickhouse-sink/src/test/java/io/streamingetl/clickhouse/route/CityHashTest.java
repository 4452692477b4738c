package io.streamingetl.clickhouse.route;

import io.streamingetl.clickhouse.sql.Sql;
import io.streamingetl.localstack.junit.LocalStackExtension;
import io.streamingetl.localstack.junit.LocalStackExtension.Component;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * CityHash against a real server's cityHash64, on seeded random values (the seed is printed;
 * replay with {@code -Dcityhash.seed=N}): strings of every length 0..300 (every CityHash code
 * path) as UTF-8 text and as raw bytes, integers of every width and signedness at their edges and
 * at random, 2- and 3-argument calls mixing them, and intHash64 alone. The shard the sink picks,
 * {@code Long.remainderUnsigned(h, n)}, is compared with the server's {@code cityHash64(...) % n}.
 * Rows only reach the shard the Distributed table reads them from if every one agrees.
 */
class CityHashTest {
    @RegisterExtension
    static final LocalStackExtension stack = LocalStackExtension.with(Component.CLICKHOUSE);

    private static final String[] INT_TYPES = {"Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64"};
    private static final int[] SHARDS = {2, 3};
    /** Below ClickHouse's max_query_size (256 KiB), with room for the query around the calls. */
    private static final int BATCH_BYTES = 200_000;

    /** One argument: its ClickHouse expression, its CityHash hash and the one CityHashKey (the sink's caller) gives. */
    private record Arg(String sql, long hash, long keyHash) {
    }

    /** One ClickHouse expression returning UInt64, the value CityHash computes for it and the value via CityHashKey. */
    private record Case(String sql, long expected, long keyExpected) {
    }

    @Test
    void agreesWithTheServerOnEveryKeyTypeAndLength() {
        long seed = Long.getLong("cityhash.seed", System.nanoTime());
        System.out.println("CityHashTest seed " + seed + " (replay: -Dcityhash.seed=" + seed + ")");
        Random random = new Random(seed);
        long start = System.nanoTime();

        List<Case> cases = new ArrayList<>();
        for (int len = 0; len <= 300; len++) {
            cases.add(call(List.of(text(random, len))));
            cases.add(call(List.of(bytes(random, len))));
        }
        for (String type : INT_TYPES) {
            int bits = bits(type);
            boolean signed = !type.startsWith("U");
            long min = signed ? -1L << (bits - 1) : 0;
            long max = signed ? ~min : -1L >>> (64 - bits);
            for (long v : new long[] {0, 1, -1, 2, min, max, min + 1, max - 1, 1L << (bits - 1), 0x80, 0xff}) {
                cases.add(call(List.of(integer(random, type, v))));
            }
            for (int i = 0; i < 30; i++) {
                cases.add(call(List.of(integer(random, type, randomBits(random)))));
            }
        }
        for (int i = 0; i < 300; i++) {
            List<Arg> args = new ArrayList<>();
            for (int k = 2 + random.nextInt(2); k > 0; k--) {
                args.add(switch (random.nextInt(3)) {
                    case 0 -> text(random, random.nextInt(100));
                    case 1 -> bytes(random, random.nextInt(100));
                    default -> integer(random, INT_TYPES[random.nextInt(INT_TYPES.length)], randomBits(random));
                });
            }
            cases.add(call(args));
        }
        for (int i = 0; i < 20; i++) {
            long v = i < 4 ? new long[] {0, 1, -1, Long.MIN_VALUE}[i] : randomBits(random);
            cases.add(new Case("intHash64(toUInt64('" + Long.toUnsignedString(v) + "'))", CityHash.intHash64(v), CityHash.intHash64(v)));
        }

        List<String> failures = new ArrayList<>();
        int batches = 0;
        int from = 0;
        while (from < cases.size()) {
            int to = from;
            int size = 0;
            while (to < cases.size() && (to == from || size + cases.get(to).sql.length() * 4 < BATCH_BYTES)) {
                size += cases.get(to++).sql.length() * 4; // at most 4 UTF-8 bytes per char
            }
            compare(cases, from, to, failures, seed);
            batches++;
            from = to;
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + cases.size() + " values differ from ClickHouse (seed " + seed + "):\n"
                    + String.join("\n", failures.subList(0, Math.min(20, failures.size()))));
        }
        System.out.printf("CityHashTest: %d hashes and %d shard numbers agreed with ClickHouse in %d queries, %d ms%n",
                cases.size(), cases.size() * SHARDS.length, batches, (System.nanoTime() - start) / 1_000_000);
    }

    /** Evaluates cases [from, to) in one query, in order, with their remainders, and notes every difference. */
    private static void compare(List<Case> cases, int from, int to, List<String> failures, long seed) {
        StringBuilder sql = new StringBuilder("SELECT t.1, t.2");
        for (int n : SHARDS) {
            sql.append(", t.2 % ").append(n);
        }
        sql.append(" FROM (SELECT arrayJoin([");
        for (int i = from; i < to; i++) {
            sql.append(i == from ? "" : ",\n").append("(toUInt32(").append(i).append("), toUInt64(")
                    .append(cases.get(i).sql).append("))");
        }
        sql.append("]) AS t) ORDER BY t.1 FORMAT TSV");
        String[] rows = stack.clickHouse().query(sql.toString()).split("\n");
        assertEquals(to - from, rows.length, "rows returned (seed " + seed + ")");
        for (int i = from; i < to; i++) {
            Case c = cases.get(i);
            String[] cols = rows[i - from].split("\t");
            assertEquals(Integer.toString(i), cols[0], "row order (seed " + seed + ")");
            String expected = Long.toUnsignedString(c.expected);
            if (!cols[1].equals(expected)) {
                failures.add(c.sql + ": ClickHouse " + cols[1] + ", CityHash " + expected);
                continue;
            }
            if (c.keyExpected != c.expected) {
                failures.add(c.sql + ": ClickHouse and CityHash " + cols[1] + ", CityHashKey "
                        + Long.toUnsignedString(c.keyExpected));
            }
            for (int k = 0; k < SHARDS.length; k++) {
                long shard = Long.remainderUnsigned(c.expected, SHARDS[k]);
                if (!cols[2 + k].equals(Long.toString(shard))) {
                    failures.add(c.sql + " % " + SHARDS[k] + ": ClickHouse " + cols[2 + k] + ", Java " + shard);
                }
            }
        }
    }

    /** cityHash64(args...) as the sink computes it: the first argument's hash combined with each next one's. */
    private static Case call(List<Arg> args) {
        long h = args.get(0).hash;
        long key = args.get(0).keyHash;
        for (int k = 1; k < args.size(); k++) {
            h = CityHash.combine(h, args.get(k).hash);
            key = CityHashKey.combine(key, args.get(k).keyHash);
        }
        return new Case("cityHash64(" + String.join(", ", args.stream().map(Arg::sql).toList()) + ")", h, key);
    }

    /** A random string of exactly {@code len} UTF-8 bytes mixing 1-, 2-, 3- and 4-byte characters, as a literal. */
    private static Arg text(Random random, int len) {
        StringBuilder b = new StringBuilder();
        int left = len;
        while (left > 0) {
            int kind = 1 + random.nextInt(Math.min(4, left));
            switch (kind) {
                case 1 -> b.append((char) (' ' + random.nextInt(95))); // ASCII, quotes and backslash too
                case 2 -> b.append((char) (0x80 + random.nextInt(0x780)));
                case 3 -> b.append((char) (0xe000 + random.nextInt(0x1f00))); // no surrogates
                default -> b.appendCodePoint(0x10000 + random.nextInt(0x100000));
            }
            left -= kind;
        }
        String s = b.toString();
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        assertEquals(len, utf8.length);
        // Sometimes through LowCardinality(String), which hashes like String.
        String literal = Sql.literal(s);
        return new Arg(random.nextInt(4) == 0 ? "toLowCardinality(" + literal + ")" : literal,
                CityHash.ofString(utf8), CityHashKey.hash(random.nextBoolean() ? "String" : "LowCardinality(String)", s));
    }

    /** {@code len} random bytes, half of them 0x80 or above (invalid UTF-8 mostly), as unhex(...). */
    private static Arg bytes(Random random, int len) {
        byte[] b = new byte[len];
        random.nextBytes(b);
        long h = CityHash.ofString(b);
        return new Arg("unhex('" + HexFormat.of().withUpperCase().formatHex(b) + "')", h, CityHashKey.hash("String", b));
    }

    /**
     * The value {@code raw} narrowed to {@code type}, as toType('value'); Java hashes it from its
     * sign- or zero-extended form at random (the sink may hold either), and CityHashKey from its
     * canonical Java value.
     */
    private static Arg integer(Random random, String type, long raw) {
        int bits = bits(type);
        boolean signed = !type.startsWith("U");
        long zero = bits == 64 ? raw : raw & (-1L >>> (64 - bits));
        long sign = bits == 64 ? raw : raw << (64 - bits) >> (64 - bits);
        long value = signed ? sign : zero;
        String literal = signed ? Long.toString(value) : Long.toUnsignedString(value);
        long h = CityHash.ofLong(random.nextBoolean() ? zero : sign, bits / 8);
        Object canonical = !signed && bits == 64 && value < 0 ? new BigInteger(literal) : (Object) value;
        return new Arg("to" + type + "('" + literal + "')", h, CityHashKey.hash(type, canonical));
    }

    /** A random long with a random number of significant bits, so small values come up as often as large ones. */
    private static long randomBits(Random random) {
        int bits = 1 + random.nextInt(64);
        long v = random.nextLong() >>> (64 - bits);
        return random.nextBoolean() ? v : -v;
    }

    private static int bits(String type) {
        return type.endsWith("8") ? 8 : type.endsWith("16") ? 16 : type.endsWith("32") ? 32 : 64;
    }
}
