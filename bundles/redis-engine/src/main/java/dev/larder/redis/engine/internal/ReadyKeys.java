package dev.larder.redis.engine.internal;

import java.util.ArrayDeque;

/**
 * Keys written during the command now running on this thread that clients wait on: the engine serves
 * those clients once the command has released its locks.
 */
final class ReadyKeys {

    record Ready(Shard shard, DatabaseKey key) {
    }

    private static final ThreadLocal<ArrayDeque<Ready>> READY = ThreadLocal.withInitial(ArrayDeque::new);

    private ReadyKeys() {
    }

    static void add(Shard shard, DatabaseKey key) {
        ArrayDeque<Ready> ready = READY.get();
        Ready entry = new Ready(shard, key);
        if (!ready.contains(entry)) {
            ready.add(entry);
        }
    }

    /** The next ready key, or null. */
    static Ready poll() {
        return READY.get().poll();
    }
}
