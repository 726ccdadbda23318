package dev.larder.redis.commands.bitmaps;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.larder.redis.commands.CommandHarness;
import dev.larder.redis.commands.strings.StringCommands;
import org.junit.jupiter.api.Test;

class BitmapCommandsTest {

    private final CommandHarness redis = new CommandHarness(new BitmapCommands(), new StringCommands());

    @Test
    void bitsAreCountedAndFoundMostSignificantFirst() {
        assertEquals(":0", redis.call("SETBIT", "b", "7", "1"));
        assertEquals(":1", redis.call("GETBIT", "b", "7"));
        assertEquals("$\u0001", redis.call("GET", "b"));
        assertEquals(":1", redis.call("BITCOUNT", "b"));
        assertEquals(":7", redis.call("BITPOS", "b", "1"));
        assertEquals(":0", redis.call("BITPOS", "b", "0"));
        assertEquals("-ERR bit offset is not an integer or out of range", redis.call("SETBIT", "b", "4294967296", "1"));
    }

    @Test
    void bitfieldReadsWritesAndOverflowsAsRedisDocuments() {
        assertEquals("*[:1, :0]", redis.call("BITFIELD", "mykey", "INCRBY", "i5", "100", "1", "GET", "u4", "0"));
        assertEquals("*[:0, :0]", redis.call("BITFIELD", "mystring", "SET", "i8", "#0", "100", "SET", "i8", "#1", "200"));
        assertEquals("*[:100, :-56]", redis.call("BITFIELD", "mystring", "GET", "i8", "#0", "GET", "i8", "#1"));
        // the documented overflow example: u2 at bit 102, incremented by 1 four times
        String[] expectedWrap = {"*[:1, :1]", "*[:2, :2]", "*[:3, :3]", "*[:0, :3]"};
        for (String expected : expectedWrap) {
            assertEquals(expected, redis.call("BITFIELD", "counters", "INCRBY", "u2", "100", "1", "OVERFLOW", "SAT", "INCRBY", "u2", "102", "1"));
        }
        assertEquals("*[$nil]", redis.call("BITFIELD", "counters", "OVERFLOW", "FAIL", "INCRBY", "u2", "102", "1"));
        assertEquals("*[:-128]", redis.call("BITFIELD", "wrap", "OVERFLOW", "WRAP", "INCRBY", "i8", "0", "128"));
        assertEquals("*[:0, :127]", redis.call("BITFIELD", "sat", "OVERFLOW", "SAT", "SET", "i8", "0", "1000", "GET", "i8", "0"));
        assertEquals("-ERR BITFIELD_RO only supports the GET subcommand", redis.call("BITFIELD_RO", "k", "SET", "u8", "0", "1"));
        assertEquals("-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.",
                redis.call("BITFIELD", "k", "GET", "u64", "0"));
        assertEquals("-ERR Invalid OVERFLOW type specified", redis.call("BITFIELD", "k", "OVERFLOW", "MAYBE"));
        assertEquals("*[]", redis.call("BITFIELD", "k"));
    }
}
