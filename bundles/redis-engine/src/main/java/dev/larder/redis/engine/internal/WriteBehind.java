package dev.larder.redis.engine.internal;

import dev.larder.storage.KeyValueTable;
import dev.larder.storage.WriteBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: each round takes every shard's changed keys and writes them to the grid as one batch
 * per shard. Values are immutable or replaced on change, so they are encoded outside the shard lock.
 */
final class WriteBehind {

    private static final Logger LOG = LoggerFactory.getLogger("dev.larder.redis");

    private final Shards shards;
    private final KeyValueTable table;

    WriteBehind(Shards shards, KeyValueTable table) {
        this.shards = shards;
        this.table = table;
    }

    /** Loads every key this node owns into the shards; returns how many. */
    long load(long nowMillis) {
        long[] loaded = {0};
        table.scanLocal((slot, storedKey, storedValue) -> {
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
                shard.database(database).put(k, entry);
                shard.expiryChanged(database, k, entry.expireAt);
            } finally {
                shard.lock.unlock();
            }
            loaded[0]++;
        });
        return loaded[0];
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
                Entry entry = shard.database(key.database()).get(key.key());
                changes.add(new Change(key, entry == null ? null : new Entry(entry.value, entry.expireAt)));
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
            byte[] storedKey = StoredEntry.storedKey(change.key().database(), key);
            if (change.entry() == null) {
                batch.remove(Slots.slot(key), storedKey);
            } else {
                batch.put(Slots.slot(key), storedKey, StoredEntry.storedValue(change.entry()));
            }
        }
        try {
            table.write(batch).toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Write to the storage grid failed, {} changes will be retried: {}", changes.size(), e.toString());
            shard.lock.lock();
            try {
                dirty.forEach(key -> shard.changed(key.database(), key.key()));
            } finally {
                shard.lock.unlock();
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
