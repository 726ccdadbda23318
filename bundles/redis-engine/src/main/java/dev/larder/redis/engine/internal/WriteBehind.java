package dev.larder.redis.engine.internal;

import dev.larder.storage.KeyValueTable;
import dev.larder.storage.StorageNode;
import dev.larder.storage.WriteBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How changes reach disk and the grid, in two steps. Every round (100 ms by default, or at once for a
 * write under ALWAYS durability) the shards' changed keys are appended to the local {@link ChangeLog}:
 * one sequential write per round, fsynced once a second or per round for ALWAYS. Less often (10 s by
 * default) every key changed since the last time is written to the storage grid, one batch per shard,
 * Ignite's WAL is synced, and the log segments that are now in the grid are deleted. A key written many
 * times between grid writes costs one grid update, which is where the grid's per-entry cost is saved.
 */
final class WriteBehind {

    private static final Logger LOG = LoggerFactory.getLogger("dev.larder.redis");
    private static final int PURGE_BATCH = 10_000;
    private static final long LOG_SYNC_MILLIS = 1000;

    private final Shards shards;
    private final KeyValueTable table;
    private final StorageNode storage;
    /** Null when the storage node keeps nothing on disk. */
    private final ChangeLog log;
    private long lastSyncMillis;

    WriteBehind(Shards shards, StorageNode storage, KeyValueTable table, ChangeLog log) {
        this.shards = shards;
        this.storage = storage;
        this.table = table;
        this.log = log;
    }

    /**
     * Loads every key this node owns from the grid, then replays the change log over it; returns how many
     * keys were loaded. Keys of databases that no longer exist, or are no longer stored, are removed from the grid.
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
            if (apply(tenant, storedKey, storedValue, nowMillis, false)) {
                loaded[0]++;
            }
        });
        if (orphans.size() > 0) {
            LOG.info("Removing {} stored keys of deleted or memory-only databases", orphans.size());
            write(orphans);
        }
        if (log == null) {
            return loaded[0];
        }
        try {
            long replayed = log.replay(change -> {
                Tenant tenant = tenants.apply(StoredEntry.tenant(change.key()));
                if (tenant != null) {
                    apply(tenant, change.key(), change.value(), nowMillis, true);
                }
            });
            if (replayed > 0) {
                LOG.info("Replayed {} changes from the change log", replayed);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the change log", e);
        }
        return loaded[0];
    }

    /** One stored key into its shard: a value (unless expired) or, with null, a removal. */
    private boolean apply(Tenant tenant, byte[] storedKey, byte[] storedValue, long nowMillis, boolean fromLog) {
        byte[] key = StoredEntry.key(storedKey);
        int database = StoredEntry.database(storedKey);
        Entry entry = storedValue == null ? null : StoredEntry.entry(storedValue);
        Shard shard = shards.of(key);
        ByteKey k = new ByteKey(key);
        shard.lock.lock();
        try {
            KeyTable keys = shard.table(tenant, database);
            if (entry == null || entry.expiredAt(nowMillis)) {
                keys.remove(k);
            } else {
                keys.put(k, entry);
                shard.expiryChanged(tenant, database, k, entry.expireAt);
            }
            if (fromLog) {
                shard.notInGrid(List.of(new Shard.DirtyKey(tenant, database, k, null)));
            }
        } finally {
            shard.lock.unlock();
        }
        return entry != null;
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

    /**
     * Appends every shard's changed keys to the change log. With {@code sync}, or once a second, the log
     * is fsynced too.
     */
    long logBytesSinceGridWrite() {
        return log == null ? 0 : log.bytesSinceRotation();
    }

    void logChanges(boolean sync) throws IOException {
        record Taken(Shard.DirtyKey key, Entry entry) {
        }
        List<Taken> taken = new ArrayList<>();
        for (Shard shard : shards.all()) {
            shard.lock.lock();
            try {
                // repeats of a key in one round are logged again: cheaper than removing them, and the last one wins
                for (Shard.DirtyKey key : shard.takeChanges()) {
                    if (key.tenant().persisted()) {
                        Entry entry = key.entry();
                        taken.add(new Taken(key, entry == null ? null : new Entry(entry.value, entry.expireAt)));
                    }
                }
            } finally {
                shard.lock.unlock();
            }
        }
        if (log == null) {
            return; // taken keys wait for the next grid write
        }
        // values are immutable or replaced on change: encoded outside the shard locks
        List<ChangeLog.Change> changes = new ArrayList<>(taken.size());
        for (Taken change : taken) {
            changes.add(new ChangeLog.Change(StoredEntry.storedKey(change.key().tenant().id, change.key().database(),
                    change.key().key().bytes), change.entry() == null ? null : StoredEntry.storedValue(change.entry())));
        }
        if (!changes.isEmpty()) {
            log.append(changes);
        }
        long now = System.currentTimeMillis();
        if (sync || now - lastSyncMillis >= LOG_SYNC_MILLIS) {
            log.sync();
            lastSyncMillis = now;
        }
    }

    /**
     * Writes every key changed since the last call to the grid, syncs the grid's WAL and drops the log
     * segments it covered. A failed shard keeps its keys for the next call, and the log stays.
     */
    void writeToGrid() throws IOException {
        long began = System.nanoTime();
        long segment = log == null ? 0 : log.rotate();
        boolean complete = true;
        int written = 0;
        for (Shard shard : shards.all()) {
            int keys = writeToGrid(shard);
            complete &= keys >= 0;
            written += Math.max(0, keys);
        }
        if (complete && log != null) {
            storage.syncToDisk();
            log.deleteBefore(segment);
        }
        if (written > 0) {
            LOG.debug("Wrote {} keys to the storage grid in {} ms", written, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
        }
    }

    /** @return keys written, or -1 when the grid write failed */
    private int writeToGrid(Shard shard) {
        record Change(Shard.DirtyKey key, Entry entry) {
        }
        List<Shard.DirtyKey> logged;
        shard.lock.lock();
        try {
            logged = shard.takeNotInGrid();
        } finally {
            shard.lock.unlock();
        }
        // each key once, found outside the lock; the values are read under it, in one go
        Set<Shard.DirtyKey> pending = new HashSet<>(logged);
        List<Change> changes = new ArrayList<>(pending.size());
        shard.lock.lock();
        try {
            for (Shard.DirtyKey key : pending) {
                if (key.tenant().persisted()) {
                    Entry entry = shard.table(key.tenant(), key.database()).get(key.key());
                    changes.add(new Change(key, entry == null ? null : new Entry(entry.value, entry.expireAt)));
                }
            }
        } finally {
            shard.lock.unlock();
        }
        if (changes.isEmpty()) {
            return 0;
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
        if (write(batch)) {
            return changes.size();
        }
        shard.lock.lock();
        try {
            shard.notInGrid(pending);
        } finally {
            shard.lock.unlock();
        }
        return -1;
    }

    private boolean write(WriteBatch batch) {
        try {
            table.write(batch).toCompletableFuture().get(60, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            LOG.warn("Writing {} changes to the storage grid failed (they stay in the change log and are retried): {}",
                    batch.size(), e.toString());
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return false;
        }
    }

    void close() throws IOException {
        if (log != null) {
            log.close();
        }
    }
}
