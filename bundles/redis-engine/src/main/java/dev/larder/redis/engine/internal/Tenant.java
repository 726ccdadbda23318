package dev.larder.redis.engine.internal;

import dev.larder.redis.api.types.ScanTable;
import dev.larder.databases.Database;

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
}
