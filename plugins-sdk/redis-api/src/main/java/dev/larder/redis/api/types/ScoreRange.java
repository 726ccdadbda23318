package dev.larder.redis.api.types;

/** A range of sorted-set scores, each end inclusive or exclusive (ZRANGEBYSCORE's "(1" form). */
public record ScoreRange(double min, boolean minExclusive, double max, boolean maxExclusive) {

    public boolean aboveMin(double score) {
        return minExclusive ? score > min : score >= min;
    }

    public boolean belowMax(double score) {
        return maxExclusive ? score < max : score <= max;
    }

    public boolean contains(double score) {
        return aboveMin(score) && belowMax(score);
    }

    /** Whether no score can be in the range. */
    public boolean isEmpty() {
        return min > max || (min == max && (minExclusive || maxExclusive));
    }
}
