package dev.larder.qstash.store;

import dev.larder.storage.KeyValueTable;
import dev.larder.storage.StorageNode;
import dev.larder.storage.WriteBatch;
import dev.larder.storage.log.ChangeLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What makes QStash's writes durable: each change is appended to a local change log, and a write returns once
 * the log is fsynced. The writers waiting together share one write and one fsync: their changes wait in memory
 * until the syncer's next round writes them all (a write call a change, under the log's lock, cost more than
 * the rest of a publish), and Ignite's own WAL flush costs tens of milliseconds and spins a core while it runs.
 * The grid gets the change a few ms later, in a batch ({@link WriteBehind}). Every few seconds the log rotates,
 * the changes so far are written to the grid, Ignite's WAL is synced (it then holds every change of the closed
 * segments) and those segments are deleted. At start the log is replayed into the grid, so a change
 * acknowledged before a crash is there even if the grid lost it.
 */
final class Journal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("dev.larder.qstash");

    private final StorageNode storage;
    private final Map<Byte, KeyValueTable> tables;
    private final ChangeLog log;
    private final GroupCommit commit;
    private final Runnable writeToGrid;
    /** changes appended and not yet written to the log, in their order (guarded by unwrittenLock) */
    private List<ChangeLog.Change> unwritten = new ArrayList<>();
    private final Object unwrittenLock = new Object();

    /**
     * @param tables the journaled tables by the byte that names them in the log
     * @param writeToGrid writes to the grid every change appended so far (each is handed to it before it is logged)
     */
    Journal(StorageNode storage, Map<Byte, KeyValueTable> tables, Runnable writeToGrid) {
        this.storage = storage;
        this.tables = tables;
        this.writeToGrid = writeToGrid;
        this.log = storage.dataDirectory() == null ? null : new ChangeLog(storage.dataDirectory().resolve("qstash-journal"));
        this.commit = log == null ? null : new GroupCommit(() -> {
            try {
                writeAppended();
                log.sync();
            } catch (IOException e) {
                throw new UncheckedIOException("QStash's journal could not be synced", e);
            }
        }, "qstash-journal-sync");
    }

    /** Applies what the log holds to the grid (changes a crash kept from it), then starts afresh; how many. */
    long replay() {
        if (log == null) {
            return 0;
        }
        try {
            Map<Byte, WriteBatch> byTable = new java.util.HashMap<>();
            long replayed = log.replay(change -> {
                ByteBuffer key = ByteBuffer.wrap(change.key());
                byte table = key.get();
                int slot = key.getInt();
                byte[] own = new byte[key.remaining()];
                key.get(own);
                WriteBatch batch = byTable.computeIfAbsent(table, t -> new WriteBatch());
                if (change.value() == null) {
                    batch.remove(slot, own);
                } else {
                    batch.put(slot, own, change.value());
                }
            });
            byTable.forEach((table, batch) -> tables.get(table).write(batch).toCompletableFuture().join());
            checkpoint();
            return replayed;
        } catch (IOException e) {
            throw new UncheckedIOException("QStash's journal could not be read", e);
        }
    }

    /**
     * Logs changes (each table's batch by its byte) already handed to the grid's writer; durable once {@link #sync}
     * returns, or within the next fsync after {@link #syncSoon}.
     */
    void append(byte table, WriteBatch batch) {
        if (log == null) {
            return;
        }
        List<ChangeLog.Change> changes = new ArrayList<>(batch.changes().size());
        for (WriteBatch.Change change : batch.changes()) {
            changes.add(new ChangeLog.Change(ByteBuffer.allocate(5 + change.key().length).put(table).putInt(change.slot()).put(change.key()).array(),
                    change.value()));
        }
        synchronized (unwrittenLock) {
            unwritten.addAll(changes);
        }
    }

    /** Writes the changes appended so far to the log, in their order (one write at a time keeps it). */
    private synchronized void writeAppended() throws IOException {
        List<ChangeLog.Change> taken;
        synchronized (unwrittenLock) {
            taken = unwritten;
            unwritten = new ArrayList<>();
        }
        if (!taken.isEmpty()) {
            log.append(taken);
        }
    }

    /** Returns once everything this thread appended is on disk. */
    void sync() {
        if (log != null) {
            commit.sync();
        }
    }

    /** Has what this thread appended written and fsynced soon, without waiting for it. */
    void syncSoon() {
        if (log != null) {
            commit.request();
        }
    }

    /** The grid's WAL made durable and the log's closed segments (all in the grid now) deleted. */
    void checkpoint() {
        if (log == null) {
            return;
        }
        try {
            writeAppended(); // into the segment that closes now: the grid gets it below
            long next = log.rotate();
            writeToGrid.run(); // every change in the segments before `next`, and maybe some after
            storage.syncToDisk();
            log.deleteBefore(next);
        } catch (IOException | RuntimeException e) {
            LOG.warn("QStash's journal checkpoint failed; its segments stay for the next one", e);
        }
    }

    @Override
    public void close() throws IOException {
        if (log != null) {
            checkpoint();
            try {
                commit.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            log.close();
        }
    }
}
