package dev.larder.redis.engine.internal;

import dev.larder.redis.api.Keyspace;
import java.util.HashSet;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The keys of some hash slots, in every database and logical DB (the tables themselves belong to each
 * {@link Tenant}). One writer at a time: every access holds {@link #lock}. Records which keys changed
 * since the last write-behind round and when keys expire.
 */
final class Shard {

    /** A key that changed in one logical DB of one database. */
    record DirtyKey(Tenant tenant, int database, ByteKey key) {
    }

    /** When a key is due to expire; stale once the key's expiry changed (checked when popped). */
    private record Expiry(long at, Tenant tenant, int database, ByteKey key) {
    }

    final ReentrantLock lock = new ReentrantLock();
    final int index;
    private final PriorityQueue<Expiry> expiries = new PriorityQueue<>((a, b) -> Long.compare(a.at, b.at));
    private Set<DirtyKey> dirty = new HashSet<>();

    Shard(int index) {
        this.index = index;
    }

    KeyTable table(Tenant tenant, int database) {
        return tenant.table(index, database);
    }

    /** A key was written, its expiry changed, or it was removed. */
    void changed(Tenant tenant, int database, ByteKey key) {
        if (tenant.persisted()) {
            dirty.add(new DirtyKey(tenant, database, key));
        }
    }

    void expiryChanged(Tenant tenant, int database, ByteKey key, long expireAt) {
        if (expireAt != Keyspace.NO_EXPIRY) {
            expiries.add(new Expiry(expireAt, tenant, database, key));
        }
    }

    /** Takes the set of changed keys, leaving an empty one. */
    Set<DirtyKey> takeChanges() {
        Set<DirtyKey> taken = dirty;
        dirty = new HashSet<>();
        return taken;
    }

    /** Marks every key of a database changed, with its expiry (after SWAPDB, or when it starts being stored). */
    void allChanged(Tenant tenant, int database) {
        table(tenant, database).forEach((key, entry) -> {
            changed(tenant, database, key);
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
                changed(due.tenant, due.database, due.key);
                removed++;
            }
        }
        return removed;
    }
}
