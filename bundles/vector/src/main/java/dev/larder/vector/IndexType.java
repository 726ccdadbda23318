package dev.larder.vector;

/** What an index's records carry: a dense vector, a sparse vector, or both. */
public enum IndexType {
    DENSE, SPARSE, HYBRID;

    public boolean hasDense() {
        return this != SPARSE;
    }

    public boolean hasSparse() {
        return this != DENSE;
    }
}
