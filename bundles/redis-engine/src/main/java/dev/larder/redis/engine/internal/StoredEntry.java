package dev.larder.redis.engine.internal;

import dev.larder.redis.api.StringValue;
import dev.larder.redis.api.types.CollectionValue;
import java.nio.ByteBuffer;

/**
 * How keys and values are laid out in the storage grid and the change log.
 *
 * <p>A key's entry: the database's id (four bytes), the logical DB (one byte) and the key's bytes; its
 * value is a type tag and the expiry (Unix ms, -1 for none), then for a string its bytes, for a
 * collection its version and {@link CollectionValue#metadata}.
 *
 * <p>A collection member's entry (the Apache Kvrocks layout): the database's id, the logical DB with its
 * top bit set, the key's length and bytes, the collection's version and the member's bytes; its value is
 * what the collection stores for the member. A member whose version is not its key's current one is left
 * over from an earlier incarnation of the key: it is ignored, and removed when found.
 */
final class StoredEntry {

    private static final byte STRING = 's';
    private static final int KEY_PREFIX = 4 + 1;
    private static final int MEMBER_FLAG = 0x80;

    private StoredEntry() {
    }

    static byte[] storedKey(int tenant, int database, byte[] key) {
        byte[] stored = new byte[KEY_PREFIX + key.length];
        ByteBuffer.wrap(stored).putInt(tenant).put((byte) database);
        System.arraycopy(key, 0, stored, KEY_PREFIX, key.length);
        return stored;
    }

    static byte[] memberKey(int tenant, int database, byte[] key, long version, byte[] member) {
        return ByteBuffer.allocate(KEY_PREFIX + 4 + key.length + 8 + member.length).putInt(tenant)
                .put((byte) (database | MEMBER_FLAG)).putInt(key.length).put(key).putLong(version).put(member).array();
    }

    static int tenant(byte[] storedKey) {
        return ByteBuffer.wrap(storedKey).getInt(0);
    }

    static int database(byte[] storedKey) {
        return storedKey[4] & ~MEMBER_FLAG & 0xff;
    }

    static boolean isMember(byte[] storedKey) {
        return (storedKey[4] & MEMBER_FLAG) != 0;
    }

    /** The Redis key of a key's or a member's entry. */
    static byte[] key(byte[] storedKey) {
        if (isMember(storedKey)) {
            byte[] key = new byte[ByteBuffer.wrap(storedKey).getInt(KEY_PREFIX)];
            System.arraycopy(storedKey, KEY_PREFIX + 4, key, 0, key.length);
            return key;
        }
        byte[] key = new byte[storedKey.length - KEY_PREFIX];
        System.arraycopy(storedKey, KEY_PREFIX, key, 0, key.length);
        return key;
    }

    /** The hash slot of a key's or a member's entry: a collection's members live with its key. */
    static int slot(byte[] storedKey) {
        return Slots.slot(key(storedKey));
    }

    static long memberVersion(byte[] memberKey) {
        int keyLength = ByteBuffer.wrap(memberKey).getInt(KEY_PREFIX);
        return ByteBuffer.wrap(memberKey).getLong(KEY_PREFIX + 4 + keyLength);
    }

    static byte[] member(byte[] memberKey) {
        int offset = KEY_PREFIX + 4 + ByteBuffer.wrap(memberKey).getInt(KEY_PREFIX) + 8;
        byte[] member = new byte[memberKey.length - offset];
        System.arraycopy(memberKey, offset, member, 0, member.length);
        return member;
    }

    static byte[] storedValue(Entry entry) {
        if (entry.value() instanceof StringValue string) {
            byte[] payload = string.bytes();
            return ByteBuffer.allocate(1 + 8 + payload.length).put(STRING).putLong(entry.expireAt).put(payload).array();
        }
        if (entry.collection() instanceof CollectionValue collection) {
            byte[] metadata = collection.metadata();
            return ByteBuffer.allocate(1 + 8 + 8 + metadata.length).put(collection.typeTag()).putLong(entry.expireAt)
                    .putLong(collection.version()).put(metadata).array();
        }
        throw new IllegalStateException("no storage encoding for type " + entry.value().typeName());
    }

    /** A key's entry from its stored value; a collection comes back empty, under its stored version. */
    static Entry entry(byte[] stored) {
        ByteBuffer buffer = ByteBuffer.wrap(stored);
        byte type = buffer.get();
        long expireAt = buffer.getLong();
        if (type == STRING) {
            byte[] payload = new byte[buffer.remaining()];
            buffer.get(payload);
            return new Entry(new StringValue(payload), expireAt);
        }
        long version = buffer.getLong();
        byte[] metadata = new byte[buffer.remaining()];
        buffer.get(metadata);
        CollectionValue collection = CollectionValue.forStorage(type, metadata);
        collection.attachLoaded(version);
        return new Entry(collection, expireAt);
    }

    /** The collection metadata in a stored value, for a replayed change to a collection already loaded. */
    static byte[] metadata(byte[] stored) {
        byte[] metadata = new byte[stored.length - 1 - 8 - 8];
        System.arraycopy(stored, 17, metadata, 0, metadata.length);
        return metadata;
    }
}
