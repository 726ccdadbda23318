package dev.larder.redis.engine.internal;

import dev.larder.redis.api.types.EncodingLimits;
import dev.larder.redis.api.types.ScanTable;
import dev.larder.databases.Database;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One database's keys: a table per shard and logical DB. Tables are touched only under their shard's
 * lock; the durability fields are read by any thread.
 */
final class Tenant {

    final int id;
    final String name;
    private final ScanTable<Entry>[][] tables;
    /** Whether changes go to the storage grid (durability ALWAYS or EVERYSEC). */
    private volatile boolean persisted;
    /** Whether replies to writes wait for the grid and an fsync (durability ALWAYS). */
    private volatile boolean acknowledgedAfterSync;
    private volatile boolean deleted;
    /**
     * Grows by one with every write command. It starts at the clock in microseconds, so positions keep
     * growing across restarts and a token from before one never waits.
     */
    private final AtomicLong writePosition = new AtomicLong(System.currentTimeMillis() * 1000);
    private final Queue<PositionWaiter> positionWaiters = new ConcurrentLinkedQueue<>();
    /** What CONFIG SET gave this database's own parameters, and what the engine derives from them (ConfigCommand.applyDatabase). */
    final ParameterValues parameters = new ParameterValues();
    volatile EncodingLimits encodings = EncodingLimits.REDIS_DEFAULTS;
    /** notify-keyspace-events as flags; 0: none. */
    volatile int keyspaceEvents;
    /** maxmemory (0: none) and its policy, as {@link Eviction} reads them. */
    volatile long maxmemory;
    volatile Eviction.Policy evictionPolicy = Eviction.Policy.NOEVICTION;
    volatile int evictionSamples = 5;
    volatile boolean lfuPolicy;
    volatile long lfuLogFactor = 10;
    volatile long lfuDecayMinutes = 1;
    /** The keys' estimated bytes as last sampled (Eviction.estimate), while maxmemory is set. */
    volatile long estimatedBytes;
    volatile long estimatedAtNanos;
    /** Held while keys are evicted, so that a command and the background pass do not evict and count at once. */
    final Object evicting = new Object();
    /** Estimated bytes of the keys loaded at start so far (the loading thread's only). */
    long loadedBytes;

    /**
     * The hot-set budget: a stored database's maxmemory when no eviction policy is set (0: none). Past it the
     * values of clean strings leave memory and are loaded back from the grid when read; an eviction policy
     * instead deletes keys, and a memory-only database, with no other copy, refuses writes as Redis does.
     */
    long hotSetBudget() {
        return evictionPolicy == Eviction.Policy.NOEVICTION && persisted() ? maxmemory : 0;
    }

    private record PositionWaiter(long position, CompletableFuture<Void> reached) {
    }

    Tenant(int id, String name, int shards, int databases) {
        this.id = id;
        this.name = name;
        tables = newTables(shards, databases);
        for (ScanTable<Entry>[] ofShard : tables) {
            for (int db = 0; db < databases; db++) {
                ofShard[db] = new ScanTable<>();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static ScanTable<Entry>[][] newTables(int shards, int databases) {
        return new ScanTable[shards][databases];
    }

    boolean isDefault() {
        return id == Database.DEFAULT_ID;
    }

    ScanTable<Entry> table(int shard, int database) {
        return tables[shard][database];
    }

    int databases() {
        return tables[0].length;
    }

    void swap(int shard, int first, int second) {
        ScanTable<Entry> swapped = tables[shard][first];
        tables[shard][first] = tables[shard][second];
        tables[shard][second] = swapped;
    }

    /** Drops every key of one shard from memory (the database was deleted); the caller holds the shard's lock. */
    void clear(int shard) {
        for (ScanTable<Entry> table : tables[shard]) {
            table.clear();
        }
    }

    void durability(boolean persisted, boolean acknowledgedAfterSync) {
        this.persisted = persisted;
        this.acknowledgedAfterSync = acknowledgedAfterSync;
    }

    boolean persisted() {
        return persisted && !deleted;
    }

    boolean acknowledgedAfterSync() {
        return acknowledgedAfterSync;
    }

    void markDeleted() {
        deleted = true;
    }

    boolean deleted() {
        return deleted;
    }

    void wrote() {
        long position = writePosition.incrementAndGet();
        if (!positionWaiters.isEmpty()) {
            positionWaiters.removeIf(waiter -> waiter.position <= position && waiter.reached.complete(null));
        }
    }

    long writePosition() {
        return writePosition.get();
    }

    CompletableFuture<Void> writesApplied(long position) {
        if (writePosition.get() >= position) {
            return CompletableFuture.completedFuture(null);
        }
        PositionWaiter waiter = new PositionWaiter(position, new CompletableFuture<>());
        positionWaiters.add(waiter);
        if (writePosition.get() >= position) {
            waiter.reached.complete(null);
        }
        waiter.reached.whenComplete((done, failure) -> positionWaiters.remove(waiter));
        return waiter.reached.completeOnTimeout(null, 1, TimeUnit.SECONDS);
    }
}
