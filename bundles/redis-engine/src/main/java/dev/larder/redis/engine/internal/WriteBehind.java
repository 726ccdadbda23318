package dev.larder.redis.engine.internal;

import dev.larder.redis.api.types.Bytes;
import dev.larder.redis.api.types.CollectionValue;
import dev.larder.redis.api.types.MemberSink;
import dev.larder.redis.api.types.ScanTable;
import dev.larder.storage.KeyValueTable;
import dev.larder.storage.StorageNode;
import dev.larder.storage.WriteBatch;
import dev.larder.storage.log.ChangeLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How changes reach disk and the grid, in two steps. Every round (100 ms by default, or at once for a
 * write under ALWAYS durability) the shards' changes are encoded and appended to the local
 * {@link ChangeLog}: one sequential write per round, fsynced once a second or per round for ALWAYS. A
 * string is written whole; a collection as its metadata plus the members that changed. Less often (a
 * minute by default) the log segments written since the last time are read back, coalesced (an entry
 * written many times costs one grid update) and written to the storage grid; then Ignite's WAL is synced
 * and those segments are deleted. Without a data directory there is no log and the encoded changes wait
 * in memory for the grid write.
 */
final class WriteBehind {

    private static final Logger LOG = LoggerFactory.getLogger("dev.larder.redis");
    /** Entries per grid write call. */
    private static final int CHUNK = 10_000;
    /** Entries whose last change a grid write tracks (some 100 bytes each), so each is written once. */
    private static final int TRACKED = 500_000;
    private static final long LOG_SYNC_MILLIS = 1000;
    /** How long a round waits for a shard a command holds before leaving it to the next round. */
    static final long BUSY_SHARD_WAIT_MILLIS = 50;

    private final Shards shards;
    private final KeyValueTable table;
    private final StorageNode storage;
    /** Null when the storage node keeps nothing on disk. */
    private final ChangeLog log;
    /** Whether changes of a database id still go to the grid (it exists and is stored). */
    private final IntPredicate storedTenant;
    /** Without a change log: encoded changes waiting for the next grid write. */
    private final List<ChangeLog.Change> pendingGrid = new ArrayList<>();
    /**
     * Collections removed before the last grid write, whose members the next one removes: by then every
     * change the log holds for them is in the grid, so nothing writes a swept member back.
     */
    private List<Shard.Retired> retiredBeforeLastWrite = new ArrayList<>();
    private long lastSyncMillis;
    /**
     * Grid-write epochs. Changes logged between two grid writes belong to one epoch; a grid write closes
     * the current epoch (rotating the log under the write lock, so no round logs a change half in one
     * epoch and half in the next) and, once it has written and synced everything up to it, makes it
     * {@link #writtenEpoch}: every key whose last change was logged in that epoch or before is clean.
     */
    private final ReentrantReadWriteLock epochs = new ReentrantReadWriteLock();
    private volatile int epoch = 1;
    /** Epoch 0: what the grid held at start. */
    private volatile int writtenEpoch;

    WriteBehind(Shards shards, StorageNode storage, KeyValueTable table, ChangeLog log, IntPredicate storedTenant) {
        this.shards = shards;
        this.storage = storage;
        this.table = table;
        this.log = log;
        this.storedTenant = storedTenant;
    }

    /** A collection created while loading: its members arrive later, in any order. */
    private record Loaded(Tenant tenant, int database, Bytes key, CollectionValue collection) {
    }

    /**
     * Loads every key this node owns from the grid (keys first, then collection members), then replays
     * the change log over it; returns how many keys were loaded. Entries of databases that no longer exist
     * or are no longer stored, and members left over from earlier incarnations of a key, are removed from
     * the grid.
     *
     * @param tenants the stored database for an id, or null when its keys must not be loaded
     */
    long load(long nowMillis, IntFunction<Tenant> tenants) {
        long[] loaded = {0};
        List<Loaded> collections = new ArrayList<>();
        try (ChunkedWriter orphans = new ChunkedWriter()) {
            table.scanLocal((slot, storedKey, storedValue) -> {
                if (StoredEntry.isMember(storedKey)) {
                    return;
                }
                Tenant tenant = tenants.apply(StoredEntry.tenant(storedKey));
                if (tenant == null) {
                    orphans.remove(slot, storedKey);
                } else if (applyKey(tenant, storedKey, storedValue, nowMillis, collections, 0)) {
                    loaded[0]++;
                }
            });
            table.scanLocal((slot, storedKey, storedValue) -> {
                if (!StoredEntry.isMember(storedKey)) {
                    return;
                }
                Tenant tenant = tenants.apply(StoredEntry.tenant(storedKey));
                if (tenant == null || !applyMember(tenant, storedKey, storedValue)) {
                    orphans.remove(slot, storedKey);
                }
            });
            if (orphans.count > 0) {
                LOG.info("Removing {} stored entries of deleted or memory-only databases and removed collections", orphans.count);
            }
        }
        if (log != null) {
            try {
                long replayed = log.replay(change -> {
                    Tenant tenant = tenants.apply(StoredEntry.tenant(change.key()));
                    if (tenant == null) {
                        return;
                    }
                    if (StoredEntry.isMember(change.key())) {
                        applyMember(tenant, change.key(), change.value());
                    } else {
                        applyKey(tenant, change.key(), change.value(), nowMillis, collections, epoch);
                    }
                });
                if (replayed > 0) {
                    LOG.info("Replayed {} changes from the change log", replayed);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the change log", e);
            }
        }
        for (Loaded collection : collections) {
            finishLoading(collection);
        }
        return loaded[0];
    }

    /**
     * One key's stored entry (null: a removal) into its shard, its last change in {@code epoch} (0: the
     * grid's own); returns whether it holds a live value. Past the database's hot-set budget a string from
     * the grid stays there, its key alone in memory.
     */
    private boolean applyKey(Tenant tenant, byte[] storedKey, byte[] storedValue, long nowMillis, List<Loaded> collections,
            int epoch) {
        byte[] key = StoredEntry.key(storedKey);
        int database = StoredEntry.database(storedKey);
        Entry entry = storedValue == null ? null : StoredEntry.entry(storedValue);
        if (entry != null) {
            entry.epoch = epoch;
            tenant.loadedBytes += Eviction.bytesOf(key.length, entry);
            if (tenant.hotSetBudget() > 0 && tenant.loadedBytes > tenant.hotSetBudget() && entry.offloadable(writtenEpoch)) {
                tenant.loadedBytes -= EntrySizes.array(entry.offload());
            }
        }
        Shard shard = shards.of(key);
        Bytes k = new Bytes(key);
        shard.lock.lock();
        try {
            ScanTable<Entry> keys = shard.table(tenant, database);
            Entry current = keys.get(k);
            if (entry == null || entry.expiredAt(nowMillis)) {
                keys.remove(k);
                return false;
            }
            if (entry.collection() instanceof CollectionValue stored && current != null
                    && current.collection() instanceof CollectionValue loaded && loaded.version() == stored.version()) {
                // a later state of the collection already loaded: its members follow in the log
                loaded.loadMetadata(StoredEntry.metadata(storedValue));
                current.expireAt = entry.expireAt;
            } else {
                keys.put(k, entry);
                if (entry.collection() instanceof CollectionValue stored) {
                    shards.collectionVersionLoaded(stored.version());
                    collections.add(new Loaded(tenant, database, k, stored));
                }
            }
            shard.expiryChanged(tenant, database, k, entry.expireAt);
            return true;
        } finally {
            shard.lock.unlock();
        }
    }

    /** One member's stored entry (null: a removal) into its collection; false when its collection is gone. */
    private boolean applyMember(Tenant tenant, byte[] memberKey, byte[] storedValue) {
        byte[] key = StoredEntry.key(memberKey);
        Shard shard = shards.of(key);
        shard.lock.lock();
        try {
            Entry current = shard.table(tenant, StoredEntry.database(memberKey)).get(new Bytes(key));
            if (current != null && current.collection() instanceof CollectionValue collection
                    && collection.version() == StoredEntry.memberVersion(memberKey)) {
                collection.loadMember(StoredEntry.member(memberKey), storedValue);
                return true;
            }
            return false;
        } finally {
            shard.lock.unlock();
        }
    }

    private void finishLoading(Loaded loaded) {
        Shard shard = shards.of(loaded.key().bytes());
        shard.lock.lock();
        try {
            loaded.collection().loaded();
            ScanTable<Entry> keys = shard.table(loaded.tenant(), loaded.database());
            Entry current = keys.get(loaded.key());
            if (current != null && current.collection() == loaded.collection() && loaded.collection().isEmpty()
                    && loaded.collection().removedWhenEmpty()) {
                keys.remove(loaded.key());
                shard.changed(loaded.tenant(), loaded.database(), loaded.key(), null);
            } else if (current != null && current.collection() == loaded.collection()) {
                shard.membersMayExpire(loaded.tenant(), loaded.database(), loaded.key(), loaded.collection());
            }
        } finally {
            shard.lock.unlock();
        }
    }

    /** Removes every stored entry of the databases {@code tenants} accepts (deleted, or turned memory-only). */
    long purge(IntPredicate tenants) {
        try (ChunkedWriter removals = new ChunkedWriter()) {
            table.scanLocal((slot, storedKey, storedValue) -> {
                if (tenants.test(StoredEntry.tenant(storedKey))) {
                    removals.remove(slot, storedKey);
                }
            });
            return removals.count;
        }
    }

    long logBytesSinceGridWrite() {
        return log == null ? 0 : log.bytesSinceRotation();
    }

    /** A change taken from a shard: a string's entry to encode later, or a collection's changes encoded at once. */
    private record Taken(Shard.DirtyKey key, Entry stringEntry, List<ChangeLog.Change> encoded) {
    }

    /**
     * Appends every shard's changes to the change log. With {@code sync}, or once a second, the log is
     * fsynced too. A shard held by a long-running command is skipped after {@link #BUSY_SHARD_WAIT_MILLIS}
     * so that it cannot hold back the others' changes; its own are taken by a later round.
     *
     * @return whether every shard's changes were taken
     */
    boolean logChanges(boolean sync) throws IOException {
        epochs.readLock().lock();
        try {
            return logChanges(sync, epoch);
        } finally {
            epochs.readLock().unlock();
        }
    }

    /** Epochs up to this one are in the grid: their keys are clean. */
    int writtenEpoch() {
        return writtenEpoch;
    }

    private boolean logChanges(boolean sync, int epoch) throws IOException {
        List<Taken> taken = new ArrayList<>();
        boolean complete = true;
        for (Shard shard : shards.all()) {
            if (!tryLock(shard)) {
                complete = false;
                continue;
            }
            try {
                // repeats of a string key in one round are logged again: cheaper than removing them, and the last one wins
                for (Shard.DirtyKey key : shard.takeChanges()) {
                    if (key.tenant().persisted()) {
                        take(key, taken, epoch);
                    }
                }
            } finally {
                shard.lock.unlock();
            }
        }
        // strings are immutable or replaced on change: encoded outside the shard locks
        List<ChangeLog.Change> changes = new ArrayList<>(taken.size());
        for (Taken change : taken) {
            if (change.encoded() != null) {
                changes.addAll(change.encoded());
            } else {
                changes.add(new ChangeLog.Change(storedKey(change.key()),
                        change.stringEntry() == null ? null : StoredEntry.storedValue(change.stringEntry())));
            }
        }
        if (log == null) {
            synchronized (pendingGrid) {
                pendingGrid.addAll(changes);
            }
            return complete;
        }
        if (!changes.isEmpty()) {
            log.append(changes);
            changesSinceGridWrite.addAndGet(changes.size());
        }
        long now = System.currentTimeMillis();
        if (sync || now - lastSyncMillis >= LOG_SYNC_MILLIS) {
            log.sync();
            lastSyncMillis = now;
        }
        return complete;
    }

    static boolean tryLock(Shard shard) {
        try {
            return shard.lock.tryLock(BUSY_SHARD_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Under the key's shard lock. */
    private static void take(Shard.DirtyKey key, List<Taken> taken, int epoch) {
        Entry entry = key.entry();
        if (entry == null) {
            taken.add(new Taken(key, null, null));
            return;
        }
        entry.epoch = epoch;
        if (entry.collection() instanceof CollectionValue collection) {
            if (collection.retired()) {
                return; // removed or overwritten since: a later change of the key says so
            }
            List<ChangeLog.Change> encoded = new ArrayList<>();
            encoded.add(new ChangeLog.Change(storedKey(key), StoredEntry.storedValue(entry)));
            byte[] k = key.key().bytes();
            int tenant = key.tenant().id;
            collection.drainChanges(new MemberSink() {
                @Override
                public void put(byte[] member, byte[] value) {
                    encoded.add(new ChangeLog.Change(StoredEntry.memberKey(tenant, key.database(), k, collection.version(), member), value));
                }

                @Override
                public void remove(byte[] member) {
                    encoded.add(new ChangeLog.Change(StoredEntry.memberKey(tenant, key.database(), k, collection.version(), member), null));
                }
            });
            taken.add(new Taken(key, null, encoded));
        } else {
            taken.add(new Taken(key, new Entry(entry.value(), entry.expireAt), null));
        }
    }

    private static byte[] storedKey(Shard.DirtyKey key) {
        return StoredEntry.storedKey(key.tenant().id, key.database(), key.key().bytes());
    }

    /**
     * Writes everything logged since the last call to the grid, syncs the grid's WAL and drops the log
     * segments it covered, then removes the members of collections removed before the last call. After
     * a failure the log stays and the next call writes it again.
     */
    /** Whether the last append to the change log failed (Redis's aof_last_write_status). */
    volatile boolean lastLogWriteFailed;
    /** When the last grid write ended (Redis's rdb_last_save_time), whether it worked, how many there were. */
    volatile long lastGridWriteMillis = System.currentTimeMillis();
    volatile boolean lastGridWriteFailed;
    volatile long lastGridWriteSeconds = -1;
    final java.util.concurrent.atomic.AtomicLong gridWrites = new java.util.concurrent.atomic.AtomicLong();
    /** Changes logged since the last grid write began (Redis's rdb_changes_since_last_save). */
    final java.util.concurrent.atomic.AtomicLong changesSinceGridWrite = new java.util.concurrent.atomic.AtomicLong();

    void writeToGrid() throws IOException {
        long began = System.nanoTime();
        long changesBefore = changesSinceGridWrite.getAndSet(0);
        List<Shard.Retired> retiredNow = new ArrayList<>();
        for (Shard shard : shards.all()) {
            shard.lock.lock();
            try {
                retiredNow.addAll(shard.takeRetired());
            } finally {
                shard.lock.unlock();
            }
        }
        long written;
        int closing;
        long segment = 0;
        List<ChangeLog.Change> pending = null;
        epochs.writeLock().lock();
        try {
            closing = epoch++;
            if (log != null) {
                segment = log.rotate();
            } else {
                synchronized (pendingGrid) {
                    pending = new ArrayList<>(pendingGrid);
                    pendingGrid.clear();
                }
            }
        } finally {
            epochs.writeLock().unlock();
        }
        if (log != null) {
            long before = segment;
            written = writeCoalesced(changes -> {
                try {
                    log.readBefore(before, changes);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            if (written >= 0) {
                storage.syncToDisk();
                log.deleteBefore(segment);
            }
        } else {
            List<ChangeLog.Change> taken = pending;
            written = writeCoalesced(taken::forEach);
            if (written < 0) {
                synchronized (pendingGrid) {
                    pendingGrid.addAll(0, taken);
                }
            }
        }
        if (written >= 0) {
            writtenEpoch = closing; // a failed write leaves it: the next one writes that epoch's changes too
            sweep(retiredBeforeLastWrite);
            retiredBeforeLastWrite = retiredNow;
        } else {
            retiredBeforeLastWrite.addAll(retiredNow);
        }
        if (written > 0) {
            LOG.debug("Wrote {} entries to the storage grid in {} ms", written, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
        }
        lastGridWriteFailed = written < 0;
        if (written >= 0) {
            lastGridWriteMillis = System.currentTimeMillis();
            lastGridWriteSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began);
            gridWrites.incrementAndGet();
        } else {
            changesSinceGridWrite.addAndGet(changesBefore);
        }
    }

    /**
     * Writes the changes, each entry once: a first pass notes where every entry changes last (up to
     * {@link #TRACKED} entries; beyond that, an entry is coalesced within its chunk only), the second
     * writes only those last changes, in chunks. Changes of databases no longer stored are dropped.
     * Returns the entries written, or -1 when a write failed.
     */
    private long writeCoalesced(Consumer<Consumer<ChangeLog.Change>> source) {
        Map<Bytes, Long> lastChange = new HashMap<>();
        long[] position = {0};
        source.accept(change -> {
            long at = position[0]++;
            Bytes key = new Bytes(change.key());
            if (lastChange.size() < TRACKED || lastChange.containsKey(key)) {
                lastChange.put(key, at);
            }
        });
        Map<Bytes, byte[]> chunk = new HashMap<>();
        long[] written = {0};
        boolean[] failed = {false};
        position[0] = 0;
        // changes come in runs of one database: its answer is asked once a run, not once a change (a map lookup each)
        int[] lastTenant = {-1};
        boolean[] lastStored = {false};
        source.accept(change -> {
            long at = position[0]++;
            int tenant = StoredEntry.tenant(change.key());
            if (tenant != lastTenant[0]) {
                lastTenant[0] = tenant;
                lastStored[0] = storedTenant.test(tenant);
            }
            if (failed[0] || !lastStored[0]) {
                return;
            }
            Bytes key = new Bytes(change.key());
            Long last = lastChange.get(key);
            if (last != null && last != at) {
                return; // a later change of the entry follows
            }
            chunk.put(key, change.value());
            if (chunk.size() >= CHUNK) {
                failed[0] = !writeChunk(chunk);
                written[0] += chunk.size();
                chunk.clear();
            }
        });
        if (!failed[0] && !chunk.isEmpty()) {
            failed[0] = !writeChunk(chunk);
            written[0] += chunk.size();
        }
        return failed[0] ? -1 : written[0];
    }

    private boolean writeChunk(Map<Bytes, byte[]> chunk) {
        WriteBatch batch = new WriteBatch();
        chunk.forEach((storedKey, value) -> {
            byte[] key = storedKey.bytes();
            if (value == null) {
                batch.remove(StoredEntry.slot(key), key);
            } else {
                batch.put(StoredEntry.slot(key), key, value);
            }
        });
        return write(batch);
    }

    /** Removes the stored members of removed collections (their keys' entries are already gone or replaced). */
    private void sweep(List<Shard.Retired> retired) {
        try (ChunkedWriter removals = new ChunkedWriter()) {
            for (Shard.Retired gone : retired) {
                int tenant = gone.tenant().id;
                if (!storedTenant.test(tenant)) {
                    continue;
                }
                byte[] key = gone.key().bytes();
                int slot = Slots.slot(key);
                long version = gone.collection().version();
                gone.collection().forEachMember(new MemberSink() {
                    @Override
                    public void put(byte[] member, byte[] value) {
                        removals.remove(slot, StoredEntry.memberKey(tenant, gone.database(), key, version, member));
                    }

                    @Override
                    public void remove(byte[] member) {
                    }
                });
            }
        }
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

    /** Removals written to the grid in chunks as they come; a failed chunk is left for the next load to find. */
    private final class ChunkedWriter implements AutoCloseable {
        private WriteBatch batch = new WriteBatch();
        long count;

        void remove(int slot, byte[] storedKey) {
            batch.remove(slot, storedKey);
            count++;
            if (batch.size() >= CHUNK) {
                close();
            }
        }

        @Override
        public void close() {
            if (batch.size() > 0) {
                write(batch);
                batch = new WriteBatch();
            }
        }
    }

    void close() throws IOException {
        if (log != null) {
            log.close();
        }
    }
}
