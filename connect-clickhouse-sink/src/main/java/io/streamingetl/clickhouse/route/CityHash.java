package io.streamingetl.clickhouse.route;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * ClickHouse's {@code cityHash64}, bit for bit, so that the sink sends each row to the shard a
 * {@code Distributed} table with sharding key {@code cityHash64(col1[, col2...])} would pick
 * ({@code Long.remainderUnsigned(h, shards)} with equal weights). CityHashTest compares it with a
 * real server.
 *
 * <p>Hand-written because nothing on the classpath has it: ClickHouse bundles CityHash64 v1.0.2
 * (v1.1 and later, which libraries implement, hash differently), and the ClickHouse Java client
 * only carries CityHash128 for its compression checksums.
 *
 * <p>How the server evaluates {@code cityHash64(a, b, ...)} (checked against it by CityHashTest):
 * <ul>
 * <li>a String / LowCardinality(String) argument: CityHash64 v1.0.2 of its bytes ({@link #ofString});
 * <li>an integer argument (Int8..Int64, UInt8..UInt64): {@link #intHash64} of the value's bytes
 *     <em>zero</em>-extended to 64 bits, whether the type is signed or not, so Int32 -1 hashes like
 *     UInt32 4294967295 and Int8 -1 like UInt8 255 ({@link #ofLong});
 * <li>each further argument: {@code Hash128to64(uint128(hashSoFar, nextHash))}, the hash so far as
 *     the low half ({@link #combine}).
 * </ul>
 * Not reproduced (use them in a sharding key and rows go to the wrong shard): Nullable (NULL),
 * Int128/Int256/UInt128/UInt256, Float32/64, Decimal, UUID, IPv4/IPv6, FixedString, Date/DateTime
 * and Enum (they hash as their underlying integers, but are not tested), Array, Tuple, Map.
 */
public final class CityHash {
    // The constants of CityHash v1.0.2.
    private static final long K0 = 0xc3a5c85c97cb3127L;
    private static final long K1 = 0xb492b66fbe98f273L;
    private static final long K2 = 0x9ae16a3b2f90404fL;
    private static final long K3 = 0xc949d7c7509e6557L;
    private static final long K_MUL = 0x9ddfea08eb382d69L;

    // Unaligned little-endian reads, as CityHash's Fetch64/Fetch32 on x86.
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private CityHash() {
    }

    /**
     * The hash ClickHouse computes for one argument of an integer column: Int8, Int16, Int32, Int64
     * (also Bool as UInt8), UInt8, UInt16, UInt32, UInt64. {@code value} may carry the low
     * {@code widthBytes} bytes sign- or zero-extended, or a UInt64 as its bit pattern: only those
     * bytes count, zero-extended (what ClickHouse's {@code bit_cast<UInt64>} of a narrower value does).
     *
     * @param widthBytes 1, 2, 4 or 8
     */
    public static long ofLong(long value, int widthBytes) {
        if (widthBytes != 1 && widthBytes != 2 && widthBytes != 4 && widthBytes != 8) {
            throw new IllegalArgumentException("integer width must be 1, 2, 4 or 8 bytes, not " + widthBytes);
        }
        return intHash64(widthBytes == 8 ? value : value & (-1L >>> (64 - 8 * widthBytes)));
    }

    /** The hash ClickHouse computes for one argument of a String or LowCardinality(String) column: its bytes (UTF-8 or not). */
    public static long ofString(byte[] bytes) {
        return cityHash64(bytes, 0, bytes.length);
    }

    /** {@code cityHash64(a, b, ...)}: the hash of the arguments so far combined with the next one's, left to right. */
    public static long combine(long soFar, long next) {
        return hash128to64(soFar, next);
    }

    /** ClickHouse's {@code intHash64}: the MurmurHash3 64-bit finalizer of {@code x} xor a fixed constant. */
    public static long intHash64(long x) {
        x ^= 0x4CF2D2BAAE6DA887L;
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        x ^= x >>> 33;
        x *= 0xc4ceb9fe1a85ec53L;
        x ^= x >>> 33;
        return x;
    }

    /** CityHash v1.0.2's {@code Hash128to64} of the 128-bit value {@code (lo, hi)} (uint128's first, second). */
    public static long hash128to64(long lo, long hi) {
        long a = (lo ^ hi) * K_MUL;
        a ^= a >>> 47;
        long b = (hi ^ a) * K_MUL;
        b ^= b >>> 47;
        return b * K_MUL;
    }

    /** CityHash64 v1.0.2 of {@code len} bytes of {@code s} from {@code off}. */
    public static long cityHash64(byte[] s, int off, int len) {
        if (off < 0 || len < 0 || off > s.length - len) {
            throw new IndexOutOfBoundsException("off " + off + ", len " + len + " of " + s.length + " bytes");
        }
        if (len <= 32) {
            return len <= 16 ? hashLen0to16(s, off, len) : hashLen17to32(s, off, len);
        }
        if (len <= 64) {
            return hashLen33to64(s, off, len);
        }
        // Over 64 bytes: seed from the end, then 64-byte chunks from the start keeping 56 bytes of
        // state (v, w, x, y, z); the last chunk may overlap the one before it.
        long x = fetch64(s, off);
        long y = fetch64(s, off + len - 16) ^ K1;
        long z = fetch64(s, off + len - 56) ^ K0;
        long[] v = weakHashLen32WithSeeds(s, off + len - 64, len, y);
        long[] w = weakHashLen32WithSeeds(s, off + len - 32, len * K1, K0);
        z += shiftMix(v[1]) * K1;
        x = Long.rotateRight(z + x, 39) * K1;
        y = Long.rotateRight(y, 33) * K1;
        int left = (len - 1) & ~63;
        do {
            x = Long.rotateRight(x + y + v[0] + fetch64(s, off + 16), 37) * K1;
            y = Long.rotateRight(y + v[1] + fetch64(s, off + 48), 42) * K1;
            x ^= w[1];
            y ^= v[0];
            z = Long.rotateRight(z ^ w[0], 33);
            v = weakHashLen32WithSeeds(s, off, v[1] * K1, x + w[0]);
            w = weakHashLen32WithSeeds(s, off + 32, z + w[1], y);
            long t = z;
            z = x;
            x = t;
            off += 64;
            left -= 64;
        } while (left != 0);
        return hash128to64(hash128to64(v[0], w[0]) + shiftMix(y) * K1 + z, hash128to64(v[1], w[1]) + x);
    }

    private static long hashLen0to16(byte[] s, int off, int len) {
        if (len > 8) {
            long a = fetch64(s, off);
            long b = fetch64(s, off + len - 8);
            return hash128to64(a, Long.rotateRight(b + len, len)) ^ b;
        }
        if (len >= 4) {
            long a = fetch32(s, off);
            return hash128to64(len + (a << 3), fetch32(s, off + len - 4));
        }
        if (len > 0) {
            // Three bytes, unsigned: a Java byte is signed.
            long a = s[off] & 0xff;
            long b = s[off + (len >>> 1)] & 0xff;
            long c = s[off + len - 1] & 0xff;
            long y = a + (b << 8);
            long z = len + (c << 2);
            return shiftMix(y * K2 ^ z * K3) * K2;
        }
        return K2;
    }

    private static long hashLen17to32(byte[] s, int off, int len) {
        long a = fetch64(s, off) * K1;
        long b = fetch64(s, off + 8);
        long c = fetch64(s, off + len - 8) * K2;
        long d = fetch64(s, off + len - 16) * K0;
        return hash128to64(Long.rotateRight(a - b, 43) + Long.rotateRight(c, 30) + d,
                a + Long.rotateRight(b ^ K3, 20) - c + len);
    }

    private static long hashLen33to64(byte[] s, int off, int len) {
        long z = fetch64(s, off + 24);
        long a = fetch64(s, off) + (len + fetch64(s, off + len - 16)) * K0;
        long b = Long.rotateRight(a + z, 52);
        long c = Long.rotateRight(a, 37);
        a += fetch64(s, off + 8);
        c += Long.rotateRight(a, 7);
        a += fetch64(s, off + 16);
        long vf = a + z;
        long vs = b + Long.rotateRight(a, 31) + c;
        a = fetch64(s, off + 16) + fetch64(s, off + len - 32);
        z = fetch64(s, off + len - 8);
        b = Long.rotateRight(a + z, 52);
        c = Long.rotateRight(a, 37);
        a += fetch64(s, off + len - 24);
        c += Long.rotateRight(a, 7);
        a += fetch64(s, off + len - 16);
        long wf = a + z;
        long ws = b + Long.rotateRight(a, 31) + c;
        long r = shiftMix((vf + ws) * K2 + (wf + vs) * K0);
        return shiftMix(r * K0 + vs) * K2;
    }

    /** The pair (first, second) of CityHash's WeakHashLen32WithSeeds over 32 bytes at {@code off}. */
    private static long[] weakHashLen32WithSeeds(byte[] s, int off, long a, long b) {
        long w = fetch64(s, off);
        long x = fetch64(s, off + 8);
        long y = fetch64(s, off + 16);
        long z = fetch64(s, off + 24);
        a += w;
        b = Long.rotateRight(b + a + z, 21);
        long c = a;
        a += x;
        a += y;
        b += Long.rotateRight(a, 44);
        return new long[] {a + z, b + c};
    }

    private static long fetch64(byte[] s, int off) {
        return (long) LONG_LE.get(s, off);
    }

    private static long fetch32(byte[] s, int off) {
        return (int) INT_LE.get(s, off) & 0xffffffffL;
    }

    private static long shiftMix(long v) {
        return v ^ (v >>> 47);
    }
}
