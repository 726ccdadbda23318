package dev.larder.redis.engine.internal;

import dev.larder.redis.api.Keyspace;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The keys of some hash slots, in every database and logical DB (the tables themselves belong to each
 * {@link Tenant}). One writer at a time: every access holds {@link #lock}. Records which keys changed
 * since the last write-behind round and when keys expire.
 */
final class Shard {

    /**
     * A key that changed in one logical DB of one database, with its entry as it then was (null: removed).
     * Equal by key alone, so a set of them holds each key once.
     */
    record DirtyKey(Tenant tenant, int database, ByteKey key, Entry entry) {
        @Override
        public boolean equals(Object other) {
            return other instanceof DirtyKey that && tenant == that.tenant && database == that.database && key.equals(that.key);
        }

        @Override
        public int hashCode() {
            return key.hashCode() * 31 + database;
        }
    }

    /** When a key is due to expire; stale once the key's expiry changed (checked when popped). */
    private record Expiry(long at, Tenant tenant, int database, ByteKey key) {
    }

    final ReentrantLock lock = new ReentrantLock();
    final int index;
    private final PriorityQueue<Expiry> expiries = new PriorityQueue<>((a, b) -> Long.compare(a.at, b.at));
    /** Changed keys in order of change, repeats included: appending is cheaper than hashing on every write. */
    private List<DirtyKey> dirty = new ArrayList<>();

    Shard(int index) {
        this.index = index;
    }

    KeyTable table(Tenant tenant, int database) {
        return tenant.table(index, database);
    }

    /** A key was written or its expiry changed ({@code entry} is its entry now), or it was removed (null). */
    void changed(Tenant tenant, int database, ByteKey key, Entry entry) {
        if (tenant.persisted()) {
            dirty.add(new DirtyKey(tenant, database, key, entry));
        }
    }

    void expiryChanged(Tenant tenant, int database, ByteKey key, long expireAt) {
        if (expireAt != Keyspace.NO_EXPIRY) {
            expiries.add(new Expiry(expireAt, tenant, database, key));
        }
    }

    /** Keys whose changes are in the change log but not yet in the grid, repeats included. */
    private List<DirtyKey> notInGrid = new ArrayList<>();

    /** Takes the changed keys, leaving none; they count as not in the grid until {@link #takeNotInGrid}. */
    List<DirtyKey> takeChanges() {
        List<DirtyKey> taken = dirty;
        dirty = new ArrayList<>(Math.max(16, taken.size()));
        notInGrid.addAll(taken);
        return taken;
    }

    /** Takes the keys to write to the grid, leaving none. */
    List<DirtyKey> takeNotInGrid() {
        List<DirtyKey> taken = notInGrid;
        notInGrid = new ArrayList<>();
        return taken;
    }

    /** Keys whose grid write failed, or that a log replay brought back: they go to the grid next time. */
    void notInGrid(Collection<DirtyKey> keys) {
        notInGrid.addAll(keys);
    }

    /** Marks every key of a database changed, with its expiry (after SWAPDB, or when it starts being stored). */
    void allChanged(Tenant tenant, int database) {
        table(tenant, database).forEach((key, entry) -> {
            changed(tenant, database, key, entry);
            expiryChanged(tenant, database, key, entry.expireAt);
        });
    }

    /** Removes keys whose time has come, at most {@code limit}; returns how many. */
    int expire(long nowMillis, int limit) {
        int removed = 0;
        while (removed < limit && !expiries.isEmpty() && expiries.peek().at <= nowMillis) {
            Expiry due = expiries.poll();
            if (due.tenant.deleted()) {
                continue;
            }
            KeyTable table = table(due.tenant, due.database);
            Entry entry = table.get(due.key);
            if (entry != null && entry.expireAt == due.at) {
                table.remove(due.key);
                changed(due.tenant, due.database, due.key, null);
                removed++;
            }
        }
        return removed;
    }
}
