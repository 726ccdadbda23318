package dev.larder.redis.api.types;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A Redis stream: entries by ID, the counters Redis keeps (last ID, entries added, largest deleted ID),
 * and consumer groups with their pending entries and consumers. Entries are also grouped as Redis
 * groups them in its radix tree (a node takes up to 100 entries, deleted ones counted, and goes when
 * its last live entry goes), because approximate trimming ("~") removes whole nodes only. Every
 * change goes through a method here, which records the members it changed.
 *
 * <p>How many groups' pending lists hold each ID (Redis's cgroups_ref, which KEEPREF, DELREF and
 * ACKED consult) is kept in memory only: it follows from the pending members, so it is rebuilt as
 * they load and a change to it writes nothing beyond the pending member that changed.
 */
public final class StreamValue extends CollectionValue {

    private static final byte ENTRY = 0;
    private static final byte NODE = 1;
    private static final byte GROUP = 2;
    private static final byte PENDING = 3;
    private static final byte CONSUMER = 4;

    /** What a deletion or a trim does to the pending entries that name a removed entry (Redis 8.2). */
    public enum RefPolicy {
        /** Remove the entry, leave the pending entries that name it (XDEL's way, the default). */
        KEEPREF,
        /** Remove the entry and the pending entries that name it, in every group. */
        DELREF,
        /** Remove the entry only when every group has read and acknowledged it. */
        ACKED
    }

    /** A node of Redis's radix tree, as far as trimming needs it. */
    private static final class Node {
        StreamId last;
        int live;
        int total;
    }

    /** A consumer group. Read its fields; change it through the stream's methods. */
    public static final class Group {
        private final Bytes name;
        private StreamId lastDelivered;
        private long entriesRead;
        private final TreeMap<StreamId, Pending> pending = new TreeMap<>();
        private final TreeMap<Bytes, Consumer> consumers = new TreeMap<>();

        private Group(Bytes name, StreamId lastDelivered, long entriesRead) {
            this.name = name;
            this.lastDelivered = lastDelivered;
            this.entriesRead = entriesRead;
        }

        public Bytes name() {
            return name;
        }

        public StreamId lastDelivered() {
            return lastDelivered;
        }

        /** Entries the group has read, or -1 when it cannot be known (Redis's SCG_INVALID_ENTRIES_READ). */
        public long entriesRead() {
            return entriesRead;
        }

        public NavigableMap<StreamId, Pending> pending() {
            return Collections.unmodifiableNavigableMap(pending);
        }

        public NavigableMap<Bytes, Consumer> consumers() {
            return Collections.unmodifiableNavigableMap(consumers);
        }
    }

    /** An entry delivered to a consumer and not acknowledged yet. */
    public static final class Pending {
        private Bytes consumer;
        private long deliveryTime;
        private long deliveryCount;

        private Pending(Bytes consumer, long deliveryTime, long deliveryCount) {
            this.consumer = consumer;
            this.deliveryTime = deliveryTime;
            this.deliveryCount = deliveryCount;
        }

        public Bytes consumer() {
            return consumer;
        }

        public long deliveryTime() {
            return deliveryTime;
        }

        public long deliveryCount() {
            return deliveryCount;
        }
    }

    public static final class Consumer {
        private final Bytes name;
        private long seenTime;
        private final TreeMap<StreamId, Pending> pending = new TreeMap<>();

        private Consumer(Bytes name, long seenTime) {
            this.name = name;
            this.seenTime = seenTime;
        }

        public Bytes name() {
            return name;
        }

        public long seenTime() {
            return seenTime;
        }

        public NavigableMap<StreamId, Pending> pending() {
            return Collections.unmodifiableNavigableMap(pending);
        }
    }

    private final TreeMap<StreamId, byte[][]> entries = new TreeMap<>();
    private final TreeMap<StreamId, Node> nodes = new TreeMap<>();
    private final TreeMap<Bytes, Group> groups = new TreeMap<>();
    private final HashMap<StreamId, Integer> references = new HashMap<>();
    private StreamId lastId = StreamId.MIN;
    private StreamId maxDeletedId = StreamId.MIN;
    private long entriesAdded;

    @Override
    public String typeName() {
        return "stream";
    }

    @Override
    public String encoding() {
        return "stream";
    }

    @Override
    public byte typeTag() {
        return STREAM;
    }

    @Override
    public int size() {
        return entries.size();
    }

    /** Streams stay when their last entry goes, unlike other collections. */
    @Override
    public boolean removedWhenEmpty() {
        return false;
    }

    public NavigableMap<StreamId, byte[][]> entries() {
        return Collections.unmodifiableNavigableMap(entries);
    }

    public StreamId lastId() {
        return lastId;
    }

    public StreamId maxDeletedId() {
        return maxDeletedId;
    }

    public long entriesAdded() {
        return entriesAdded;
    }

    /** The first live entry's ID, or 0-0 when there is none. */
    public StreamId firstId() {
        return entries.isEmpty() ? StreamId.MIN : entries.firstKey();
    }

    /** Radix tree keys: the nodes trimming sees (XINFO STREAM). */
    public int nodeCount() {
        return nodes.size();
    }

    /** Appends an entry; the caller has checked that {@code id} is above {@link #lastId}. Fields and values alternate. */
    public void append(StreamId id, byte[][] fields) {
        Map.Entry<StreamId, Node> last = nodes.lastEntry();
        StreamId master;
        Node node;
        long nodeMaxEntries = EncodingLimits.current().streamNodeEntries(); // stream-node-max-entries; 0: no limit
        if (last == null || nodeMaxEntries > 0 && last.getValue().total >= nodeMaxEntries) {
            master = id;
            node = new Node();
            nodes.put(master, node);
        } else {
            master = last.getKey();
            node = last.getValue();
        }
        node.last = id;
        node.live++;
        node.total++;
        entries.put(id, fields);
        lastId = id;
        entriesAdded++;
        changed(member(ENTRY, id));
        changed(member(NODE, master));
    }

    /** XDEL of one entry: true when it was there. The largest deleted ID is remembered. */
    public boolean delete(StreamId id) {
        if (!removeEntry(id)) {
            return false;
        }
        if (id.compareTo(maxDeletedId) > 0) {
            maxDeletedId = id;
        }
        return true;
    }

    private boolean removeEntry(StreamId id) {
        if (entries.remove(id) == null) {
            return false;
        }
        Map.Entry<StreamId, Node> holder = nodes.floorEntry(id);
        Node node = holder.getValue();
        if (node.live == 1) {
            nodes.remove(holder.getKey());
        } else {
            node.live--;
        }
        changed(member(ENTRY, id));
        changed(member(NODE, holder.getKey()));
        return true;
    }

    /** XSETID: the last ID, and optionally the entries-added counter and the largest deleted ID. */
    public void setLast(StreamId id, Long added, StreamId maxDeleted) {
        lastId = id;
        if (added != null) {
            entriesAdded = added;
        }
        if (maxDeleted != null) {
            maxDeletedId = maxDeleted;
        }
    }

    /** Trims with {@link RefPolicy#KEEPREF}. */
    public long trim(long maxLength, StreamId minId, boolean approximate, long limit) {
        return trim(maxLength, minId, approximate, limit, RefPolicy.KEEPREF);
    }

    /**
     * Redis's streamTrim: whole nodes from the oldest while the rule allows, then, unless approximate,
     * single entries of the first node left. A limit (0: none) bounds the entries removed. Under
     * {@link RefPolicy#ACKED} an entry a group still needs stays, so nodes are emptied entry by entry
     * and, trimming by length, the next node is tried while the stream is still too long.
     *
     * @param maxLength keep at most this many entries (MAXLEN), or -1 to trim by {@code minId} (MINID)
     */
    public long trim(long maxLength, StreamId minId, boolean approximate, long limit, RefPolicy policy) {
        boolean byLength = maxLength >= 0;
        long deleted = 0;
        Map.Entry<StreamId, Node> current = nodes.firstEntry();
        while (current != null) {
            if (byLength && entries.size() <= maxLength) {
                break;
            }
            Node node = current.getValue();
            if (limit != 0 && deleted + node.live > limit) {
                break;
            }
            boolean wholeNode = byLength ? entries.size() - node.live >= maxLength : node.last.compareTo(minId) < 0;
            if (wholeNode && policy != RefPolicy.ACKED) {
                deleted += removeNode(current.getKey(), policy);
            } else if (wholeNode || !approximate) {
                deleted += trimEntries(current.getKey(), node.last, maxLength, minId, policy);
                if (!wholeNode && (!byLength || entries.size() <= maxLength || policy != RefPolicy.ACKED)) {
                    break;
                }
            } else {
                break;
            }
            current = nodes.higherEntry(current.getKey());
        }
        return deleted;
    }

    private long removeNode(StreamId master, RefPolicy policy) {
        Node node = nodes.remove(master);
        for (StreamId id : new ArrayList<>(entries.subMap(master, true, node.last, true).keySet())) {
            entries.remove(id);
            changed(member(ENTRY, id));
            if (policy == RefPolicy.DELREF) {
                removeReferences(id);
            }
        }
        changed(member(NODE, master));
        return node.live;
    }

    /** The node's entries from its oldest until the rule holds, passing over those ACKED must keep. */
    private long trimEntries(StreamId master, StreamId last, long maxLength, StreamId minId, RefPolicy policy) {
        long deleted = 0;
        for (StreamId id : new ArrayList<>(entries.subMap(master, true, last, true).keySet())) {
            if (maxLength >= 0 ? entries.size() <= maxLength : id.compareTo(minId) >= 0) {
                break;
            }
            if (policy == RefPolicy.ACKED && referenced(id)) {
                continue;
            }
            if (policy == RefPolicy.DELREF) {
                removeReferences(id);
            }
            removeEntry(id);
            deleted++;
        }
        return deleted;
    }

    /**
     * Redis's streamEntryIsReferenced: whether a group still needs the entry, because some group has
     * not read that far yet or some group's pending list holds it. With no groups nothing is referenced.
     */
    public boolean referenced(StreamId id) {
        for (Group group : groups.values()) {
            if (id.compareTo(group.lastDelivered) > 0) {
                return true;
            }
        }
        return references.containsKey(id);
    }

    /** DELREF: the ID leaves every group's pending list; true when one held it. */
    public boolean removeReferences(StreamId id) {
        if (!references.containsKey(id)) {
            return false;
        }
        for (Group group : groups.values()) {
            acknowledge(group, id);
        }
        return true;
    }

    private void reference(StreamId id, int change) {
        references.merge(id, change, (count, delta) -> count + delta == 0 ? null : count + delta);
    }

    // --- consumer groups ------------------------------------------------------------------------------

    public NavigableMap<Bytes, Group> groups() {
        return Collections.unmodifiableNavigableMap(groups);
    }

    public Group group(byte[] name) {
        return groups.get(new Bytes(name));
    }

    /** @return false when a group of that name exists */
    public boolean createGroup(byte[] name, StreamId lastDelivered, long entriesRead) {
        Bytes key = new Bytes(name);
        if (groups.containsKey(key)) {
            return false;
        }
        groups.put(key, new Group(key, lastDelivered, entriesRead));
        changed(groupMember(key));
        return true;
    }

    public boolean destroyGroup(byte[] name) {
        Group group = groups.remove(new Bytes(name));
        if (group == null) {
            return false;
        }
        changed(groupMember(group.name));
        group.pending.keySet().forEach(id -> {
            reference(id, -1);
            changed(pendingMember(group.name, id));
        });
        group.consumers.keySet().forEach(consumer -> changed(consumerMember(group.name, consumer)));
        return true;
    }

    public void setGroupPosition(Group group, StreamId lastDelivered, long entriesRead) {
        group.lastDelivered = lastDelivered;
        group.entriesRead = entriesRead;
        changed(groupMember(group.name));
    }

    /** The consumer, created (seen now) when it does not exist; null when {@code create} is false and it does not. */
    public Consumer consumer(Group group, byte[] name, boolean create, long nowMillis) {
        Bytes key = new Bytes(name);
        Consumer consumer = group.consumers.get(key);
        if (consumer == null && create) {
            consumer = new Consumer(key, nowMillis);
            group.consumers.put(key, consumer);
            changed(consumerMember(group.name, key));
        }
        return consumer;
    }

    public void seen(Group group, Consumer consumer, long nowMillis) {
        consumer.seenTime = nowMillis;
        changed(consumerMember(group.name, consumer.name));
    }

    /** Removes a consumer and its pending entries; returns how many were pending. */
    public int deleteConsumer(Group group, Consumer consumer) {
        int pendingCount = consumer.pending.size();
        for (StreamId id : consumer.pending.keySet()) {
            group.pending.remove(id);
            reference(id, -1);
            changed(pendingMember(group.name, id));
        }
        group.consumers.remove(consumer.name);
        changed(consumerMember(group.name, consumer.name));
        return pendingCount;
    }

    /** Records a delivery of an entry to a consumer: a new pending entry, or one that changes hands. */
    public void deliver(Group group, StreamId id, Consumer consumer, long time, long count) {
        Pending pending = group.pending.get(id);
        if (pending == null) {
            pending = new Pending(consumer.name, time, count);
            group.pending.put(id, pending);
            reference(id, 1);
        } else {
            Consumer previous = group.consumers.get(pending.consumer);
            if (previous != null) {
                previous.pending.remove(id);
            }
            pending.consumer = consumer.name;
            pending.deliveryTime = time;
            pending.deliveryCount = count;
        }
        consumer.pending.put(id, pending);
        changed(pendingMember(group.name, id));
    }

    /** XACK of one entry: true when it was pending. */
    public boolean acknowledge(Group group, StreamId id) {
        Pending pending = group.pending.remove(id);
        if (pending == null) {
            return false;
        }
        Consumer consumer = group.consumers.get(pending.consumer);
        if (consumer != null) {
            consumer.pending.remove(id);
        }
        reference(id, -1);
        changed(pendingMember(group.name, id));
        return true;
    }

    // --- storage --------------------------------------------------------------------------------------

    private static Bytes member(byte kind, StreamId id) {
        return new Bytes(ByteBuffer.allocate(17).put(kind).putLong(id.ms()).putLong(id.seq()).array());
    }

    private static Bytes groupMember(Bytes group) {
        return new Bytes(ByteBuffer.allocate(1 + group.bytes().length).put(GROUP).put(group.bytes()).array());
    }

    private static Bytes pendingMember(Bytes group, StreamId id) {
        return new Bytes(ByteBuffer.allocate(1 + 4 + group.bytes().length + 16).put(PENDING).putInt(group.bytes().length)
                .put(group.bytes()).putLong(id.ms()).putLong(id.seq()).array());
    }

    private static Bytes consumerMember(Bytes group, Bytes consumer) {
        return new Bytes(ByteBuffer.allocate(1 + 4 + group.bytes().length + consumer.bytes().length).put(CONSUMER)
                .putInt(group.bytes().length).put(group.bytes()).put(consumer.bytes()).array());
    }

    @Override
    public byte[] metadata() {
        return ByteBuffer.allocate(40).putLong(lastId.ms()).putLong(lastId.seq()).putLong(maxDeletedId.ms())
                .putLong(maxDeletedId.seq()).putLong(entriesAdded).array();
    }

    @Override
    public void loadMetadata(byte[] metadata) {
        ByteBuffer buffer = ByteBuffer.wrap(metadata);
        lastId = StreamId.fromBytes(buffer);
        maxDeletedId = StreamId.fromBytes(buffer);
        entriesAdded = buffer.getLong();
    }

    private static byte[] encodeFields(byte[][] fields) {
        int size = 4;
        for (byte[] field : fields) {
            size += 4 + field.length;
        }
        ByteBuffer buffer = ByteBuffer.allocate(size).putInt(fields.length);
        for (byte[] field : fields) {
            buffer.putInt(field.length).put(field);
        }
        return buffer.array();
    }

    private static byte[][] decodeFields(byte[] stored) {
        ByteBuffer buffer = ByteBuffer.wrap(stored);
        byte[][] fields = new byte[count(buffer, 4)][];
        for (int i = 0; i < fields.length; i++) {
            fields[i] = new byte[count(buffer, 1)];
            buffer.get(fields[i]);
        }
        return fields;
    }

    /**
     * A stored count of things of at least {@code size} bytes each; BufferUnderflowException (as for bytes
     * too short) when the rest could not hold that many, so that a corrupt count is never allocated.
     */
    private static int count(ByteBuffer buffer, int size) {
        int count = buffer.getInt();
        if (count < 0 || count > buffer.remaining() / size) {
            throw new java.nio.BufferUnderflowException();
        }
        return count;
    }

    @Override
    protected byte[] storedMember(Bytes member) {
        ByteBuffer key = ByteBuffer.wrap(member.bytes());
        switch (key.get()) {
            case ENTRY -> {
                byte[][] fields = entries.get(StreamId.fromBytes(key));
                return fields == null ? null : encodeFields(fields);
            }
            case NODE -> {
                Node node = nodes.get(StreamId.fromBytes(key));
                return node == null ? null : ByteBuffer.allocate(24).putLong(node.last.ms()).putLong(node.last.seq())
                        .putInt(node.live).putInt(node.total).array();
            }
            case GROUP -> {
                Group group = groups.get(new Bytes(rest(key)));
                return group == null ? null : ByteBuffer.allocate(24).putLong(group.lastDelivered.ms())
                        .putLong(group.lastDelivered.seq()).putLong(group.entriesRead).array();
            }
            case PENDING -> {
                Group group = groups.get(new Bytes(sized(key)));
                Pending pending = group == null ? null : group.pending.get(StreamId.fromBytes(key));
                if (pending == null) {
                    return null;
                }
                byte[] consumer = pending.consumer.bytes();
                return ByteBuffer.allocate(4 + consumer.length + 16).putInt(consumer.length).put(consumer)
                        .putLong(pending.deliveryTime).putLong(pending.deliveryCount).array();
            }
            default -> {
                Group group = groups.get(new Bytes(sized(key)));
                Consumer consumer = group == null ? null : group.consumers.get(new Bytes(rest(key)));
                return consumer == null ? null : ByteBuffer.allocate(8).putLong(consumer.seenTime).array();
            }
        }
    }

    private static byte[] rest(ByteBuffer buffer) {
        byte[] rest = new byte[buffer.remaining()];
        buffer.get(rest);
        return rest;
    }

    private static byte[] sized(ByteBuffer buffer) {
        byte[] bytes = new byte[count(buffer, 1)];
        buffer.get(bytes);
        return bytes;
    }

    @Override
    public void forEachMember(MemberSink sink) {
        List<Bytes> members = new ArrayList<>();
        entries.keySet().forEach(id -> members.add(member(ENTRY, id)));
        nodes.keySet().forEach(id -> members.add(member(NODE, id)));
        groups.values().forEach(group -> {
            members.add(groupMember(group.name));
            group.consumers.keySet().forEach(consumer -> members.add(consumerMember(group.name, consumer)));
            group.pending.keySet().forEach(id -> members.add(pendingMember(group.name, id)));
        });
        for (Bytes member : members) {
            sink.put(member.bytes(), storedMember(member));
        }
    }

    @Override
    public void loadMember(byte[] member, byte[] value) {
        ByteBuffer key = ByteBuffer.wrap(member);
        switch (key.get()) {
            case ENTRY -> {
                StreamId id = StreamId.fromBytes(key);
                if (value == null) {
                    entries.remove(id);
                } else {
                    entries.put(id, decodeFields(value));
                }
            }
            case NODE -> {
                StreamId master = StreamId.fromBytes(key);
                if (value == null) {
                    nodes.remove(master);
                } else {
                    ByteBuffer stored = ByteBuffer.wrap(value);
                    Node node = nodes.computeIfAbsent(master, m -> new Node());
                    node.last = StreamId.fromBytes(stored);
                    node.live = stored.getInt();
                    node.total = stored.getInt();
                }
            }
            case GROUP -> {
                Bytes name = new Bytes(rest(key));
                if (value == null) {
                    Group removed = groups.remove(name);
                    if (removed != null) {
                        removed.pending.keySet().forEach(id -> reference(id, -1));
                    }
                } else {
                    ByteBuffer stored = ByteBuffer.wrap(value);
                    Group group = groups.computeIfAbsent(name, n -> new Group(n, StreamId.MIN, 0));
                    group.lastDelivered = StreamId.fromBytes(stored);
                    group.entriesRead = stored.getLong();
                }
            }
            case PENDING -> {
                Bytes name = new Bytes(sized(key));
                StreamId id = StreamId.fromBytes(key);
                // a removal replayed after its group's must not bring the group back
                Group group = value == null ? groups.get(name) : groups.computeIfAbsent(name, n -> new Group(n, StreamId.MIN, 0));
                if (group == null) {
                    return;
                }
                Pending old = group.pending.remove(id);
                if (old != null) {
                    reference(id, -1);
                    if (group.consumers.containsKey(old.consumer)) {
                        group.consumers.get(old.consumer).pending.remove(id);
                    }
                }
                if (value != null) {
                    ByteBuffer stored = ByteBuffer.wrap(value);
                    Bytes consumerName = new Bytes(sized(stored));
                    Pending pending = new Pending(consumerName, stored.getLong(), stored.getLong());
                    group.pending.put(id, pending);
                    reference(id, 1);
                    group.consumers.computeIfAbsent(consumerName, c -> new Consumer(c, 0)).pending.put(id, pending);
                }
            }
            default -> {
                Bytes name = new Bytes(sized(key));
                Bytes consumerName = new Bytes(rest(key));
                Group group = value == null ? groups.get(name) : groups.computeIfAbsent(name, n -> new Group(n, StreamId.MIN, 0));
                if (group == null) {
                    return;
                }
                if (value == null) {
                    group.consumers.remove(consumerName);
                } else {
                    group.consumers.computeIfAbsent(consumerName, c -> new Consumer(c, 0)).seenTime = ByteBuffer.wrap(value).getLong();
                }
            }
        }
    }

    @Override
    public StreamValue copy() {
        StreamValue copy = new StreamValue();
        forEachMember(new MemberSink() {
            @Override
            public void put(byte[] member, byte[] value) {
                copy.loadMember(member, value);
            }

            @Override
            public void remove(byte[] member) {
            }
        });
        copy.loadMetadata(metadata());
        return copy;
    }
}
