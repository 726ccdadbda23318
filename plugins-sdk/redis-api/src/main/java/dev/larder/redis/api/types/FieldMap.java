package dev.larder.redis.api.types;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.BiConsumer;

/**
 * The members of a hash or set in Redis's two encodings: while small, in insertion order (Redis's
 * listpack or intset, which a SCAN returns whole with cursor 0); once it {@link #convert converts},
 * a {@link ScanTable} (Redis's hashtable), and it never converts back, as in Redis.
 */
public final class FieldMap<V> {

    private LinkedHashMap<Bytes, V> small = new LinkedHashMap<>();
    private ScanTable<V> large;

    public boolean isLarge() {
        return large != null;
    }

    /** Into the hashtable form; nothing happens when it is already there. */
    public void convert() {
        if (large == null) {
            large = new ScanTable<>();
            small.forEach(large::put);
            small = null;
        }
    }

    public int size() {
        return large != null ? large.size() : small.size();
    }

    public V get(Bytes key) {
        return large != null ? large.get(key) : small.get(key);
    }

    public boolean containsKey(Bytes key) {
        return get(key) != null;
    }

    /** @return the replaced value, or null */
    public V put(Bytes key, V value) {
        return large != null ? large.put(key, value) : small.put(key, value);
    }

    /** @return the removed value, or null */
    public V remove(Bytes key) {
        return large != null ? large.remove(key) : small.remove(key);
    }

    public void forEach(BiConsumer<Bytes, V> action) {
        if (large != null) {
            large.forEach(action);
        } else {
            small.forEach(action);
        }
    }

    /** One SCAN step: the whole map and cursor 0 while small, else one bucket (see {@link ScanTable#scan}). */
    public long scan(long cursor, BiConsumer<Bytes, V> action) {
        if (large != null) {
            return large.scan(cursor, action);
        }
        small.forEach(action);
        return 0;
    }

    /** A random key, or null when empty. */
    public Bytes randomKey(Random random) {
        if (large != null) {
            return large.randomKey(random);
        }
        if (small.isEmpty()) {
            return null;
        }
        int skip = random.nextInt(small.size());
        for (Map.Entry<Bytes, V> entry : small.entrySet()) {
            if (skip-- == 0) {
                return entry.getKey();
            }
        }
        throw new IllegalStateException("unreachable");
    }

    /** A copy in the same encoding. */
    public FieldMap<V> copy() {
        FieldMap<V> copy = new FieldMap<>();
        if (large != null) {
            copy.convert();
        }
        forEach(copy::put);
        return copy;
    }
}
