package dev.larder.redis.api.types;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiConsumer;

/**
 * A Redis hash: fields and values, each field with an optional time to live (Redis 7.4's HEXPIRE
 * family). Expired fields are removed when the hash is next used ({@link #removeExpired}).
 */
public final class HashValue extends CollectionValue {

    public static final long NO_EXPIRY = -1;

    private FieldMap<byte[]> fields = new FieldMap<>();
    /** Unix ms per field that has a time to live; null while none has. */
    private Map<Bytes, Long> expiries;
    private long nextExpiry = Long.MAX_VALUE;

    @Override
    public String typeName() {
        return "hash";
    }

    @Override
    public String encoding() {
        return fields.isLarge() ? "hashtable" : "listpack";
    }

    @Override
    public byte typeTag() {
        return HASH;
    }

    @Override
    public int size() {
        return fields.size();
    }

    public byte[] get(Bytes field) {
        return fields.get(field);
    }

    public byte[] get(byte[] field) {
        return fields.get(new Bytes(field));
    }

    /** Sets a field, dropping its time to live; returns whether the field is new. */
    public boolean put(byte[] field, byte[] value) {
        Bytes key = new Bytes(field);
        boolean added = !fields.containsKey(key);
        if (!fields.isLarge()) {
            EncodingLimits limits = EncodingLimits.current();
            if (field.length > limits.hashValue() || value.length > limits.hashValue() || added && fields.size() >= limits.hashEntries()) {
                fields.convert();
            }
        }
        fields.put(key, value);
        if (expiries != null) {
            expiries.remove(key);
        }
        changed(key);
        return added;
    }

    /** @return whether the field existed */
    public boolean remove(byte[] field) {
        Bytes key = new Bytes(field);
        if (fields.remove(key) == null) {
            return false;
        }
        if (expiries != null) {
            expiries.remove(key);
        }
        changed(key);
        return true;
    }

    public void forEach(BiConsumer<Bytes, byte[]> action) {
        fields.forEach(action);
    }

    /** One HSCAN step (see {@link FieldMap#scan}). */
    public long scan(long cursor, BiConsumer<Bytes, byte[]> action) {
        return fields.scan(cursor, action);
    }

    public Bytes randomField(Random random) {
        return fields.randomKey(random);
    }

    /** The field's expiry in Unix ms, {@link #NO_EXPIRY}, or null when the field does not exist. */
    public Long expireAt(byte[] field) {
        Bytes key = new Bytes(field);
        if (!fields.containsKey(key)) {
            return null;
        }
        Long at = expiries == null ? null : expiries.get(key);
        return at == null ? NO_EXPIRY : at;
    }

    /** Sets or (with {@link #NO_EXPIRY}) removes an existing field's time to live. */
    public void expireAt(byte[] field, long at) {
        Bytes key = new Bytes(field);
        if (at == NO_EXPIRY) {
            if (expiries != null) {
                expiries.remove(key);
            }
        } else {
            if (expiries == null) {
                expiries = new HashMap<>();
            }
            expiries.put(key, at);
            nextExpiry = Math.min(nextExpiry, at);
        }
        changed(key);
    }

    @Override
    public long nextMemberExpiry() {
        return expiries == null || expiries.isEmpty() ? Long.MAX_VALUE : nextExpiry;
    }

    @Override
    public int removeExpiredMembers(long nowMillis) {
        return removeExpired(nowMillis);
    }

    /** Removes the fields whose time has come; returns how many. Cheap when none is due. */
    public int removeExpired(long nowMillis) {
        if (expiries == null || nowMillis < nextExpiry) {
            return 0;
        }
        List<Bytes> due = new ArrayList<>();
        long next = Long.MAX_VALUE;
        for (Map.Entry<Bytes, Long> entry : expiries.entrySet()) {
            if (entry.getValue() <= nowMillis) {
                due.add(entry.getKey());
            } else {
                next = Math.min(next, entry.getValue());
            }
        }
        for (Bytes field : due) {
            remove(field.bytes());
        }
        nextExpiry = next;
        return due.size();
    }

    @Override
    public void forEachMember(MemberSink sink) {
        fields.forEach((field, value) -> sink.put(field.bytes(), stored(field, value)));
    }

    @Override
    protected byte[] storedMember(Bytes member) {
        byte[] value = fields.get(member);
        return value == null ? null : stored(member, value);
    }

    private byte[] stored(Bytes field, byte[] value) {
        Long at = expiries == null ? null : expiries.get(field);
        return ByteBuffer.allocate(8 + value.length).putLong(at == null ? NO_EXPIRY : at).put(value).array();
    }

    @Override
    public void loadMember(byte[] member, byte[] stored) {
        if (stored == null) {
            Bytes field = new Bytes(member);
            fields.remove(field);
            if (expiries != null) {
                expiries.remove(field);
            }
            return;
        }
        ByteBuffer buffer = ByteBuffer.wrap(stored);
        long at = buffer.getLong();
        byte[] value = new byte[buffer.remaining()];
        buffer.get(value);
        if (!fields.isLarge()) {
            EncodingLimits limits = EncodingLimits.current();
            if (member.length > limits.hashValue() || value.length > limits.hashValue() || fields.size() >= limits.hashEntries()) {
                fields.convert();
            }
        }
        Bytes field = new Bytes(member);
        fields.put(field, value);
        if (at != NO_EXPIRY) {
            if (expiries == null) {
                expiries = new HashMap<>();
            }
            expiries.put(field, at);
            nextExpiry = Math.min(nextExpiry, at);
        }
    }

    @Override
    public HashValue copy() {
        HashValue copy = new HashValue();
        copy.fields = fields.copy();
        if (expiries != null) {
            copy.expiries = new HashMap<>(expiries);
            copy.nextExpiry = nextExpiry;
        }
        return copy;
    }
}
