package dev.larder.redis.engine.internal;

import dev.larder.redis.api.Keyspace;
import java.util.HashSet;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The keys of some hash slots, in every logical database. One writer at a time: every access holds
 * {@link #lock}. Records which keys changed since the last write-behind round and when keys expire.
 */
final class Shard {

    /** A key that changed in one logical database. */
    record DirtyKey(int database, ByteKey key) {
    }

    /** When a key is due to expire; stale once the key's expiry changed (checked when popped). */
    private record Expiry(long at, int database, ByteKey key) {
    }

    final ReentrantLock lock = new ReentrantLock();
    private final KeyTable[] databases;
    private final PriorityQueue<Expiry> expiries = new PriorityQueue<>((a, b) -> Long.compare(a.at, b.at));
    private Set<DirtyKey> dirty = new HashSet<>();
    private final boolean tracksChanges;

    Shard(int databaseCount, boolean tracksChanges) {
        databases = new KeyTable[databaseCount];
        for (int i = 0; i < databaseCount; i++) {
            databases[i] = new KeyTable();
        }
        this.tracksChanges = tracksChanges;
    }

    KeyTable database(int index) {
        return databases[index];
    }

    /** A key was written, its expiry changed, or it was removed. */
    void changed(int database, ByteKey key) {
        if (tracksChanges) {
            dirty.add(new DirtyKey(database, key));
        }
    }

    void expiryChanged(int database, ByteKey key, long expireAt) {
        if (expireAt != Keyspace.NO_EXPIRY) {
            expiries.add(new Expiry(expireAt, database, key));
        }
    }

    /** Takes the set of changed keys, leaving an empty one. */
    Set<DirtyKey> takeChanges() {
        Set<DirtyKey> taken = dirty;
        dirty = new HashSet<>();
        return taken;
    }

    void swapDatabases(int first, int second) {
        KeyTable swapped = databases[first];
        databases[first] = databases[second];
        databases[second] = swapped;
        for (int database : new int[] {first, second}) {
            databases[database].forEach((key, entry) -> {
                changed(database, key);
                expiryChanged(database, key, entry.expireAt);
            });
        }
    }

    /** Removes keys whose time has come, at most {@code limit}; returns how many. */
    int expire(long nowMillis, int limit) {
        int removed = 0;
        while (removed < limit && !expiries.isEmpty() && expiries.peek().at <= nowMillis) {
            Expiry due = expiries.poll();
            KeyTable database = databases[due.database];
            Entry entry = database.get(due.key);
            if (entry != null && entry.expireAt == due.at) {
                database.remove(due.key);
                changed(due.database, due.key);
                removed++;
            }
        }
        return removed;
    }
}
