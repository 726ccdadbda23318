package dev.larder.redis.api;

import java.util.function.Consumer;

/**
 * One logical database. Keys are byte arrays compared by content. Expired keys are invisible: a read
 * of one removes it. A command may only touch the keys it declared (the engine locked their shards),
 * except commands that declare none and work on the whole keyspace (DBSIZE, FLUSHDB, KEYS).
 */
public interface Keyspace {

    /** Answer of {@link #expireAt} for a key without a time to live. */
    long NO_EXPIRY = -1;
    /** Answer of {@link #expireAt} for a missing key. */
    long NO_KEY = -2;

    int index();

    /** The value, or null when the key does not exist. */
    RedisValue get(byte[] key);

    /** The string at the key, or null when it does not exist; WRONGTYPE for another type. */
    default StringValue getString(byte[] key) throws RedisException {
        RedisValue value = get(key);
        if (value == null || value instanceof StringValue) {
            return (StringValue) value;
        }
        throw RedisException.wrongType();
    }

    /** Stores a value and drops any time to live, as SET does. */
    void set(byte[] key, RedisValue value);

    /**
     * A command changed the collection at the key in place (HSET, LPUSH, ...): the change is stored, and
     * a collection left empty is removed, as Redis removes empty collections. A collection is put under a
     * key with {@link #set}; one that a key already holds is copied there.
     */
    void modified(byte[] key);

    /** Stores a value and keeps the key's time to live, as APPEND or INCR do. */
    void replace(byte[] key, RedisValue value);

    /** Stores a value that expires at a Unix time in milliseconds. */
    void set(byte[] key, RedisValue value, long expireAtMillis);

    /** @return whether the key existed */
    boolean remove(byte[] key);

    boolean exists(byte[] key);

    /** Unix time in milliseconds at which the key expires, {@link #NO_EXPIRY} or {@link #NO_KEY}. */
    long expireAt(byte[] key);

    /** Sets (or with {@link #NO_EXPIRY} removes) the expiry of an existing key; an expiry in the past deletes it. */
    boolean expireAt(byte[] key, long expireAtMillis);

    /** Number of keys, expired ones not yet removed included (as Redis's DBSIZE). */
    long size();

    /** Removes every key. */
    void clear();

    /** Every live key, in no particular order. */
    void forEachKey(Consumer<byte[]> action);

    /** Milliseconds since the key was last read or written (OBJECT IDLETIME), or -1 for a missing key. */
    long idleMillis(byte[] key);

    /** Redis's error for OBJECT FREQ while the database's maxmemory-policy is not an LFU one. */
    String LFU_NOT_SELECTED = "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that "
            + "when switching between policies at runtime LRU and LFU data will take some time to adjust.";

    /**
     * The key's logarithmic access counter (OBJECT FREQ, 0 to 255), or -1 for a missing key.
     *
     * @throws RedisException {@link #LFU_NOT_SELECTED} unless an LFU policy is selected
     */
    default int accessFrequency(byte[] key) throws RedisException {
        throw new RedisException(LFU_NOT_SELECTED);
    }

    /**
     * One step of SCAN: visits about {@code count} live keys from the cursor on and returns the next
     * cursor, 0 when the iteration is complete. A key present from the first call to the last is visited
     * at least once; a key may be visited more than once. The command must lock the whole keyspace.
     */
    long scan(long cursor, int count, Consumer<byte[]> action);

    /** A live key chosen at random, or null when the keyspace is empty. */
    byte[] randomKey();
}
