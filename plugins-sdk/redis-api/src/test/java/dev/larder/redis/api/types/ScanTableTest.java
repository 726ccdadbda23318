package dev.larder.redis.api.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScanTableTest {

    private static Bytes key(String text) {
        return new Bytes(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void storesReplacesAndRemovesAcrossResizes() {
        ScanTable<String> table = new ScanTable<>();
        for (int i = 0; i < 10_000; i++) {
            table.put(key("k" + i), "v" + i);
        }
        table.put(key("k5"), "replaced");
        assertEquals(10_000, table.size());
        assertEquals("replaced", table.get(key("k5")));
        for (int i = 0; i < 9_990; i++) {
            assertNotNull(table.remove(key("k" + i)));
        }
        assertNull(table.remove(key("k0")));
        assertEquals(10, table.size());
        assertNotNull(table.get(key("k9995")));
        assertNull(table.get(key("k1")));
    }

    @Test
    void aFullScanSeesEveryKeyPresentThroughoutWhileTheTableGrowsAndShrinks() {
        ScanTable<String> table = new ScanTable<>();
        Set<Bytes> stable = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            stable.add(key("stable" + i));
            table.put(key("stable" + i), "x");
        }
        Set<Bytes> seen = new HashSet<>();
        Random random = new Random(7);
        long cursor = 0;
        int step = 0;
        do {
            cursor = table.scan(cursor, (k, e) -> seen.add(k));
            // grow a lot, then shrink, while the iteration goes on
            if (step < 200) {
                for (int i = 0; i < 50; i++) {
                    table.put(key("churn" + step + "-" + i), "y");
                }
            } else {
                for (int i = 0; i < 50; i++) {
                    table.remove(key("churn" + random.nextInt(200) + "-" + i));
                }
            }
            step++;
        } while (cursor != 0);
        assertTrue(seen.containsAll(stable), "missing " + stable.stream().filter(k -> !seen.contains(k)).count());
    }

    @Test
    void randomKeyIsAKeyOfTheTable() {
        ScanTable<String> table = new ScanTable<>();
        assertNull(table.randomKey(new Random(1)));
        Set<Bytes> keys = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            keys.add(key("r" + i));
            table.put(key("r" + i), "x");
        }
        Set<Bytes> drawn = new HashSet<>();
        Random random = new Random(3);
        for (int i = 0; i < 2000; i++) {
            Bytes drawnKey = table.randomKey(random);
            assertTrue(keys.contains(drawnKey));
            drawn.add(drawnKey);
        }
        assertEquals(keys.size(), drawn.size(), "every key can be drawn");
    }
}
