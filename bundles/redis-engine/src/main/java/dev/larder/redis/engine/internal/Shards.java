package dev.larder.redis.engine.internal;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntUnaryOperator;

/**
 * The engine's shards and which one holds a key. A hash slot maps to a shard through its storage
 * partition, so a shard's keys are whole partitions: the unit whose ownership moves between nodes.
 */
final class Shards {

    private final Shard[] shards;
    /**
     * Versions of collections (one per incarnation of a key, see CollectionValue): start from the clock,
     * in microseconds, so a restarted node does not reuse the versions it stored before.
     */
    private final AtomicLong collectionVersions = new AtomicLong(System.currentTimeMillis() * 1000);
    private final int[] shardOfSlot = new int[Slots.COUNT];

    Shards(int count, IntUnaryOperator partitionOfSlot) {
        shards = new Shard[count];
        for (int i = 0; i < count; i++) {
            shards[i] = new Shard(i);
        }
        for (int slot = 0; slot < Slots.COUNT; slot++) {
            shardOfSlot[slot] = partitionOfSlot.applyAsInt(slot) % count;
        }
    }

    Shard of(byte[] key) {
        return shards[shardOfSlot[Slots.slot(key)]];
    }

    int indexOf(byte[] key) {
        return shardOfSlot[Slots.slot(key)];
    }

    Shard get(int index) {
        return shards[index];
    }

    List<Shard> all() {
        return List.of(shards);
    }

    long nextCollectionVersion() {
        return collectionVersions.incrementAndGet();
    }

    /** A version loaded from storage: later versions must be higher. */
    void collectionVersionLoaded(long version) {
        collectionVersions.accumulateAndGet(version, Math::max);
    }

    int count() {
        return shards.length;
    }
}
