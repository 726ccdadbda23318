package dev.larder.redis.engine.internal;

import dev.larder.redis.api.CommandFlag;
import dev.larder.redis.api.CommandSpec;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * CLIENT PAUSE: while it lasts, the commands it covers (all, or those that may write: write commands,
 * scripts, PUBLISH) are held back and run in arrival order when it ends, by timeout or CLIENT UNPAUSE.
 * A held command holds no thread: its client stops being read, as a blocked client does.
 */
final class ClientPause {

    /** Commands that may change data or reach other clients without the WRITE flag (Redis's may-replicate). */
    private static final Set<String> MAY_WRITE = Set.of("eval", "evalsha", "fcall", "publish", "spublish", "pfcount");

    private final ScheduledExecutorService timer;
    private final Queue<Runnable> held = new ArrayDeque<>();
    private long untilMillis;
    private boolean writesOnly;
    /** Read by every command without the lock: whether a pause may be on. */
    private volatile boolean active;

    ClientPause(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /** A longer pause replaces a shorter one; a pause of all commands stays one of all until it ends (as Redis). */
    synchronized void pause(long until, boolean onlyWrites) {
        long now = System.currentTimeMillis();
        boolean paused = now < untilMillis;
        writesOnly = paused ? writesOnly && onlyWrites : onlyWrites;
        if (until > untilMillis) {
            untilMillis = until;
            if (!paused) {
                timer.schedule(this::endIfDue, Math.max(0, until - now), TimeUnit.MILLISECONDS); // a running pause's timer looks again
            }
        }
        active = true;
    }

    void unpause() {
        synchronized (this) {
            untilMillis = 0;
            active = false;
        }
        release();
    }

    /** Holds the command back when the pause covers it: {@code later} runs it once the pause ends. */
    boolean hold(CommandSpec spec, Runnable later) {
        return active && holdWhilePaused(spec, later);
    }

    private synchronized boolean holdWhilePaused(CommandSpec spec, Runnable later) {
        if (System.currentTimeMillis() >= untilMillis) {
            return false;
        }
        if (writesOnly && !spec.has(CommandFlag.WRITE) && !MAY_WRITE.contains(spec.name())) {
            return false;
        }
        held.add(later);
        return true;
    }

    private void endIfDue() {
        synchronized (this) {
            long left = untilMillis - System.currentTimeMillis();
            if (left > 0) {
                // the timer may fire a little before the wall clock says so: look again then
                timer.schedule(this::endIfDue, left, TimeUnit.MILLISECONDS);
                return;
            }
            active = false;
        }
        release();
    }

    private void release() {
        Runnable next;
        while (true) {
            synchronized (this) {
                next = held.poll();
            }
            if (next == null) {
                return;
            }
            next.run();
        }
    }
}
