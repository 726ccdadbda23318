package dev.larder.redis.commands.hyperloglog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.larder.redis.commands.ByteMutations;
import dev.larder.redis.commands.CommandHarness;
import dev.larder.redis.commands.strings.StringCommands;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Fuzzes PFCOUNT, PFADD and PFMERGE over whatever bytes a string holds (SET): HLLs made by PFADD and then
 * changed, sparse opcode sequences written from scratch, any bytes. Every answer is a count, OK, or one of
 * Redis's two refusals (WRONGTYPE for what is no HLL, INVALIDOBJ for a corrupt one), never an exception;
 * a fresh count is refused exactly when Redis's hllSparseSum finds the registers corrupt; and a key a
 * command wrote is still an HLL.
 */
class HyperLogLogFuzzTest {

    private static final String CORRUPT = "-INVALIDOBJ Corrupted HLL object detected";
    private static final String NOT_HLL = "-WRONGTYPE Key is not a valid HyperLogLog string value.";

    @FuzzTest(maxDuration = "15s")
    void answersACountOrAnErrorForAnyBytes(FuzzedDataProvider data) {
        CommandHarness redis = new CommandHarness(new HyperLogLogCommands(), new StringCommands());
        byte[] stored = switch (data.consumeInt(0, 3)) {
            case 0 -> ByteMutations.mutate(data, made(redis, data), 40);
            case 1 -> sparse(data);
            case 2 -> dense(data);
            default -> {
                byte[] bytes = data.consumeBytes(data.consumeInt(0, 3000));
                if (data.consumeBoolean() && bytes.length >= 5) {
                    System.arraycopy(new byte[] {'H', 'Y', 'L', 'L', (byte) data.consumeInt(0, 2)}, 0, bytes, 0, 5);
                }
                yield bytes;
            }
        };
        redis.call("SET".getBytes(StandardCharsets.US_ASCII), "k".getBytes(StandardCharsets.US_ASCII), stored);
        String expected = expectedCount(stored);
        String counted = redis.call("PFCOUNT", "k");
        if (expected == null) {
            assertTrue(counted.matches(":\\d+"), () -> counted + " for " + HexFormat.of().formatHex(stored));
        } else {
            assertEquals(expected, counted, () -> HexFormat.of().formatHex(stored));
        }
        int operations = data.consumeInt(1, 4);
        for (int i = 0; i < operations; i++) {
            String answer = switch (data.consumeInt(0, 3)) {
                case 0 -> redis.call("PFADD", "k", data.consumeString(8), data.consumeString(8));
                case 1 -> redis.call("PFMERGE", "dest", "k");
                case 2 -> redis.call("PFCOUNT", "k", "dest");
                default -> redis.call("PFCOUNT", data.pickValue(new String[] {"k", "dest"}));
            };
            assertTrue(answer.matches(":\\d+") || answer.equals("+OK") || answer.equals(CORRUPT) || answer.equals(NOT_HLL),
                    () -> answer + " for " + HexFormat.of().formatHex(stored));
            if (!answer.startsWith("-")) {
                for (String key : new String[] {"k", "dest"}) {
                    byte[] now = redis.bulkBytes("GET", key);
                    if (now != null && !java.util.Arrays.equals(now, stored)) {
                        assertNotNull(HyperLogLog.of(now), () -> "a write left " + key + " no HLL: " + HexFormat.of().formatHex(now));
                    }
                }
            }
        }
    }

    /**
     * What Redis answers for PFCOUNT of one key holding these bytes: WRONGTYPE, the cached count, or (when
     * the cache is stale) INVALIDOBJ if hllSparseSum finds the registers corrupt; null for a fresh count.
     */
    static String expectedCount(byte[] stored) {
        if (stored.length < HyperLogLog.HEADER || stored[0] != 'H' || stored[1] != 'Y' || stored[2] != 'L' || stored[3] != 'L'
                || (stored[4] & 0xff) > 1 || stored[4] == 0 && stored.length != HyperLogLog.DENSE_SIZE) {
            return NOT_HLL;
        }
        if ((stored[15] & 0x80) == 0) {
            long card = 0;
            for (int i = 7; i >= 0; i--) {
                card = card << 8 | (stored[8 + i] & 0xff);
            }
            return ":" + card;
        }
        if (stored[4] == 0) {
            return null;
        }
        int index = 0;
        int p = HyperLogLog.HEADER;
        while (p < stored.length) {
            int op = stored[p] & 0xff;
            if ((op & 0xc0) == 0) {
                index += (op & 0x3f) + 1;
                p++;
            } else if ((op & 0xc0) == 0x40) {
                if (p + 1 >= stored.length) {
                    return CORRUPT; // Redis reads the string's terminating NUL as the second byte
                }
                index += ((op & 0x3f) << 8 | (stored[p + 1] & 0xff)) + 1;
                p += 2;
            } else {
                int run = (op & 0x3) + 1;
                if (index + run > HyperLogLog.REGISTERS) {
                    return CORRUPT;
                }
                index += run;
                p++;
            }
        }
        return index == HyperLogLog.REGISTERS ? null : CORRUPT;
    }

    /** An HLL PFADD made: sparse, or dense once enough elements went in. */
    private static byte[] made(CommandHarness redis, FuzzedDataProvider data) {
        int elements = data.consumeBoolean() ? data.consumeInt(0, 20) : data.consumeInt(0, 300);
        String[] argv = new String[2 + elements];
        argv[0] = "PFADD";
        argv[1] = "made";
        for (int i = 0; i < elements; i++) {
            argv[2 + i] = "e" + i;
        }
        redis.call(argv);
        if (data.consumeBoolean()) {
            redis.call("PFCOUNT", "made"); // caches the count
        }
        return redis.bulkBytes("GET", "made");
    }

    /** A dense HLL: its header (cache stale or not) and registers from the fuzzer, the rest zero. */
    private static byte[] dense(FuzzedDataProvider data) {
        byte[] bytes = new byte[HyperLogLog.DENSE_SIZE];
        System.arraycopy(new byte[] {'H', 'Y', 'L', 'L', 0}, 0, bytes, 0, 5);
        bytes[15] = data.consumeBoolean() ? (byte) 0x80 : 0;
        byte[] registers = data.consumeBytes(64);
        System.arraycopy(registers, 0, bytes, data.consumeInt(HyperLogLog.HEADER, bytes.length - registers.length), registers.length);
        return bytes;
    }

    /** A sparse HLL's header (its cache stale or not) and opcodes from the fuzzer, covering the registers or not. */
    private static byte[] sparse(FuzzedDataProvider data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {'H', 'Y', 'L', 'L', 1, 0, 0, 0});
        out.writeBytes(data.consumeBytes(7));
        while (out.size() < 15) {
            out.write(0);
        }
        out.write(data.consumeBoolean() ? 0x80 : data.consumeByte());
        int left = HyperLogLog.REGISTERS;
        int opcodes = data.consumeInt(0, 40);
        for (int i = 0; i < opcodes; i++) {
            switch (data.consumeInt(0, 3)) {
                case 0 -> out.write(data.consumeInt(0, 63)); // ZERO
                case 1 -> { // XZERO, sometimes exactly what is left
                    int run = data.consumeBoolean() && left > 0 ? Math.min(left, 16384) : data.consumeInt(1, 16384);
                    left -= run;
                    out.write(0x40 | (run - 1) >> 8);
                    if (i + 1 < opcodes || data.consumeBoolean()) {
                        out.write((run - 1) & 0xff);
                    }
                }
                case 2 -> out.write(0x80 | data.consumeInt(0, 31) << 2 | data.consumeInt(0, 3)); // VAL
                default -> out.write(data.consumeByte());
            }
        }
        return out.toByteArray();
    }
}
