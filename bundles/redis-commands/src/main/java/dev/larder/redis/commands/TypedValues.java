package dev.larder.redis.commands;

import dev.larder.redis.api.CommandContext;
import dev.larder.redis.api.Keyspace;
import dev.larder.redis.api.RedisException;
import dev.larder.redis.api.RedisValue;
import dev.larder.redis.api.types.HashValue;
import dev.larder.redis.api.types.ListValue;
import dev.larder.redis.api.types.SetValue;
import dev.larder.redis.api.types.SortedSetValue;

/** The value at a key as the type a command works on: null when the key does not exist, WRONGTYPE for another type. */
public final class TypedValues {

    private TypedValues() {
    }

    public static <T extends RedisValue> T typed(Keyspace keyspace, byte[] key, Class<T> type) throws RedisException {
        RedisValue value = keyspace.get(key);
        if (value == null || type.isInstance(value)) {
            return type.cast(value);
        }
        throw RedisException.wrongType();
    }

    /** The hash, its expired fields removed first (and the key, when none is left). */
    public static HashValue hash(CommandContext c, byte[] key) throws RedisException {
        HashValue hash = typed(c.keyspace(), key, HashValue.class);
        if (hash != null && hash.removeExpired(c.nowMillis()) > 0) {
            c.keyspace().modified(key);
            return hash.isEmpty() ? null : hash;
        }
        return hash;
    }

    public static ListValue list(Keyspace keyspace, byte[] key) throws RedisException {
        return typed(keyspace, key, ListValue.class);
    }

    public static SetValue set(Keyspace keyspace, byte[] key) throws RedisException {
        return typed(keyspace, key, SetValue.class);
    }

    public static SortedSetValue sortedSet(Keyspace keyspace, byte[] key) throws RedisException {
        return typed(keyspace, key, SortedSetValue.class);
    }
}
