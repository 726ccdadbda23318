package dev.larder.qstash.store;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * Makes writes durable with as few fsyncs as the callers allow: a thread of its own runs one fsync at a time,
 * and the callers that came while one ran share the next. Each caller waits on its batch alone (woken by the
 * syncer, one by one): with a hundred writers, all waking on one monitor after each fsync cost more CPU than
 * the fsync. A {@link #request} (a change that may wait) does not wake the syncer: the next caller's fsync takes it
 * along, or the syncer's own within {@link #LAZY_NANOS}; at moderate rates that halved the fsyncs of a delivery.
 */
final class GroupCommit implements AutoCloseable {

    /** how long a requested fsync may wait for a caller's to take it along */
    static final long LAZY_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final Runnable fsync;
    private final Thread syncer;
    /** the callers waiting for the next fsync (null: none yet) */
    private CompletableFuture<Void> next;
    /** when the oldest request not yet covered by an fsync came (nanoTime; 0: none waits) */
    private long requestedAt;
    /** the syncer waits for a caller with no deadline */
    private boolean idle;
    private boolean closed;

    /** @param fsync makes everything written or appended before it durable */
    GroupCommit(Runnable fsync, String name) {
        this.fsync = fsync;
        this.syncer = Thread.ofPlatform().name(name).daemon().start(this::run);
    }

    /** Returns once everything this thread wrote before the call is on disk. */
    void sync() {
        CompletableFuture<Void> batch;
        synchronized (this) {
            checkOpen();
            if (next == null) {
                next = new CompletableFuture<>();
                notifyAll();
            }
            batch = next;
        }
        try {
            batch.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure : e;
        }
    }

    /** Has an fsync come within {@link #LAZY_NANOS}, without waiting for it. */
    synchronized void request() {
        checkOpen();
        if (next == null && requestedAt == 0) {
            requestedAt = System.nanoTime() | 1;
            if (idle) {
                notifyAll();
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the write-ahead log is closed");
        }
    }

    private void run() {
        boolean justSynced = false;
        while (true) {
            CompletableFuture<Void> batch;
            synchronized (this) {
                while (next == null && !closed) {
                    try {
                        long now = System.nanoTime();
                        if (requestedAt != 0 && now - requestedAt >= LAZY_NANOS) {
                            next = new CompletableFuture<>();
                        } else if (requestedAt != 0 || justSynced) {
                            // traffic: a request now needs no wake-up, it is seen when this wait ends
                            TimeUnit.NANOSECONDS.timedWait(this, requestedAt != 0 ? requestedAt + LAZY_NANOS - now : LAZY_NANOS);
                            justSynced = false;
                        } else {
                            idle = true;
                            wait();
                            idle = false;
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (next == null) {
                    if (requestedAt == 0) {
                        return;
                    }
                    next = new CompletableFuture<>(); // closing: what was requested is synced first
                }
                batch = next; // whoever comes now waits for the fsync after this one: it may not cover their write
                next = null;
                requestedAt = 0;
                justSynced = true;
            }
            try {
                fsync.run();
                batch.complete(null);
            } catch (RuntimeException e) {
                batch.completeExceptionally(e);
            }
        }
    }

    /** Syncs what waits, then stops the syncer. */
    @Override
    public void close() throws InterruptedException {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        syncer.join();
    }
}
