package dev.larder.redis.engine.internal;

import dev.larder.redis.api.Keyspace;
import dev.larder.redis.api.RedisValue;
import dev.larder.redis.api.StringValue;
import dev.larder.redis.api.types.Bytes;
import dev.larder.redis.api.types.CollectionValue;
import dev.larder.redis.api.types.ScanTable;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

/**
 * maxmemory for one database, as Redis's evict.c: the database's keys are measured by sampling (the
 * estimated bytes of random keys times the number of keys, refreshed every 100 ms and after evicting),
 * and while they are over the limit a write that may add memory first evicts keys chosen by the policy
 * from {@code maxmemory-samples} random candidates (approximated LRU, LFU, TTL, or at random), or is
 * refused with Redis's -OOM under noeviction. An evicted key is deleted, in memory and in the grid, as
 * Redis deletes it: maxmemory with an eviction policy makes a database a cache.
 */
final class Eviction {

    enum Policy {
        NOEVICTION, ALLKEYS_LRU, ALLKEYS_LFU, ALLKEYS_RANDOM, VOLATILE_LRU, VOLATILE_LFU, VOLATILE_RANDOM, VOLATILE_TTL;

        static Policy of(String name) {
            return valueOf(name.replace('-', '_').toUpperCase(Locale.ROOT));
        }

        boolean volatileOnly() {
            return name().startsWith("VOLATILE");
        }

        boolean lfu() {
            return this == ALLKEYS_LFU || this == VOLATILE_LFU;
        }
    }

    static final String OOM = "OOM command not allowed when used memory > 'maxmemory'.";
    /** Keys sampled per measure: a hot-set budget mixes keys of a hundred bytes (cold) with keys of their values' size. */
    private static final int ESTIMATE_SAMPLES = 128;
    /** A database over its limit is measured again before evicting when its last measure is older than this. */
    private static final long REMEASURE_NANOS = 10_000_000;
    /** At most this many keys are evicted for one command, so that no command waits long on eviction. */
    private static final int MAX_EVICTIONS_PER_CALL = 1000;
    /** Random keys drawn per wanted candidate under a volatile policy, which passes over keys without a time to live. */
    private static final int VOLATILE_DRAWS_PER_SAMPLE = 8;
    /** How far past the hot-set budget not yet clean keys may take a database before writes are refused. */
    private static final int DIRTY_ALLOWANCE = 2;
    /** Per-member bytes of a collection beyond its key's, by type: node, member objects and a typical small payload. */
    private static final int HASH_MEMBER = 96;
    private static final int SET_MEMBER = 64;
    private static final int ZSET_MEMBER = 112;
    private static final int LIST_ELEMENT = 48;
    private static final int STREAM_ENTRY = 160;

    private final Shards shards;
    private final ServerStats stats;

    Eviction(Shards shards, ServerStats stats) {
        this.shards = shards;
        this.stats = stats;
    }

    /** Estimated heap bytes of one key, as MEMORY USAGE reports it. */
    static long bytesOf(int keyLength, Entry entry) {
        return entry.cold() ? EntrySizes.cold(keyLength) : bytesOf(keyLength, entry.value());
    }

    static long bytesOf(int keyLength, RedisValue value) {
        if (value instanceof StringValue string) {
            return EntrySizes.estimate(keyLength, string.bytes().length);
        }
        long perMember = switch (value.typeName()) {
            case "hash" -> HASH_MEMBER;
            case "set" -> SET_MEMBER;
            case "zset" -> ZSET_MEMBER;
            case "list" -> LIST_ELEMENT;
            default -> STREAM_ENTRY;
        };
        int members = value instanceof CollectionValue collection ? collection.size() : 0;
        return EntrySizes.estimate(keyLength, 0) + members * perMember;
    }

    private long keyCount(Tenant tenant) {
        long keys = 0;
        for (int shard = 0; shard < shards.count(); shard++) {
            for (int db = 0; db < tenant.databases(); db++) {
                keys += tenant.table(shard, db).size(); // read without the lock: an estimate
            }
        }
        return keys;
    }

    /** The tables (shard * databases + logical DB) of the database that hold keys now, read without locks. */
    private int[] tablesWithKeys(Tenant tenant) {
        int[] found = new int[shards.count() * tenant.databases()];
        int count = 0;
        for (int shard = 0; shard < shards.count(); shard++) {
            for (int db = 0; db < tenant.databases(); db++) {
                if (tenant.table(shard, db).size() > 0) {
                    found[count++] = shard * tenant.databases() + db;
                }
            }
        }
        return java.util.Arrays.copyOf(found, count);
    }

    /** Refreshes the database's estimated bytes: the average of random keys times the number of keys. */
    long estimate(Tenant tenant) {
        long keys = keyCount(tenant);
        if (keys == 0) {
            tenant.estimatedBytes = 0;
            return 0;
        }
        Random random = ThreadLocalRandom.current();
        int[] tables = tablesWithKeys(tenant);
        long sampled = 0;
        long bytes = 0;
        for (int i = 0; i < ESTIMATE_SAMPLES * 2 && sampled < ESTIMATE_SAMPLES && tables.length > 0; i++) {
            int chosen = tables[random.nextInt(tables.length)];
            int shardIndex = chosen / tenant.databases();
            int db = chosen % tenant.databases();
            Shard shard = shards.all().get(shardIndex);
            if (!WriteBehind.tryLock(shard)) {
                continue;
            }
            try {
                ScanTable<Entry> table = tenant.table(shardIndex, db);
                Bytes key = table.size() == 0 ? null : table.randomKey(random);
                if (key != null) {
                    bytes += bytesOf(key.bytes().length, table.get(key));
                    sampled++;
                }
            } finally {
                shard.lock.unlock();
            }
        }
        long estimate = sampled == 0 ? tenant.estimatedBytes : bytes / sampled * keys;
        tenant.estimatedBytes = estimate;
        tenant.estimatedAtNanos = System.nanoTime();
        return estimate;
    }

    /**
     * Evicts keys until the database is under its maxmemory (at most {@link #MAX_EVICTIONS_PER_CALL});
     * called holding no shard lock. Returns whether it is under the limit now, so a write may go on.
     */
    boolean makeRoom(Tenant tenant, RedisEngine engine) {
        long limit = tenant.maxmemory;
        if (limit <= 0 || tenant.estimatedBytes <= limit) {
            return true;
        }
        synchronized (tenant.evicting) {
            if (tenant.estimatedBytes <= limit) {
                return true; // made room meanwhile by the other evicting thread
            }
            if ((tenant.estimatedAtNanos == 0 || System.nanoTime() - tenant.estimatedAtNanos > REMEASURE_NANOS) && estimate(tenant) <= limit) {
                return true; // keys were deleted or flushed since the last measure
            }
            long keys = Math.max(1, keyCount(tenant));
            long average = Math.max(1, tenant.estimatedBytes / keys);
            long wanted = Math.min(MAX_EVICTIONS_PER_CALL, (tenant.estimatedBytes - limit) / average + 1);
            if (tenant.evictionPolicy == Policy.NOEVICTION) {
                return tenant.hotSetBudget() > 0 && offload(tenant, engine, limit, wanted);
            }
            long freed = 0;
            int[] tables = tablesWithKeys(tenant); // once per call: a table emptied meanwhile is passed over
            for (long i = 0; i < wanted; i++) {
                long bytes = evictOne(tenant, tables, engine);
                if (bytes < 0) {
                    // as Redis: -OOM only when no key the policy may evict was found, measured again to be sure
                    return estimate(tenant) <= limit;
                }
                freed += bytes;
            }
            tenant.estimatedBytes = Math.max(0, tenant.estimatedBytes - freed);
            return true; // a call evicts at most MAX_EVICTIONS_PER_CALL: the write goes on, the next one evicts further
        }
    }

    /**
     * maxmemory as the hot-set budget (no eviction policy): drops the values of clean strings, the least
     * recently used of a few random candidates at a time, at most {@link #MAX_EVICTIONS_PER_CALL} a call.
     * When too few are clean, the next grid write is brought forward; until it cleans them a write is
     * refused only past {@link #DIRTY_ALLOWANCE} times the budget, so that loading a data set larger than
     * memory goes on at the pace the grid takes it.
     */
    private boolean offload(Tenant tenant, RedisEngine engine, long limit, long wanted) {
        int writtenEpoch = engine.writtenEpoch();
        int[] tables = tablesWithKeys(tenant);
        long freed = 0;
        for (long i = 0; i < wanted; i++) {
            long bytes = offloadOne(tenant, tables, writtenEpoch);
            if (bytes < 0) {
                break;
            }
            freed += bytes;
        }
        tenant.estimatedBytes = Math.max(0, tenant.estimatedBytes - freed);
        if (tenant.estimatedBytes <= limit) {
            return true;
        }
        engine.gridWriteSoon();
        return tenant.estimatedBytes <= limit * DIRTY_ALLOWANCE;
    }

    /** Drops the value of the least recently used clean string among a few random keys of a random table; its bytes, or -1. */
    private long offloadOne(Tenant tenant, int[] tables, int writtenEpoch) {
        Random random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 16 && tables.length > 0; attempt++) {
            int table = tables[random.nextInt(tables.length)];
            int shardIndex = table / tenant.databases();
            Shard shard = shards.all().get(shardIndex);
            shard.lock.lock();
            try {
                ScanTable<Entry> keys = tenant.table(shardIndex, table % tenant.databases());
                Entry coldest = null;
                for (int i = 0, candidates = 0; i < tenant.evictionSamples * VOLATILE_DRAWS_PER_SAMPLE
                        && candidates < tenant.evictionSamples && keys.size() > 0; i++) {
                    Entry entry = keys.get(keys.randomKey(random));
                    if (entry != null && entry.offloadable(writtenEpoch)) {
                        candidates++;
                        if (coldest == null || entry.accessedAt() < coldest.accessedAt()) {
                            coldest = entry;
                        }
                    }
                }
                if (coldest != null) {
                    stats.valuesOffloaded.increment();
                    return EntrySizes.array(coldest.offload());
                }
            } finally {
                shard.lock.unlock();
            }
        }
        return -1;
    }

    /** Evicts the best of a few random candidates of one random table; its bytes, or -1 when none could go. */
    private long evictOne(Tenant tenant, int[] tables, RedisEngine engine) {
        Random random = ThreadLocalRandom.current();
        Policy policy = tenant.evictionPolicy;
        long now = System.currentTimeMillis();
        for (int attempt = 0; attempt < 16 && tables.length > 0; attempt++) {
            int table = tables[random.nextInt(tables.length)];
            int shardIndex = table / tenant.databases();
            int db = table % tenant.databases();
            Shard shard = shards.all().get(shardIndex);
            shard.lock.lock();
            try {
                ScanTable<Entry> keys = tenant.table(shardIndex, db);
                if (keys.size() == 0) {
                    continue;
                }
                Bytes victim = null;
                Entry victimEntry = null;
                long best = Long.MAX_VALUE;
                // a volatile policy draws until it has its samples among keys with a time to live, within a bound
                int draws = policy.volatileOnly() ? tenant.evictionSamples * VOLATILE_DRAWS_PER_SAMPLE : tenant.evictionSamples;
                for (int i = 0, candidates = 0; i < draws && candidates < tenant.evictionSamples; i++) {
                    Bytes key = keys.randomKey(random);
                    Entry entry = key == null ? null : keys.get(key);
                    if (entry == null || policy.volatileOnly() && entry.expireAt == Keyspace.NO_EXPIRY) {
                        continue;
                    }
                    candidates++;
                    long rank = switch (policy) {
                        case ALLKEYS_LRU, VOLATILE_LRU -> entry.accessedAt();
                        case ALLKEYS_LFU, VOLATILE_LFU -> entry.frequency(now, tenant.lfuDecayMinutes);
                        case VOLATILE_TTL -> entry.expireAt;
                        default -> 0;
                    };
                    if (rank < best) {
                        best = rank;
                        victim = key;
                        victimEntry = entry;
                    }
                }
                if (victim == null) {
                    continue;
                }
                long bytes = bytesOf(victim.bytes().length, victimEntry);
                KeyspaceEvents.record(tenant, db, victim.bytes(), KeyspaceEvents.Change.EVICTED, victimEntry.eventValue());
                shard.retire(tenant, db, victim, victimEntry);
                keys.remove(victim);
                shard.changed(tenant, db, victim, null);
                shard.touched(tenant, db, victim);
                stats.evictedKeys.increment();
                return bytes;
            } finally {
                shard.lock.unlock();
                engine.afterEviction();
            }
        }
        return -1;
    }
}
