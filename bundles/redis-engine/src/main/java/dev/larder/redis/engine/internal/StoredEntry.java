package dev.larder.redis.engine.internal;

import dev.larder.redis.api.StringValue;
import java.nio.ByteBuffer;

/**
 * How a key and its value are laid out in the storage grid. Key: the database's id (four bytes), the
 * logical DB (one byte) and the key's bytes. Value: a type tag, the expiry (Unix ms, -1 for none) and
 * the type's payload.
 */
final class StoredEntry {

    private static final byte STRING = 's';

    private StoredEntry() {
    }

    private static final int KEY_PREFIX = 4 + 1;

    static byte[] storedKey(int tenant, int database, byte[] key) {
        byte[] stored = new byte[KEY_PREFIX + key.length];
        ByteBuffer.wrap(stored).putInt(tenant).put((byte) database);
        System.arraycopy(key, 0, stored, KEY_PREFIX, key.length);
        return stored;
    }

    static int tenant(byte[] storedKey) {
        return ByteBuffer.wrap(storedKey).getInt(0);
    }

    static int database(byte[] storedKey) {
        return storedKey[4] & 0xff;
    }

    static byte[] key(byte[] storedKey) {
        byte[] key = new byte[storedKey.length - KEY_PREFIX];
        System.arraycopy(storedKey, KEY_PREFIX, key, 0, key.length);
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
