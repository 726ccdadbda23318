package dev.larder.vector;

/** How a dense index compares vectors, as Upstash names it; every score is 0..1, higher is closer. */
public enum Metric {
    /** {@code (1 + cos) / 2}. */
    COSINE,
    /** {@code 1 / (1 + squared distance)}. */
    EUCLIDEAN,
    /** {@code (1 + dot) / 2}, for unit vectors. */
    DOT_PRODUCT
}
