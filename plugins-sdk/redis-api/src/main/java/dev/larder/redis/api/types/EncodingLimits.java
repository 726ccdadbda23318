package dev.larder.redis.api.types;

/**
 * Redis's encoding thresholds of the database whose command runs on this thread: while a hash, set or
 * sorted set stays within them it keeps its compact encoding (listpack, intset), past them it converts
 * for good, as OBJECT ENCODING shows; a stream node holds up to {@code streamNodeEntries} entries and an
 * HyperLogLog stays sparse up to {@code hllSparseBytes}. The engine sets them before each command
 * (CONFIG SET is per database), so value types read them where Redis reads its server settings.
 */
public record EncodingLimits(long hashEntries, long hashValue, long intsetEntries, long zsetEntries, long zsetValue,
        long streamNodeEntries, long streamNodeBytes, long hllSparseBytes) {

    /** Redis 7.0's defaults. */
    public static final EncodingLimits REDIS_DEFAULTS = new EncodingLimits(512, 64, 512, 128, 64, 100, 4096, 3000);

    private static final ThreadLocal<EncodingLimits> CURRENT = ThreadLocal.withInitial(() -> REDIS_DEFAULTS);

    public static EncodingLimits current() {
        return CURRENT.get();
    }

    public static void use(EncodingLimits limits) {
        CURRENT.set(limits);
    }
}
