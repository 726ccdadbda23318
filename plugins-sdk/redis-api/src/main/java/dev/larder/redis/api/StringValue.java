package dev.larder.redis.api;

import java.nio.charset.StandardCharsets;

/** A Redis string: bytes. Immutable; a change stores a new value. */
public final class StringValue implements RedisValue {

    /** How Redis would hold the string, which OBJECT ENCODING reports. */
    private enum Form { INTEGER_IF_POSSIBLE, TEXT, RAW }

    private final byte[] bytes;
    private final Form form;

    /** A string from a client's argument: Redis stores integers as "int". */
    public StringValue(byte[] bytes) {
        this(bytes, Form.INTEGER_IF_POSSIBLE);
    }

    private StringValue(byte[] bytes, Form form) {
        this.bytes = bytes;
        this.form = form;
    }

    /** A string built by changing another in place (APPEND, SETRANGE), which Redis keeps "raw". */
    public static StringValue raw(byte[] bytes) {
        return new StringValue(bytes, Form.RAW);
    }

    /** A string Redis creates as text without trying the integer form (INCRBYFLOAT's result). */
    public static StringValue text(byte[] bytes) {
        return new StringValue(bytes, Form.TEXT);
    }

    public static StringValue of(long number) {
        return new StringValue(Long.toString(number).getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Whether the string is only its bytes: made from a client's argument, so {@code new StringValue(bytes())}
     * is the same string (what a store may keep instead of this object).
     */
    public boolean plain() {
        return form == Form.INTEGER_IF_POSSIBLE;
    }

    /** The bytes themselves, not a copy: do not change them. */
    public byte[] bytes() {
        return bytes;
    }

    @Override
    public String typeName() {
        return "string";
    }

    /** As Redis encodes strings: integers as "int", up to 44 bytes "embstr", else (or changed in place) "raw". */
    @Override
    public String encoding() {
        if (form == Form.RAW) {
            return "raw";
        }
        if (form == Form.INTEGER_IF_POSSIBLE && bytes.length <= 20 && Arguments.isLong(bytes)) {
            return "int";
        }
        return bytes.length <= 44 ? "embstr" : "raw";
    }

    /** Redis shares the objects of the integers 0 to 9999: OBJECT REFCOUNT reports them as never freed. */
    public boolean isSharedInteger() {
        if (form != Form.INTEGER_IF_POSSIBLE || bytes.length > 4 || !Arguments.isLong(bytes)) {
            return false;
        }
        return bytes[0] != '-';
    }
}
