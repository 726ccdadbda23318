package dev.larder.redis.engine.internal;

import dev.larder.redis.api.Keyspace;
import dev.larder.redis.api.RedisValue;

/** A live key's value and expiry. Changed only with its shard locked. */
final class Entry {

    RedisValue value;
    /** Unix milliseconds, or {@link Keyspace#NO_EXPIRY}. */
    long expireAt;
    /** Unix milliseconds of the last read or write, for OBJECT IDLETIME. */
    long accessedAt;

    Entry(RedisValue value, long expireAt) {
        this.value = value;
        this.expireAt = expireAt;
        this.accessedAt = System.currentTimeMillis();
    }

    boolean expiredAt(long nowMillis) {
        return expireAt != Keyspace.NO_EXPIRY && expireAt <= nowMillis;
    }
}
