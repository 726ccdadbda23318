package dev.larder.redis.engine.internal;

import dev.larder.redis.api.types.Bytes;
import dev.larder.redis.api.types.ScanTable;
import dev.larder.redis.api.Keyspace;
import dev.larder.redis.api.types.CollectionValue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
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
    record DirtyKey(Tenant tenant, int database, Bytes key, Entry entry) {
        @Override
        public boolean equals(Object other) {
            return other instanceof DirtyKey that && tenant == that.tenant && database == that.database && key.equals(that.key);
        }

        @Override
        public int hashCode() {
            return key.hashCode() * 31 + database;
        }
    }

    /**
     * When a key is due to expire (stale once the key's expiry changed, checked when popped), or, with
     * {@code members}, when members of its collection are (hash fields with a time to live).
     */
    private record Expiry(long at, Tenant tenant, int database, Bytes key, boolean members) {
    }

    final ReentrantLock lock = new ReentrantLock();
    final int index;
    private final PriorityQueue<Expiry> expiries = new PriorityQueue<>((a, b) -> Long.compare(a.at, b.at));
    /** Changed keys in order of change, repeats included: appending is cheaper than hashing on every write. */
    private List<DirtyKey> dirty = new ArrayList<>();

    Shard(int index) {
        this.index = index;
    }

    ScanTable<Entry> table(Tenant tenant, int database) {
        return tenant.table(index, database);
    }

    /**
     * A key was written or its expiry changed ({@code entry} is its entry now), or it was removed (null).
     * A collection is listed once per round however often it changes: the round writes what changed.
     */
    void changed(Tenant tenant, int database, Bytes key, Entry entry) {
        if (entry != null) {
            entry.epoch = Entry.UNLOGGED;
        }
        if (!tenant.persisted()) {
            if (entry != null && entry.collection() instanceof CollectionValue collection) {
                collection.discardChanges();
            }
            return;
        }
        if (entry != null && entry.collection() instanceof CollectionValue collection && !collection.markDirty()) {
            return;
        }
        dirty.add(new DirtyKey(tenant, database, key, entry));
    }

    /** A collection removed from a key, whose stored members must go; nothing changes it any more. */
    record Retired(Tenant tenant, int database, Bytes key, CollectionValue collection) {
    }

    private List<Retired> retired = new ArrayList<>();

    /** The value of a key that is being removed or overwritten: a collection's stored members are swept later. */
    void retire(Tenant tenant, int database, Bytes key, Entry entry) {
        if (entry != null && entry.collection() instanceof CollectionValue collection && !collection.retired()) {
            collection.retire();
            if (tenant.persisted()) {
                retired.add(new Retired(tenant, database, key, collection));
            }
        }
    }

    List<Retired> takeRetired() {
        List<Retired> taken = retired;
        retired = new ArrayList<>();
        return taken;
    }

    /** A collection's members may expire: it is looked at when the first of them is due. */
    void membersMayExpire(Tenant tenant, int database, Bytes key, CollectionValue collection) {
        if (collection.scheduleMemberExpiry()) {
            expiries.add(new Expiry(collection.nextMemberExpiry(), tenant, database, key, true));
        }
    }

    void expiryChanged(Tenant tenant, int database, Bytes key, long expireAt) {
        if (expireAt != Keyspace.NO_EXPIRY) {
            expiries.add(new Expiry(expireAt, tenant, database, key, false));
        }
    }

    /** Takes the changed keys, leaving none. */
    List<DirtyKey> takeChanges() {
        List<DirtyKey> taken = dirty;
        dirty = new ArrayList<>(Math.max(16, taken.size()));
        return taken;
    }

    /** Marks every key of a database changed, with its expiry (after SWAPDB, or when it starts being stored). */
    void allChanged(Tenant tenant, int database) {
        table(tenant, database).forEach((key, entry) -> {
            if (entry.collection() instanceof CollectionValue collection) {
                collection.markAllChanged();
            }
            changed(tenant, database, key, entry);
            expiryChanged(tenant, database, key, entry.expireAt);
        });
    }

    /** Clients waiting on keys of this shard, per key in the order they blocked. */
    private final Map<DatabaseKey, ArrayDeque<Waiter>> waiters = new HashMap<>();

    void addWaiter(DatabaseKey key, Waiter waiter) {
        waiters.computeIfAbsent(key, k -> new ArrayDeque<>()).add(waiter);
    }

    void removeWaiter(DatabaseKey key, Waiter waiter) {
        ArrayDeque<Waiter> queue = waiters.get(key);
        if (queue != null) {
            queue.remove(waiter);
            if (queue.isEmpty()) {
                waiters.remove(key);
            }
        }
    }

    /** The client that has waited longest on the key, or null. */
    Waiter firstWaiter(DatabaseKey key) {
        ArrayDeque<Waiter> queue = waiters.get(key);
        return queue == null ? null : queue.peek();
    }

    /**
     * A key was written: if clients wait on it, it is listed for the engine to serve them after the
     * command; clients watching it will fail their EXEC.
     */
    void written(Tenant tenant, int database, Bytes key) {
        touched(tenant, database, key);
    }

    /** Lists the key for its waiters to try again, when it has any. */
    private void signalWaiters(Tenant tenant, int database, Bytes key) {
        if (!waiters.isEmpty()) {
            DatabaseKey waitKey = new DatabaseKey(tenant, database, key);
            if (waiters.containsKey(waitKey)) {
                ReadyKeys.add(this, waitKey);
            }
        }
    }

    /** Clients that WATCH keys of this shard, per key. */
    private final Map<DatabaseKey, List<Session>> watchers = new HashMap<>();

    void watch(DatabaseKey key, Session session) {
        List<Session> watching = watchers.computeIfAbsent(key, k -> new ArrayList<>(2));
        if (!watching.contains(session)) {
            watching.add(session);
        }
    }

    void unwatch(DatabaseKey key, Session session) {
        List<Session> watching = watchers.get(key);
        if (watching != null && watching.remove(session) && watching.isEmpty()) {
            watchers.remove(key);
        }
    }

    /**
     * A key was removed, expired or got another time to live (as Redis's signalModifiedKey): its watchers
     * fail, and its waiters try again (as Redis's signalDeletedKeyAsReady: a group reader of a deleted
     * stream is answered with an error, a list pop keeps waiting).
     */
    void touched(Tenant tenant, int database, Bytes key) {
        signalWaiters(tenant, database, key);
        KeyTracking.changed(tenant, key);
        if (!watchers.isEmpty()) {
            List<Session> watching = watchers.get(new DatabaseKey(tenant, database, key));
            if (watching != null) {
                watching.forEach(Session::watchedKeyTouched);
            }
        }
    }

    /**
     * Logical DBs are about to be emptied (FLUSHDB) or swapped (SWAPDB): as in Redis, clients watching a
     * key that exists in one of them fail.
     */
    void touchWatchedIn(Tenant tenant, int... databases) {
        KeyTracking.flushed(tenant);
        for (DatabaseKey waitKey : waiters.keySet()) {
            for (int database : databases) {
                if (waitKey.tenant() == tenant && waitKey.database() == database) {
                    ReadyKeys.add(this, waitKey);
                }
            }
        }
        watchers.forEach((key, watching) -> {
            if (key.tenant() != tenant) {
                return;
            }
            boolean affected = false;
            for (int database : databases) {
                affected |= key.database() == database;
            }
            if (!affected) {
                return;
            }
            for (int database : databases) {
                if (table(tenant, database).get(key.key()) != null) {
                    watching.forEach(Session::watchedKeyTouched);
                    return;
                }
            }
        });
    }

    private int expireMembers(Expiry due, ScanTable<Entry> table, Entry entry, CollectionValue collection, long nowMillis) {
        collection.memberExpiryDone();
        if (collection.removeExpiredMembers(nowMillis) == 0) {
            membersMayExpire(due.tenant, due.database, due.key, collection);
            return 0;
        }
        if (collection.isEmpty() && collection.removedWhenEmpty()) {
            retire(due.tenant, due.database, due.key, entry);
            table.remove(due.key);
            changed(due.tenant, due.database, due.key, null);
            touched(due.tenant, due.database, due.key);
            return 1;
        }
        changed(due.tenant, due.database, due.key, entry);
        touched(due.tenant, due.database, due.key);
        membersMayExpire(due.tenant, due.database, due.key, collection);
        return 0;
    }

    /** Removes keys whose time has come, at most {@code limit}; returns how many. */
    int expire(long nowMillis, int limit) {
        int removed = 0;
        while (removed < limit && !expiries.isEmpty() && expiries.peek().at <= nowMillis) {
            Expiry due = expiries.poll();
            if (due.tenant.deleted()) {
                continue;
            }
            ScanTable<Entry> table = table(due.tenant, due.database);
            Entry entry = table.get(due.key);
            if (due.members) {
                if (entry != null && entry.collection() instanceof CollectionValue collection) {
                    removed += expireMembers(due, table, entry, collection, nowMillis);
                }
                continue;
            }
            if (entry != null && entry.expireAt == due.at) {
                KeyspaceEvents.record(due.tenant, due.database, due.key.bytes(), KeyspaceEvents.Change.EXPIRED, entry.eventValue());
                retire(due.tenant, due.database, due.key, entry);
                table.remove(due.key);
                changed(due.tenant, due.database, due.key, null);
                touched(due.tenant, due.database, due.key);
                removed++;
            }
        }
        return removed;
    }
}
