package dev.larder.vector.index;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.lucene.util.IntroSorter;

/**
 * What a namespace holds of its records in memory, without an object per record: per key (a small int the
 * search structures name a record by) a slot in a few arrays — the id's UTF-8 bytes, the parsed metadata
 * (for filters), the data, the sparse part, the insertion sequence; an open-addressing table from id to key;
 * and a log of (sequence, key) in insertion order for range. Dense vectors are not here: they live in the
 * graph's files. Keys of deleted records are reused only once {@link #release} says nothing refers to them.
 * Not thread-safe: the namespace guards it.
 */
final class RecordTable {

    private static final int NONE = -1;

    private final boolean sparse;
    private byte[][] ids = new byte[16][];
    private JsonNode[] metadata = new JsonNode[16];
    private String[] data = new String[16];
    private int[][] sparseIndices;
    private float[][] sparseValues;
    private long[] sequences = new long[16];
    private int[] storedBytes = new int[16];
    private long bytes;
    /** key + 1 per slot, 0 when empty; linear probing, deletes shift entries back (no tombstones). */
    private int[] table = new int[32];
    private int size;
    private int keys;
    private int[] freeKeys = new int[16];
    private int freeCount;
    private long[] logSequences = new long[16];
    private int[] logKeys = new int[16];
    private int logSize;
    private boolean logSorted = true;

    RecordTable(boolean sparse) {
        this.sparse = sparse;
        if (sparse) {
            sparseIndices = new int[16][];
            sparseValues = new float[16][];
        }
    }

    int size() {
        return size;
    }

    /** The key of the record with this id, or -1. */
    int find(String id) {
        byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
        int mask = table.length - 1;
        for (int slot = hash(bytes) & mask;; slot = (slot + 1) & mask) {
            int stored = table[slot];
            if (stored == 0) {
                return NONE;
            }
            if (Arrays.equals(ids[stored - 1], bytes)) {
                return stored - 1;
            }
        }
    }

    boolean live(int key) {
        return key >= 0 && key < keys && ids[key] != null;
    }

    String id(int key) {
        return new String(ids[key], StandardCharsets.UTF_8);
    }

    boolean idStartsWith(int key, byte[] prefix) {
        byte[] id = ids[key];
        return id.length >= prefix.length && Arrays.equals(id, 0, prefix.length, prefix, 0, prefix.length);
    }

    long sequence(int key) {
        return sequences[key];
    }

    JsonNode metadata(int key) {
        return metadata[key];
    }

    String data(int key) {
        return data[key];
    }

    int[] sparseIndices(int key) {
        return sparse ? sparseIndices[key] : null;
    }

    float[] sparseValues(int key) {
        return sparse ? sparseValues[key] : null;
    }

    /** What the records take as stored (ids, vectors, metadata, data). */
    long bytes() {
        return bytes;
    }

    /** A live key picked at random, or -1 when there is none. */
    int randomKey(java.util.random.RandomGenerator random) {
        if (size == 0) {
            return NONE;
        }
        int key = random.nextInt(keys);
        for (int tries = 0; tries < 64 && ids[key] == null; tries++) {
            key = random.nextInt(keys);
        }
        while (ids[key] == null) { // mostly deleted: walk on from the last try
            key = (key + 1) % keys;
        }
        return key;
    }

    /** Sets a record's parts, taking a free key for a new id; returns its key. */
    int put(String id, long sequence, JsonNode recordMetadata, String recordData, int[] indices, float[] values, int recordBytes) {
        int key = find(id);
        if (key == NONE) {
            key = freeCount > 0 ? freeKeys[--freeCount] : keys++;
            ensureCapacity(keys);
            ids[key] = id.getBytes(StandardCharsets.UTF_8);
            insert(key);
            size++;
            appendToLog(sequence, key);
        } else if (sequences[key] != sequence) {
            appendToLog(sequence, key);
        }
        sequences[key] = sequence;
        bytes += recordBytes - storedBytes[key];
        storedBytes[key] = recordBytes;
        metadata[key] = recordMetadata;
        data[key] = recordData;
        if (sparse) {
            sparseIndices[key] = indices;
            sparseValues[key] = values;
        }
        return key;
    }

    /** Forgets a record; its key is not reused before {@link #release}. */
    void remove(int key) {
        int mask = table.length - 1;
        int slot = hash(ids[key]) & mask;
        while (table[slot] != key + 1) {
            slot = (slot + 1) & mask;
        }
        table[slot] = 0;
        // shift back the entries of the probe run that follows, so that lookups never meet a hole in their run
        for (int next = (slot + 1) & mask; table[next] != 0; next = (next + 1) & mask) {
            int home = hash(ids[table[next] - 1]) & mask;
            if (((next - home) & mask) >= ((next - slot) & mask)) {
                table[slot] = table[next];
                table[next] = 0;
                slot = next;
            }
        }
        ids[key] = null;
        metadata[key] = null;
        data[key] = null;
        if (sparse) {
            sparseIndices[key] = null;
            sparseValues[key] = null;
        }
        bytes -= storedBytes[key];
        storedBytes[key] = 0;
        size--;
    }

    /** Makes a removed record's key available to new records. */
    void release(int key) {
        if (freeCount == freeKeys.length) {
            freeKeys = Arrays.copyOf(freeKeys, freeCount * 2);
        }
        freeKeys[freeCount++] = key;
    }

    void clear() {
        Arrays.fill(ids, null);
        Arrays.fill(metadata, null);
        Arrays.fill(data, null);
        if (sparse) {
            Arrays.fill(sparseIndices, null);
            Arrays.fill(sparseValues, null);
        }
        Arrays.fill(table, 0);
        Arrays.fill(storedBytes, 0);
        bytes = 0;
        size = 0;
        keys = 0;
        freeCount = 0;
        logSize = 0;
        logSorted = true;
    }

    /** Receives the keys of {@link #inOrder}; false stops the walk. */
    interface KeyVisitor {
        boolean visit(int key);
    }

    /** Visits live records in insertion order, from the first whose sequence is at least {@code from}. */
    void inOrder(long from, KeyVisitor visitor) {
        int low = 0;
        int high = logSize;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (logSequences[middle] < from) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        for (int i = low; i < logSize; i++) {
            int key = logKeys[i];
            if (ids[key] != null && sequences[key] == logSequences[i] && !visitor.visit(key)) {
                return;
            }
        }
    }

    private void appendToLog(long sequence, int key) {
        if (logSize == logSequences.length) {
            if (logSize > 2 * size + 1024) {
                compactLog();
            }
            if (logSize == logSequences.length) {
                logSequences = Arrays.copyOf(logSequences, logSize * 2);
                logKeys = Arrays.copyOf(logKeys, logSize * 2);
            }
        }
        if (logSize > 0 && logSequences[logSize - 1] > sequence) {
            logSorted = false; // records loaded partition by partition: sorted before the next walk
        }
        logSequences[logSize] = sequence;
        logKeys[logSize++] = key;
    }

    /** Drops log entries of records since deleted or moved. */
    private void compactLog() {
        int kept = 0;
        for (int i = 0; i < logSize; i++) {
            int key = logKeys[i];
            if (ids[key] != null && sequences[key] == logSequences[i]) {
                logSequences[kept] = logSequences[i];
                logKeys[kept++] = key;
            }
        }
        logSize = kept;
    }

    boolean logSorted() {
        return logSorted;
    }

    /** Puts the log in insertion order, if loading left it otherwise. */
    void sortLog() {
        if (logSorted) {
            return;
        }
        compactLog();
        new IntroSorter() {
            private long pivot;

            @Override
            protected void swap(int i, int j) {
                long sequence = logSequences[i];
                logSequences[i] = logSequences[j];
                logSequences[j] = sequence;
                int key = logKeys[i];
                logKeys[i] = logKeys[j];
                logKeys[j] = key;
            }

            @Override
            protected void setPivot(int i) {
                pivot = logSequences[i];
            }

            @Override
            protected int comparePivot(int j) {
                return Long.compare(pivot, logSequences[j]);
            }
        }.sort(0, logSize);
        logSorted = true;
    }

    private void insert(int key) {
        if ((size + 1) * 2 > table.length) {
            int[] old = table;
            table = new int[old.length * 2];
            for (int stored : old) {
                if (stored != 0) {
                    place(stored - 1);
                }
            }
        }
        place(key);
    }

    private void place(int key) {
        int mask = table.length - 1;
        int slot = hash(ids[key]) & mask;
        while (table[slot] != 0) {
            slot = (slot + 1) & mask;
        }
        table[slot] = key + 1;
    }

    private void ensureCapacity(int needed) {
        if (needed <= ids.length) {
            return;
        }
        int capacity = Math.max(needed, ids.length + (ids.length >> 1));
        ids = Arrays.copyOf(ids, capacity);
        metadata = Arrays.copyOf(metadata, capacity);
        data = Arrays.copyOf(data, capacity);
        sequences = Arrays.copyOf(sequences, capacity);
        storedBytes = Arrays.copyOf(storedBytes, capacity);
        if (sparse) {
            sparseIndices = Arrays.copyOf(sparseIndices, capacity);
            sparseValues = Arrays.copyOf(sparseValues, capacity);
        }
    }

    private static int hash(byte[] bytes) {
        int hash = Arrays.hashCode(bytes) * 0x9E3779B9;
        return hash ^ (hash >>> 16);
    }
}
