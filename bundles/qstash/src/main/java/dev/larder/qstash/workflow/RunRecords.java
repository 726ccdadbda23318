package dev.larder.qstash.workflow;

import dev.larder.qstash.store.MessageStore;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The runs in the grid, with the active ones of this node also kept as objects: every step reads its run and
 * writes it back, and a run's record went to the grid within a second (QStash's write-behind), after which each
 * step read and decoded it from Ignite's pages again. Only the run's lock holder reads or changes the kept object;
 * readers without the lock get a copy from the grid ({@link #copy}).
 */
final class RunRecords {

    /** Past this many active runs on the node the rest are read from the grid. */
    private static final int MAX_KEPT = 100_000;

    private final MessageStore.Records<WorkflowRun> records;
    private final Map<String, WorkflowRun> active = new ConcurrentHashMap<>();

    RunRecords(MessageStore.Records<WorkflowRun> records) {
        this.records = records;
    }

    /** The run to change, under its lock. */
    WorkflowRun get(String key) {
        WorkflowRun kept = active.get(key);
        return kept != null ? kept : records.get(key);
    }

    /** The run as stored, for a reader without its lock. */
    WorkflowRun copy(String key) {
        return records.get(key);
    }

    void put(String key, WorkflowRun run) {
        records.put(key, run);
        keep(key, run);
    }

    void putBefore(String key, WorkflowRun run) {
        records.putBefore(key, run);
        keep(key, run);
    }

    boolean remove(String key) {
        active.remove(key);
        return records.remove(key);
    }

    List<WorkflowRun> list(Predicate<WorkflowRun> matching, Comparator<WorkflowRun> order) {
        return records.list(matching, order);
    }

    private void keep(String key, WorkflowRun run) {
        if (!run.active()) {
            active.remove(key);
        } else if (active.size() < MAX_KEPT || active.containsKey(key)) {
            active.put(key, run);
        }
    }
}
