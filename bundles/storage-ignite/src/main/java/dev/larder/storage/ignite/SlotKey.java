package dev.larder.storage.ignite;

import java.util.Arrays;
import org.apache.ignite.cache.affinity.AffinityKeyMapped;

/**
 * A table key as stored in Ignite: the caller's bytes plus their hash slot. The slot is the affinity
 * key, so all keys of one slot land in one partition.
 */
final class SlotKey {

    @AffinityKeyMapped
    private final int slot;
    private final byte[] key;

    SlotKey(int slot, byte[] key) {
        this.slot = slot;
        this.key = key;
    }

    int slot() {
        return slot;
    }

    byte[] key() {
        return key;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SlotKey that && slot == that.slot && Arrays.equals(key, that.key);
    }

    @Override
    public int hashCode() {
        return 31 * slot + Arrays.hashCode(key);
    }
}
