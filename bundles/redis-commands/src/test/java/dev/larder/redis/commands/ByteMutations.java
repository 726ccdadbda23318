package dev.larder.redis.commands;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.util.Arrays;

/** The fuzz targets' mutations of a valid value: one to four bytes set, flipped, cut or inserted. */
public final class ByteMutations {

    private ByteMutations() {
    }

    /**
     * @param head when above 0, half of the changes fall in the first {@code head} bytes (where a format's
     *             header and opcodes are); 0 spreads them over the whole value
     */
    public static byte[] mutate(FuzzedDataProvider data, byte[] bytes, int head) {
        int changes = data.consumeInt(1, 4);
        for (int c = 0; c < changes && bytes.length > 0; c++) {
            int at = head == 0 || data.consumeBoolean() ? data.consumeInt(0, bytes.length - 1)
                    : data.consumeInt(0, Math.min(bytes.length, head) - 1);
            switch (data.consumeInt(0, 3)) {
                case 0 -> bytes[at] = data.consumeByte();
                case 1 -> bytes[at] ^= (byte) (1 << data.consumeInt(0, 7));
                case 2 -> bytes = Arrays.copyOf(bytes, at);
                default -> {
                    byte[] longer = new byte[bytes.length + 1];
                    System.arraycopy(bytes, 0, longer, 0, at);
                    longer[at] = data.consumeByte();
                    System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
                    bytes = longer;
                }
            }
        }
        return bytes;
    }
}
