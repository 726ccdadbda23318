package dev.larder.qstash.delivery;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * When each waiting message of this node is due: an id and a time per message (no timer task, no message
 * body), kept in time order; one thread hands each id to {@code due} at its time. At most {@code capacity}
 * are held: past it the latest due ones are left out (they wait in the grid; {@code leftOut} is told of each),
 * so memory stays bounded however many messages wait. A due message is handed on only while
 * {@code mayStart} says so (the deliveries in flight are bounded); until then it stays here, and {@link #wake}
 * says to look again.
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
    private static final Entry HIGHEST = new Entry(Long.MAX_VALUE, Long.MAX_VALUE, "");

    private final ConcurrentSkipListSet<Entry> order = new ConcurrentSkipListSet<>();
    private final Map<String, Entry> byId = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong sequence = new java.util.concurrent.atomic.AtomicLong();
    private final Thread thread;
    private final int capacity;
    private volatile boolean closed;
    private final java.util.function.BiConsumer<String, Long> leftOut;

    private final java.util.function.BooleanSupplier mayStart;
    /** the thread waits for {@code mayStart} (only then does {@link #wake} wake it: a wake-up a delivery cost more than its start) */
    private volatile boolean gated;

    /** @param leftOut told of each message left out: its id and when it is due */
    Timeline(int capacity, Consumer<String> due, java.util.function.BooleanSupplier mayStart, java.util.function.BiConsumer<String, Long> leftOut) {
        this.capacity = capacity;
        this.mayStart = mayStart;
        this.leftOut = leftOut;
        thread = Thread.ofPlatform().name("qstash-timeline").daemon().start(() -> run(due));
    }

    /** Something {@code mayStart} depends on changed. */
    void wake() {
        if (gated) {
            LockSupport.unpark(thread);
        }
    }

    /** Whether no message held is due by {@code now} (ms). */
    boolean nothingDueBy(long now) {
        Entry first = first();
        return first == null || first.at > now;
    }

    /**
     * The message is due at {@code at} (Unix ms), instead of any time it had; false when it was left out (the
     * timeline is full of messages due before it).
     */
    synchronized boolean at(String id, long at) {
        if (byId.size() >= capacity && !byId.containsKey(id)) {
            Entry latest = order.floor(HIGHEST);
            if (latest == null || latest.at <= at) {
                leftOut.accept(id, at);
                return false;
            }
            if (order.remove(latest) && byId.remove(latest.id, latest)) {
                leftOut.accept(latest.id, latest.at); // it waits in the grid until there is room again
            }
        }
        Entry entry = new Entry(at, sequence.incrementAndGet(), id);
        Entry previous = byId.put(id, entry);
        if (previous != null) {
            order.remove(previous);
        }
        order.add(entry);
        if (first() == entry) {
            LockSupport.unpark(thread);
        }
        return true;
    }

    /** How many more the timeline holds. */
    int room() {
        return Math.max(0, capacity - byId.size());
    }

    int capacity() {
        return capacity;
    }

    /** When the latest message held is due (Long.MIN_VALUE: none is held). */
    long latestDue() {
        Entry latest = order.floor(HIGHEST);
        return latest == null ? Long.MIN_VALUE : latest.at;
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
            } else if (!mayStart.getAsBoolean()) {
                gated = true;
                if (!mayStart.getAsBoolean()) { // again: a delivery that ended before `gated` was set did not wake this
                    LockSupport.parkNanos(this, 100_000_000L);
                }
                gated = false;
            } else if (order.remove(first)) {
                if (byId.get(first.id) == first) {
                    try {
                        due.accept(first.id); // before it leaves byId: a scan for messages left out never sees it in neither
                    } catch (RuntimeException e) {
                        org.slf4j.LoggerFactory.getLogger("dev.larder.qstash").error("QStash message {} could not be started", first.id, e);
                    }
                    byId.remove(first.id, first);
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
