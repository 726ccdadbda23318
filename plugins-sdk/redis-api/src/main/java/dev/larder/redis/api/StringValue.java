package dev.larder.redis.api;

import java.nio.charset.StandardCharsets;

/** A Redis string: bytes. Immutable; a change stores a new value. */
public final class StringValue implements RedisValue {

    private final byte[] bytes;

    public StringValue(byte[] bytes) {
        this.bytes = bytes;
    }

    public static StringValue of(long number) {
        return new StringValue(Long.toString(number).getBytes(StandardCharsets.US_ASCII));
    }

    /** The bytes themselves, not a copy: do not change them. */
    public byte[] bytes() {
        return bytes;
    }

    @Override
    public String typeName() {
        return "string";
    }

    @Override
    public String encoding() {
        if (bytes.length <= 20 && Arguments.isLong(bytes)) {
            return "int";
        }
        return bytes.length <= 44 ? "embstr" : "raw";
    }
}
