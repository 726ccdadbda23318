package dev.larder.redis.engine.internal;

/**
 * Heap bytes a string key takes in a shard, from the objects it is made of on a 64-bit JVM with
 * compressed references: the table node, {@link Bytes}, {@link Entry}, the value object and both byte arrays.
 */
final class EntrySizes {

    private static final int NODE = 24;
    private static final int BYTE_KEY = 24;
    private static final int ENTRY = 32;
    private static final int STRING_VALUE = 24;
    private static final int ARRAY_HEADER = 16;

    private EntrySizes() {
    }

    static long estimate(int keyBytes, int valueBytes) {
        return NODE + BYTE_KEY + ENTRY + STRING_VALUE + array(keyBytes) + array(valueBytes);
    }

    private static long array(int length) {
        return (ARRAY_HEADER + length + 7L) & ~7L;
    }
}
