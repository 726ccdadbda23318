package dev.larder.redis.engine.internal;

import dev.larder.redis.api.Keyspace;
import dev.larder.redis.api.RedisValue;
import dev.larder.redis.api.StringValue;
import dev.larder.redis.api.types.CollectionValue;
import java.util.concurrent.ThreadLocalRandom;

final class Entry {

    /** Redis's LFU_INIT_VAL: a new key's counter, so that it is not evicted before it had a chance to be read. */
    static final int LFU_INITIAL = 5;
    private static final long TIME_BITS = (1L << 56) - 1;
    /** {@link #epoch} of an entry whose last change is not in the change log yet (or never goes there: memory only). */
    static final int UNLOGGED = Integer.MAX_VALUE;
    /** The value of a cold entry: a string held only by the storage grid, loaded back on the next read. */
    private static final Object COLD = new Object();
    /** What a cold entry tells keyspace events, which look at a value's type alone. */
    private static final StringValue COLD_EVENT_VALUE = new StringValue(new byte[0]);

    /**
     * The value; a {@link StringValue#plain plain} string as its bytes alone, which saves the 24 bytes
     * of its object on nearly every string key.
     */
    private Object value;
    /** Unix milliseconds, or {@link Keyspace#NO_EXPIRY}. */
    long expireAt;
    /**
     * Unix milliseconds of the last read or write (OBJECT IDLETIME, LRU eviction) in the low 56 bits, and
     * Redis's logarithmic access counter (OBJECT FREQ, LFU eviction) in the top 8: one field, so a key
     * costs no more than before.
     */
    private long access;
    /**
     * The grid-write epoch whose change-log segments hold the key's last change, or {@link #UNLOGGED}: once
     * a grid write covered that epoch the key is clean (the grid has it), and its value may leave memory.
     * An int fills what would be padding beside the other fields.
     */
    int epoch = UNLOGGED;

    Entry(RedisValue value, long expireAt) {
        value(value);
        this.expireAt = expireAt;
        this.access = ((long) LFU_INITIAL << 56) | System.currentTimeMillis();
    }

    /** The value; not for a {@link #cold} entry, whose value must be loaded back first. */
    RedisValue value() {
        if (value instanceof byte[] bytes) {
            return new StringValue(bytes);
        }
        if (value == COLD) {
            throw new IllegalStateException("the value of a cold key is not in memory");
        }
        return (RedisValue) value;
    }

    /** The value as keyspace events see it (its type), cold or not. */
    RedisValue eventValue() {
        return value == COLD ? COLD_EVENT_VALUE : value();
    }

    boolean cold() {
        return value == COLD;
    }

    /** Whether the value may leave memory: a string whose last change the grid holds. */
    boolean offloadable(int writtenEpoch) {
        return value instanceof byte[] && epoch <= writtenEpoch;
    }

    /** Drops the value from memory; returns the bytes it held. */
    int offload() {
        int length = ((byte[]) value).length;
        value = COLD;
        return length;
    }

    void value(RedisValue value) {
        this.value = value instanceof StringValue string && string.plain() ? string.bytes() : value;
    }

    /** The collection the key holds, or null for a string (without making its value object). */
    CollectionValue collection() {
        return value instanceof CollectionValue collection ? collection : null;
    }

    /** Whether the key holds exactly this value object (a plain string is compared by its bytes' identity). */
    boolean holds(RedisValue other) {
        return value == other || other instanceof StringValue string && string.plain() && value == string.bytes();
    }

    boolean expiredAt(long nowMillis) {
        return expireAt != Keyspace.NO_EXPIRY && expireAt <= nowMillis;
    }

    long accessedAt() {
        return access & TIME_BITS;
    }

    /** The access counter as of {@code nowMillis}: decayed by one per {@code decayMinutes} since the last access, as Redis's LFUDecrAndReturn. */
    int frequency(long nowMillis, long decayMinutes) {
        int counter = (int) (access >>> 56);
        if (decayMinutes <= 0) {
            return counter;
        }
        long periods = Math.max(0, nowMillis - accessedAt()) / 60_000 / decayMinutes;
        return (int) Math.max(0, counter - periods);
    }

    /** A read or write now; with {@code lfu} the counter decays, then grows with probability 1/((counter-5)*logFactor+1), as Redis's LFULogIncr. */
    void accessed(long nowMillis, Tenant lfu) {
        int counter = (int) (access >>> 56);
        if (lfu != null) {
            counter = frequency(nowMillis, lfu.lfuDecayMinutes);
            if (counter < 255) {
                double base = Math.max(0, counter - LFU_INITIAL);
                if (ThreadLocalRandom.current().nextDouble() < 1.0 / (base * lfu.lfuLogFactor + 1)) {
                    counter++;
                }
            }
        }
        access = ((long) counter << 56) | (nowMillis & TIME_BITS);
    }

    /** RESTORE ... FREQ and IDLETIME. */
    void restoreAccess(long accessedAtMillis, int counter) {
        access = ((long) counter << 56) | (accessedAtMillis & TIME_BITS);
    }
}
