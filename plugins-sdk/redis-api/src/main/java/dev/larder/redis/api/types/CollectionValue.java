package dev.larder.redis.api.types;

import dev.larder.redis.api.RedisValue;
import java.util.HashSet;
import java.util.Set;

/**
 * A collection as the engine stores it: a metadata entry (type, expiry, version, {@link #metadata})
 * plus one entry per member, so that a write to a huge collection costs what it changed. Subclasses
 * report every changed member through {@link #changed}; the engine drains the changes after the
 * command, once per write-behind round. The version tells one incarnation of a key from the next, so
 * that removing a collection does not have to remove its members at once (the Apache Kvrocks layout).
 *
 * <p>The methods marked "engine" belong to the keyspace that holds the value; commands do not call them.
 */
public abstract class CollectionValue implements RedisValue {

    /** Stored type tags. */
    public static final byte HASH = 'h';
    public static final byte LIST = 'l';
    public static final byte SET = 't';
    public static final byte SORTED_SET = 'z';
    public static final byte STREAM = 'x';

    private static final byte[] NONE = new byte[0];

    private long version;
    private boolean retired;
    private boolean dirty;
    private boolean allChanged;
    private Set<Bytes> changedMembers = new HashSet<>();

    public abstract int size();

    public final boolean isEmpty() {
        return size() == 0;
    }

    /** Whether the key goes when the collection is empty, as Redis removes empty collections (not streams). */
    public boolean removedWhenEmpty() {
        return true;
    }

    /** The type's tag in storage. */
    public abstract byte typeTag();

    /** What the type stores beside type, expiry and version (a list's first index); empty by default. */
    public byte[] metadata() {
        return NONE;
    }

    /** Every member with its stored value. */
    public abstract void forEachMember(MemberSink sink);

    /** The stored value of a member, or null when it is absent. */
    protected abstract byte[] storedMember(Bytes member);

    /** Engine: a member read back from storage (null: a removal replayed from the change log); not a change. */
    public abstract void loadMember(byte[] member, byte[] value);

    /** Engine: the metadata of a later state of this collection, replayed from the change log. */
    public void loadMetadata(byte[] metadata) {
    }

    /** Engine: every stored member has been loaded. */
    public void loaded() {
    }

    /** A copy with the same members, not attached to any key. */
    public abstract CollectionValue copy();

    /** Records that a member was added, changed or removed. */
    protected final void changed(Bytes member) {
        if (!allChanged) {
            changedMembers.add(member);
        }
    }

    /** Unix ms the engine was last asked to expire members at; Long.MAX_VALUE when not asked. */
    private long memberExpiryScheduled = Long.MAX_VALUE;

    /** When the next member may expire (Unix ms), Long.MAX_VALUE when none can (a hash field's time to live). */
    public long nextMemberExpiry() {
        return Long.MAX_VALUE;
    }

    /** Removes the members whose time has come; returns how many. */
    public int removeExpiredMembers(long nowMillis) {
        return 0;
    }

    /**
     * Engine: true when members expire sooner than the engine was last asked to look, which it then
     * remembers; so a collection is queued once per expiry time however often it is written.
     */
    public final boolean scheduleMemberExpiry() {
        long next = nextMemberExpiry();
        if (next < memberExpiryScheduled) {
            memberExpiryScheduled = next;
            return true;
        }
        return false;
    }

    /** Engine: the scheduled look has happened. */
    public final void memberExpiryDone() {
        memberExpiryScheduled = Long.MAX_VALUE;
    }

    /** Engine: the collection's version, 0 until a keyspace holds it. */
    public final long version() {
        return version;
    }

    /** Engine: the collection now belongs to a key; every member counts as changed. */
    public final void attach(long newVersion) {
        version = newVersion;
        retired = false;
        markAllChanged();
    }

    /** Engine: the collection came back from storage under its stored version; nothing is changed. */
    public final void attachLoaded(long storedVersion) {
        version = storedVersion;
    }

    /** Engine: whether a keyspace holds it (a held collection put under another key must be copied). */
    public final boolean attached() {
        return version != 0 && !retired;
    }

    /** Engine: its key was removed or overwritten; it must not change any more. */
    public final void retire() {
        retired = true;
        changedMembers.clear();
        allChanged = false;
    }

    public final boolean retired() {
        return retired;
    }

    /** Engine: true the first time after a drain, so a round lists a collection once. */
    public final boolean markDirty() {
        if (dirty) {
            return false;
        }
        dirty = true;
        return true;
    }

    /** Engine: the next drain writes every member. */
    public final void markAllChanged() {
        allChanged = true;
        changedMembers.clear();
    }

    /** Engine: the members changed since the last drain, as puts and removals. */
    public final void drainChanges(MemberSink sink) {
        dirty = false;
        if (allChanged) {
            allChanged = false;
            forEachMember(sink);
            return;
        }
        for (Bytes member : changedMembers) {
            byte[] stored = storedMember(member);
            if (stored == null) {
                sink.remove(member.bytes());
            } else {
                sink.put(member.bytes(), stored);
            }
        }
        changedMembers = new HashSet<>();
    }

    /** Engine: forgets the changes (the key's database is not stored). */
    public final void discardChanges() {
        dirty = false;
        allChanged = false;
        if (!changedMembers.isEmpty()) {
            changedMembers = new HashSet<>();
        }
    }

    /** An empty collection of a stored type, before its members are loaded. */
    public static CollectionValue forStorage(byte typeTag, byte[] metadata) {
        return switch (typeTag) {
            case HASH -> new HashValue();
            case SET -> new SetValue();
            case SORTED_SET -> new SortedSetValue();
            case LIST -> ListValue.fromMetadata(metadata);
            case STREAM -> {
                StreamValue stream = new StreamValue();
                stream.loadMetadata(metadata);
                yield stream;
            }
            default -> throw new IllegalArgumentException("unknown stored type tag " + typeTag);
        };
    }
}
