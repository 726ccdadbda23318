package dev.larder.redis.engine.internal;

import dev.larder.storage.KeyValueTable;
import dev.larder.storage.WriteBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: each round takes every shard's changed keys and writes them to the grid as one batch
 * per shard. Values are immutable or replaced on change, so they are encoded outside the shard lock.
 */
final class WriteBehind {

    private static final Logger LOG = LoggerFactory.getLogger("dev.larder.redis");
    private static final int PURGE_BATCH = 10_000;

    private final Shards shards;
    private final KeyValueTable table;

    WriteBehind(Shards shards, KeyValueTable table) {
        this.shards = shards;
        this.table = table;
    }

    /**
     * Loads every key this node owns into the shards; returns how many. Keys of databases that no longer
     * exist, or are no longer stored, are removed from the grid.
     *
     * @param tenants the stored database for an id, or null when its keys must not be loaded
     */
    long load(long nowMillis, IntFunction<Tenant> tenants) {
        long[] loaded = {0};
        WriteBatch orphans = new WriteBatch();
        table.scanLocal((slot, storedKey, storedValue) -> {
            Tenant tenant = tenants.apply(StoredEntry.tenant(storedKey));
            if (tenant == null) {
                orphans.remove(slot, storedKey);
                return;
            }
            Entry entry = StoredEntry.entry(storedValue);
            if (entry.expiredAt(nowMillis)) {
                return;
            }
            byte[] key = StoredEntry.key(storedKey);
            int database = StoredEntry.database(storedKey);
            Shard shard = shards.of(key);
            shard.lock.lock();
            try {
                ByteKey k = new ByteKey(key);
                shard.table(tenant, database).put(k, entry);
                shard.expiryChanged(tenant, database, k, entry.expireAt);
            } finally {
                shard.lock.unlock();
            }
            loaded[0]++;
        });
        if (orphans.size() > 0) {
            LOG.info("Removing {} stored keys of deleted or memory-only databases", orphans.size());
            write(orphans);
        }
        return loaded[0];
    }

    /** Removes every stored key of the databases {@code tenants} accepts (deleted, or turned memory-only). */
    long purge(IntPredicate tenants) {
        long[] removed = {0};
        List<WriteBatch> batches = new ArrayList<>(List.of(new WriteBatch()));
        table.scanLocal((slot, storedKey, storedValue) -> {
            if (tenants.test(StoredEntry.tenant(storedKey))) {
                WriteBatch batch = batches.get(batches.size() - 1);
                if (batch.size() >= PURGE_BATCH) {
                    batches.add(batch = new WriteBatch());
                }
                batch.remove(slot, storedKey);
                removed[0]++;
            }
        });
        batches.forEach(this::write);
        return removed[0];
    }

    /** One round over every shard; a failed batch is retried in the next round. */
    void flush() {
        for (Shard shard : shards.all()) {
            flush(shard);
        }
    }

    private void flush(Shard shard) {
        record Change(Shard.DirtyKey key, Entry entry) {
        }
        List<Change> changes = new ArrayList<>();
        Set<Shard.DirtyKey> dirty;
        shard.lock.lock();
        try {
            dirty = shard.takeChanges();
            for (Shard.DirtyKey key : dirty) {
                if (key.tenant().persisted()) {
                    Entry entry = shard.table(key.tenant(), key.database()).get(key.key());
                    changes.add(new Change(key, entry == null ? null : new Entry(entry.value, entry.expireAt)));
                }
            }
        } finally {
            shard.lock.unlock();
        }
        if (changes.isEmpty()) {
            return;
        }
        WriteBatch batch = new WriteBatch();
        for (Change change : changes) {
            byte[] key = change.key().key().bytes;
            byte[] storedKey = StoredEntry.storedKey(change.key().tenant().id, change.key().database(), key);
            if (change.entry() == null) {
                batch.remove(Slots.slot(key), storedKey);
            } else {
                batch.put(Slots.slot(key), storedKey, StoredEntry.storedValue(change.entry()));
            }
        }
        if (!write(batch)) {
            shard.lock.lock();
            try {
                dirty.forEach(key -> shard.changed(key.tenant(), key.database(), key.key()));
            } finally {
                shard.lock.unlock();
            }
        }
    }

    private boolean write(WriteBatch batch) {
        try {
            table.write(batch).toCompletableFuture().get(30, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            LOG.warn("Write to the storage grid failed, {} changes will be retried: {}", batch.size(), e.toString());
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return false;
        }
    }
}
