package dev.larder.redis.api.rdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Reading payloads; the cases are what RestoreFuzzTest found. */
class DumpPayloadTest {

    /** A body with RDB version 10 and its CRC-64, as DUMP writes them. */
    static byte[] withChecksum(String hexBody) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(HexFormat.of().parseHex(hexBody));
        out.write(DumpPayload.RDB_VERSION);
        out.write(0);
        byte[] unsigned = out.toByteArray();
        long crc = DumpPayload.crc64(unsigned, unsigned.length);
        for (int i = 0; i < 8; i++) {
            out.write((int) (crc >>> (8 * i)) & 0xff);
        }
        return out.toByteArray();
    }

    @Test
    void anLzfLengthNoInputCouldExpandToIsRefusedBeforeItIsAllocated() throws DumpPayload.BadPayload {
        // a string, LZF: 1 compressed byte said to expand to 2^31 - 9 bytes, which were allocated (OutOfMemoryError)
        byte[] payload = withChecksum("00c301807ffffff700");
        DumpPayload.verify(payload);
        DumpPayload.BadPayload refused = assertThrows(DumpPayload.BadPayload.class, () -> DumpPayload.readString(payload));
        assertEquals("ERR Bad data format", refused.redisError());
        // three compressed bytes stand for 264 at most
        assertThrows(DumpPayload.BadPayload.class, () -> DumpPayload.readString(withChecksum("00c3034109e0ff00")));
    }

    @Test
    void lzfStringsStillRead() throws DumpPayload.BadPayload {
        // a literal "a", then a back reference at distance 1 of 7 + 255 + 2 bytes: 265 a's from 5 bytes
        byte[] payload = withChecksum("00c3054109" + "0061" + "e0ff00");
        DumpPayload.verify(payload);
        assertArrayEquals("a".repeat(265).getBytes(StandardCharsets.US_ASCII), DumpPayload.readString(payload));
    }
}
