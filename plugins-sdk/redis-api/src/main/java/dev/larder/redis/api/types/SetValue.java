package dev.larder.redis.api.types;

import dev.larder.redis.api.Arguments;
import java.util.Random;
import java.util.function.Consumer;

/** A Redis set of byte strings. */
public final class SetValue extends CollectionValue {

    private static final byte[] PRESENT = new byte[0];

    private FieldMap<byte[]> members = new FieldMap<>();

    @Override
    public String typeName() {
        return "set";
    }

    /** Redis 7.0's: an intset while every member is an integer and there are at most set-max-intset-entries, else a hashtable. */
    @Override
    public String encoding() {
        return members.isLarge() ? "hashtable" : "intset";
    }

    @Override
    public byte typeTag() {
        return SET;
    }

    @Override
    public int size() {
        return members.size();
    }

    public boolean contains(byte[] member) {
        return members.containsKey(new Bytes(member));
    }

    public boolean contains(Bytes member) {
        return members.containsKey(member);
    }

    /** @return whether the member is new */
    public boolean add(byte[] member) {
        Bytes key = new Bytes(member);
        if (members.containsKey(key)) {
            return false;
        }
        if (!members.isLarge() && (members.size() >= EncodingLimits.current().intsetEntries() || !Arguments.isLong(member))) {
            members.convert();
        }
        members.put(key, PRESENT);
        changed(key);
        return true;
    }

    /** @return whether the member was there */
    public boolean remove(byte[] member) {
        Bytes key = new Bytes(member);
        if (members.remove(key) == null) {
            return false;
        }
        changed(key);
        return true;
    }

    public void forEach(Consumer<Bytes> action) {
        members.forEach((member, present) -> action.accept(member));
    }

    /** One SSCAN step (see {@link FieldMap#scan}). */
    public long scan(long cursor, Consumer<Bytes> action) {
        return members.scan(cursor, (member, present) -> action.accept(member));
    }

    public Bytes randomMember(Random random) {
        return members.randomKey(random);
    }

    @Override
    public void forEachMember(MemberSink sink) {
        members.forEach((member, present) -> sink.put(member.bytes(), PRESENT));
    }

    @Override
    protected byte[] storedMember(Bytes member) {
        return members.containsKey(member) ? PRESENT : null;
    }

    @Override
    public void loadMember(byte[] member, byte[] value) {
        if (value == null) {
            members.remove(new Bytes(member));
            return;
        }
        if (!members.isLarge() && (members.size() >= EncodingLimits.current().intsetEntries() || !Arguments.isLong(member))) {
            members.convert();
        }
        members.put(new Bytes(member), PRESENT);
    }

    @Override
    public SetValue copy() {
        SetValue copy = new SetValue();
        copy.members = members.copy();
        return copy;
    }
}
