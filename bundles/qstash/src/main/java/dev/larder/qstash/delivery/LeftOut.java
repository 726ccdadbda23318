package dev.larder.qstash.delivery;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The messages this node left out of memory (they wait only in the grid), as compact entries in a local file: the
 * place that had no room (the timeline, a queue, a flow-control key), the message's id and its times. Taking them
 * back reads this file, not the grid, so it costs what is left out, not what is stored. Only a cache of what the
 * grid holds: empty at start, when the scheduling of the stored messages fills it again.
 */
final class LeftOut implements AutoCloseable {

    enum Place { TIMELINE, QUEUE, FLOW }

    /**
     * @param key a queue's or a flow-control key's {@code database/name}; "" for the timeline
     * @param at  when the message is due; {@code createdAt} and {@code sequence} give a queue's order
     */
    record Entry(Place place, String key, String messageId, long at, long createdAt, long sequence) {
    }

    private final Path appending;
    private final Path scanning;
    private DataOutputStream out;
    private final Map<String, Integer> counts = new HashMap<>();
    private long earliestOnTimeline = Long.MAX_VALUE;

    /** @param directory where its file goes (deleted first; null: the temp directory) */
    LeftOut(Path directory) throws IOException {
        Path where = directory != null ? directory : Path.of(System.getProperty("java.io.tmpdir"));
        Files.createDirectories(where);
        String name = directory != null ? "qstash-left-out" : "qstash-left-out-" + ProcessHandle.current().pid();
        appending = where.resolve(name);
        scanning = where.resolve(name + ".scanning");
        Files.deleteIfExists(scanning);
        out = open(appending, false);
    }

    private static DataOutputStream open(Path file, boolean append) throws IOException {
        return new DataOutputStream(new BufferedOutputStream(append
                ? Files.newOutputStream(file, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND)
                : Files.newOutputStream(file), 1 << 16));
    }

    private static String countKey(Place place, String key) {
        return place.ordinal() + key;
    }

    synchronized void add(Entry entry) {
        try {
            write(out, entry);
        } catch (IOException e) {
            throw new UncheckedIOException("QStash could not note a message left out of memory", e);
        }
        counts.merge(countKey(entry.place(), entry.key()), 1, Integer::sum);
        if (entry.place() == Place.TIMELINE) {
            earliestOnTimeline = Math.min(earliestOnTimeline, entry.at());
        }
    }

    /** How many of a place's messages are left out. */
    synchronized int count(Place place, String key) {
        return counts.getOrDefault(countKey(place, key), 0);
    }

    /** When the earliest message the timeline left out is due (Long.MAX_VALUE: none is left out). */
    synchronized long earliestOnTimeline() {
        return count(Place.TIMELINE, "") == 0 ? Long.MAX_VALUE : earliestOnTimeline;
    }

    /**
     * Takes entries back: {@code offer} sees every entry left out so far, then {@code chooser} says which of them
     * to take (by place and id); those leave the file and are handed to {@code taken}, the rest stay. Entries added
     * meanwhile stay for the next time.
     */
    void takeBack(Consumer<Entry> offer, java.util.function.Supplier<Set<String>> chooser, Consumer<Entry> taken) throws IOException {
        synchronized (this) {
            out.close();
            Files.move(appending, scanning, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            out = open(appending, false);
        }
        read(scanning, offer);
        Set<String> chosen = chooser.get();
        long[] earliest = {Long.MAX_VALUE};
        Path kept = appending.resolveSibling(appending.getFileName() + ".kept");
        try (DataOutputStream keeping = open(kept, false)) {
            read(scanning, entry -> {
                if (chosen.contains(chosenKey(entry))) {
                    synchronized (this) {
                        counts.merge(countKey(entry.place(), entry.key()), -1, (a, b) -> a + b == 0 ? null : a + b);
                    }
                    taken.accept(entry);
                } else {
                    keep(keeping, entry, earliest);
                }
            });
        }
        synchronized (this) {
            out.close();
            // what was added while this ran goes after what was kept
            try (DataOutputStream joined = open(kept, true)) {
                read(appending, entry -> keep(joined, entry, earliest));
            }
            Files.move(kept, appending, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            out = open(appending, true);
            earliestOnTimeline = earliest[0];
            Files.deleteIfExists(scanning);
        }
    }

    /** Writes an entry that stays, noting the earliest due time of the timeline's. */
    private static void keep(DataOutputStream out, Entry entry, long[] earliest) {
        try {
            write(out, entry);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (entry.place() == Place.TIMELINE) {
            earliest[0] = Math.min(earliest[0], entry.at());
        }
    }

    /** The key {@code chosen} names an entry by. */
    static String chosenKey(Entry entry) {
        return chosenKey(entry.place(), entry.messageId());
    }

    /** The key {@code chosen} names a place's message by. */
    static String chosenKey(Place place, String messageId) {
        return place.ordinal() + messageId;
    }

    private static void write(DataOutputStream out, Entry entry) throws IOException {
        out.writeByte(entry.place().ordinal());
        out.writeUTF(entry.key());
        out.writeUTF(entry.messageId());
        out.writeLong(entry.at());
        out.writeLong(entry.createdAt());
        out.writeLong(entry.sequence());
    }

    private static void read(Path file, Consumer<Entry> visitor) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            Place[] places = Place.values();
            while (true) {
                int place;
                try {
                    place = in.readByte();
                } catch (EOFException end) {
                    return;
                }
                visitor.accept(new Entry(places[place], in.readUTF(), in.readUTF(), in.readLong(), in.readLong(), in.readLong()));
            }
        }
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
        Files.deleteIfExists(appending);
        Files.deleteIfExists(scanning);
    }
}
