package dev.larder.qstash.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.larder.qstash.delivery.LeftOut.Entry;
import dev.larder.qstash.delivery.LeftOut.Place;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Messages left out of memory are counted per place, and taking some back keeps the rest, with those added meanwhile. */
class LeftOutTest {

    @Test
    void takingBackRemovesWhatWasChosenAndKeepsTheRest(@TempDir Path directory) throws Exception {
        try (LeftOut leftOut = new LeftOut(directory)) {
            leftOut.add(new Entry(Place.TIMELINE, "", "t1", 50, 0, 0));
            leftOut.add(new Entry(Place.TIMELINE, "", "t2", 20, 0, 0));
            for (int i = 0; i < 5; i++) {
                leftOut.add(new Entry(Place.QUEUE, "1/orders", "q" + i, 0, 100, i));
            }
            assertEquals(List.of(2, 5, 0), List.of(leftOut.count(Place.TIMELINE, ""), leftOut.count(Place.QUEUE, "1/orders"),
                    leftOut.count(Place.QUEUE, "1/other")));
            assertEquals(20, leftOut.earliestOnTimeline());

            List<String> offered = new ArrayList<>();
            List<String> taken = new ArrayList<>();
            leftOut.takeBack(entry -> {
                offered.add(entry.messageId());
                if (entry.messageId().equals("q4")) {
                    leftOut.add(new Entry(Place.QUEUE, "1/orders", "q5", 0, 101, 5)); // one left out while the pass runs
                }
            }, () -> Set.of("0t2", "1q0", "1q1"), entry -> taken.add(entry.messageId()));
            assertEquals(List.of("t1", "t2", "q0", "q1", "q2", "q3", "q4"), offered);
            assertEquals(List.of("t2", "q0", "q1"), taken);
            assertEquals(List.of(1, 4), List.of(leftOut.count(Place.TIMELINE, ""), leftOut.count(Place.QUEUE, "1/orders")));
            assertEquals(50, leftOut.earliestOnTimeline(), "the earliest left is t1's");

            List<String> rest = new ArrayList<>();
            leftOut.takeBack(entry -> rest.add(entry.messageId()), Set::of, entry -> { });
            assertEquals(List.of("t1", "q2", "q3", "q4", "q5"), rest);
        }
        try (var files = Files.list(directory)) {
            assertEquals(0, files.count(), "closed, it leaves no file");
        }
    }
}
