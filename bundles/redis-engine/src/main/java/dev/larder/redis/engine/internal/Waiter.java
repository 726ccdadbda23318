package dev.larder.redis.engine.internal;

import dev.larder.redis.api.CommandContext;
import dev.larder.redis.api.Reply;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A client blocked on keys (BLPOP and friends). It sits in the wait queue of each key, in its key's
 * shard; exactly one of serving, timing out and disconnecting ends it ({@link #finish}).
 */
final class Waiter {


    final Session session;
    /** The shards of the blocked command's keys: what an attempt locks. */
    final boolean[] shards;
    final List<DatabaseKey> keys;
    final CommandContext.Attempt attempt;
    final Consumer<Reply> timedOut;
    private final AtomicBoolean finished = new AtomicBoolean();
    volatile ScheduledFuture<?> timeout;

    Waiter(Session session, boolean[] shards, List<DatabaseKey> keys, CommandContext.Attempt attempt, Consumer<Reply> timedOut) {
        this.session = session;
        this.shards = shards;
        this.keys = keys;
        this.attempt = attempt;
        this.timedOut = timedOut;
    }

    /** True for the one caller that ends the wait. */
    boolean finish() {
        if (!finished.compareAndSet(false, true)) {
            return false;
        }
        ScheduledFuture<?> scheduled = timeout;
        if (scheduled != null) {
            scheduled.cancel(false);
        }
        return true;
    }

    boolean finished() {
        return finished.get();
    }
}
