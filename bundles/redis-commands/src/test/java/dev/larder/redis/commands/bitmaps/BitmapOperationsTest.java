package dev.larder.redis.commands.bitmaps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.larder.redis.commands.CommandHarness;
import dev.larder.redis.commands.sets.SetCommands;
import dev.larder.redis.commands.strings.StringCommands;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** BITOP's Redis 8.2 operations: DIFF, DIFF1, ANDOR and ONE, beside the old four. */
class BitmapOperationsTest {

    private final CommandHarness redis = new CommandHarness(new BitmapCommands(), new StringCommands(), new SetCommands());

    @BeforeEach
    void keys() {
        set("a", 0xF0, 0xAA);
        set("b", 0xCC);
        set("c", 0xA0, 0x0F, 0xFF);
    }

    private void set(String key, int... bytes) {
        byte[] value = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            value[i] = (byte) bytes[i];
        }
        assertEquals("+OK", redis.call("SET".getBytes(StandardCharsets.UTF_8), key.getBytes(StandardCharsets.UTF_8), value));
    }

    private void assertBytes(String key, int... expected) {
        byte[] bytes = new byte[expected.length];
        for (int i = 0; i < expected.length; i++) {
            bytes[i] = (byte) expected[i];
        }
        assertArrayEquals(bytes, redis.bulkBytes("GET", key));
    }

    @Test
    void diffKeepsTheFirstKeysBitsThatNoOtherKeyHas() {
        assertEquals(":3", redis.call("BITOP", "DIFF", "d", "a", "b", "c"));
        assertBytes("d", 0x10, 0xA0, 0x00);
    }

    @Test
    void diff1KeepsTheOtherKeysBitsThatTheFirstLacks() {
        assertEquals(":3", redis.call("BITOP", "diff1", "d", "a", "b", "c"));
        assertBytes("d", 0x0C, 0x05, 0xFF);
    }

    @Test
    void andorKeepsTheFirstKeysBitsThatSomeOtherKeyHas() {
        assertEquals(":3", redis.call("BITOP", "AndOr", "d", "a", "b", "c"));
        assertBytes("d", 0xE0, 0x0A, 0x00);
    }

    @Test
    void oneKeepsTheBitsSetInExactlyOneKey() {
        assertEquals(":3", redis.call("BITOP", "ONE", "d", "a", "b", "c"));
        assertBytes("d", 0x1C, 0xA5, 0xFF);
        assertEquals(":2", redis.call("BITOP", "ONE", "single", "a"));
        assertBytes("single", 0xF0, 0xAA);
    }

    @Test
    void missingKeysCountAsZerosAndAnEmptyResultRemovesTheDestination() {
        assertEquals(":2", redis.call("BITOP", "DIFF", "d", "a", "missing"));
        assertBytes("d", 0xF0, 0xAA);
        assertEquals(":2", redis.call("BITOP", "DIFF1", "d", "a", "missing"));
        assertBytes("d", 0x00, 0x00);
        assertEquals(":0", redis.call("BITOP", "ANDOR", "d", "missing", "other"));
        assertEquals("$nil", redis.call("GET", "d"));
    }

    @Test
    void diffDiff1AndAndorNeedTwoSourceKeys() {
        assertEquals("-ERR BITOP DIFF must be called with at least two source keys.", redis.call("BITOP", "diff", "d", "a"));
        assertEquals("-ERR BITOP DIFF1 must be called with at least two source keys.", redis.call("BITOP", "DIFF1", "d", "a"));
        assertEquals("-ERR BITOP ANDOR must be called with at least two source keys.", redis.call("BITOP", "andor", "d", "a"));
        assertEquals("-ERR BITOP NOT must be called with a single source key.", redis.call("BITOP", "NOT", "d", "a", "b"));
        assertEquals("-ERR syntax error", redis.call("BITOP", "NAND", "d", "a", "b"));
        assertEquals("-ERR wrong number of arguments for 'bitop' command", redis.call("BITOP", "ONE", "d"));
        assertEquals("$nil", redis.call("GET", "d"));
    }

    @Test
    void theOldOperationsAreUnchanged() {
        assertEquals(":3", redis.call("BITOP", "AND", "d", "a", "c"));
        assertBytes("d", 0xA0, 0x0A, 0x00);
        assertEquals(":3", redis.call("BITOP", "OR", "d", "a", "b", "c"));
        assertBytes("d", 0xFC, 0xAF, 0xFF);
        assertEquals(":3", redis.call("BITOP", "XOR", "d", "a", "b", "c"));
        assertBytes("d", 0x9C, 0xA5, 0xFF);
        assertEquals(":2", redis.call("BITOP", "NOT", "d", "a"));
        assertBytes("d", 0x0F, 0x55);
    }

    @Test
    void aSourceOfAnotherTypeIsRefused() {
        assertEquals(":1", redis.call("SADD", "set", "x"));
        assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value", redis.call("BITOP", "ONE", "d", "a", "set"));
    }
}
