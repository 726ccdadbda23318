package dev.larder.storage.log;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local change log: what changed since the last write to the storage grid, appended in rounds, so that a
 * write is safe on disk (one sequential write and one fsync for many changes) long before the grid has it on
 * disk. Segment files
 * {@code changes-<n>.log} of records {@code [length][crc32c][key length][key][value length or -1][value]};
 * a torn record at the end (a crash mid-write) ends the replay. Appends, syncs and rotations may come from
 * different threads; an fsync does not hold appends up (writers append while it runs, and the next one takes
 * them all).
 */
public final class ChangeLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("dev.larder.storage");
    private static final String PREFIX = "changes-";
    private static final String SUFFIX = ".log";

    /** One change: the stored key, and the stored value or null for a removal. */
    public record Change(byte[] key, byte[] value) {
    }

    private final Path directory;
    /** Held around an fsync and a rotation, before the lock of appends (this). */
    private final Object syncLock = new Object();
    private long segment;
    private FileChannel channel;
    private boolean unsynced;
    /** Bytes appended since the last rotation: what the next grid write will cover. */
    private volatile long sinceRotation;

    public ChangeLog(Path directory) {
        this.directory = directory;
        try {
            Files.createDirectories(directory);
            segment = segments().stream().mapToLong(Long::longValue).max().orElse(0) + 1;
            channel = open(segment);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the change log in " + directory, e);
        }
    }

    private FileChannel open(long number) throws IOException {
        return FileChannel.open(file(number), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    private Path file(long number) {
        return directory.resolve(PREFIX + number + SUFFIX);
    }

    /** Existing segment numbers, ascending. */
    private List<Long> segments() throws IOException {
        List<Long> numbers = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, PREFIX + "*" + SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                try {
                    numbers.add(Long.parseLong(name.substring(PREFIX.length(), name.length() - SUFFIX.length())));
                } catch (NumberFormatException e) {
                    LOG.warn("Ignoring unexpected file {} in the change log", file);
                }
            }
        }
        numbers.sort(null);
        return numbers;
    }

    /** Appends the changes (one write call); they survive a crash of this process, not yet of the machine. */
    public synchronized void append(List<Change> changes) throws IOException {
        int size = 0;
        for (Change change : changes) {
            size += 16 + change.key().length + (change.value() == null ? 0 : change.value().length);
        }
        ByteBuffer buffer = ByteBuffer.allocate(size);
        CRC32C crc = new CRC32C();
        for (Change change : changes) {
            int start = buffer.position();
            int length = 8 + change.key().length + (change.value() == null ? 0 : change.value().length);
            buffer.putInt(length).putInt(0).putInt(change.key().length).put(change.key());
            if (change.value() == null) {
                buffer.putInt(-1);
            } else {
                buffer.putInt(change.value().length).put(change.value());
            }
            crc.reset();
            crc.update(buffer.array(), start + 8, length);
            buffer.putInt(start + 4, (int) crc.getValue());
        }
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        unsynced = true;
        sinceRotation += size;
    }

    public long bytesSinceRotation() {
        return sinceRotation;
    }

    /** fsync: everything appended before the call survives a crash of the machine. */
    public void sync() throws IOException {
        synchronized (syncLock) {
            FileChannel current;
            synchronized (this) {
                if (!unsynced) {
                    return; // a force that began after the caller's appends has finished
                }
                unsynced = false;
                current = channel;
            }
            current.force(false);
        }
    }

    /** Starts a new segment; returns its number. Everything appended before is in lower-numbered segments. */
    public long rotate() throws IOException {
        synchronized (syncLock) {
            synchronized (this) {
                channel.force(false);
                unsynced = false;
                channel.close();
                segment++;
                channel = open(segment);
                sinceRotation = 0;
                return segment;
            }
        }
    }

    /** Deletes the segments before {@code number}: their changes are in the grid. */
    public synchronized void deleteBefore(long number) throws IOException {
        for (long existing : segments()) {
            if (existing < number) {
                Files.deleteIfExists(file(existing));
            }
        }
    }

    /** Every change in every segment, oldest first; stops at a torn or corrupt record. */
    public long replay(Consumer<Change> visitor) throws IOException {
        return readBefore(segment, visitor);
    }

    /**
     * Every change in the segments numbered below {@code number}, oldest first, read as a stream; a
     * segment's reading stops at a torn or corrupt record.
     */
    public long readBefore(long number, Consumer<Change> visitor) throws IOException {
        long read = 0;
        CRC32C crc = new CRC32C();
        for (long existing : segments()) {
            if (existing >= number) {
                continue;
            }
            Path file = file(existing);
            long size = Files.size(file);
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
                long position = 0;
                while (true) {
                    int length;
                    int stored;
                    try {
                        length = in.readInt();
                        stored = in.readInt();
                    } catch (EOFException end) {
                        break; // the end, or a record torn within its header
                    }
                    byte[] record = length < 8 || length > size - position - 8 ? null : new byte[length];
                    if (record == null || in.readNBytes(record, 0, length) < length) {
                        LOG.warn("Change log {} ends with a torn record at byte {}: read up to there", file, position);
                        break;
                    }
                    crc.reset();
                    crc.update(record);
                    if ((int) crc.getValue() != stored) {
                        LOG.warn("Change log {} has a corrupt record at byte {}: read up to there", file, position);
                        break;
                    }
                    ByteBuffer bytes = ByteBuffer.wrap(record);
                    byte[] key = new byte[bytes.getInt()];
                    bytes.get(key);
                    int valueLength = bytes.getInt();
                    byte[] value = null;
                    if (valueLength >= 0) {
                        value = new byte[valueLength];
                        bytes.get(value);
                    }
                    visitor.accept(new Change(key, value));
                    read++;
                    position += 8 + length;
                }
            }
        }
        return read;
    }

    @Override
    public void close() throws IOException {
        synchronized (syncLock) {
            synchronized (this) {
                channel.force(false);
                channel.close();
            }
        }
    }
}
