package io.streamingetl.clickhouse.route;

/**
 * ClickHouse's {@code cityHash64}: CityHash64 v1.0.2 (the version ClickHouse bundles; later
 * releases hash differently), {@code intHash64} for integer arguments and {@code Hash128to64} to
 * combine several arguments. The sink routes rows to shards with it, so it must agree bit for bit
 * with the server (CityHashTest compares it with a real one). Nothing on the classpath has it:
 * the ClickHouse client only carries CityHash128 for its compression checksums.
 */
public final class CityHash {
    private static final long K0 = 0xc3a5c85c97cb3127L;
    private static final long K1 = 0xb492b66fbe98f273L;
    private static final long K2 = 0x9ae16a3b2f90404fL;
    private static final long K3 = 0xc949d7c7509e6557L;
    private static final long K_MUL = 0x9ddfea08eb382d69L;

    private CityHash() {
    }

    /**
     * cityHash64 of an integer column's value (Int8..Int64, UInt8..UInt64): ClickHouse hashes such
     * arguments with intHash64 of the value's bytes zero-extended to 64 bits, signed or not
     * (Int32 -1 hashes as 4294967295). UInt64 arrives as its bit pattern.
     */
    public static long ofLong(long value, int widthBytes) {
        return intHash64(widthBytes == 8 ? value : value & (-1L >>> (64 - 8 * widthBytes)));
    }

    /** cityHash64 of a String value: CityHash64 of its bytes. */
    public static long ofString(byte[] bytes) {
        return cityHash64(bytes, 0, bytes.length);
    }

    /** cityHash64(a, b, ...): the hash so far combined with the next argument's. */
    public static long combine(long soFar, long next) {
        return hash128to64(soFar, next);
    }

    /** ClickHouse's intHash64 function: the MurmurHash3 finalizer of the value xor a constant. */
    public static long intHash64(long x) {
        x ^= 0x4CF2D2BAAE6DA887L;
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        x ^= x >>> 33;
        x *= 0xc4ceb9fe1a85ec53L;
        x ^= x >>> 33;
        return x;
    }

    public static long hash128to64(long low, long high) {
        long a = (low ^ high) * K_MUL;
        a ^= a >>> 47;
        long b = (high ^ a) * K_MUL;
        b ^= b >>> 47;
        return b * K_MUL;
    }

    public static long cityHash64(byte[] s, int pos, int len) {
        if (len <= 32) {
            return len <= 16 ? hashLen0to16(s, pos, len) : hashLen17to32(s, pos, len);
        }
        if (len <= 64) {
            return hashLen33to64(s, pos, len);
        }
        // The end first, then 64-byte chunks, keeping 56 bytes of state: v, w, x, y and z.
        long x = fetch64(s, pos);
        long y = fetch64(s, pos + len - 16) ^ K1;
        long z = fetch64(s, pos + len - 56) ^ K0;
        long[] v = weakHashLen32WithSeeds(s, pos + len - 64, len, y);
        long[] w = weakHashLen32WithSeeds(s, pos + len - 32, len * K1, K0);
        z += shiftMix(v[1]) * K1;
        x = rotate(z + x, 39) * K1;
        y = rotate(y, 33) * K1;
        int left = (len - 1) & ~63;
        do {
            x = rotate(x + y + v[0] + fetch64(s, pos + 16), 37) * K1;
            y = rotate(y + v[1] + fetch64(s, pos + 48), 42) * K1;
            x ^= w[1];
            y ^= v[0];
            z = rotate(z ^ w[0], 33);
            v = weakHashLen32WithSeeds(s, pos, v[1] * K1, x + w[0]);
            w = weakHashLen32WithSeeds(s, pos + 32, z + w[1], y);
            long t = z;
            z = x;
            x = t;
            pos += 64;
            left -= 64;
        } while (left != 0);
        return hash128to64(hash128to64(v[0], w[0]) + shiftMix(y) * K1 + z, hash128to64(v[1], w[1]) + x);
    }

    private static long hashLen0to16(byte[] s, int pos, int len) {
        if (len > 8) {
            long a = fetch64(s, pos);
            long b = fetch64(s, pos + len - 8);
            return hash128to64(a, rotateByAtLeast1(b + len, len)) ^ b;
        }
        if (len >= 4) {
            long a = fetch32(s, pos);
            return hash128to64(len + (a << 3), fetch32(s, pos + len - 4));
        }
        if (len > 0) {
            int a = s[pos] & 0xff;
            int b = s[pos + (len >>> 1)] & 0xff;
            int c = s[pos + len - 1] & 0xff;
            int y = a + (b << 8);
            int z = len + (c << 2);
            return shiftMix((y & 0xffffffffL) * K2 ^ (z & 0xffffffffL) * K3) * K2;
        }
        return K2;
    }

    private static long hashLen17to32(byte[] s, int pos, int len) {
        long a = fetch64(s, pos) * K1;
        long b = fetch64(s, pos + 8);
        long c = fetch64(s, pos + len - 8) * K2;
        long d = fetch64(s, pos + len - 16) * K0;
        return hash128to64(rotate(a - b, 43) + rotate(c, 30) + d, a + rotate(b ^ K3, 20) - c + len);
    }

    private static long hashLen33to64(byte[] s, int pos, int len) {
        long z = fetch64(s, pos + 24);
        long a = fetch64(s, pos) + (len + fetch64(s, pos + len - 16)) * K0;
        long b = rotate(a + z, 52);
        long c = rotate(a, 37);
        a += fetch64(s, pos + 8);
        c += rotate(a, 7);
        a += fetch64(s, pos + 16);
        long vf = a + z;
        long vs = b + rotate(a, 31) + c;
        a = fetch64(s, pos + 16) + fetch64(s, pos + len - 32);
        z = fetch64(s, pos + len - 8);
        b = rotate(a + z, 52);
        c = rotate(a, 37);
        a += fetch64(s, pos + len - 24);
        c += rotate(a, 7);
        a += fetch64(s, pos + len - 16);
        long wf = a + z;
        long ws = b + rotate(a, 31) + c;
        long r = shiftMix((vf + ws) * K2 + (wf + vs) * K0);
        return shiftMix(r * K0 + vs) * K2;
    }

    private static long[] weakHashLen32WithSeeds(byte[] s, int pos, long a, long b) {
        long w = fetch64(s, pos);
        long x = fetch64(s, pos + 8);
        long y = fetch64(s, pos + 16);
        long z = fetch64(s, pos + 24);
        a += w;
        b = rotate(b + a + z, 21);
        long c = a;
        a += x;
        a += y;
        b += rotate(a, 44);
        return new long[] {a + z, b + c};
    }

    private static long fetch64(byte[] s, int pos) {
        long r = 0;
        for (int i = 7; i >= 0; i--) {
            r = r << 8 | (s[pos + i] & 0xffL);
        }
        return r;
    }

    private static long fetch32(byte[] s, int pos) {
        return (s[pos] & 0xffL) | (s[pos + 1] & 0xffL) << 8 | (s[pos + 2] & 0xffL) << 16 | (s[pos + 3] & 0xffL) << 24;
    }

    private static long rotate(long v, int shift) {
        return shift == 0 ? v : Long.rotateRight(v, shift);
    }

    private static long rotateByAtLeast1(long v, int shift) {
        return Long.rotateRight(v, shift);
    }

    private static long shiftMix(long v) {
        return v ^ (v >>> 47);
    }
}
