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

class SkipListTest {

    private record Member(double score, Bytes name) {
    }

    private static final Comparator<Member> ORDER = Comparator.comparingDouble(Member::score).thenComparing(Member::name);

    private static Bytes bytes(String text) {
        return new Bytes(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void ranksRangesAndDeletesAgreeWithASortedModel() {
        Random random = new Random(11);
        SkipList list = new SkipList();
        TreeSet<Member> model = new TreeSet<>(ORDER);
        for (int step = 0; step < 20_000; step++) {
            Member member = new Member(random.nextInt(200) / 4.0, bytes("m" + random.nextInt(500)));
            boolean present = model.stream().anyMatch(m -> m.name().equals(member.name()));
            if (!present) {
                list.insert(member.score(), member.name());
                model.add(member);
            } else if (random.nextBoolean()) {
                Member old = model.stream().filter(m -> m.name().equals(member.name())).findFirst().orElseThrow();
                assertTrue(list.delete(old.score(), old.name()));
                assertFalse(list.delete(old.score(), old.name()));
                model.remove(old);
            }
        }
        List<Member> ordered = new ArrayList<>(model);
        assertEquals(ordered.size(), list.length());
        SkipList.Node node = list.first();
        for (int i = 0; i < ordered.size(); i++, node = node.next()) {
            Member expected = ordered.get(i);
            assertEquals(expected.name(), node.member());
            assertEquals(i + 1, list.rank(expected.score(), expected.name()));
            assertEquals(expected.name(), list.byRank(i + 1).member());
        }
        assertNull(node);
        assertNull(list.byRank(ordered.size() + 1));
        assertEquals(ordered.get(ordered.size() - 1).name(), list.last().member());
        ScoreRange range = new ScoreRange(10, true, 20, false);
        List<Member> inRange = ordered.stream().filter(m -> range.contains(m.score())).toList();
        assertEquals(inRange.get(0).name(), list.firstIn(range).member());
        assertEquals(inRange.get(inRange.size() - 1).name(), list.lastIn(range).member());
        assertNull(list.firstIn(new ScoreRange(1000, false, 2000, false)));
        assertNull(list.lastIn(new ScoreRange(5, true, 5, false)));
    }

    @Test
    void lexRangesFindTheEndsAmongEqualScores() {
        SkipList list = new SkipList();
        for (String name : List.of("a", "b", "c", "d", "e")) {
            list.insert(0, bytes(name));
        }
        LexRange range = new LexRange(new LexRange.Bound(bytes("b"), false, false), new LexRange.Bound(bytes("d"), true, false));
        assertEquals(bytes("c"), list.firstIn(range).member());
        assertEquals(bytes("d"), list.lastIn(range).member());
        LexRange all = new LexRange(LexRange.Bound.NEGATIVE_INFINITY, LexRange.Bound.POSITIVE_INFINITY);
        assertEquals(bytes("a"), list.firstIn(all).member());
        assertEquals(bytes("e"), list.lastIn(all).member());
        assertTrue(new LexRange(LexRange.Bound.POSITIVE_INFINITY, LexRange.Bound.NEGATIVE_INFINITY).isEmpty());
        assertNull(list.firstIn(new LexRange(new LexRange.Bound(bytes("x"), true, false), LexRange.Bound.POSITIVE_INFINITY)));
    }
}
