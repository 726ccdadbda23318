package dev.larder.qstash.store;

/**
 * Makes writes durable with as few fsyncs as the callers allow: a caller whose writes are done waits for one
 * fsync that began after them; while one runs, the callers that come meanwhile share the next.
 */
final class GroupCommit {

    private final Runnable fsync;
    private long requested;
    private long synced;
    private boolean syncing;

    /** @param fsync makes everything written before it durable */
    GroupCommit(Runnable fsync) {
        this.fsync = fsync;
    }

    /** Returns once everything this thread wrote before the call is on disk. */
    void sync() {
        long mine;
        synchronized (this) {
            mine = ++requested;
        }
        while (true) {
            long upTo;
            synchronized (this) {
                while (syncing && synced < mine) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted waiting for the write-ahead log", e);
                    }
                }
                if (synced >= mine) {
                    return;
                }
                syncing = true;
                upTo = requested;
            }
            boolean done = false;
            try {
                fsync.run();
                done = true;
            } finally {
                synchronized (this) {
                    syncing = false;
                    if (done) {
                        synced = Math.max(synced, upTo);
                    }
                    notifyAll();
                }
            }
        }
    }
}
