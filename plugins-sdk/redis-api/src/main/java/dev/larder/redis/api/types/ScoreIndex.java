package dev.larder.redis.api.types;

/**
 * The order of a sorted set: members by score, then by bytes (Redis's order), in a B+tree whose inner
 * pages count the members below each child, so rank lookups, rank ranges and score or byte ranges take
 * O(log n). It does what Redis's skiplist does, with arrays of 64 members per page instead of a node
 * per member: a lookup touches a few pages rather than dozens of scattered nodes, which is what a
 * write to a large sorted set costs on the JVM. Pages that empty are removed; others are not merged.
 * Not thread-safe.
 */
public final class ScoreIndex {

    private static final int CAPACITY = 64;

    private abstract static class Page {
        int size;
    }

    private static final class Leaf extends Page {
        final double[] scores = new double[CAPACITY];
        final Bytes[] members = new Bytes[CAPACITY];
        Leaf next;
        Leaf previous;
    }

    /** Children, the number of members under each, and the lowest key of every child but the first. */
    private static final class Inner extends Page {
        final Page[] children = new Page[CAPACITY];
        final long[] counts = new long[CAPACITY];
        final double[] lowScores = new double[CAPACITY];
        final Bytes[] lowMembers = new Bytes[CAPACITY];
    }

    /**
     * A member and its score, and its place for walking on with {@link #next} and {@link #previous}: the
     * member and score stay valid after the index changes, the place does not.
     */
    public static final class Entry {
        private final Leaf leaf;
        private final int index;
        private final Bytes member;
        private final double score;

        private Entry(Leaf leaf, int index) {
            this.leaf = leaf;
            this.index = index;
            this.member = leaf.members[index];
            this.score = leaf.scores[index];
        }

        public Bytes member() {
            return member;
        }

        public double score() {
            return score;
        }

        public Entry next() {
            if (index + 1 < leaf.size) {
                return new Entry(leaf, index + 1);
            }
            return leaf.next == null ? null : new Entry(leaf.next, 0);
        }

        public Entry previous() {
            if (index > 0) {
                return new Entry(leaf, index - 1);
            }
            return leaf.previous == null ? null : new Entry(leaf.previous, leaf.previous.size - 1);
        }
    }

    /** A page split in two: the new right page, its lowest key and how many members it holds. */
    private record Split(Page right, double lowScore, Bytes lowMember, long count) {
    }

    private Page root = new Leaf();
    private Leaf head = (Leaf) root;
    private Leaf tail = (Leaf) root;
    private long length;

    public long length() {
        return length;
    }

    public Entry first() {
        return length == 0 ? null : new Entry(head, 0);
    }

    public Entry last() {
        return length == 0 ? null : new Entry(tail, tail.size - 1);
    }

    /** Redis's order; scores compare as numbers, so -0 and 0 are one score. */
    private static int compare(double score, Bytes member, double otherScore, Bytes otherMember) {
        if (score < otherScore) {
            return -1;
        }
        if (score > otherScore) {
            return 1;
        }
        return member.compareTo(otherMember);
    }

    /** The child whose keys include the key: the last one whose lowest key is not above it. */
    private static int child(Inner inner, double score, Bytes member) {
        int low = 1;
        int high = inner.size - 1;
        int found = 0;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            if (compare(inner.lowScores[middle], inner.lowMembers[middle], score, member) <= 0) {
                found = middle;
                low = middle + 1;
            } else {
                high = middle - 1;
            }
        }
        return found;
    }

    /** The first position in the leaf whose key is not below the key. */
    private static int position(Leaf leaf, double score, Bytes member) {
        int low = 0;
        int high = leaf.size;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (compare(leaf.scores[middle], leaf.members[middle], score, member) < 0) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    private static boolean at(Leaf leaf, int index, double score, Bytes member) {
        return index < leaf.size && compare(leaf.scores[index], leaf.members[index], score, member) == 0;
    }

    /** Inserts a member that is not in the index. */
    public void insert(double score, Bytes member) {
        Split split = insert(root, score, member);
        if (split != null) {
            Inner grown = new Inner();
            grown.children[0] = root;
            grown.counts[0] = length + 1 - split.count();
            grown.children[1] = split.right();
            grown.counts[1] = split.count();
            grown.lowScores[1] = split.lowScore();
            grown.lowMembers[1] = split.lowMember();
            grown.size = 2;
            root = grown;
        }
        length++;
    }

    private Split insert(Page page, double score, Bytes member) {
        if (page instanceof Leaf leaf) {
            int at = position(leaf, score, member);
            if (leaf.size < CAPACITY) {
                insertAt(leaf, at, score, member);
                return null;
            }
            Leaf right = splitLeaf(leaf);
            if (at <= leaf.size) {
                insertAt(leaf, at, score, member);
            } else {
                insertAt(right, at - leaf.size, score, member);
            }
            return new Split(right, right.scores[0], right.members[0], right.size);
        }
        Inner inner = (Inner) page;
        int c = child(inner, score, member);
        Split split = insert(inner.children[c], score, member);
        inner.counts[c]++;
        if (split == null) {
            return null;
        }
        inner.counts[c] -= split.count();
        if (inner.size < CAPACITY) {
            insertChild(inner, c + 1, split);
            return null;
        }
        Inner right = splitInner(inner);
        long moved = 0;
        for (int i = 0; i < right.size; i++) {
            moved += right.counts[i];
        }
        double lowScore = right.lowScores[0];
        Bytes lowMember = right.lowMembers[0];
        if (c + 1 <= inner.size) {
            insertChild(inner, c + 1, split);
        } else {
            insertChild(right, c + 1 - inner.size, split);
            moved += split.count();
        }
        return new Split(right, lowScore, lowMember, moved);
    }

    private static void insertAt(Leaf leaf, int at, double score, Bytes member) {
        System.arraycopy(leaf.scores, at, leaf.scores, at + 1, leaf.size - at);
        System.arraycopy(leaf.members, at, leaf.members, at + 1, leaf.size - at);
        leaf.scores[at] = score;
        leaf.members[at] = member;
        leaf.size++;
    }

    private static void insertChild(Inner inner, int at, Split split) {
        int moving = inner.size - at;
        System.arraycopy(inner.children, at, inner.children, at + 1, moving);
        System.arraycopy(inner.counts, at, inner.counts, at + 1, moving);
        System.arraycopy(inner.lowScores, at, inner.lowScores, at + 1, moving);
        System.arraycopy(inner.lowMembers, at, inner.lowMembers, at + 1, moving);
        inner.children[at] = split.right();
        inner.counts[at] = split.count();
        inner.lowScores[at] = split.lowScore();
        inner.lowMembers[at] = split.lowMember();
        inner.size++;
    }

    /** Moves the upper half of a full leaf to a new leaf after it. */
    private Leaf splitLeaf(Leaf leaf) {
        Leaf right = new Leaf();
        int keep = leaf.size / 2;
        right.size = leaf.size - keep;
        System.arraycopy(leaf.scores, keep, right.scores, 0, right.size);
        System.arraycopy(leaf.members, keep, right.members, 0, right.size);
        java.util.Arrays.fill(leaf.members, keep, leaf.size, null);
        leaf.size = keep;
        right.next = leaf.next;
        right.previous = leaf;
        if (leaf.next != null) {
            leaf.next.previous = right;
        } else {
            tail = right;
        }
        leaf.next = right;
        return right;
    }

    /** Moves the upper half of a full inner page to a new page; the new page's first lowest key is its separator. */
    private static Inner splitInner(Inner inner) {
        Inner right = new Inner();
        int keep = inner.size / 2;
        right.size = inner.size - keep;
        System.arraycopy(inner.children, keep, right.children, 0, right.size);
        System.arraycopy(inner.counts, keep, right.counts, 0, right.size);
        System.arraycopy(inner.lowScores, keep, right.lowScores, 0, right.size);
        System.arraycopy(inner.lowMembers, keep, right.lowMembers, 0, right.size);
        java.util.Arrays.fill(inner.children, keep, inner.size, null);
        java.util.Arrays.fill(inner.lowMembers, keep, inner.size, null);
        inner.size = keep;
        return right;
    }

    /** Removes the member with that score; returns whether it was there. */
    public boolean delete(double score, Bytes member) {
        if (!delete(root, score, member)) {
            return false;
        }
        length--;
        while (root instanceof Inner inner && inner.size == 1) {
            root = inner.children[0];
        }
        return true;
    }

    private boolean delete(Page page, double score, Bytes member) {
        if (page instanceof Leaf leaf) {
            int at = position(leaf, score, member);
            if (!at(leaf, at, score, member)) {
                return false;
            }
            System.arraycopy(leaf.scores, at + 1, leaf.scores, at, leaf.size - at - 1);
            System.arraycopy(leaf.members, at + 1, leaf.members, at, leaf.size - at - 1);
            leaf.size--;
            leaf.members[leaf.size] = null;
            return true;
        }
        Inner inner = (Inner) page;
        int c = child(inner, score, member);
        Page child = inner.children[c];
        if (!delete(child, score, member)) {
            return false;
        }
        inner.counts[c]--;
        if (child.size == 0) {
            if (child instanceof Leaf emptied) {
                unlink(emptied);
            }
            removeChild(inner, c);
        }
        return true;
    }

    private void unlink(Leaf leaf) {
        if (leaf.previous != null) {
            leaf.previous.next = leaf.next;
        } else {
            head = leaf.next;
        }
        if (leaf.next != null) {
            leaf.next.previous = leaf.previous;
        } else {
            tail = leaf.previous;
        }
    }

    private void removeChild(Inner inner, int at) {
        int moving = inner.size - at - 1;
        System.arraycopy(inner.children, at + 1, inner.children, at, moving);
        System.arraycopy(inner.counts, at + 1, inner.counts, at, moving);
        System.arraycopy(inner.lowScores, at + 1, inner.lowScores, at, moving);
        System.arraycopy(inner.lowMembers, at + 1, inner.lowMembers, at, moving);
        inner.size--;
        inner.children[inner.size] = null;
        inner.lowMembers[inner.size] = null;
        if (inner.size == 0 && inner == root) {
            Leaf empty = new Leaf();
            root = empty;
            head = empty;
            tail = empty;
        }
    }

    /** 1-based rank of a member with that score, 0 when it is not there. */
    public long rank(double score, Bytes member) {
        long rank = 0;
        Page page = root;
        while (page instanceof Inner inner) {
            int c = child(inner, score, member);
            for (int i = 0; i < c; i++) {
                rank += inner.counts[i];
            }
            page = inner.children[c];
        }
        Leaf leaf = (Leaf) page;
        int at = position(leaf, score, member);
        return at(leaf, at, score, member) ? rank + at + 1 : 0;
    }

    /** The member at a 1-based rank, or null. */
    public Entry byRank(long rank) {
        if (rank < 1 || rank > length) {
            return null;
        }
        Page page = root;
        while (page instanceof Inner inner) {
            int c = 0;
            while (c < inner.size - 1 && rank > inner.counts[c]) {
                rank -= inner.counts[c];
                c++;
            }
            page = inner.children[c];
        }
        return new Entry((Leaf) page, (int) rank - 1);
    }

    /** A condition on keys that is false up to some key and true from there on. */
    private interface FromKey {
        boolean holds(double score, Bytes member);
    }

    /** The first member for which the condition holds, or null. */
    private Entry firstWhere(FromKey condition) {
        Page page = root;
        while (page instanceof Inner inner) {
            int low = 1;
            int high = inner.size - 1;
            int c = 0;
            while (low <= high) {
                int middle = (low + high) >>> 1;
                if (!condition.holds(inner.lowScores[middle], inner.lowMembers[middle])) {
                    c = middle;
                    low = middle + 1;
                } else {
                    high = middle - 1;
                }
            }
            page = inner.children[c];
        }
        Leaf leaf = (Leaf) page;
        for (int i = 0; i < leaf.size; i++) {
            if (condition.holds(leaf.scores[i], leaf.members[i])) {
                return new Entry(leaf, i);
            }
        }
        return leaf.next == null ? null : new Entry(leaf.next, 0);
    }

    /** The last member for which the condition holds, the condition being true up to some key and false after. */
    private Entry lastWhere(FromKey condition) {
        Page page = root;
        while (page instanceof Inner inner) {
            int low = 1;
            int high = inner.size - 1;
            int c = 0;
            while (low <= high) {
                int middle = (low + high) >>> 1;
                if (condition.holds(inner.lowScores[middle], inner.lowMembers[middle])) {
                    c = middle;
                    low = middle + 1;
                } else {
                    high = middle - 1;
                }
            }
            page = inner.children[c];
        }
        Leaf leaf = (Leaf) page;
        for (int i = leaf.size - 1; i >= 0; i--) {
            if (condition.holds(leaf.scores[i], leaf.members[i])) {
                return new Entry(leaf, i);
            }
        }
        return leaf.previous == null ? null : new Entry(leaf.previous, leaf.previous.size - 1);
    }

    /** The first member whose score is in the range, or null. */
    public Entry firstIn(ScoreRange range) {
        if (range.isEmpty() || length == 0) {
            return null;
        }
        Entry first = firstWhere((score, member) -> range.aboveMin(score));
        return first != null && range.belowMax(first.score()) ? first : null;
    }

    /** The last member whose score is in the range, or null. */
    public Entry lastIn(ScoreRange range) {
        if (range.isEmpty() || length == 0) {
            return null;
        }
        Entry last = lastWhere((score, member) -> range.belowMax(score));
        return last != null && range.aboveMin(last.score()) ? last : null;
    }

    /** The first member in the byte range, or null (meaningful when all scores are equal, as Redis says). */
    public Entry firstIn(LexRange range) {
        if (range.isEmpty() || length == 0) {
            return null;
        }
        Entry first = firstWhere((score, member) -> range.aboveMin(member));
        return first != null && range.belowMax(first.member()) ? first : null;
    }

    /** The last member in the byte range, or null. */
    public Entry lastIn(LexRange range) {
        if (range.isEmpty() || length == 0) {
            return null;
        }
        Entry last = lastWhere((score, member) -> range.belowMax(member));
        return last != null && range.aboveMin(last.member()) ? last : null;
    }
}
