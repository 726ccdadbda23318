package dev.larder.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SizesTest {

    @Test
    void bytesUseBinaryUnits() {
        assertEquals("0 B", Sizes.bytes(0));
        assertEquals("1023 B", Sizes.bytes(1023));
        assertEquals("1.0 KiB", Sizes.bytes(1024));
        assertEquals("128.0 MiB", Sizes.bytes(128L * 1024 * 1024));
        assertEquals("1.5 GiB", Sizes.bytes(3L * 512 * 1024 * 1024));
    }

    @Test
    void durationsShowTheTwoLargestUnits() {
        assertEquals("59s", Sizes.duration(Duration.ofSeconds(59)));
        assertEquals("1m 1s", Sizes.duration(Duration.ofSeconds(61)));
        assertEquals("2h 5m", Sizes.duration(Duration.ofMinutes(125)));
        assertEquals("3d 4h", Sizes.duration(Duration.ofHours(76)));
    }
}
