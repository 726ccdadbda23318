package dev.larder.redis.api.types;

import java.nio.ByteBuffer;
import java.util.TreeMap;

/**
 * A Redis list: a ring buffer of elements, O(1) at both ends and by index. In storage each element is a
 * member keyed by its position counted from a first index that moves as elements are pushed or popped
 * at the head, so a push or pop changes one stored member; an insert or removal in the middle renumbers
 * the elements after it.
 */
public final class ListValue extends CollectionValue {

    private byte[][] ring = new byte[8][];
    /** Position in {@link #ring} of element 0. */
    private int head;
    private int size;
    /** Stored index of element 0. */
    private long first;

    static ListValue fromMetadata(byte[] metadata) {
        ListValue list = new ListValue();
        list.loading = new TreeMap<>();
        list.loadMetadata(metadata);
        return list;
    }

    @Override
    public String typeName() {
        return "list";
    }

    /** Redis 7.0 keeps every list in a quicklist. */
    @Override
    public String encoding() {
        return "quicklist";
    }

    @Override
    public byte typeTag() {
        return LIST;
    }

    @Override
    public byte[] metadata() {
        return ByteBuffer.allocate(16).putLong(first).putLong(size).array();
    }

    @Override
    public int size() {
        return size;
    }

    public byte[] get(int index) {
        return ring[slot(index)];
    }

    public void set(int index, byte[] element) {
        ring[slot(index)] = element;
        changedAt(index);
    }

    public void addFirst(byte[] element) {
        grow();
        head = (head - 1) & (ring.length - 1);
        ring[head] = element;
        size++;
        first--;
        changedAt(0);
    }

    public void addLast(byte[] element) {
        grow();
        ring[slot(size)] = element;
        size++;
        changedAt(size - 1);
    }

    public byte[] removeFirst() {
        byte[] element = ring[head];
        changedAt(0);
        ring[head] = null;
        head = (head + 1) & (ring.length - 1);
        size--;
        first++;
        shrink();
        return element;
    }

    public byte[] removeLast() {
        changedAt(size - 1);
        int last = slot(size - 1);
        byte[] element = ring[last];
        ring[last] = null;
        size--;
        shrink();
        return element;
    }

    /** Inserts before the element at {@code index} (or at the end when it equals the size). */
    public void insert(int index, byte[] element) {
        addLast(element);
        for (int i = size - 1; i > index; i--) {
            ring[slot(i)] = ring[slot(i - 1)];
            changedAt(i);
        }
        ring[slot(index)] = element;
        changedAt(index);
    }

    /** Removes the element at {@code index}; the elements after it move up one place. */
    public byte[] remove(int index) {
        byte[] element = get(index);
        for (int i = index; i < size - 1; i++) {
            ring[slot(i)] = ring[slot(i + 1)];
            changedAt(i);
        }
        removeLast();
        return element;
    }

    private void changedAt(int index) {
        changed(new Bytes(ByteBuffer.allocate(8).putLong(first + index).array()));
    }

    private int slot(int index) {
        return (head + index) & (ring.length - 1);
    }

    private void grow() {
        if (size == ring.length) {
            resize(ring.length * 2);
        }
    }

    private void shrink() {
        if (ring.length > 8 && size < ring.length / 4) {
            resize(ring.length / 2);
        }
    }

    private void resize(int capacity) {
        byte[][] resized = new byte[capacity][];
        for (int i = 0; i < size; i++) {
            resized[i] = ring[slot(i)];
        }
        ring = resized;
        head = 0;
    }

    @Override
    public void forEachMember(MemberSink sink) {
        for (int i = 0; i < size; i++) {
            sink.put(ByteBuffer.allocate(8).putLong(first + i).array(), get(i));
        }
    }

    @Override
    protected byte[] storedMember(Bytes member) {
        long index = ByteBuffer.wrap(member.bytes()).getLong() - first;
        return index >= 0 && index < size ? get((int) index) : null;
    }

    /** Elements read back from storage by stored index, until {@link #loaded}; null when not loading. */
    private TreeMap<Long, byte[]> loading;
    private long loadingSize;

    @Override
    public void loadMetadata(byte[] metadata) {
        ByteBuffer buffer = ByteBuffer.wrap(metadata);
        first = buffer.getLong();
        loadingSize = buffer.getLong();
    }

    @Override
    public void loadMember(byte[] member, byte[] value) {
        long index = ByteBuffer.wrap(member).getLong();
        if (value == null) {
            loading.remove(index);
        } else {
            loading.put(index, value);
        }
    }

    /** The elements between the first index and the stored size; any others are leftovers of an earlier state. */
    @Override
    public void loaded() {
        if (loading == null) {
            return;
        }
        for (byte[] element : loading.subMap(first, true, first + loadingSize, false).values()) {
            addLast(element);
        }
        loading = null;
        discardChanges();
    }

    @Override
    public ListValue copy() {
        ListValue copy = new ListValue();
        copy.ring = new byte[ring.length][];
        for (int i = 0; i < size; i++) {
            copy.ring[i] = get(i);
        }
        copy.size = size;
        return copy;
    }
}
