package dev.larder.databases;

/** A database's durability, as Redis's appendfsync. */
public enum Durability {
    /** Whatever the product's own setting says (for Redis: dev.larder.redis durability). */
    SERVER_DEFAULT,
    /** Replies to writes wait until the write is on disk (one fsync per group of writes). */
    ALWAYS,
    /** Replies at once; writes reach disk within a bounded delay. */
    EVERYSEC,
    /** Memory only: nothing is written to disk. */
    OFF
}
