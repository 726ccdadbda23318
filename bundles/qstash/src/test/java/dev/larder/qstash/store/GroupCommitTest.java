package dev.larder.qstash.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Group commit: nobody returns before an fsync that began after their write, writers share fsyncs, and one may be asked for without waiting. */
class GroupCommitTest {

    @Test
    void aWriterReturnsOnlyOnceItsWriteIsSyncedAndWritersShareFsyncs() throws Exception {
        AtomicLong written = new AtomicLong();
        AtomicLong durable = new AtomicLong();
        AtomicInteger fsyncs = new AtomicInteger();
        GroupCommit commit = new GroupCommit(() -> {
            long upTo = written.get();
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            durable.set(upTo);
            fsyncs.incrementAndGet();
        }, "test-sync");
        List<Thread> writers = new ArrayList<>();
        AtomicInteger early = new AtomicInteger();
        for (int t = 0; t < 16; t++) {
            writers.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 50; i++) {
                    long mine = written.incrementAndGet();
                    commit.sync();
                    if (durable.get() < mine) {
                        early.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread writer : writers) {
            writer.join();
        }
        commit.close();
        assertEquals(0, early.get(), "returned before its write was synced");
        assertTrue(fsyncs.get() < 16 * 50 / 2, fsyncs.get() + " fsyncs for 800 writes");
        assertThrows(IllegalStateException.class, commit::sync, "closed");
    }

    @Test
    @org.junit.jupiter.api.Timeout(10) // a request that waited for its fsync would hang here
    void aRequestedFsyncComesWithoutTheCallerWaitingForIt() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch synced = new java.util.concurrent.CountDownLatch(1);
        GroupCommit commit = new GroupCommit(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            synced.countDown();
        }, "test-sync");
        commit.request(); // returns while the fsync it asked for is held
        assertEquals(1, synced.getCount(), "no fsync has finished yet");
        release.countDown();
        assertTrue(synced.await(5, java.util.concurrent.TimeUnit.SECONDS), "the requested fsync ran");
        commit.close();
        assertThrows(IllegalStateException.class, commit::request, "closed");
    }

    @Test
    @org.junit.jupiter.api.Timeout(20)
    void aRequestWaitsForTheNextWriterToShareItsFsync() throws Exception {
        AtomicLong fsyncs = new AtomicLong();
        GroupCommit commit = new GroupCommit(fsyncs::incrementAndGet, "test-sync");
        for (int i = 0; i < 50; i++) {
            commit.request(); // as a delivered message's removal does
            commit.sync(); // as the next publish does: one fsync covers both
        }
        assertTrue(fsyncs.get() <= 60, fsyncs.get() + " fsyncs for 50 requests each followed by a writer's sync");
        long before = fsyncs.get();
        commit.request(); // alone: its fsync comes within the lazy window
        while (fsyncs.get() == before) {
            Thread.sleep(1);
        }
        commit.close();
    }

    @Test
    void aFailedFsyncFailsTheWritersWaitingOnIt() throws Exception {
        GroupCommit commit = new GroupCommit(() -> {
            throw new IllegalStateException("disk gone");
        }, "test-sync");
        assertEquals("disk gone", assertThrows(IllegalStateException.class, commit::sync).getMessage());
        commit.close();
    }
}
