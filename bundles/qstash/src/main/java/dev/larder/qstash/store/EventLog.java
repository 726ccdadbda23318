package dev.larder.qstash.store;

import dev.larder.storage.KeyValueTable;
import dev.larder.storage.StorageNode;
import dev.larder.storage.WriteBatch;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;

/**
 * Each database's log of events ({@code GET /v2/logs}), in the grid as chunks: the events one flush wrote for a
 * database, up to {@value #CHUNK} in one record (a grid entry per event cost more CPU than the delivery it logs).
 * A chunk's key is the database, its newest event's time (what retention drops it by), its first event's
 * sequence and its count. Events are not waited for: one lost in a crash loses no message.
 */
final class EventLog {

    private static final int CHUNK = 256;

    /** An event and its place in the log (cursors name it: time and sequence). */
    record Logged(long sequence, Event event) {
    }

    private final KeyValueTable chunks;
    private final AtomicLong sequence = new AtomicLong(System.nanoTime());
    private final ConcurrentLinkedQueue<Logged> pending = new ConcurrentLinkedQueue<>();

    EventLog(KeyValueTable chunks) {
        this.chunks = chunks;
    }

    void log(Event event) {
        pending.add(new Logged(sequence.incrementAndGet(), event));
    }

    /** Writes the events logged since the last call to the grid, in one batch. */
    synchronized void flush() {
        Map<Integer, List<Logged>> byDatabase = new LinkedHashMap<>();
        Logged logged;
        int count = 0;
        while (count < 100_000 && (logged = pending.poll()) != null) {
            byDatabase.computeIfAbsent(logged.event().database(), database -> new ArrayList<>()).add(logged);
            count++;
        }
        if (count == 0) {
            return;
        }
        WriteBatch batch = new WriteBatch();
        byDatabase.forEach((database, events) -> {
            int slot = Math.floorMod(database * 0x9E3779B9, StorageNode.SLOTS);
            for (int from = 0; from < events.size(); from += CHUNK) {
                List<Logged> chunk = events.subList(from, Math.min(events.size(), from + CHUNK));
                long newest = chunk.stream().mapToLong(each -> each.event().time()).max().orElseThrow();
                byte[] key = ByteBuffer.allocate(24).putInt(database).putLong(newest).putLong(chunk.get(0).sequence()).putInt(chunk.size()).array();
                batch.put(slot, key, packed(chunk.toArray(Logged[]::new)));
            }
        });
        chunks.write(batch).toCompletableFuture().join();
    }

    /**
     * A chunk as stored: its events' JSON, deflated. A chunk's events repeat their URLs, ids and field names, so
     * about a sixth of the bytes go through the grid's pages, its WAL and its checkpoints (256 events: 51 KB of
     * JSON, 7.9 KB deflated).
     */
    private static byte[] packed(Logged[] events) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try (DeflaterOutputStream out = new DeflaterOutputStream(bytes, deflater)) {
            out.write(MessageStore.encode(events));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deflater.end();
        }
        return bytes.toByteArray();
    }

    /** A stored chunk's events: deflated, or plain JSON as chunks were stored before. */
    private static Logged[] unpacked(byte[] value) {
        if (value.length > 0 && value[0] == '[') {
            return MessageStore.decode(value, Logged[].class);
        }
        try (InflaterInputStream in = new InflaterInputStream(new ByteArrayInputStream(value))) {
            return MessageStore.decode(in.readAllBytes(), Logged[].class);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable chunk of events", e);
        }
    }

    /**
     * A database's events that {@code matching} takes, newest first, at most {@code limit}, after the one the
     * cursor names (null: from the newest); the cursor is the last event's time and sequence.
     */
    MessageStore.Page<Event> eventsOf(int database, Predicate<Event> matching, int limit, String cursor) {
        flush();
        long[] after = cursor == null ? null : MessageStore.cursorParts(cursor);
        List<Logged> found = new ArrayList<>();
        chunks.scanLocal((slot, key, value) -> {
            if (ByteBuffer.wrap(key).getInt() != database) {
                return;
            }
            for (Logged logged : unpacked(value)) {
                long time = logged.event().time();
                boolean past = after == null || time < after[0] || time == after[0] && logged.sequence() < after[1];
                if (past && matching.test(logged.event())) {
                    found.add(logged);
                }
            }
        });
        found.sort(Comparator.comparingLong((Logged logged) -> logged.event().time()).thenComparingLong(Logged::sequence).reversed());
        if (found.size() <= limit) {
            return new MessageStore.Page<>(found.stream().map(Logged::event).toList(), null);
        }
        Logged last = found.get(limit - 1);
        return new MessageStore.Page<>(found.subList(0, limit).stream().map(Logged::event).toList(), last.event().time() + "-" + last.sequence());
    }

    /** Drops the chunks whose every event is older than {@code before} (Unix ms); how many events. */
    int prune(long before) {
        WriteBatch batch = new WriteBatch();
        int[] count = {0};
        chunks.scanLocal((slot, key, value) -> {
            ByteBuffer parts = ByteBuffer.wrap(key);
            if (parts.getLong(4) < before) {
                batch.remove(slot, key);
                count[0] += parts.getInt(20);
            }
        });
        if (count[0] > 0) {
            chunks.write(batch).toCompletableFuture().join();
        }
        return count[0];
    }
}
