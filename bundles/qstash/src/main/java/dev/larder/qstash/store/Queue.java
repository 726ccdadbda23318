package dev.larder.qstash.store;

/** A queue of a database: its messages are delivered in the order they came, at most {@code parallelism} at once. */
public record Queue(int database, String name, long createdAt, long updatedAt, int parallelism, boolean paused) {
}
