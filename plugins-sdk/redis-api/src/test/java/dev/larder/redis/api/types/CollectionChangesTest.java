package dev.larder.redis.api.types;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a collection reports as changed, and that storing then loading the reports gives the collection back. */
class CollectionChangesTest {

    private static byte[] b(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Stored members as a storage layer keeps them: puts replace, removals delete. */
    private static final class Store implements MemberSink {
        final Map<Bytes, byte[]> members = new LinkedHashMap<>();
        int writes;

        @Override
        public void put(byte[] member, byte[] value) {
            members.put(new Bytes(member), value);
            writes++;
        }

        @Override
        public void remove(byte[] member) {
            members.remove(new Bytes(member));
            writes++;
        }

        void loadInto(CollectionValue collection) {
            members.forEach((member, value) -> collection.loadMember(member.bytes(), value));
            collection.loaded();
        }
    }

    @Test
    void aWriteToABigHashReportsOnlyTheFieldItChanged() {
        HashValue hash = new HashValue();
        for (int i = 0; i < 10_000; i++) {
            hash.put(b("f" + i), b("v" + i));
        }
        hash.attach(1);
        Store store = new Store();
        hash.drainChanges(store);
        assertEquals(10_000, store.writes);
        hash.put(b("f5"), b("new"));
        hash.remove(b("f6"));
        store.writes = 0;
        hash.drainChanges(store);
        assertEquals(2, store.writes);
        HashValue loaded = new HashValue();
        store.loadInto(loaded);
        assertEquals(9_999, loaded.size());
        assertArrayEquals(b("new"), loaded.get(b("f5")));
    }

    @Test
    void listPushesPopsAndMiddleEditsReloadInOrder() {
        ListValue list = new ListValue();
        list.attach(1);
        Store store = new Store();
        List<String> model = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            list.addLast(b("r" + i));
            model.add("r" + i);
            list.addFirst(b("l" + i));
            model.add(0, "l" + i);
        }
        list.drainChanges(store);
        list.removeFirst();
        model.remove(0);
        list.removeLast();
        model.remove(model.size() - 1);
        list.insert(10, b("inserted"));
        model.add(10, "inserted");
        list.remove(30);
        model.remove(30);
        list.set(0, b("first"));
        model.set(0, "first");
        store.writes = 0;
        list.drainChanges(store);
        assertTrue(store.writes < 100, "writes " + store.writes);
        // what the engine stores beside the members: the first index and the size
        ListValue loaded = (ListValue) CollectionValue.forStorage(CollectionValue.LIST, list.metadata());
        store.loadInto(loaded);
        List<String> reloaded = new ArrayList<>();
        for (int i = 0; i < loaded.size(); i++) {
            reloaded.add(new String(loaded.get(i), StandardCharsets.UTF_8));
        }
        assertEquals(model, reloaded);
    }

    @Test
    void aPopAtTheHeadChangesOneMember() {
        ListValue list = new ListValue();
        for (int i = 0; i < 1000; i++) {
            list.addLast(b("e" + i));
        }
        list.attach(1);
        list.drainChanges(new Store());
        Store store = new Store();
        list.removeFirst();
        list.drainChanges(store);
        assertEquals(1, store.writes);
        assertEquals(999, ByteBuffer.wrap(list.metadata()).getLong(8));
    }

    @Test
    void sortedSetAndSetReloadTheirMembers() {
        SortedSetValue zset = new SortedSetValue();
        SetValue set = new SetValue();
        for (int i = 0; i < 300; i++) {
            zset.put(b("m" + i), i / 3.0);
            set.add(b(Integer.toString(i)));
        }
        zset.attach(1);
        set.attach(2);
        Store zstore = new Store();
        Store sstore = new Store();
        zset.drainChanges(zstore);
        set.drainChanges(sstore);
        zset.remove(b("m0"));
        set.remove(b("0"));
        zset.drainChanges(zstore);
        set.drainChanges(sstore);
        SortedSetValue zloaded = new SortedSetValue();
        SetValue sloaded = new SetValue();
        zstore.loadInto(zloaded);
        sstore.loadInto(sloaded);
        assertEquals(299, zloaded.size());
        assertEquals(0, zloaded.rank(b("m1")));
        assertEquals(99.0 + 2 / 3.0, zloaded.score(b("m299")), 1e-9);
        assertEquals(299, sloaded.size());
        assertFalse(sloaded.contains(b("0")));
        assertEquals("intset", sloaded.encoding());
    }

    @Test
    void aRetiredCollectionReportsNothing() {
        SetValue set = new SetValue();
        set.add(b("a"));
        set.attach(1);
        assertTrue(set.attached());
        set.retire();
        assertFalse(set.attached());
        Store store = new Store();
        set.drainChanges(store);
        assertEquals(0, store.writes);
    }
}
