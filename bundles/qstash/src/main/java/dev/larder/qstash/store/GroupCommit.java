package dev.larder.qstash.store;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Makes writes durable with as few fsyncs as the callers allow: a thread of its own runs one fsync at a time,
 * and the callers that came while one ran share the next. Each caller waits on its batch alone (woken by the
 * syncer, one by one): with a hundred writers, all waking on one monitor after each fsync cost more CPU than
 * the fsync.
 */
final class GroupCommit implements AutoCloseable {

    private final Runnable fsync;
    private final Thread syncer;
    /** the callers waiting for the next fsync (null: none yet) */
    private CompletableFuture<Void> next;
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
            request();
            batch = next;
        }
        try {
            batch.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure : e;
        }
    }

    /** Has the next fsync come soon, without waiting for it. */
    synchronized void request() {
        if (closed) {
            throw new IllegalStateException("the write-ahead log is closed");
        }
        if (next == null) {
            next = new CompletableFuture<>();
            notifyAll();
        }
    }

    private void run() {
        while (true) {
            CompletableFuture<Void> batch;
            synchronized (this) {
                while (next == null && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (next == null) {
                    return;
                }
                batch = next; // whoever comes now waits for the fsync after this one: it may not cover their write
                next = null;
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
