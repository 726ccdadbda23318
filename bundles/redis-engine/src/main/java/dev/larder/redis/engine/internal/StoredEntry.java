package dev.larder.redis.engine.internal;

import dev.larder.redis.api.StringValue;
import java.nio.ByteBuffer;

/**
 * How a key and its value are laid out in the storage grid. Key: the logical database (one byte) and
 * the key's bytes. Value: a type tag, the expiry (Unix ms, -1 for none) and the type's payload.
 */
final class StoredEntry {

    private static final byte STRING = 's';

    private StoredEntry() {
    }

    static byte[] storedKey(int database, byte[] key) {
        byte[] stored = new byte[key.length + 1];
        stored[0] = (byte) database;
        System.arraycopy(key, 0, stored, 1, key.length);
        return stored;
    }

    static int database(byte[] storedKey) {
        return storedKey[0] & 0xff;
    }

    static byte[] key(byte[] storedKey) {
        byte[] key = new byte[storedKey.length - 1];
        System.arraycopy(storedKey, 1, key, 0, key.length);
        return key;
    }

    static byte[] storedValue(Entry entry) {
        if (!(entry.value instanceof StringValue string)) {
            throw new IllegalStateException("no storage encoding for type " + entry.value.typeName());
        }
        byte[] payload = string.bytes();
        return ByteBuffer.allocate(1 + 8 + payload.length).put(STRING).putLong(entry.expireAt).put(payload).array();
    }

    static Entry entry(byte[] stored) {
        ByteBuffer buffer = ByteBuffer.wrap(stored);
        byte type = buffer.get();
        long expireAt = buffer.getLong();
        if (type != STRING) {
            throw new IllegalStateException("unknown stored type tag " + type);
        }
        byte[] payload = new byte[buffer.remaining()];
        buffer.get(payload);
        return new Entry(new StringValue(payload), expireAt);
    }
}
