package dev.larder.redis.commands.hyperloglog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.larder.redis.commands.CommandHarness;
import dev.larder.redis.commands.strings.StringCommands;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** PFCOUNT, PFADD and PFMERGE on corrupt HLLs; the cases are what HyperLogLogFuzzTest found. */
class HyperLogLogCommandsTest {

    private static final String CORRUPT = "-INVALIDOBJ Corrupted HLL object detected";
    private final CommandHarness redis = new CommandHarness(new HyperLogLogCommands(), new StringCommands());

    private void set(String key, String hex) {
        redis.call("SET".getBytes(), key.getBytes(), HexFormat.of().parseHex(hex));
    }

    /** A sparse HLL (stale cache) whose last opcode is the first byte of an XZERO: read past the array's end. */
    @Test
    void anXzeroCutInHalfIsCorruptNotAnException() {
        String header = "48594c4c" + "01" + "000000" + "0000000000000080";
        set("k", header + "40");
        assertEquals(CORRUPT, redis.call("PFCOUNT", "k"));
        assertEquals(CORRUPT, redis.call("PFCOUNT", "k", "other"));
        assertEquals(CORRUPT, redis.call("PFMERGE", "dest", "k"));
        assertEquals(CORRUPT, redis.call("PFADD", "k", "a"));
        set("k", header + "7f");
        assertEquals(CORRUPT, redis.call("PFCOUNT", "k"));
        set("k", header + "7fff"); // one XZERO over every register: the empty HLL
        assertEquals(":0", redis.call("PFCOUNT", "k"));
        assertEquals(":1", redis.call("PFADD", "k", "a"));
        assertEquals(":1", redis.call("PFCOUNT", "k"));
    }
}
