package dev.larder.redis.api.types;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.BufferUnderflowException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes how a stream is stored and read back: a stream changed at random through its methods, stored
 * whole (every member) and then round by round (the members each round changed, as the change log
 * holds them, and the metadata), loads back into a stream equal to it; and members and metadata of any
 * bytes either load or are refused with BufferUnderflowException (what the engine gets for bytes that are
 * too short), never another exception, and never with an allocation a length in them asks for.
 */
class StreamValueFuzzTest {

    private static final byte[][] NAMES = {{'g'}, {'h'}, {}, {'c', '1'}, {'c', '2'}};

    @FuzzTest(maxDuration = "15s")
    void loadsWhatItStored(FuzzedDataProvider data) {
        if (data.consumeInt(0, 3) == 0) {
            corruptBytes(data);
            return;
        }
        StreamValue stream = new StreamValue();
        stream.attach(1);
        StreamValue loaded = new StreamValue();
        int rounds = data.consumeInt(1, 4);
        for (int round = 0; round < rounds; round++) {
            int operations = data.consumeInt(0, 30);
            for (int i = 0; i < operations; i++) {
                change(data, stream);
            }
            stream.drainChanges(new MemberSink() {
                @Override
                public void put(byte[] member, byte[] value) {
                    loaded.loadMember(member.clone(), value.clone());
                }

                @Override
                public void remove(byte[] member) {
                    loaded.loadMember(member.clone(), null);
                }
            });
            loaded.loadMetadata(stream.metadata());
            assertEquals(describe(stream), describe(loaded), "after round " + round);
        }
        loaded.loaded();
        assertEquals(describe(stream), describe(loaded));
    }

    private static void corruptBytes(FuzzedDataProvider data) {
        StreamValue stream = new StreamValue();
        int members = data.consumeInt(1, 6);
        try {
            if (data.consumeBoolean()) {
                stream.loadMetadata(data.consumeBytes(data.consumeInt(0, 48)));
            }
            for (int i = 0; i < members; i++) {
                byte[] member = data.consumeBytes(data.consumeInt(0, 40));
                if (member.length > 0 && data.consumeBoolean()) {
                    member[0] = (byte) data.consumeInt(0, 4); // a kind the stream knows
                }
                stream.loadMember(member, data.consumeBoolean() ? null : data.consumeBytes(data.consumeInt(0, 64)));
            }
            stream.loaded();
        } catch (BufferUnderflowException refused) {
            // too short for what it says it holds
        }
    }

    private static void change(FuzzedDataProvider data, StreamValue stream) {
        List<StreamId> ids = new ArrayList<>(stream.entries().keySet());
        switch (data.consumeInt(0, 9)) {
            case 0, 1 -> {
                StreamId last = stream.lastId();
                StreamId id = data.consumeBoolean() ? last.next() : new StreamId(last.ms() + data.consumeInt(1, 1000), data.consumeInt(0, 3));
                if (id != null && id.compareTo(last) > 0) {
                    byte[][] fields = new byte[2 * data.consumeInt(1, 3)][];
                    for (int f = 0; f < fields.length; f++) {
                        fields[f] = data.consumeBytes(data.consumeInt(0, 6));
                    }
                    stream.append(id, fields);
                }
            }
            case 2 -> {
                if (!ids.isEmpty()) {
                    stream.delete(ids.get(data.consumeInt(0, ids.size() - 1)));
                }
            }
            case 3 -> {
                boolean byLength = data.consumeBoolean();
                StreamId minId = ids.isEmpty() ? StreamId.MIN : ids.get(data.consumeInt(0, ids.size() - 1));
                stream.trim(byLength ? data.consumeInt(0, 300) : -1, minId, data.consumeBoolean(), data.consumeInt(0, 150));
            }
            case 4 -> stream.createGroup(data.pickValue(NAMES), ids.isEmpty() ? StreamId.MIN : data.pickValue(ids), data.consumeLong(-1, 50));
            case 5 -> stream.destroyGroup(data.pickValue(NAMES));
            default -> {
                StreamValue.Group group = stream.group(data.pickValue(NAMES));
                if (group == null) {
                    return;
                }
                StreamValue.Consumer consumer = stream.consumer(group, data.pickValue(NAMES), data.consumeBoolean(), data.consumeLong(0, 1L << 42));
                switch (data.consumeInt(0, 4)) {
                    case 0 -> {
                        if (consumer != null && !ids.isEmpty()) {
                            stream.deliver(group, data.pickValue(ids), consumer, data.consumeLong(0, 1L << 42), data.consumeLong(1, 5));
                        }
                    }
                    case 1 -> {
                        if (!group.pending().isEmpty()) {
                            stream.acknowledge(group, data.pickValue(new ArrayList<>(group.pending().keySet())));
                        }
                    }
                    case 2 -> {
                        if (consumer != null) {
                            stream.deleteConsumer(group, consumer);
                        }
                    }
                    case 3 -> {
                        if (consumer != null) {
                            stream.seen(group, consumer, data.consumeLong(0, 1L << 42));
                        }
                    }
                    default -> stream.setGroupPosition(group, ids.isEmpty() ? StreamId.MIN : data.pickValue(ids), data.consumeLong(-1, 99));
                }
            }
        }
    }

    /** Everything a stream's commands can see of it. */
    static String describe(StreamValue stream) {
        StringBuilder text = new StringBuilder();
        text.append("last ").append(stream.lastId()).append(" maxDeleted ").append(stream.maxDeletedId()).append(" added ")
                .append(stream.entriesAdded()).append(" nodes ").append(stream.nodeCount()).append('\n');
        for (Map.Entry<StreamId, byte[][]> entry : stream.entries().entrySet()) {
            text.append(entry.getKey());
            for (byte[] field : entry.getValue()) {
                text.append(' ').append(HexFormat.of().formatHex(field));
            }
            text.append('\n');
        }
        for (StreamValue.Group group : stream.groups().values()) {
            text.append("group ").append(HexFormat.of().formatHex(group.name().bytes())).append(' ').append(group.lastDelivered())
                    .append(' ').append(group.entriesRead()).append('\n');
            group.pending().forEach((id, pending) -> text.append("  pending ").append(id).append(' ')
                    .append(HexFormat.of().formatHex(pending.consumer().bytes())).append(' ').append(pending.deliveryTime()).append(' ')
                    .append(pending.deliveryCount()).append('\n'));
            group.consumers().forEach((name, consumer) -> text.append("  consumer ").append(HexFormat.of().formatHex(name.bytes()))
                    .append(' ').append(consumer.seenTime()).append(' ').append(consumer.pending().keySet()).append('\n'));
        }
        return text.toString();
    }
}
