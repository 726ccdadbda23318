package dev.larder.redis.commands.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.larder.redis.api.rdb.DumpPayload;
import dev.larder.redis.commands.ByteMutations;
import dev.larder.redis.commands.CommandHarness;
import dev.larder.redis.commands.strings.StringCommands;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Set;

/**
 * Fuzzes RESTORE with payloads DUMP made and then changed (with the checksum recomputed, so the body is
 * read, or not), payloads written from RDB's string encodings (LZF included) with any lengths, and any
 * bytes. Every payload is either restored, to a key that DUMPs back to a payload that restores to the
 * same value, or refused with one of Redis's two errors, leaving the key as it was; in bounded time, and
 * within the test JVM's small heap (a length is never trusted for an allocation).
 */
class RestoreFuzzTest {

    private static final Set<String> REFUSALS = Set.of("-ERR DUMP payload version or checksum are wrong", "-ERR Bad data format");
    private static final byte[] KEY = "k".getBytes(StandardCharsets.US_ASCII);
    private static final long MAX_NANOS = 2_000_000_000L;

    @FuzzTest(maxDuration = "15s")
    void restoresOrRefusesAnyPayload(FuzzedDataProvider data) {
        CommandHarness redis = new CommandHarness(new KeyCommands(), new StringCommands());
        byte[] payload = switch (data.consumeInt(0, 3)) {
            case 0 -> withChecksum(ByteMutations.mutate(data, body(dumped(redis, data)), 0));
            case 1 -> ByteMutations.mutate(data, dumped(redis, data), 0);
            case 2 -> withChecksum(encoded(data));
            default -> data.consumeRemainingAsBytes();
        };
        redis.call("SET", "k", "before");
        long start = System.nanoTime();
        String answer = redis.call("RESTORE".getBytes(StandardCharsets.US_ASCII), KEY, "0".getBytes(StandardCharsets.US_ASCII), payload,
                "REPLACE".getBytes(StandardCharsets.US_ASCII));
        long took = System.nanoTime() - start;
        assertTrue(took < MAX_NANOS, () -> "took " + took / 1_000_000 + " ms for " + HexFormat.of().formatHex(payload));
        if (REFUSALS.contains(answer)) {
            assertEquals("$before", redis.call("GET", "k"), "a refused payload leaves the key alone");
            return;
        }
        assertEquals("+OK", answer, () -> "payload " + HexFormat.of().formatHex(payload));
        byte[] restored = redis.bulkBytes("GET", "k");
        byte[] again = redis.bulkBytes("DUMP", "k");
        assertEquals("+OK", redis.call("RESTORE".getBytes(StandardCharsets.US_ASCII), "copy".getBytes(StandardCharsets.US_ASCII),
                "0".getBytes(StandardCharsets.US_ASCII), again));
        assertArrayEquals(restored, redis.bulkBytes("GET", "copy"), () -> "payload " + HexFormat.of().formatHex(payload));
    }

    /** DUMP of a string SET made: short, integer-like, long, repetitive (which Redis would compress). */
    private static byte[] dumped(CommandHarness redis, FuzzedDataProvider data) {
        byte[] value = switch (data.consumeInt(0, 3)) {
            case 0 -> Long.toString(data.consumeLong()).getBytes(StandardCharsets.US_ASCII);
            case 1 -> data.pickValue(new String[] {"", "0", "-0", "00", "127", "128", "-32768", "2147483648", "12345678901"})
                    .getBytes(StandardCharsets.US_ASCII);
            case 2 -> "ab".repeat(data.consumeInt(0, 20_000)).getBytes(StandardCharsets.US_ASCII);
            default -> data.consumeBytes(data.consumeInt(0, 100));
        };
        redis.call("SET".getBytes(StandardCharsets.US_ASCII), "v".getBytes(StandardCharsets.US_ASCII), value);
        return redis.bulkBytes("DUMP", "v");
    }

    /** The payload without its version and checksum. */
    private static byte[] body(byte[] payload) {
        return java.util.Arrays.copyOf(payload, payload.length - 10);
    }

    /** A body with RDB version 10 and its CRC-64, as DUMP writes them. */
    static byte[] withChecksum(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(body);
        out.write(DumpPayload.RDB_VERSION);
        out.write(0);
        byte[] unsigned = out.toByteArray();
        long crc = DumpPayload.crc64(unsigned, unsigned.length);
        for (int i = 0; i < 8; i++) {
            out.write((int) (crc >>> (8 * i)) & 0xff);
        }
        return out.toByteArray();
    }

    /** A type byte (a string's 0 mostly) and RDB string encodings with any lengths: plain, integers, LZF. */
    private static byte[] encoded(FuzzedDataProvider data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(data.consumeBoolean() ? 0 : data.consumeInt(0, 255));
        switch (data.consumeInt(0, 2)) {
            case 0 -> {
                length(out, data);
                out.writeBytes(data.consumeBytes(data.consumeInt(0, 64)));
            }
            case 1 -> {
                out.write(0xC0 | data.consumeInt(0, 4));
                out.writeBytes(data.consumeBytes(4));
            }
            default -> {
                out.write(0xC3);
                length(out, data); // compressed length
                length(out, data); // original length
                out.writeBytes(data.consumeBytes(data.consumeInt(0, 64)));
            }
        }
        if (data.consumeBoolean()) {
            out.writeBytes(data.consumeBytes(3)); // trailing bytes
        }
        return out.toByteArray();
    }

    /** An RDB length in one of its four encodings, small or huge. */
    private static void length(ByteArrayOutputStream out, FuzzedDataProvider data) {
        long length = data.consumeBoolean() ? data.consumeInt(0, 80) : data.consumeLong(0, Long.MAX_VALUE);
        switch (data.consumeInt(0, 3)) {
            case 0 -> out.write((int) (length & 0x3f));
            case 1 -> {
                out.write(0x40 | (int) (length >> 8 & 0x3f));
                out.write((int) length & 0xff);
            }
            case 2 -> {
                out.write(0x80);
                for (int i = 3; i >= 0; i--) {
                    out.write((int) (length >> (8 * i)) & 0xff);
                }
            }
            default -> {
                out.write(0x81);
                for (int i = 7; i >= 0; i--) {
                    out.write((int) (length >> (8 * i)) & 0xff);
                }
            }
        }
    }
}
