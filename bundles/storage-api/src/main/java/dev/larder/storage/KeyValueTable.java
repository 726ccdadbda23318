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

    /**
     * Visits every entry whose primary copy is on this node, partition by partition (how a shard loads the
     * keys it owns at start). Entries written during the scan may or may not be seen.
     */
    void scanLocal(EntryVisitor visitor);

    /** Receives entries from {@link #scanLocal}. */
    @FunctionalInterface
    interface EntryVisitor {
        void visit(int slot, byte[] key, byte[] value);
    }

    /** Number of entries across the cluster. */
    long size();
}
