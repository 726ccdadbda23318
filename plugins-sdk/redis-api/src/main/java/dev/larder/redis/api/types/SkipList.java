package dev.larder.redis.api.types;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Redis's zskiplist: members ordered by score, then by bytes, with spans on every link so that rank
 * lookups and rank ranges take O(log n). Not thread-safe.
 */
public final class SkipList {

    private static final int MAX_LEVEL = 32;
    private static final double P = 0.25;

    /** A member in the list; follow {@link #next()} and {@link #previous()} to walk a range. */
    public static final class Node {
        private final Bytes member;
        private final double score;
        private Node backward;
        private final Node[] forward;
        private final long[] span;

        private Node(int level, double score, Bytes member) {
            this.member = member;
            this.score = score;
            this.forward = new Node[level];
            this.span = new long[level];
        }

        public Bytes member() {
            return member;
        }

        public double score() {
            return score;
        }

        public Node next() {
            return forward[0];
        }

        public Node previous() {
            return backward;
        }
    }

    private final Node header = new Node(MAX_LEVEL, 0, null);
    private Node tail;
    private int level = 1;
    private long length;

    public long length() {
        return length;
    }

    public Node first() {
        return header.forward[0];
    }

    public Node last() {
        return tail;
    }

    private static boolean before(Node node, double score, Bytes member) {
        return node.score < score || (node.score == score && node.member.compareTo(member) < 0);
    }

    private static int randomLevel() {
        int level = 1;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (level < MAX_LEVEL && random.nextDouble() < P) {
            level++;
        }
        return level;
    }

    /** Inserts a member that is not in the list. */
    public Node insert(double score, Bytes member) {
        Node[] update = new Node[MAX_LEVEL];
        long[] rank = new long[MAX_LEVEL];
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            rank[i] = i == level - 1 ? 0 : rank[i + 1];
            while (x.forward[i] != null && before(x.forward[i], score, member)) {
                rank[i] += x.span[i];
                x = x.forward[i];
            }
            update[i] = x;
        }
        int newLevel = randomLevel();
        if (newLevel > level) {
            for (int i = level; i < newLevel; i++) {
                rank[i] = 0;
                update[i] = header;
                update[i].span[i] = length;
            }
            level = newLevel;
        }
        x = new Node(newLevel, score, member);
        for (int i = 0; i < newLevel; i++) {
            x.forward[i] = update[i].forward[i];
            update[i].forward[i] = x;
            x.span[i] = update[i].span[i] - (rank[0] - rank[i]);
            update[i].span[i] = (rank[0] - rank[i]) + 1;
        }
        for (int i = newLevel; i < level; i++) {
            update[i].span[i]++;
        }
        x.backward = update[0] == header ? null : update[0];
        if (x.forward[0] != null) {
            x.forward[0].backward = x;
        } else {
            tail = x;
        }
        length++;
        return x;
    }

    /** Removes the member with that score; returns whether it was there. */
    public boolean delete(double score, Bytes member) {
        Node[] update = new Node[MAX_LEVEL];
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.forward[i] != null && before(x.forward[i], score, member)) {
                x = x.forward[i];
            }
            update[i] = x;
        }
        x = x.forward[0];
        if (x == null || x.score != score || !x.member.equals(member)) {
            return false;
        }
        for (int i = 0; i < level; i++) {
            if (update[i].forward[i] == x) {
                update[i].span[i] += x.span[i] - 1;
                update[i].forward[i] = x.forward[i];
            } else {
                update[i].span[i]--;
            }
        }
        if (x.forward[0] != null) {
            x.forward[0].backward = x.backward;
        } else {
            tail = x.backward;
        }
        while (level > 1 && header.forward[level - 1] == null) {
            level--;
        }
        length--;
        return true;
    }

    /** 1-based rank of a member with that score, 0 when it is not there. */
    public long rank(double score, Bytes member) {
        long rank = 0;
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.forward[i] != null && (before(x.forward[i], score, member)
                    || (x.forward[i].score == score && x.forward[i].member.equals(member)))) {
                rank += x.span[i];
                x = x.forward[i];
            }
            if (x.member != null && x.score == score && x.member.equals(member)) {
                return rank;
            }
        }
        return 0;
    }

    /** The member at a 1-based rank, or null. */
    public Node byRank(long rank) {
        if (rank < 1 || rank > length) {
            return null;
        }
        long traversed = 0;
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.forward[i] != null && traversed + x.span[i] <= rank) {
                traversed += x.span[i];
                x = x.forward[i];
            }
            if (traversed == rank) {
                return x;
            }
        }
        return null;
    }

    /** The first member whose score is in the range, or null. */
    public Node firstIn(ScoreRange range) {
        if (range.isEmpty() || tail == null || !range.aboveMin(tail.score) || !range.belowMax(first().score)) {
            return null;
        }
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.forward[i] != null && !range.aboveMin(x.forward[i].score)) {
                x = x.forward[i];
            }
        }
        x = x.forward[0];
        return x != null && range.belowMax(x.score) ? x : null;
    }

    /** The last member whose score is in the range, or null. */
    public Node lastIn(ScoreRange range) {
        if (range.isEmpty() || tail == null || !range.aboveMin(tail.score) || !range.belowMax(first().score)) {
            return null;
        }
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.forward[i] != null && range.belowMax(x.forward[i].score)) {
                x = x.forward[i];
            }
        }
        return x != header && range.aboveMin(x.score) ? x : null;
    }

    /** The first member in the byte range, or null (meaningful when all scores are equal, as Redis says). */
    public Node firstIn(LexRange range) {
        if (range.isEmpty() || tail == null || !range.aboveMin(tail.member) || !range.belowMax(first().member)) {
            return null;
        }
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.forward[i] != null && !range.aboveMin(x.forward[i].member)) {
                x = x.forward[i];
            }
        }
        x = x.forward[0];
        return x != null && range.belowMax(x.member) ? x : null;
    }

    /** The last member in the byte range, or null. */
    public Node lastIn(LexRange range) {
        if (range.isEmpty() || tail == null || !range.aboveMin(tail.member) || !range.belowMax(first().member)) {
            return null;
        }
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.forward[i] != null && range.belowMax(x.forward[i].member)) {
                x = x.forward[i];
            }
        }
        return x != header && range.aboveMin(x.member) ? x : null;
    }
}
