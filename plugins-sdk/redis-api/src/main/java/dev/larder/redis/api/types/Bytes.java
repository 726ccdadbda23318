package dev.larder.redis.api.types;

import java.util.Arrays;

/** Bytes as a map key: compared by content (unsigned, as Redis compares strings), hash computed once. */
public final class Bytes implements Comparable<Bytes> {

    private final byte[] bytes;
    private final int hash;

    public Bytes(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    /** Bytes whose hash is known ({@link ScanTable} keeps it beside the bytes). */
    Bytes(byte[] bytes, int hash) {
        this.bytes = bytes;
        this.hash = hash;
    }

    /** The bytes themselves, not a copy: do not change them. */
    public byte[] bytes() {
        return bytes;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Bytes that && hash == that.hash && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(Bytes other) {
        return Arrays.compareUnsigned(bytes, other.bytes);
    }

    @Override
    public String toString() {
        return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }
}
