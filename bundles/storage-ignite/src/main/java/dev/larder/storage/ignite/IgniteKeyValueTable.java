package dev.larder.storage.ignite;

import dev.larder.storage.KeyValueTable;
import dev.larder.storage.StorageNode;
import dev.larder.storage.WriteBatch;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.cache.Cache;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.cache.affinity.Affinity;
import org.apache.ignite.cache.query.QueryCursor;
import org.apache.ignite.cache.query.ScanQuery;
import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.cache.CachePeekMode;
import org.apache.ignite.lang.IgniteFuture;

/** A table is one Ignite cache of {@link SlotKey} to byte[]. */
final class IgniteKeyValueTable implements KeyValueTable {

    private static final int CHUNK = 512;
    private final String name;
    private final IgniteCache<SlotKey, byte[]> cache;

    IgniteKeyValueTable(String name, IgniteCache<SlotKey, byte[]> cache) {
        this.name = name;
        this.cache = cache;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public byte[] get(int slot, byte[] key) {
        return cache.get(key(slot, key));
    }

    @Override
    public void put(int slot, byte[] key, byte[] value) {
        cache.put(key(slot, key), value);
    }

    @Override
    public boolean remove(int slot, byte[] key) {
        return cache.remove(key(slot, key));
    }

    @Override
    public CompletionStage<Void> write(WriteBatch batch) {
        // The last change to a key in the batch wins; puts and removes then go out as one bulk call each.
        Map<SlotKey, byte[]> last = new LinkedHashMap<>();
        for (WriteBatch.Change change : batch.changes()) {
            last.put(key(change.slot(), change.key()), change.value());
        }
        // in chunks: one huge putAll locks every entry at once and walks the page memory in a cache-hostile order
        List<CompletableFuture<Void>> done = new ArrayList<>();
        Map<SlotKey, byte[]> puts = new LinkedHashMap<>();
        Set<SlotKey> removes = new LinkedHashSet<>();
        for (Map.Entry<SlotKey, byte[]> change : last.entrySet()) {
            if (change.getValue() == null) {
                removes.add(change.getKey());
            } else {
                puts.put(change.getKey(), change.getValue());
            }
            if (puts.size() == CHUNK) {
                done.add(completion(cache.putAllAsync(puts)));
                puts = new LinkedHashMap<>();
            }
            if (removes.size() == CHUNK) {
                done.add(completion(cache.removeAllAsync(removes)));
                removes = new LinkedHashSet<>();
            }
        }
        if (!puts.isEmpty()) {
            done.add(completion(cache.putAllAsync(puts)));
        }
        if (!removes.isEmpty()) {
            done.add(completion(cache.removeAllAsync(removes)));
        }
        return CompletableFuture.allOf(done.toArray(new CompletableFuture<?>[0]));
    }

    @Override
    public void scanLocal(EntryVisitor visitor) {
        Ignite ignite = cache.unwrap(Ignite.class);
        ClusterNode local = ignite.cluster().localNode();
        Affinity<SlotKey> affinity = ignite.affinity(cache.getName());
        for (int partition : affinity.primaryPartitions(local)) {
            try (QueryCursor<Cache.Entry<SlotKey, byte[]>> cursor =
                         cache.query(new ScanQuery<SlotKey, byte[]>().setPartition(partition).setLocal(true))) {
                for (Cache.Entry<SlotKey, byte[]> entry : cursor) {
                    visitor.visit(entry.getKey().slot(), entry.getKey().key(), entry.getValue());
                }
            }
        }
    }

    @Override
    public long size() {
        return cache.sizeLong(CachePeekMode.PRIMARY);
    }

    private static SlotKey key(int slot, byte[] key) {
        if (slot < 0 || slot >= StorageNode.SLOTS) {
            throw new IllegalArgumentException("slot out of range 0.." + (StorageNode.SLOTS - 1) + ": " + slot);
        }
        return new SlotKey(slot, key);
    }

    private static CompletableFuture<Void> completion(IgniteFuture<?> future) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        future.listen(f -> {
            try {
                f.get();
                done.complete(null);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }
}
