package dev.larder.redis.api.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ScoreIndexTest {

    private record Member(double score, Bytes name) {
    }

    private static final Comparator<Member> ORDER = Comparator.comparingDouble(Member::score).thenComparing(Member::name);

    private static Bytes bytes(String text) {
        return new Bytes(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void ranksRangesAndDeletesAgreeWithASortedModel() {
        Random random = new Random(11);
        ScoreIndex index = new ScoreIndex();
        TreeSet<Member> model = new TreeSet<>(ORDER);
        java.util.Map<Bytes, Member> byName = new java.util.HashMap<>();
        // enough members for three levels of pages, inserted and deleted in random order, pages emptying and splitting
        for (int step = 0; step < 300_000; step++) {
            Bytes name = bytes("m" + random.nextInt(20_000));
            Member old = byName.get(name);
            if (old == null) {
                Member member = new Member(random.nextInt(2_000) / 4.0, name);
                index.insert(member.score(), member.name());
                model.add(member);
                byName.put(name, member);
            } else if (random.nextInt(step < 200_000 ? 3 : 1) == 0) {
                assertTrue(index.delete(old.score(), old.name()));
                assertFalse(index.delete(old.score(), old.name()));
                model.remove(old);
                byName.remove(name);
            }
            if (step % 50_000 == 0) {
                assertAgrees(index, model);
            }
        }
        assertAgrees(index, model);
        for (Member member : new ArrayList<>(model)) {
            assertTrue(index.delete(member.score(), member.name()));
        }
        assertEquals(0, index.length());
        assertNull(index.first());
        index.insert(1, bytes("again"));
        assertEquals(bytes("again"), index.last().member());
    }

    private static void assertAgrees(ScoreIndex index, TreeSet<Member> model) {
        List<Member> ordered = new ArrayList<>(model);
        assertEquals(ordered.size(), index.length());
        ScoreIndex.Entry entry = index.first();
        for (int i = 0; i < ordered.size(); i++, entry = entry.next()) {
            Member expected = ordered.get(i);
            assertEquals(expected.name(), entry.member());
            assertEquals(i + 1, index.rank(expected.score(), expected.name()));
            assertEquals(expected.name(), index.byRank(i + 1).member());
        }
        assertNull(entry);
        assertNull(index.byRank(ordered.size() + 1));
        entry = index.last();
        for (int i = ordered.size() - 1; i >= 0; i--, entry = entry.previous()) {
            assertEquals(ordered.get(i).name(), entry.member());
        }
        assertNull(entry);
        for (double low = 0; low < 500; low += 37.5) {
            ScoreRange range = new ScoreRange(low, true, low + 20, false);
            List<Member> inRange = ordered.stream().filter(m -> range.contains(m.score())).toList();
            if (inRange.isEmpty()) {
                assertNull(index.firstIn(range));
                assertNull(index.lastIn(range));
            } else {
                assertEquals(inRange.get(0).name(), index.firstIn(range).member());
                assertEquals(inRange.get(inRange.size() - 1).name(), index.lastIn(range).member());
            }
        }
        assertNull(index.firstIn(new ScoreRange(1000, false, 2000, false)));
        assertNull(index.lastIn(new ScoreRange(5, true, 5, false)));
    }

    @Test
    void lexRangesFindTheEndsAmongEqualScores() {
        ScoreIndex list = new ScoreIndex();
        for (int i = 0; i < 5000; i++) {
            list.insert(0, bytes("z" + i));
        }
        for (String name : List.of("a", "b", "c", "d", "e")) {
            list.insert(0, bytes(name));
        }
        LexRange range = new LexRange(new LexRange.Bound(bytes("b"), false, false), new LexRange.Bound(bytes("d"), true, false));
        assertEquals(bytes("c"), list.firstIn(range).member());
        assertEquals(bytes("d"), list.lastIn(range).member());
        LexRange all = new LexRange(LexRange.Bound.NEGATIVE_INFINITY, LexRange.Bound.POSITIVE_INFINITY);
        assertEquals(bytes("a"), list.firstIn(all).member());
        assertEquals(bytes("z999"), list.lastIn(all).member());
        assertTrue(new LexRange(LexRange.Bound.POSITIVE_INFINITY, LexRange.Bound.NEGATIVE_INFINITY).isEmpty());
        assertNull(list.firstIn(new LexRange(new LexRange.Bound(bytes("zz"), true, false), LexRange.Bound.POSITIVE_INFINITY)));
    }
}
