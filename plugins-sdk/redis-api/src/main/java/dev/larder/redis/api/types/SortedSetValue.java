package dev.larder.redis.api.types;

import java.nio.ByteBuffer;
import java.util.Random;
import java.util.function.BiConsumer;

/** A Redis sorted set: members with scores, in a {@link ScoreIndex} for order and a map for lookup by member. */
public final class SortedSetValue extends CollectionValue {


    private FieldMap<Double> scores = new FieldMap<>();
    private ScoreIndex order = new ScoreIndex();

    @Override
    public String typeName() {
        return "zset";
    }

    @Override
    public String encoding() {
        return scores.isLarge() ? "skiplist" : "listpack";
    }

    /** Into the skiplist encoding whatever the size, as Redis's SORT converts the sorted sets it reads. */
    public void convertToSkiplist() {
        scores.convert();
    }

    @Override
    public byte typeTag() {
        return SORTED_SET;
    }

    @Override
    public int size() {
        return scores.size();
    }

    /** The member's score, or null when it is not a member. */
    public Double score(byte[] member) {
        return scores.get(new Bytes(member));
    }

    public Double score(Bytes member) {
        return scores.get(member);
    }

    /** Adds the member or changes its score; returns the score it had, or null when it is new. */
    public Double put(byte[] member, double score) {
        Bytes key = new Bytes(member);
        Double previous = scores.get(key);
        if (previous != null) {
            if (previous == score) {
                return previous;
            }
            order.delete(previous, key);
        } else if (!scores.isLarge()
                && (member.length > EncodingLimits.current().zsetValue() || scores.size() >= EncodingLimits.current().zsetEntries())) {
            scores.convert();
        }
        scores.put(key, score);
        order.insert(score, key);
        changed(key);
        return previous;
    }

    /** @return whether it was a member */
    public boolean remove(Bytes member) {
        Double score = scores.remove(member);
        if (score == null) {
            return false;
        }
        order.delete(score, member);
        changed(member);
        return true;
    }

    public boolean remove(byte[] member) {
        return remove(new Bytes(member));
    }

    /** 0-based rank by ascending score, or -1 when it is not a member. */
    public long rank(byte[] member) {
        Bytes key = new Bytes(member);
        Double score = scores.get(key);
        return score == null ? -1 : order.rank(score, key) - 1;
    }

    /** The member at a 0-based rank (ascending), or null. */
    public ScoreIndex.Entry byRank(long rank) {
        return order.byRank(rank + 1);
    }

    public ScoreIndex.Entry first() {
        return order.first();
    }

    public ScoreIndex.Entry last() {
        return order.last();
    }

    public ScoreIndex.Entry firstIn(ScoreRange range) {
        return order.firstIn(range);
    }

    public ScoreIndex.Entry lastIn(ScoreRange range) {
        return order.lastIn(range);
    }

    /**
     * The first member in the byte range. Byte ranges assume equal scores; where they differ, a small set
     * answers as Redis's listpack does (the first member from the lowest score on that is at least the
     * minimum, if it is also at most the maximum).
     */
    public ScoreIndex.Entry firstIn(LexRange range) {
        if (scores.isLarge()) {
            return order.firstIn(range);
        }
        if (!mayHold(range)) {
            return null;
        }
        for (ScoreIndex.Entry node = order.first(); node != null; node = node.next()) {
            if (range.aboveMin(node.member())) {
                return range.belowMax(node.member()) ? node : null;
            }
        }
        return null;
    }

    /** The last member in the byte range, found from the highest score down in a small set (see {@link #firstIn(LexRange)}). */
    public ScoreIndex.Entry lastIn(LexRange range) {
        if (scores.isLarge()) {
            return order.lastIn(range);
        }
        if (!mayHold(range)) {
            return null;
        }
        for (ScoreIndex.Entry node = order.last(); node != null; node = node.previous()) {
            if (range.belowMax(node.member())) {
                return range.aboveMin(node.member()) ? node : null;
            }
        }
        return null;
    }

    /** Redis's zzlIsInLexRange: false when the range is empty, or all members are below or above it. */
    private boolean mayHold(LexRange range) {
        return !range.isEmpty() && order.last() != null && range.aboveMin(order.last().member())
                && range.belowMax(order.first().member());
    }

    /** How many members are in the byte range: a walk from the first while in range in a small set, ranks in a large one. */
    public long countIn(LexRange range) {
        ScoreIndex.Entry first = firstIn(range);
        if (first == null) {
            return 0;
        }
        if (scores.isLarge()) {
            ScoreIndex.Entry last = lastIn(range);
            return last == null ? 0 : rank(last) - rank(first) + 1;
        }
        long count = 0;
        for (ScoreIndex.Entry node = first; node != null && range.belowMax(node.member()); node = node.next()) {
            count++;
        }
        return count;
    }

    /** 0-based rank of a node of this set. */
    public long rank(ScoreIndex.Entry node) {
        return order.rank(node.score(), node.member()) - 1;
    }

    /**
     * One ZSCAN step: while small the whole set in order with cursor 0 (as Redis's listpack), else one
     * bucket of the member table.
     */
    public long scan(long cursor, BiConsumer<Bytes, Double> action) {
        if (!scores.isLarge()) {
            for (ScoreIndex.Entry node = order.first(); node != null; node = node.next()) {
                action.accept(node.member(), node.score());
            }
            return 0;
        }
        return scores.scan(cursor, action);
    }

    public Bytes randomMember(Random random) {
        return scores.randomKey(random);
    }

    @Override
    public void forEachMember(MemberSink sink) {
        for (ScoreIndex.Entry node = order.first(); node != null; node = node.next()) {
            sink.put(node.member().bytes(), stored(node.score()));
        }
    }

    @Override
    protected byte[] storedMember(Bytes member) {
        Double score = scores.get(member);
        return score == null ? null : stored(score);
    }

    private static byte[] stored(double score) {
        return ByteBuffer.allocate(8).putDouble(score).array();
    }

    @Override
    public void loadMember(byte[] member, byte[] value) {
        if (value == null) {
            remove(member);
        } else {
            put(member, ByteBuffer.wrap(value).getDouble());
        }
    }

    @Override
    public void loaded() {
        discardChanges();
    }

    @Override
    public SortedSetValue copy() {
        SortedSetValue copy = new SortedSetValue();
        if (scores.isLarge()) {
            copy.scores.convert();
        }
        for (ScoreIndex.Entry node = order.first(); node != null; node = node.next()) {
            copy.scores.put(node.member(), node.score());
            copy.order.insert(node.score(), node.member());
        }
        return copy;
    }
}
