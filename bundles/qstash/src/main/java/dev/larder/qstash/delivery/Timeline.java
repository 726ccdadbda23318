package dev.larder.qstash.delivery;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * When each waiting message of this node is due: an id and a time per message (no timer task, no message
 * body), kept in time order; one thread hands each id to {@code due} at its time.
 */
final class Timeline implements AutoCloseable {

    private record Entry(long at, long sequence, String id) implements Comparable<Entry> {
        @Override
        public int compareTo(Entry other) {
            int byTime = Long.compare(at, other.at);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }

    private static final Entry LOWEST = new Entry(Long.MIN_VALUE, Long.MIN_VALUE, "");

    private final ConcurrentSkipListSet<Entry> order = new ConcurrentSkipListSet<>();
    private final Map<String, Entry> byId = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong sequence = new java.util.concurrent.atomic.AtomicLong();
    private final Thread thread;
    private volatile boolean closed;

    Timeline(Consumer<String> due) {
        thread = Thread.ofPlatform().name("qstash-timeline").daemon().start(() -> run(due));
    }

    /** The message is due at {@code at} (Unix ms), instead of any time it had. */
    void at(String id, long at) {
        Entry entry = new Entry(at, sequence.incrementAndGet(), id);
        Entry previous = byId.put(id, entry);
        if (previous != null) {
            order.remove(previous);
        }
        order.add(entry);
        if (first() == entry) {
            LockSupport.unpark(thread);
        }
    }

    /** Forgets the message; whether it was waiting. */
    boolean remove(String id) {
        Entry entry = byId.remove(id);
        return entry != null && order.remove(entry);
    }

    boolean contains(String id) {
        return byId.containsKey(id);
    }

    int size() {
        return byId.size();
    }

    /** The earliest entry, or null (the set may empty itself between a check and first()). */
    private Entry first() {
        return order.ceiling(LOWEST);
    }

    private void run(Consumer<String> due) {
        while (!closed) {
            Entry first = first();
            long now = System.currentTimeMillis();
            if (first == null) {
                LockSupport.parkNanos(this, 1_000_000_000L);
            } else if (first.at > now) {
                LockSupport.parkNanos(this, Math.min(1_000L, first.at - now) * 1_000_000L);
            } else if (order.remove(first)) {
                if (byId.remove(first.id, first)) {
                    try {
                        due.accept(first.id);
                    } catch (RuntimeException e) {
                        org.slf4j.LoggerFactory.getLogger("dev.larder.qstash").error("QStash message {} could not be started", first.id, e);
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
    }
}
