package dev.larder.redis.commands.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larder.redis.api.CommandFlag;
import dev.larder.redis.api.CommandSpec;
import dev.larder.redis.api.RedisCommand;
import dev.larder.redis.api.types.MemberSink;
import dev.larder.redis.api.types.StreamId;
import dev.larder.redis.api.types.StreamValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What the reference policies cost in storage and how their bookkeeping comes back from it, and the
 * specs COMMAND reports for the new commands.
 */
class StreamReferencesTest {

    /** Stored member kinds, the first byte of a stream member's key. */
    private static final byte GROUP = 2;
    private static final byte PENDING = 3;

    private static final StreamId FIRST = new StreamId(1, 0);
    private static final StreamId SECOND = new StreamId(2, 0);

    private record Change(byte[] member, byte[] value) {
    }

    private static List<Change> drain(StreamValue stream) {
        List<Change> changes = new ArrayList<>();
        stream.drainChanges(new MemberSink() {
            @Override
            public void put(byte[] member, byte[] value) {
                changes.add(new Change(member, value));
            }

            @Override
            public void remove(byte[] member) {
                changes.add(new Change(member, null));
            }
        });
        return changes;
    }

    private static byte[] name(String name) {
        return name.getBytes(StandardCharsets.UTF_8);
    }

    /** Two entries, both delivered in two groups that have read them. */
    private static StreamValue twoGroups() {
        StreamValue stream = new StreamValue();
        stream.append(FIRST, new byte[][] {name("f"), name("v")});
        stream.append(SECOND, new byte[][] {name("f"), name("v")});
        for (String groupName : List.of("g1", "g2")) {
            stream.createGroup(name(groupName), SECOND, 2);
            StreamValue.Group group = stream.group(name(groupName));
            StreamValue.Consumer consumer = stream.consumer(group, name("c"), true, 0);
            stream.deliver(group, FIRST, consumer, 0, 1);
            stream.deliver(group, SECOND, consumer, 0, 1);
        }
        stream.attach(1);
        drain(stream);
        return stream;
    }

    private static StreamValue reload(StreamValue stream) {
        StreamValue loaded = new StreamValue();
        stream.forEachMember(new MemberSink() {
            @Override
            public void put(byte[] member, byte[] value) {
                loaded.loadMember(member, value);
            }

            @Override
            public void remove(byte[] member) {
            }
        });
        loaded.loadMetadata(stream.metadata());
        return loaded;
    }

    @Test
    void droppingReferencesWritesOnlyThePendingMembersThatGo() {
        StreamValue stream = twoGroups();
        assertTrue(stream.referenced(FIRST));
        assertTrue(stream.removeReferences(FIRST));
        List<Change> changes = drain(stream);
        assertEquals(2, changes.size());
        changes.forEach(change -> {
            assertEquals(PENDING, change.member()[0]);
            assertNull(change.value());
        });
        assertFalse(stream.referenced(FIRST));
        assertTrue(stream.referenced(SECOND));
        assertFalse(stream.removeReferences(FIRST));
        assertTrue(drain(stream).isEmpty());
    }

    @Test
    void theReferencesComeBackWithThePendingMembers() {
        StreamValue stream = twoGroups();
        assertTrue(stream.acknowledge(stream.group(name("g1")), FIRST));
        assertTrue(stream.acknowledge(stream.group(name("g2")), FIRST));
        StreamValue loaded = reload(stream);
        assertFalse(loaded.referenced(FIRST));
        assertTrue(loaded.referenced(SECOND));
        assertTrue(reload(loaded).referenced(SECOND));
    }

    @Test
    void aGroupsRemovalReplayedBeforeItsPendingEntriesDoesNotBringItBack() {
        StreamValue stream = twoGroups();
        StreamValue replica = reload(stream);
        assertTrue(stream.destroyGroup(name("g1")));
        List<Change> changes = drain(stream);
        changes.sort((a, b) -> Boolean.compare(a.member()[0] != GROUP, b.member()[0] != GROUP));
        changes.forEach(change -> replica.loadMember(change.member(), change.value()));
        assertEquals(List.of("g2"), replica.groups().keySet().stream().map(n -> new String(n.bytes(), StandardCharsets.UTF_8)).toList());
        assertTrue(replica.referenced(FIRST));
        assertTrue(replica.removeReferences(FIRST));
        assertFalse(replica.referenced(FIRST));
    }

    @Test
    void trimmingWithDelrefRemovesThePendingEntriesOfWhatItTrims() {
        StreamValue stream = twoGroups();
        assertEquals(1, stream.trim(1, null, false, 0, StreamValue.RefPolicy.DELREF));
        long pendingRemoved = drain(stream).stream().filter(c -> c.member()[0] == PENDING && c.value() == null).count();
        assertEquals(2, pendingRemoved);
        assertFalse(stream.referenced(FIRST));
        assertEquals(1, stream.group(name("g1")).pending().size());
    }

    private static CommandSpec spec(String name) {
        return new StreamCommands().commands().stream().map(RedisCommand::spec).filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow();
    }

    @Test
    void theNewCommandsReportRedisSpecs() {
        CommandSpec xdelex = spec("xdelex");
        assertEquals(-5, xdelex.arity());
        assertEquals(EnumSet.of(CommandFlag.WRITE, CommandFlag.FAST), xdelex.flags());
        assertEquals(List.of(1, 1, 1), List.of(xdelex.firstKey(), xdelex.lastKey(), xdelex.keyStep()));
        assertEquals(Set.of("write", "fast", "stream"), xdelex.aclCategories());
        CommandSpec xackdel = spec("xackdel");
        assertEquals(-6, xackdel.arity());
        assertEquals(EnumSet.of(CommandFlag.WRITE, CommandFlag.FAST), xackdel.flags());
        assertEquals(List.of(1, 1, 1), List.of(xackdel.firstKey(), xackdel.lastKey(), xackdel.keyStep()));
        assertEquals(Set.of("write", "fast", "stream"), xackdel.aclCategories());
    }
}
