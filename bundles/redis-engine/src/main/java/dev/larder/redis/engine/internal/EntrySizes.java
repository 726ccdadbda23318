package dev.larder.redis.engine.internal;

/**
 * Heap bytes a string key takes in a shard, from the objects it is made of on a 64-bit JVM with
 * compressed references and 12-byte object headers (with Java 25's compact headers each object is 4 to 8
 * bytes smaller): the table node (key array, hash, value, next), the {@link Entry} (value, expiry, access,
 * epoch), the key's bytes and the value's bytes (a plain string is its byte array alone).
 */
final class EntrySizes {

    private static final int NODE = 32;
    private static final int ENTRY = 40;
    private static final int ARRAY_HEADER = 16;

    private EntrySizes() {
    }

    static long estimate(int keyBytes, int valueBytes) {
        return cold(keyBytes) + array(valueBytes);
    }

    /** A key whose value is only in the grid. */
    static long cold(int keyBytes) {
        return NODE + ENTRY + array(keyBytes);
    }

    /** The bytes a value of this length holds beyond its key's. */
    static long array(int length) {
        return (ARRAY_HEADER + length + 7L) & ~7L;
    }
}
