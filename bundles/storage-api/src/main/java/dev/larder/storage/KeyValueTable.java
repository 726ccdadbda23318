package dev.larder.storage;

import java.util.concurrent.CompletionStage;

/**
 * Binary keys and values, each key addressed by its hash slot. The caller computes the slot (from
 * the key or its {hash tag}); the table only uses it to place the entry, so the same key under two
 * slots would be two entries.
 */
public interface KeyValueTable {

    String name();

    /** @return the value, or {@code null} when the key is absent */
    byte[] get(int slot, byte[] key);

    void put(int slot, byte[] key, byte[] value);

    /** @return whether the key existed */
    boolean remove(int slot, byte[] key);

    /**
     * Applies a batch of puts and removes in one round to the grid (group commit). The stage completes
     * once every change is stored, or exceptionally when the batch could not be written. Changes to
     * different keys carry no ordering or atomicity guarantee among themselves.
     */
    CompletionStage<Void> write(WriteBatch batch);

    /** Number of entries across the cluster. */
    long size();
}
