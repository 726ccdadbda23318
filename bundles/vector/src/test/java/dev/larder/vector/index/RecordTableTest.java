package dev.larder.vector.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The compact record table against a plain map doing the same puts and removes. */
class RecordTableTest {

    @Test
    void findsWhatAMapFindsThroughPutsRemovesAndReusedKeys() {
        Random random = new Random(3);
        RecordTable table = new RecordTable(true);
        Map<String, Long> model = new HashMap<>();
        long nextSequence = 0;
        for (int step = 0; step < 200_000; step++) {
            String id = "id-" + random.nextInt(5_000);
            if (random.nextInt(3) == 0) {
                int key = table.find(id);
                assertEquals(model.containsKey(id), key >= 0, id);
                if (key >= 0) {
                    table.remove(key);
                    table.release(key);
                    model.remove(id);
                }
            } else {
                long sequence = model.containsKey(id) ? model.get(id) : nextSequence++;
                int key = table.put(id, sequence, null, "data of " + id, new int[] {1}, new float[] {2}, id.length());
                model.put(id, sequence);
                assertEquals(id, table.id(key));
                assertEquals("data of " + id, table.data(key));
            }
        }
        assertEquals(model.size(), table.size());
        for (Map.Entry<String, Long> entry : model.entrySet()) {
            int key = table.find(entry.getKey());
            assertTrue(table.live(key), entry.getKey());
            assertEquals(entry.getValue(), table.sequence(key));
        }
        assertFalse(table.live(table.find("never-put")));
        long bytes = model.keySet().stream().mapToLong(String::length).sum();
        assertEquals(bytes, table.bytes());
    }

    @Test
    void walksRecordsInInsertionOrderEvenWhenLoadedOutOfIt() {
        RecordTable table = new RecordTable(false);
        TreeMap<Long, String> model = new TreeMap<>();
        Random random = new Random(5);
        List<Long> sequences = new ArrayList<>();
        for (long s = 0; s < 3000; s++) {
            sequences.add(s);
        }
        java.util.Collections.shuffle(sequences, random); // as a scan partition by partition delivers them
        for (long sequence : sequences) {
            table.put("r" + sequence, sequence, null, null, null, null, 1);
            model.put(sequence, "r" + sequence);
        }
        for (int i = 0; i < 1000; i++) {
            long doomed = random.nextInt(3000);
            int key = table.find("r" + doomed);
            if (key >= 0) {
                table.remove(key);
                model.remove(doomed);
            }
        }
        table.sortLog();
        List<String> walked = new ArrayList<>();
        table.inOrder(1500, key -> walked.add(table.id(key)));
        assertEquals(new ArrayList<>(model.tailMap(1500L).values()), walked);
        List<String> firstTen = new ArrayList<>();
        table.inOrder(0, key -> firstTen.add(table.id(key)) && firstTen.size() < 10);
        assertEquals(new ArrayList<>(model.values()).subList(0, 10), firstTen);
    }
}
