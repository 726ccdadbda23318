package dev.larder.redis.commands.hyperloglog;

import dev.larder.redis.api.types.EncodingLimits;
import java.util.Arrays;

/**
 * Redis's HyperLogLog string, byte for byte: a 16-byte header ("HYLL", encoding, 3 unused bytes, the
 * cached cardinality little-endian with its top bit marking it stale) and 16384 six-bit registers, dense
 * (12288 bytes) or sparse (ZERO, XZERO and VAL run opcodes, promoted to dense past hll-sparse-max-bytes (3000) or a
 * register value above 32). Elements hash with MurmurHash64A; the count is Otmar Ertl's estimator, as
 * Redis computes it, so counts and stored bytes match redis-server's. A value is a byte array with a
 * length; every change returns the array to store (possibly a new one).
 */
final class HyperLogLog {

    static final int HEADER = 16;
    private static final int P = 14;
    private static final int Q = 64 - P;
    static final int REGISTERS = 1 << P;
    private static final int BITS = 6;
    private static final int REGISTER_MAX = (1 << BITS) - 1;
    static final int DENSE_SIZE = HEADER + (REGISTERS * BITS + 7) / 8;
    static final byte DENSE = 0;
    static final byte SPARSE = 1;
    /** Redis's hll-sparse-max-bytes default. */
    private static final int SPARSE_VAL_MAX_VALUE = 32;
    private static final int SPARSE_VAL_MAX_LEN = 4;
    private static final int SPARSE_ZERO_MAX_LEN = 64;
    private static final double ALPHA_INF = 0.721347520444481703680;

    /** The HLL's bytes; {@link #length} of them are used (a sparse one grows in place). */
    private byte[] bytes;
    private int length;

    private HyperLogLog(byte[] bytes, int length) {
        this.bytes = bytes;
        this.length = length;
    }

    /** An empty HLL: sparse, one XZERO run over every register. */
    static HyperLogLog empty() {
        byte[] bytes = new byte[HEADER + 2];
        bytes[0] = 'H';
        bytes[1] = 'Y';
        bytes[2] = 'L';
        bytes[3] = 'L';
        bytes[4] = SPARSE;
        setXZero(bytes, HEADER, REGISTERS);
        return new HyperLogLog(bytes, bytes.length);
    }

    /** A stored HLL, or null when the bytes are not one (Redis's isHLLObjectOrReply). */
    static HyperLogLog of(byte[] stored) {
        if (stored.length < HEADER || stored[0] != 'H' || stored[1] != 'Y' || stored[2] != 'L' || stored[3] != 'L'
                || (stored[4] & 0xff) > SPARSE || stored[4] == DENSE && stored.length != DENSE_SIZE) {
            return null;
        }
        return new HyperLogLog(stored.clone(), stored.length);
    }

    byte[] toBytes() {
        return Arrays.copyOf(bytes, length);
    }

    boolean dense() {
        return bytes[4] == DENSE;
    }

    void invalidateCache() {
        bytes[15] |= (byte) 0x80;
    }

    /** The cached count, or -1 when it is stale. */
    long cachedCount() {
        if ((bytes[15] & 0x80) != 0) {
            return -1;
        }
        long card = 0;
        for (int i = 7; i >= 0; i--) {
            card = card << 8 | (bytes[8 + i] & 0xff);
        }
        return card;
    }

    void cacheCount(long card) {
        for (int i = 0; i < 8; i++) {
            bytes[8 + i] = (byte) (card >>> (8 * i));
        }
    }

    // --- adding ---------------------------------------------------------------------------------------

    /** Adds an element: 1 when a register changed, 0 when not, -1 for a corrupt HLL. */
    int add(byte[] element) {
        long hash = murmurHash64A(element, 0xadc83b19L);
        int index = (int) (hash & (REGISTERS - 1));
        hash >>>= P;
        hash |= 1L << Q;
        int count = 1;
        long bit = 1;
        while ((hash & bit) == 0) {
            count++;
            bit <<= 1;
        }
        return set(index, count);
    }

    /** Raises a register to {@code count}: 1 when it changed, 0 when it already held as much, -1 when corrupt. */
    int set(int index, int count) {
        return dense() ? denseSet(bytes, HEADER, index, count) : sparseSet(index, count);
    }

    static long murmurHash64A(byte[] key, long seed) {
        final long m = 0xc6a4a7935bd1e995L;
        final int r = 47;
        int len = key.length;
        long h = seed ^ ((long) len * m);
        int end = len - (len & 7);
        for (int i = 0; i < end; i += 8) {
            long k = 0;
            for (int b = 7; b >= 0; b--) {
                k = k << 8 | (key[i + b] & 0xff);
            }
            k *= m;
            k ^= k >>> r;
            k *= m;
            h ^= k;
            h *= m;
        }
        int rest = len & 7;
        if (rest > 0) {
            for (int b = rest - 1; b >= 0; b--) {
                h ^= (long) (key[end + b] & 0xff) << (8 * b);
            }
            h *= m;
        }
        h ^= h >>> r;
        h *= m;
        h ^= h >>> r;
        return h;
    }

    // --- dense ----------------------------------------------------------------------------------------

    static int denseGet(byte[] registers, int offset, int index) {
        int bitIndex = index * BITS;
        int b = offset + bitIndex / 8;
        int fb = bitIndex & 7;
        int b0 = registers[b] & 0xff;
        int b1 = b + 1 < registers.length ? registers[b + 1] & 0xff : 0;
        return ((b0 >> fb) | (b1 << (8 - fb))) & REGISTER_MAX;
    }

    private static void denseWrite(byte[] registers, int offset, int index, int value) {
        int bitIndex = index * BITS;
        int b = offset + bitIndex / 8;
        int fb = bitIndex & 7;
        registers[b] = (byte) ((registers[b] & ~(REGISTER_MAX << fb)) | (value << fb));
        if (b + 1 < registers.length) {
            registers[b + 1] = (byte) ((registers[b + 1] & ~(REGISTER_MAX >> (8 - fb))) | (value >> (8 - fb)));
        }
    }

    private static int denseSet(byte[] registers, int offset, int index, int count) {
        if (count > denseGet(registers, offset, index)) {
            denseWrite(registers, offset, index, count);
            return 1;
        }
        return 0;
    }

    // --- sparse ---------------------------------------------------------------------------------------

    private static boolean isZero(int op) {
        return (op & 0xc0) == 0;
    }

    private static boolean isXZero(int op) {
        return (op & 0xc0) == 0x40;
    }

    private static int zeroLength(int op) {
        return (op & 0x3f) + 1;
    }

    private static int xzeroLength(byte[] b, int at) {
        return (((b[at] & 0x3f) << 8) | (b[at + 1] & 0xff)) + 1;
    }

    private static int valValue(int op) {
        return ((op >> 2) & 0x1f) + 1;
    }

    private static int valLength(int op) {
        return (op & 0x3) + 1;
    }

    private static byte val(int value, int length) {
        return (byte) (((value - 1) << 2 | (length - 1)) | 0x80);
    }

    private static void setXZero(byte[] b, int at, int length) {
        int l = length - 1;
        b[at] = (byte) ((l >> 8) | 0x40);
        b[at + 1] = (byte) (l & 0xff);
    }

    /** Redis's hllSparseSet: in-place edits for the simple cases, a split of the run otherwise, then merges of equal neighbours. */
    private int sparseSet(int index, int count) {
        if (count > SPARSE_VAL_MAX_VALUE) {
            return promote(index, count);
        }
        if (bytes.length < length + 3) {
            bytes = Arrays.copyOf(bytes, length + 16);
        }
        int p = HEADER;
        int end = length;
        int first = 0;
        int prev = -1;
        int span = 0;
        while (p < end) {
            int op = bytes[p] & 0xff;
            int opLength = 1;
            if (isZero(op)) {
                span = zeroLength(op);
            } else if ((op & 0x80) != 0) {
                span = valLength(op);
            } else {
                if (p + 1 >= end) {
                    return -1; // an XZERO cut in half
                }
                span = xzeroLength(bytes, p);
                opLength = 2;
            }
            if (index <= first + span - 1) {
                break;
            }
            prev = p;
            p += opLength;
            first += span;
        }
        if (span == 0 || p >= end) {
            return -1;
        }
        int op = bytes[p] & 0xff;
        boolean zero = isZero(op);
        boolean xzero = isXZero(op);
        int next = xzero ? p + 2 : p + 1;
        if (next >= end) {
            next = -1;
        }
        int runLength = zero ? zeroLength(op) : xzero ? xzeroLength(bytes, p) : valLength(op);
        boolean updatedInPlace = false;
        if (!zero && !xzero) {
            int old = valValue(op);
            if (old >= count) {
                return 0;
            }
            if (runLength == 1) {
                bytes[p] = val(count, 1);
                updatedInPlace = true;
            }
        }
        if (!updatedInPlace && zero && runLength == 1) {
            bytes[p] = val(count, 1);
            updatedInPlace = true;
        }
        if (!updatedInPlace) {
            byte[] sequence = new byte[5];
            int n = 0;
            int last = first + span - 1;
            if (zero || xzero) {
                if (index != first) {
                    int len = index - first;
                    if (len > SPARSE_ZERO_MAX_LEN) {
                        setXZero(sequence, n, len);
                        n += 2;
                    } else {
                        sequence[n++] = (byte) (len - 1);
                    }
                }
                sequence[n++] = val(count, 1);
                if (index != last) {
                    int len = last - index;
                    if (len > SPARSE_ZERO_MAX_LEN) {
                        setXZero(sequence, n, len);
                        n += 2;
                    } else {
                        sequence[n++] = (byte) (len - 1);
                    }
                }
            } else {
                int current = valValue(op);
                if (index != first) {
                    sequence[n++] = val(current, index - first);
                }
                sequence[n++] = val(count, 1);
                if (index != last) {
                    sequence[n++] = val(current, last - index);
                }
            }
            int oldLength = xzero ? 2 : 1;
            int delta = n - oldLength;
            if (delta > 0 && length + delta > EncodingLimits.current().hllSparseBytes()) {
                return promote(index, count);
            }
            if (delta != 0 && next >= 0) {
                System.arraycopy(bytes, next, bytes, next + delta, end - next);
            }
            length += delta;
            System.arraycopy(sequence, 0, bytes, p, n);
            end += delta;
        }
        // merge adjacent VAL opcodes of equal value, up to 5 opcodes from the one before the change
        int scan = prev >= 0 ? prev : HEADER;
        int steps = 5;
        while (scan < end && steps-- > 0) {
            int current = bytes[scan] & 0xff;
            if (isXZero(current)) {
                scan += 2;
                continue;
            }
            if (isZero(current)) {
                scan++;
                continue;
            }
            if (scan + 1 < end && (bytes[scan + 1] & 0x80) != 0) {
                int v1 = valValue(current);
                int v2 = valValue(bytes[scan + 1] & 0xff);
                if (v1 == v2) {
                    int len = valLength(current) + valLength(bytes[scan + 1] & 0xff);
                    if (len <= SPARSE_VAL_MAX_LEN) {
                        bytes[scan + 1] = val(v1, len);
                        System.arraycopy(bytes, scan + 1, bytes, scan, end - scan - 1);
                        length--;
                        end--;
                        continue;
                    }
                }
            }
            scan++;
        }
        invalidateCache();
        return 1;
    }

    private int promote(int index, int count) {
        if (!toDense()) {
            return -1;
        }
        return denseSet(bytes, HEADER, index, count);
    }

    /** Redis's hllSparseToDense; the header (cached count included) is kept. False when the sparse form is corrupt. */
    boolean toDense() {
        if (dense()) {
            return true;
        }
        byte[] dense = new byte[DENSE_SIZE];
        System.arraycopy(bytes, 0, dense, 0, HEADER);
        dense[4] = DENSE;
        if (!forEachValueRun((first, run, value) -> {
            for (int i = 0; i < run; i++) {
                denseWrite(dense, HEADER, first + i, value);
            }
        })) {
            return false;
        }
        bytes = dense;
        length = DENSE_SIZE;
        return true;
    }

    /** Receives a run of registers of one non-zero value. */
    private interface ValueRun {
        void accept(int first, int run, int value);
    }

    /** Walks a sparse HLL's opcodes; false when they do not cover exactly every register (corrupt). */
    private boolean forEachValueRun(ValueRun visitor) {
        int index = 0;
        int p = HEADER;
        while (p < length) {
            int op = bytes[p] & 0xff;
            if (isZero(op)) {
                index += zeroLength(op);
                p++;
            } else if (isXZero(op)) {
                if (p + 1 >= length) {
                    return false; // an XZERO cut in half
                }
                index += xzeroLength(bytes, p);
                p += 2;
            } else {
                int run = valLength(op);
                if (run + index > REGISTERS) {
                    return false;
                }
                visitor.accept(index, run, valValue(op));
                index += run;
                p++;
            }
        }
        return index == REGISTERS;
    }

    // --- merging and counting -------------------------------------------------------------------------

    /** Raises {@code max[i]} to this HLL's register i, for every i; false when corrupt. */
    boolean mergeInto(int[] max) {
        if (dense()) {
            for (int i = 0; i < REGISTERS; i++) {
                max[i] = Math.max(max[i], denseGet(bytes, HEADER, i));
            }
            return true;
        }
        return forEachValueRun((first, run, value) -> {
            for (int i = first; i < first + run; i++) {
                max[i] = Math.max(max[i], value);
            }
        });
    }

    /** The estimated cardinality, or -1 when the HLL is corrupt. */
    long count() {
        int[] registers = new int[REGISTERS];
        if (!mergeInto(registers)) {
            return -1;
        }
        return count(registers);
    }

    /** Otmar Ertl's estimator over a register histogram, as Redis's hllCount. */
    static long count(int[] registers) {
        int[] histogram = new int[64];
        for (int register : registers) {
            histogram[register]++;
        }
        double m = REGISTERS;
        double z = m * tau((m - histogram[Q + 1]) / m);
        for (int j = Q; j >= 1; --j) {
            z += histogram[j];
            z *= 0.5;
        }
        z += m * sigma(histogram[0] / m);
        return Math.round(ALPHA_INF * m * m / z);
    }

    private static double sigma(double x) {
        if (x == 1.0) {
            return Double.POSITIVE_INFINITY;
        }
        double zPrime;
        double y = 1;
        double z = x;
        do {
            x *= x;
            zPrime = z;
            z += x * y;
            y += y;
        } while (zPrime != z);
        return z;
    }

    private static double tau(double x) {
        if (x == 0.0 || x == 1.0) {
            return 0.0;
        }
        double zPrime;
        double y = 1.0;
        double z = 1 - x;
        do {
            x = Math.sqrt(x);
            zPrime = z;
            y *= 0.5;
            z -= Math.pow(1 - x, 2) * y;
        } while (zPrime != z);
        return z / 3;
    }
}
