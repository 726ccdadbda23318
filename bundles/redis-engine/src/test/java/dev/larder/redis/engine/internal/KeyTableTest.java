package dev.larder.redis.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larder.redis.api.Keyspace;
import dev.larder.redis.api.StringValue;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyTableTest {

    private static ByteKey key(String text) {
        return new ByteKey(text.getBytes(StandardCharsets.UTF_8));
    }

    private static Entry entry(String value) {
        return new Entry(new StringValue(value.getBytes(StandardCharsets.UTF_8)), Keyspace.NO_EXPIRY);
    }

    @Test
    void storesReplacesAndRemovesAcrossResizes() {
        KeyTable table = new KeyTable();
        for (int i = 0; i < 10_000; i++) {
            table.put(key("k" + i), entry("v" + i));
        }
        table.put(key("k5"), entry("replaced"));
        assertEquals(10_000, table.size());
        assertEquals("replaced", new String(((StringValue) table.get(key("k5")).value).bytes(), StandardCharsets.UTF_8));
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
        KeyTable table = new KeyTable();
        Set<ByteKey> stable = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            stable.add(key("stable" + i));
            table.put(key("stable" + i), entry("x"));
        }
        Set<ByteKey> seen = new HashSet<>();
        Random random = new Random(7);
        long cursor = 0;
        int step = 0;
        do {
            cursor = table.scan(cursor, (k, e) -> seen.add(k));
            // grow a lot, then shrink, while the iteration goes on
            if (step < 200) {
                for (int i = 0; i < 50; i++) {
                    table.put(key("churn" + step + "-" + i), entry("y"));
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
        KeyTable table = new KeyTable();
        assertNull(table.randomKey(new Random(1)));
        Set<ByteKey> keys = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            keys.add(key("r" + i));
            table.put(key("r" + i), entry("x"));
        }
        Set<ByteKey> drawn = new HashSet<>();
        Random random = new Random(3);
        for (int i = 0; i < 2000; i++) {
            ByteKey drawnKey = table.randomKey(random);
            assertTrue(keys.contains(drawnKey));
            drawn.add(drawnKey);
        }
        assertEquals(keys.size(), drawn.size(), "every key can be drawn");
    }
}
