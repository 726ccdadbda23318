package dev.larder.vector.index;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larder.vector.IndexType;
import dev.larder.vector.Metric;
import dev.larder.vector.store.VectorRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.IntPredicate;

/**
 * One namespace of an index in memory: its records in a {@link RecordTable} (ids, metadata, data, sparse
 * parts, insertion order; by key, the int its search structures name a record by), a Lucene HNSW graph of the
 * dense parts and an inverted index of the sparse parts. The graph's files hold the only copy of the dense
 * vectors, except for those not yet searchable through it, which are held here and compared exactly until they
 * are; a record's vector for an answer otherwise comes from the grid. Writes are serialized per namespace;
 * reads run concurrently.
 */
public final class Namespace implements AutoCloseable {

    /** At or below this many records a dense query compares against every vector instead of walking the graph. */
    public static final int EXACT_SEARCH_MAX = 1000;
    /**
     * Vectors not yet in the graph that a query still compares exactly, at most: beyond this, a bulk load's
     * backlog is left out of queries until the graph has it, and counted as pending.
     */
    static final int HELD_SEARCH_MAX = 1000;
    /** The graph is asked for at least this many candidates, re-ranked with exact scores. */
    private static final int MIN_CANDIDATES = 40;

    /** A record as held: its key and sequence, its parts but the dense vector, and its metadata parsed for filters and answers (null: none). */
    public record Entry(int key, long sequence, VectorRecord record, JsonNode metadata) {
    }

    /** A query's hit: the record and its score. */
    public record Hit(Entry entry, float score) {
    }

    /** A dense vector the graph does not search yet, and the number of the graph write that adds it. */
    private record Held(float[] vector, long write) {
    }

    /** A deleted record's key, reusable once the graph write that removes its vector is searchable. */
    private record Retired(int key, long write) {
    }

    private final String name;
    private final IndexType type;
    private final Metric metric;
    private final Function<String, VectorRecord> stored;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final RecordTable records;
    private final Map<Integer, Held> held = new HashMap<>();
    private final ArrayDeque<Retired> retired = new ArrayDeque<>();
    private final DenseGraph graph;
    private final SparsePostings sparse;
    private long nextSequence;
    private long recordBytes;
    private long releasedUpTo;

    /** @param stored reads a record of this namespace from the grid by id (null: absent), for its dense vector */
    public Namespace(String name, IndexType type, Metric metric, Path graphDirectory, int maxConnections, int beamWidth, boolean quantized,
            Function<String, VectorRecord> stored) {
        this.name = name;
        this.type = type;
        this.metric = metric;
        this.stored = stored;
        this.records = new RecordTable(type.hasSparse());
        this.graph = type.hasDense() ? new DenseGraph(graphDirectory, metric, maxConnections, beamWidth, quantized) : null;
        this.sparse = type.hasSparse() ? new SparsePostings() : null;
    }

    public String name() {
        return name;
    }

    public int size() {
        lock.readLock().lock();
        try {
            return records.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    public Entry get(String id) {
        lock.readLock().lock();
        try {
            int key = records.find(id);
            return key < 0 ? null : entry(key);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The entry of a live key; the caller holds the lock. */
    private Entry entry(int key) {
        VectorRecord record = new VectorRecord(records.id(key), null, records.sparseIndices(key), records.sparseValues(key), null,
                records.data(key));
        return new Entry(key, records.sequence(key), record, records.metadata(key));
    }

    /** The record's dense vector as written (null: none): held until the graph has it, then read from the grid. */
    public float[] dense(Entry entry) {
        if (graph == null) {
            return null;
        }
        lock.readLock().lock();
        try {
            Held vector = held.get(entry.key());
            if (vector != null && records.live(entry.key()) && records.sequence(entry.key()) == entry.sequence()) {
                return vector.vector();
            }
        } finally {
            lock.readLock().unlock();
        }
        VectorRecord record = stored.apply(entry.record().id());
        return record == null ? null : record.dense();
    }

    /** The sequence a new record of this namespace gets, or the one it keeps when it replaces a record. */
    public long sequenceFor(String id) {
        lock.writeLock().lock();
        try {
            int key = records.find(id);
            return key >= 0 ? records.sequence(key) : nextSequence++;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Adds or replaces a record (as loaded or as just written to the grid). */
    public void put(long sequence, VectorRecord record, JsonNode metadata) {
        lock.writeLock().lock();
        try {
            int previous = records.find(record.id());
            if (previous >= 0) {
                forgetSparse(previous);
            }
            int key = records.put(record.id(), sequence, metadata, record.data(), record.sparseIndices(), record.sparseValues(), bytesOf(record));
            nextSequence = Math.max(nextSequence, sequence + 1);
            if (graph != null) {
                if (record.dense() != null) {
                    held.put(key, new Held(record.dense(), graph.put(key, record.dense())));
                } else if (previous >= 0) {
                    held.remove(key);
                    graph.remove(key);
                }
            }
            if (sparse != null && record.hasSparse()) {
                sparse.put(key, record.sparseIndices(), record.sparseValues());
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    public boolean remove(String id) {
        lock.writeLock().lock();
        try {
            int key = records.find(id);
            if (key < 0) {
                return false;
            }
            forgetSparse(key);
            records.remove(key);
            if (graph != null) {
                held.remove(key);
                retired.add(new Retired(key, graph.remove(key)));
            } else {
                records.release(key);
            }
            return true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void forgetSparse(int key) {
        if (sparse != null && records.sparseIndices(key) != null) {
            sparse.remove(key, records.sparseIndices(key));
        }
    }

    /** Empties the namespace; its next record is the first again (range's cursor starts over). */
    public void clear() {
        lock.writeLock().lock();
        try {
            nextSequence = 0;
            records.clear();
            held.clear();
            retired.clear();
            if (graph != null) {
                graph.clear();
                graph.refresh(); // keys start over: no query may meet a vector of the old records under one
                releasedUpTo = graph.searchableWrites();
            }
            if (sparse != null) {
                sparse.clear();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Merges the graph into one segment: after a bulk load, so that queries walk one graph. */
    public void compact() {
        if (graph != null) {
            graph.compact();
            releaseSearchable();
        }
    }

    /**
     * Acknowledged dense writes that queries do not see yet: none while the vectors the graph lacks are few
     * enough to be compared exactly, all of them once a bulk load's backlog is larger.
     */
    public long pending() {
        lock.readLock().lock();
        try {
            return held.size() <= HELD_SEARCH_MAX ? 0 : held.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Makes every write so far searchable through the graph. */
    public void refresh() {
        if (graph != null) {
            graph.refresh();
            releaseSearchable();
        }
    }

    /** The graph's background upkeep (see {@link DenseGraph#maintain()}), then what the graph now searches is let go. */
    public void maintain() {
        if (graph != null) {
            graph.maintain();
            releaseSearchable();
        }
    }

    /** Drops held vectors the graph now searches and frees the keys whose vectors it no longer has. */
    private void releaseSearchable() {
        long searchable = graph.searchableWrites();
        if (searchable == releasedUpTo) {
            return;
        }
        lock.writeLock().lock();
        try {
            held.values().removeIf(vector -> vector.write() < searchable);
            while (!retired.isEmpty() && retired.peekFirst().write() < searchable) {
                records.release(retired.pollFirst().key());
            }
            releasedUpTo = searchable;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** What the namespace takes: its records' ids, vectors, metadata and data as stored, and its graph's files. */
    public long bytes() {
        lock.readLock().lock();
        try {
            return records.bytes() + (graph == null ? 0 : graph.bytes());
        } finally {
            lock.readLock().unlock();
        }
    }

    private static int bytesOf(VectorRecord record) {
        long bytes = record.id().length() + (record.dense() == null ? 0 : 4L * record.dense().length)
                + (record.hasSparse() ? 8L * record.sparseIndices().length : 0)
                + (record.metadata() == null ? 0 : record.metadata().length) + (record.data() == null ? 0 : record.data().length());
        return (int) Math.min(Integer.MAX_VALUE, bytes);
    }

    /** Records with ids starting with {@code prefix}, in insertion order, from sequence {@code from}; at most {@code limit}. */
    public List<Entry> range(long from, int limit, String prefix) {
        byte[] start = prefix == null ? null : prefix.getBytes(StandardCharsets.UTF_8);
        List<Entry> page = new ArrayList<>(Math.min(limit, 1024));
        inOrder(from, key -> {
            if (page.size() >= limit) {
                return false;
            }
            if (start == null || records.idStartsWith(key, start)) {
                page.add(entry(key));
            }
            return true;
        });
        return page;
    }

    /**
     * Walks the live records in insertion order under the read lock; only when loading left the log unsorted does
     * it take the write lock, once, to sort it.
     */
    private void inOrder(long from, RecordTable.KeyVisitor visitor) {
        lock.readLock().lock();
        if (!records.logSorted()) {
            lock.readLock().unlock();
            lock.writeLock().lock();
            try {
                records.sortLog();
                lock.readLock().lock();
            } finally {
                lock.writeLock().unlock();
            }
        }
        try {
            records.inOrder(from, visitor);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The sequence after which a page ending with {@code last} continues, or -1 when nothing follows it. */
    public long following(Entry last, String prefix) {
        byte[] start = prefix == null ? null : prefix.getBytes(StandardCharsets.UTF_8);
        long[] next = {-1};
        inOrder(last.sequence() + 1, key -> {
            if (start == null || records.idStartsWith(key, start)) {
                next[0] = records.sequence(key);
                return false;
            }
            return true;
        });
        return next[0];
    }

    /** Records whose id starts with {@code prefix}, at most {@code limit}. */
    public List<Entry> withPrefix(String prefix, int limit) {
        return range(0, limit, prefix);
    }

    public List<Entry> all() {
        return range(0, Integer.MAX_VALUE, null);
    }

    /** A record picked at random, or null when there is none. */
    public Entry random() {
        lock.readLock().lock();
        try {
            int key = records.randomKey(java.util.concurrent.ThreadLocalRandom.current());
            return key < 0 ? null : entry(key);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** A filter on keys from one on records' metadata, for this namespace's searches (which hold the lock while they run it). */
    public IntPredicate accepting(java.util.function.Predicate<JsonNode> metadataFilter) {
        return key -> records.live(key) && metadataFilter.test(records.metadata(key));
    }

    /** The {@code k} nearest dense vectors not in {@code exclude}, best first, with Upstash's scores. */
    public List<Hit> denseSearch(float[] query, int k, IntPredicate accept, Set<String> exclude) {
        return denseSearch(query, k, MIN_CANDIDATES, accept, exclude);
    }

    /**
     * As {@link #denseSearch(float[], int, IntPredicate, Set)}, asking the graph for at least {@code candidates}
     * (its beam); a small namespace is compared exactly, and so are the vectors the graph does not have yet.
     */
    public List<Hit> denseSearch(float[] query, int k, int candidates, IntPredicate accept, Set<String> exclude) {
        if (graph == null || k <= 0) {
            return List.of();
        }
        lock.readLock().lock();
        try {
            int wanted = k + exclude.size();
            boolean exact = records.size() <= EXACT_SEARCH_MAX;
            List<Hit> hits = new ArrayList<>();
            // an exact search also asks for the graph's vectors of records since replaced or deleted, which are passed over
            int asked = exact ? wanted + held.size() + retired.size() : Math.max(wanted, candidates);
            for (DenseGraph.Candidate candidate : graph.search(query, asked, accept, exact)) {
                int key = candidate.key();
                if (records.live(key) && !held.containsKey(key)) { // else deleted, or replaced by a vector held here
                    offer(hits, key, Scores.dense(metric, query, candidate.vector()), exclude);
                }
            }
            if (held.size() <= HELD_SEARCH_MAX) {
                for (Map.Entry<Integer, Held> vector : held.entrySet()) {
                    int key = vector.getKey();
                    if (accept == null || accept.test(key)) {
                        offer(hits, key, Scores.dense(metric, query, vector.getValue().vector()), exclude);
                    }
                }
            }
            return best(hits, k);
        } finally {
            lock.readLock().unlock();
        }
    }

    private void offer(List<Hit> hits, int key, float score, Set<String> exclude) {
        Entry entry = entry(key);
        if (!exclude.contains(entry.record().id())) {
            hits.add(new Hit(entry, score));
        }
    }

    /** The {@code k} best sparse matches not in {@code exclude}: exact inner products (IDF-weighted when asked). */
    public List<Hit> sparseSearch(int[] indices, float[] values, boolean idf, int k, IntPredicate accept, Set<String> exclude) {
        if (sparse == null || k <= 0) {
            return List.of();
        }
        lock.readLock().lock();
        try {
            List<Hit> hits = new ArrayList<>();
            for (SparsePostings.Scored hit : sparse.search(indices, values, idf, k + exclude.size(), accept)) {
                if (records.live(hit.key())) {
                    offer(hits, hit.key(), (float) hit.score(), exclude);
                }
            }
            return best(hits, k);
        } finally {
            lock.readLock().unlock();
        }
    }

    private static List<Hit> best(List<Hit> hits, int k) {
        hits.sort((a, b) -> {
            int byScore = Float.compare(b.score(), a.score());
            return byScore != 0 ? byScore : Long.compare(a.entry().sequence(), b.entry().sequence());
        });
        return hits.size() > k ? new ArrayList<>(hits.subList(0, k)) : hits;
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (graph != null) {
                graph.close();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }
}
