package dev.larder.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class OpenFilesTest {

    @Test
    void readsTheSoftLimitOfOpenFiles() {
        List<String> limits = List.of(
                "Limit                     Soft Limit           Hard Limit           Units     ",
                "Max processes             95000                95000                processes ",
                "Max open files            20000                1048576              files     ",
                "Max locked memory         8388608              8388608              bytes     ");
        assertEquals(OptionalLong.of(20000), OpenFiles.parseLimit(limits));
        assertEquals(OptionalLong.empty(), OpenFiles.parseLimit(List.of("Max open files            unlimited            unlimited            files")));
        assertEquals(OptionalLong.empty(), OpenFiles.parseLimit(List.of()));
    }

    @Test
    void aListenerKeepsToAQuarterOfTheLimit() {
        assertEquals(262_144, OpenFiles.connectionsPerListener(OptionalLong.of(1_048_576)));
        assertEquals(5000, OpenFiles.connectionsPerListener(OptionalLong.of(20000)));
        assertEquals(1, OpenFiles.connectionsPerListener(OptionalLong.of(3)));
        assertEquals(Long.MAX_VALUE, OpenFiles.connectionsPerListener(OptionalLong.empty()));
    }

    @Test
    void thisProcessHasALimitOnLinux() {
        if (System.getProperty("os.name").equals("Linux")) {
            assertTrue(OpenFiles.limit().orElseThrow() > 0);
        }
    }
}
