package dev.larder.redis.api.types;

/**
 * A range of members by byte order, for members of equal score (ZRANGEBYLEX): each end is a value,
 * inclusive ("[a") or exclusive ("(a"), or unbounded ("-" below everything, "+" above everything).
 */
public record LexRange(Bound min, Bound max) {

    /** One end: {@code value} null with {@code negativeInfinity} for "-", null without it for "+". */
    public record Bound(Bytes value, boolean inclusive, boolean negativeInfinity) {

        public static final Bound NEGATIVE_INFINITY = new Bound(null, true, true);
        public static final Bound POSITIVE_INFINITY = new Bound(null, true, false);

        int compareTo(Bytes member) {
            if (value == null) {
                return negativeInfinity ? -1 : 1;
            }
            return value.compareTo(member);
        }
    }

    public boolean aboveMin(Bytes member) {
        int c = min.compareTo(member);
        return min.inclusive() ? c <= 0 : c < 0;
    }

    public boolean belowMax(Bytes member) {
        int c = max.compareTo(member);
        return max.inclusive() ? c >= 0 : c > 0;
    }

    public boolean contains(Bytes member) {
        return aboveMin(member) && belowMax(member);
    }

    /** Whether no member can be in the range (Redis's zslIsInLexRange shortcut). */
    public boolean isEmpty() {
        if (min.value() == null && max.value() == null) {
            return !min.negativeInfinity() || max.negativeInfinity();
        }
        if (min.value() == null) {
            return !min.negativeInfinity();
        }
        if (max.value() == null) {
            return max.negativeInfinity();
        }
        int c = min.value().compareTo(max.value());
        return c > 0 || (c == 0 && (!min.inclusive() || !max.inclusive()));
    }
}
