package dev.larder.storage.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChangeLogTest {

    @TempDir
    Path directory;

    private static ChangeLog.Change put(String key, String value) {
        return new ChangeLog.Change(key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
    }

    private List<ChangeLog.Change> replay() throws IOException {
        List<ChangeLog.Change> seen = new ArrayList<>();
        try (ChangeLog reopened = new ChangeLog(directory)) {
            reopened.replay(seen::add);
        }
        return seen;
    }

    @Test
    void changesComeBackInOrderAcrossSegmentsAndDeletedSegmentsAreGone() throws IOException {
        try (ChangeLog log = new ChangeLog(directory)) {
            log.append(List.of(put("a", "1"), new ChangeLog.Change("b".getBytes(StandardCharsets.UTF_8), null)));
            long second = log.rotate();
            log.append(List.of(put("a", "2")));
            assertEquals(3, replay().size());
            log.deleteBefore(second);
        }
        List<ChangeLog.Change> seen = replay();
        assertEquals(1, seen.size());
        assertArrayEquals("2".getBytes(StandardCharsets.UTF_8), seen.get(0).value());
    }

    @Test
    void aTornLastRecordEndsTheReplayAndKeepsWhatCameBefore() throws IOException {
        try (ChangeLog log = new ChangeLog(directory)) {
            log.append(List.of(put("kept", "v"), put("torn", "a value long enough to cut")));
        }
        Path segment;
        try (Stream<Path> files = Files.list(directory)) {
            segment = files.filter(file -> Files.isRegularFile(file) && file.toFile().length() > 0).findFirst().orElseThrow();
        }
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
            file.setLength(file.length() - 5); // the crash came mid-write
        }
        List<ChangeLog.Change> seen = replay();
        assertEquals(1, seen.size());
        assertArrayEquals("kept".getBytes(StandardCharsets.UTF_8), seen.get(0).key());
    }

    @Test
    void aCorruptRecordIsNotReplayed() throws IOException {
        try (ChangeLog log = new ChangeLog(directory)) {
            log.append(List.of(put("k", "value")));
        }
        Path segment;
        try (Stream<Path> files = Files.list(directory)) {
            segment = files.filter(file -> file.toFile().length() > 0).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(segment);
        bytes[bytes.length - 1] ^= 0x40;
        Files.write(segment, bytes);
        assertEquals(List.of(), replay());
    }
}
