package dev.larder.redis.engine.internal;

import dev.larder.redis.api.types.Bytes;
import dev.larder.redis.api.types.ScanTable;
import dev.larder.redis.api.Keyspace;
import dev.larder.redis.api.RedisException;
import dev.larder.redis.api.RedisValue;
import dev.larder.redis.api.types.CollectionValue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * One logical DB of a database (tenant) seen through a session: each key lives in the shard of its hash slot, and the
 * engine holds that shard's lock while a command runs. Reads use the session's command time, so a
 * key that expires mid-command stays consistent.
 */
final class ShardedKeyspace implements Keyspace {

    private final Shards shards;
    private final Tenant tenant;
    private final int index;
    private final Session session;
    private final ColdValues coldValues;

    ShardedKeyspace(Shards shards, ColdValues coldValues, Tenant tenant, int index, Session session) {
        this.shards = shards;
        this.coldValues = coldValues;
        this.tenant = tenant;
        this.index = index;
        this.session = session;
    }

    @Override
    public int index() {
        return index;
    }

    /**
     * The live entry, removing it first when it has expired; with {@code value}, a cold entry's value is
     * loaded back from the grid.
     */
    private Entry live(Shard shard, Bytes key, boolean value) {
        ScanTable<Entry> database = shard.table(tenant, index);
        Entry entry = database.get(key);
        if (entry == null) {
            return null;
        }
        if (entry.expiredAt(session.nowMillis())) {
            KeyspaceEvents.record(tenant, index, key.bytes(), KeyspaceEvents.Change.EXPIRED, entry.eventValue());
            removeEntry(shard, key, entry);
            session.expiredOnAccess();
            return null;
        }
        if (value && entry.cold()) {
            coldValues.warm(tenant, index, key.bytes(), entry);
        }
        accessedBefore = entry.accessedAt();
        if (session.touchesKeys()) {
            entry.accessed(session.nowMillis(), tenant.lfuPolicy ? tenant : null);
        }
        return entry;
    }

    /** When the entry {@link #live} returned last was accessed before that (this keyspace is one session's). */
    private long accessedBefore;

    private void removeEntry(Shard shard, Bytes key, Entry entry) {
        shard.retire(tenant, index, key, entry);
        shard.table(tenant, index).remove(key);
        shard.changed(tenant, index, key, null);
        shard.touched(tenant, index, key);
    }

    private Entry live(byte[] key, boolean value) {
        return live(session.shardOf(key), session.byteKey(key), value);
    }

    /**
     * A cold value is kept in memory again only when its key was read within this long before: a key read once
     * in a long while (a uniform scan over a large data set) is read from the grid and left there, so that it
     * does not push out the keys that are read often.
     */
    private static final long COLD_ADMISSION_MILLIS = 10_000;

    @Override
    public RedisValue get(byte[] key) {
        Entry entry = live(key, false);
        session.keyspaceRead(entry != null);
        if (entry == null) {
            return null;
        }
        if (!entry.cold()) {
            return entry.value();
        }
        RedisValue loaded = coldValues.load(tenant, index, key);
        if (session.nowMillis() - accessedBefore <= COLD_ADMISSION_MILLIS) {
            entry.value(loaded);
        }
        return loaded;
    }

    @Override
    public boolean exists(byte[] key) {
        boolean exists = live(key, false) != null;
        session.keyspaceRead(exists);
        return exists;
    }

    @Override
    public void set(byte[] key, RedisValue value) {
        set(key, value, NO_EXPIRY);
    }

    @Override
    public void set(byte[] key, RedisValue value, long expireAtMillis) {
        Shard shard = session.shardOf(key);
        Bytes k = session.byteKey(key);
        Entry entry = new Entry(attachable(value), expireAtMillis);
        Entry previous = shard.table(tenant, index).put(k, entry);
        shard.retire(tenant, index, k, previous);
        boolean expired = previous != null && previous.expiredAt(session.nowMillis());
        if (expired) {
            // overwritten without a read first (a plain SET): it expires here, as Redis's lookupKeyWrite expires it
            KeyspaceEvents.record(tenant, index, key, KeyspaceEvents.Change.EXPIRED, previous.eventValue());
            session.expiredOnAccess();
        }
        if (KeyspaceEvents.on()) {
            if (previous == null || expired) {
                KeyspaceEvents.record(tenant, index, key, KeyspaceEvents.Change.CREATED, entry.value());
            }
            KeyspaceEvents.record(tenant, index, key, KeyspaceEvents.Change.WRITTEN, entry.value());
            if (expireAtMillis != NO_EXPIRY) {
                KeyspaceEvents.record(tenant, index, key, KeyspaceEvents.Change.EXPIRY, entry.value());
            }
        }
        shard.changed(tenant, index, k, entry);
        shard.expiryChanged(tenant, index, k, expireAtMillis);
        shard.written(tenant, index, k);
    }

    /** A collection that another key holds (or held) is copied: each key's collection is its own. */
    private RedisValue attachable(RedisValue value) {
        if (value instanceof CollectionValue collection) {
            if (collection.attached() || collection.retired()) {
                collection = collection.copy();
            }
            collection.attach(shards.nextCollectionVersion());
            return collection;
        }
        return value;
    }

    @Override
    public void replace(byte[] key, RedisValue value) {
        Shard shard = session.shardOf(key);
        Bytes k = session.byteKey(key);
        Entry entry = live(shard, k, false);
        if (entry == null) {
            set(key, value, NO_EXPIRY);
        } else if (!entry.holds(value)) {
            shard.retire(tenant, index, k, entry);
            entry.value(attachable(value));
            shard.changed(tenant, index, k, entry);
            shard.written(tenant, index, k);
            KeyspaceEvents.record(tenant, index, key, KeyspaceEvents.Change.WRITTEN, entry.value());
        }
    }

    @Override
    public void modified(byte[] key) {
        Shard shard = session.shardOf(key);
        Bytes k = session.byteKey(key);
        Entry entry = shard.table(tenant, index).get(k);
        if (entry == null) {
            return;
        }
        if (entry.collection() instanceof CollectionValue collection && collection.isEmpty() && collection.removedWhenEmpty()) {
            KeyspaceEvents.record(tenant, index, key, KeyspaceEvents.Change.REMOVED, entry.value());
            removeEntry(shard, k, entry);
        } else {
            shard.changed(tenant, index, k, entry);
            shard.written(tenant, index, k);
            KeyspaceEvents.record(tenant, index, key, KeyspaceEvents.Change.WRITTEN, entry.value());
            if (entry.collection() instanceof CollectionValue collection) {
                shard.membersMayExpire(tenant, index, k, collection);
            }
        }
    }

    @Override
    public boolean remove(byte[] key) {
        Shard shard = session.shardOf(key);
        Bytes k = session.byteKey(key);
        Entry entry = live(shard, k, false);
        if (entry == null) {
            return false;
        }
        KeyspaceEvents.record(tenant, index, key, KeyspaceEvents.Change.REMOVED, entry.eventValue());
        removeEntry(shard, k, entry);
        return true;
    }

    @Override
    public long expireAt(byte[] key) {
        Entry entry = live(key, false);
        return entry == null ? NO_KEY : entry.expireAt;
    }

    @Override
    public boolean expireAt(byte[] key, long expireAtMillis) {
        Shard shard = session.shardOf(key);
        Bytes k = session.byteKey(key);
        Entry entry = live(shard, k, expireAtMillis == NO_EXPIRY || expireAtMillis > session.nowMillis()); // a change is logged whole
        if (entry == null) {
            return false;
        }
        if (expireAtMillis != NO_EXPIRY && expireAtMillis <= session.nowMillis()) {
            KeyspaceEvents.record(tenant, index, key, KeyspaceEvents.Change.REMOVED, entry.eventValue());
            removeEntry(shard, k, entry);
        } else {
            KeyspaceEvents.record(tenant, index, key, KeyspaceEvents.Change.EXPIRY, entry.value());
            entry.expireAt = expireAtMillis;
            shard.expiryChanged(tenant, index, k, expireAtMillis);
            shard.changed(tenant, index, k, entry);
            shard.touched(tenant, index, k);
        }
        return true;
    }

    @Override
    public long size() {
        long size = 0;
        for (Shard shard : shards.all()) {
            size += shard.table(tenant, index).size();
        }
        return size;
    }

    @Override
    public void clear() {
        for (Shard shard : shards.all()) {
            shard.touchWatchedIn(tenant, index);
            ScanTable<Entry> database = shard.table(tenant, index);
            database.forEach((key, entry) -> {
                shard.retire(tenant, index, key, entry);
                shard.changed(tenant, index, key, null);
            });
            database.clear();
        }
        tenant.estimatedAtNanos = 0; // maxmemory measures the keys again before it evicts any
    }

    @Override
    public long idleMillis(byte[] key) {
        Entry entry = session.shardOf(key).table(tenant, index).get(session.byteKey(key));
        if (entry == null || entry.expiredAt(session.nowMillis())) {
            return -1;
        }
        return Math.max(0, session.nowMillis() - entry.accessedAt());
    }

    @Override
    public int accessFrequency(byte[] key) throws RedisException {
        if (!tenant.lfuPolicy) {
            throw new RedisException(LFU_NOT_SELECTED);
        }
        Entry entry = session.shardOf(key).table(tenant, index).get(session.byteKey(key));
        if (entry == null || entry.expiredAt(session.nowMillis())) {
            return -1;
        }
        return entry.frequency(session.nowMillis(), tenant.lfuDecayMinutes);
    }

    @Override
    public byte[] randomKey() {
        long size = size();
        if (size == 0) {
            return null;
        }
        // a shard weighted by its size, then a random key of it; an expired pick is retried, as Redis does
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 100; attempt++) {
            long target = random.nextLong(size);
            for (Shard shard : shards.all()) {
                ScanTable<Entry> database = shard.table(tenant, index);
                if (target >= database.size()) {
                    target -= database.size();
                    continue;
                }
                Bytes key = database.randomKey(random);
                if (!database.get(key).expiredAt(session.nowMillis())) {
                    return key.bytes();
                }
                break;
            }
        }
        return null;
    }

    @Override
    public void forEachKey(Consumer<byte[]> action) {
        long now = session.nowMillis();
        for (Shard shard : shards.all()) {
            shard.table(tenant, index).forEach((key, entry) -> {
                if (!entry.expiredAt(now)) {
                    action.accept(key.bytes());
                }
            });
        }
    }

    @Override
    public long scan(long cursor, int count, Consumer<byte[]> action) {
        int shardCount = shards.count();
        int shardIndex = (int) Long.remainderUnsigned(cursor, shardCount);
        long bucketCursor = Long.divideUnsigned(cursor, shardCount);
        long now = session.nowMillis();
        int[] found = {0};
        int visitedBuckets = 0;
        while (shardIndex < shardCount && found[0] < count && visitedBuckets < count * 10) {
            ScanTable<Entry> table = shards.get(shardIndex).table(tenant, index);
            if (table.size() == 0) {
                // as Redis's scan of an empty dict: nothing to visit, on to the next shard
                shardIndex++;
                bucketCursor = 0;
                continue;
            }
            bucketCursor = table.scan(bucketCursor, (key, entry) -> {
                if (!entry.expiredAt(now)) {
                    action.accept(key.bytes());
                    found[0]++;
                }
            });
            visitedBuckets++;
            if (bucketCursor == 0) {
                shardIndex++;
            }
        }
        return shardIndex >= shardCount ? 0 : bucketCursor * shardCount + shardIndex;
    }
}
