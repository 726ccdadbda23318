package dev.larder.redis.commands.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.larder.redis.commands.CommandHarness;
import dev.larder.redis.api.rdb.DumpPayload;
import dev.larder.redis.commands.strings.StringCommands;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class KeyCommandsTest {

    private final CommandHarness redis = new CommandHarness(new KeyCommands(), new StringCommands());

    @Test
    void expiryOptionsAndTimeToLiveAsRedisAnswersThem() {
        assertEquals(":0", redis.call("EXPIRE", "missing", "10"));
        redis.call("SET", "k", "v");
        assertEquals(":-1", redis.call("TTL", "k"));
        assertEquals(":0", redis.call("EXPIRE", "k", "10", "XX"));
        assertEquals(":1", redis.call("EXPIRE", "k", "10", "NX"));
        assertEquals(":0", redis.call("EXPIRE", "k", "5", "GT"));
        assertEquals(":1", redis.call("EXPIRE", "k", "20", "GT"));
        assertEquals(":20", redis.call("TTL", "k"));
        assertEquals(":20000", redis.call("PTTL", "k"));
        redis.advanceMillis(19_500);
        assertEquals(":1", redis.call("TTL", "k"), "TTL rounds up as Redis does");
        redis.advanceMillis(500);
        assertEquals("$nil", redis.call("GET", "k"));
        assertEquals(":-2", redis.call("TTL", "k"));
        assertEquals("-ERR NX and XX, GT or LT options at the same time are not compatible",
                redis.call("EXPIRE", "k", "10", "NX", "XX"));
    }

    @Test
    void renameCopyAndMoveKeepOrRefuseAsRedisDoes() {
        assertEquals("-ERR no such key", redis.call("RENAME", "a", "b"));
        redis.call("SET", "a", "1");
        redis.call("SET", "b", "2");
        assertEquals(":0", redis.call("RENAMENX", "a", "b"));
        assertEquals(":0", redis.call("COPY", "a", "b"));
        assertEquals(":1", redis.call("COPY", "a", "b", "REPLACE"));
        assertEquals("$1", redis.call("GET", "b"));
        assertEquals(":1", redis.call("MOVE", "a", "3"));
        assertEquals(":0", redis.call("EXISTS", "a"));
        assertEquals("-ERR source and destination objects are the same", redis.call("MOVE", "b", "0"));
    }

    @Test
    void crc64IsRedisJonesChecksum() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0xe9c6d914c4b8d9caL, DumpPayload.crc64(check, check.length));
    }

    @Test
    void dumpWritesWhatRedisWritesForShortStringsAndIntegers() {
        redis.call("SET", "s", "hello");
        redis.call("SET", "n", "12345");
        // both taken from redis-server 7.0.15's DUMP of the same values
        assertArrayEquals(HexFormat.of().parseHex("000568656c6c6f0a006372df766534200a"), redis.bulkBytes("DUMP", "s"));
        assertArrayEquals(HexFormat.of().parseHex("00c139300a009d94ea2793fc08b9"), redis.bulkBytes("DUMP", "n"));
        assertEquals("$nil", redis.call("DUMP", "missing"));
    }

    @Test
    void restoreReadsRedisPayloadsIncludingCompressedOnes() {
        // redis-server 7.0.15's DUMP of "abcabcabc" x 10: LZF-compressed
        byte[] compressed = HexFormat.of().parseHex("00c30b405a0361626361e04b020162630a00238036f9e2d0c780");
        assertEquals("+OK", redis.call("RESTORE".getBytes(), "long".getBytes(), "0".getBytes(), compressed));
        assertEquals("$" + "abcabcabc".repeat(10), redis.call("GET", "long"));
        assertEquals("-BUSYKEY Target key name already exists.", redis.call("RESTORE".getBytes(), "long".getBytes(), "0".getBytes(), compressed));
        assertEquals("+OK", redis.call("RESTORE".getBytes(), "long".getBytes(), "5000".getBytes(), compressed, "REPLACE".getBytes()));
        assertEquals(":5000", redis.call("PTTL", "long"));

        byte[] corrupt = compressed.clone();
        corrupt[3] ^= 1;
        assertEquals("-ERR DUMP payload version or checksum are wrong", redis.call("RESTORE".getBytes(), "x".getBytes(), "0".getBytes(), corrupt));
        assertEquals("-ERR Invalid TTL value, must be >= 0", redis.call("RESTORE".getBytes(), "x".getBytes(), "-1".getBytes(), compressed));
        assertEquals("-ERR Invalid FREQ value, must be >= 0 and <= 255",
                redis.call("RESTORE".getBytes(), "x".getBytes(), "0".getBytes(), compressed, "FREQ".getBytes(), "256".getBytes()));
        assertEquals("-ERR syntax error",
                redis.call("RESTORE".getBytes(), "x".getBytes(), "0".getBytes(), compressed, "IDLETIME".getBytes(), "1".getBytes(),
                        "FREQ".getBytes(), "1".getBytes()));
    }

    @Test
    void dumpThenRestoreRoundTripsAnyBytes() {
        byte[] binary = new byte[70_000];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (i * 31);
        }
        redis.call("SET".getBytes(), "bin".getBytes(), binary);
        byte[] payload = redis.bulkBytes("DUMP", "bin");
        assertEquals("+OK", redis.call("RESTORE".getBytes(), "copy".getBytes(), "0".getBytes(), payload));
        assertArrayEquals(binary, redis.bulkBytes("GET", "copy"));
    }
}
