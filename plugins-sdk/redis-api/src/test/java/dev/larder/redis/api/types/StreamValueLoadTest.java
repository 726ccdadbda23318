package dev.larder.redis.api.types;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.BufferUnderflowException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Stored stream members of corrupt bytes; the cases are what StreamValueFuzzTest found. */
class StreamValueLoadTest {

    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    private static final String ENTRY_1_0 = "00" + "0000000000000001" + "0000000000000000";

    @Test
    void countsTheBytesCannotHoldAreRefusedNotAllocated() {
        StreamValue stream = new StreamValue();
        // a negative field count was NegativeArraySizeException; a huge one an allocation of gigabytes
        assertThrows(BufferUnderflowException.class, () -> stream.loadMember(hex(ENTRY_1_0), hex("83838383ffff000000")));
        assertThrows(BufferUnderflowException.class, () -> stream.loadMember(hex(ENTRY_1_0), hex("7fffffff")));
        assertThrows(BufferUnderflowException.class, () -> stream.loadMember(hex(ENTRY_1_0), hex("00000001" + "7ffffff0" + "61")));
        // a pending member whose group name length is larger than the member
        assertThrows(BufferUnderflowException.class, () -> stream.loadMember(hex("03" + "7fffffff" + "67"), null));
        stream.loadMember(hex(ENTRY_1_0), hex("00000002" + "00000001" + "66" + "00000000"));
        assertArrayEquals(new byte[][] {{'f'}, {}}, stream.entries().get(new StreamId(1, 0)));
    }
}
