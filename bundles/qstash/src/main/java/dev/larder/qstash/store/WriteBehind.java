package dev.larder.qstash.store;

import dev.larder.storage.KeyValueTable;
import dev.larder.storage.WriteBatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Changes already durable in the {@link Journal} that are not in the grid yet: reads look here first, and
 * {@link #flushOlder} writes them to Ignite in batches (a put per change cost more CPU than the rest of a delivery).
 * A record made and removed between two flushes, as a message delivered within milliseconds of its publish,
 * never reaches the grid at all. Every change is added here before it is journaled, so a checkpoint that
 * flushes after rotating the journal has every change of the closed segments in the grid.
 */
final class WriteBehind {

    /** The newest change to a key (value null: removed). Compared by identity: a flush drops only what it wrote. */
    private static final class Change {
        final int slot;
        final byte[] value;
        /** made here and not written yet: the grid has never held it, so removing it leaves nothing to write */
        final boolean onlyHere;
        /** when the key's first change not yet in the grid was made (ms) */
        final long since;

        Change(int slot, byte[] value, boolean onlyHere, long since) {
            this.slot = slot;
            this.value = value;
            this.onlyHere = onlyHere;
            this.since = since;
        }
    }

    private final Map<KeyValueTable, ConcurrentHashMap<String, Change>> pending = new IdentityHashMap<>();

    WriteBehind(Iterable<KeyValueTable> tables) {
        tables.forEach(table -> pending.put(table, new ConcurrentHashMap<>()));
    }

    /** @param created the record is new (its id was just made): the grid cannot hold it yet */
    void put(KeyValueTable table, String id, int slot, byte[] value, boolean created) {
        long now = System.currentTimeMillis();
        pending.get(table).compute(id, (key, old) -> new Change(slot, value, created || old != null && old.onlyHere, old == null ? now : old.since));
    }

    void remove(KeyValueTable table, String id, int slot) {
        long now = System.currentTimeMillis();
        pending.get(table).compute(id, (key, old) -> old != null && old.onlyHere ? null : new Change(slot, null, false, old == null ? now : old.since));
    }

    /** The record's newest value: the pending change's, else what {@code grid} reads. */
    byte[] read(KeyValueTable table, String id, Supplier<byte[]> grid) {
        Change change = pending.get(table).get(id);
        return change != null ? change.value : grid.get();
    }

    /** Writes every table's pending changes to the grid; returns once they are there. */
    synchronized void flushAll() {
        pending.keySet().forEach(table -> flushTable(table, Long.MAX_VALUE));
    }

    /**
     * Writes the changes pending since before {@code before} (ms), or all of a table's when it holds more than
     * {@code most}: a message delivered soon after it was made is never written at all.
     */
    synchronized void flushOlder(long before, int most) {
        pending.forEach((table, changes) -> flushTable(table, changes.size() > most ? Long.MAX_VALUE : before));
    }

    /** Writes one table's pending changes (before it is scanned: a scan reads only the grid). */
    synchronized void flush(KeyValueTable table) {
        flushTable(table, Long.MAX_VALUE);
    }

    // one flush at a time: two could write the same key's changes to the grid out of order
    private void flushTable(KeyValueTable table, long before) {
        ConcurrentHashMap<String, Change> changes = pending.get(table);
        if (changes.isEmpty()) {
            return;
        }
        WriteBatch batch = new WriteBatch();
        List<Map.Entry<String, Change>> written = new ArrayList<>();
        for (String id : changes.keySet()) {
            Change change = changes.computeIfPresent(id,
                    (key, old) -> old.onlyHere && old.since < before ? new Change(old.slot, old.value, false, old.since) : old);
            if (change == null || change.since >= before) {
                continue; // removed before it was ever written, or left for a later flush
            }
            byte[] key = id.getBytes(StandardCharsets.UTF_8);
            if (change.value == null) {
                batch.remove(change.slot, key);
            } else {
                batch.put(change.slot, key, change.value);
            }
            written.add(Map.entry(id, change));
        }
        if (!written.isEmpty()) {
            table.write(batch).toCompletableFuture().join();
        }
        written.forEach(entry -> changes.remove(entry.getKey(), entry.getValue()));
    }
}
