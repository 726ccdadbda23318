package dev.larder.redis.engine.internal;

import dev.larder.redis.api.RedisValue;
import dev.larder.storage.KeyValueTable;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * The values of clean strings that left memory under a database's hot-set budget ({@link Eviction}): the
 * key stays in its table, so every command that walks or counts keys still sees it, and its value is
 * read back from the storage grid by the first command that needs it, under the key's shard lock.
 */
final class ColdValues {

    private final KeyValueTable grid;
    final LongAdder loads = new LongAdder();
    final LongAdder loadNanos = new LongAdder();
    final LongAccumulator slowestLoadNanos = new LongAccumulator(Math::max, 0);

    ColdValues(KeyValueTable grid) {
        this.grid = grid;
    }

    /** Puts the value of a cold entry back into it; under the key's shard lock. */
    void warm(Tenant tenant, int database, byte[] key, Entry entry) {
        entry.value(load(tenant, database, key));
    }

    /** The value of a cold key, read from the grid; under the key's shard lock. */
    RedisValue load(Tenant tenant, int database, byte[] key) {
        long began = System.nanoTime();
        byte[] storedKey = StoredEntry.storedKey(tenant.id, database, key);
        byte[] stored = grid.get(StoredEntry.slot(storedKey), storedKey);
        if (stored == null) {
            // a key becomes cold only once the grid has its last change: this is a fault, not a missing key
            throw new IllegalStateException("the value of a key held only by the storage grid is not there");
        }
        RedisValue value = StoredEntry.entry(stored).value();
        long took = System.nanoTime() - began;
        loads.increment();
        loadNanos.add(took);
        slowestLoadNanos.accumulate(took);
        return value;
    }
}
