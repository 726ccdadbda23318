package dev.larder.qstash.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The timeline hands out messages in time order and holds at most its capacity, keeping the earliest due; a due
 * message waits while no delivery may start.
 */
class TimelineTest {

    @Test
    void fullItKeepsTheEarliestAndSaysWhichItLeftOut() throws Exception {
        List<String> started = new CopyOnWriteArrayList<>();
        List<String> leftOut = new CopyOnWriteArrayList<>();
        long far = System.currentTimeMillis() + 3_600_000;
        try (Timeline timeline = new Timeline(3, started::add, () -> true, (id, at) -> leftOut.add(id + "@" + (at - far)))) {
            assertTrue(timeline.at("c", far + 3));
            assertTrue(timeline.at("a", far + 1));
            assertTrue(timeline.at("d", far + 4));
            assertEquals(List.of(), leftOut);
            assertFalse(timeline.at("e", far + 5), "later than all it holds: left out");
            assertTrue(timeline.at("b", far + 2), "earlier: the latest (d) makes room");
            assertFalse(timeline.contains("d"));
            assertEquals(List.of("e@5", "d@4"), leftOut);
            assertTrue(timeline.at("a", far + 10), "a new time for one it holds is no new entry");
            assertEquals(0, timeline.room());
            assertTrue(timeline.remove("a"));
            assertTrue(timeline.at("now", System.currentTimeMillis()));
            long deadline = System.currentTimeMillis() + 5000;
            while (started.isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(List.of("now"), started);
            assertFalse(timeline.contains("now"));
        }
    }

    @Test
    void aDueMessageWaitsUntilADeliveryMayStart() throws Exception {
        List<String> started = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean mayStart = new java.util.concurrent.atomic.AtomicBoolean(false);
        try (Timeline timeline = new Timeline(10, started::add, mayStart::get, (id, at) -> { })) {
            timeline.at("due", System.currentTimeMillis());
            Thread.sleep(300);
            assertEquals(List.of(), started);
            assertTrue(timeline.contains("due"), "it stays in the timeline meanwhile");
            mayStart.set(true);
            timeline.wake();
            long deadline = System.currentTimeMillis() + 5000;
            while (started.isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(List.of("due"), started);
        }
    }
}
