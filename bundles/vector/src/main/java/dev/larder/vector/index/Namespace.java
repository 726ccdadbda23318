package dev.larder.vector.index;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larder.vector.IndexType;
import dev.larder.vector.Metric;
import dev.larder.vector.store.VectorRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.IntPredicate;

/**
 * One namespace of an index in memory: its records by id, by key (the int its search structures name a
 * record by) and by insertion sequence (range's order), a Lucene HNSW graph of the dense parts and an
 * inverted index of the sparse parts. Writes are serialized per namespace; reads run concurrently.
 */
public final class Namespace implements AutoCloseable {

    /** At or below this many records a dense query compares against every vector instead of walking the graph. */
    public static final int EXACT_SEARCH_MAX = 1000;
    /** The graph is asked for at least this many candidates, re-ranked with exact scores. */
    private static final int MIN_CANDIDATES = 40;

    /** A record as held: its key and sequence, and its metadata parsed for filters and answers (null: none). */
    public record Entry(int key, long sequence, VectorRecord record, JsonNode metadata) {
    }

    /** A query's hit: the record and its score. */
    public record Hit(Entry entry, float score) {
    }

    private final String name;
    private final IndexType type;
    private final Metric metric;
    private final Map<String, Entry> byId = new ConcurrentHashMap<>();
    private final Map<Integer, Entry> byKey = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<Long, String> bySequence = new ConcurrentSkipListMap<>();
    private final DenseGraph graph;
    private final SparsePostings sparse;
    private int nextKey;
    private long nextSequence;
    private volatile long recordBytes;

    public Namespace(String name, IndexType type, Metric metric, Path graphDirectory, int maxConnections, int beamWidth, boolean quantized) {
        this.name = name;
        this.type = type;
        this.metric = metric;
        this.graph = type.hasDense() ? new DenseGraph(graphDirectory, metric, maxConnections, beamWidth, quantized) : null;
        this.sparse = type.hasSparse() ? new SparsePostings() : null;
    }

    public String name() {
        return name;
    }

    public int size() {
        return byId.size();
    }

    public Entry get(String id) {
        return byId.get(id);
    }

    /** The sequence a new record of this namespace gets, or the one it keeps when it replaces a record. */
    public synchronized long sequenceFor(String id) {
        Entry existing = byId.get(id);
        return existing != null ? existing.sequence() : nextSequence++;
    }

    /** Adds or replaces a record (as loaded or as just written to the grid). */
    public synchronized void put(long sequence, VectorRecord record, JsonNode metadata) {
        Entry previous = byId.get(record.id());
        if (previous != null) {
            forget(previous);
        }
        nextSequence = Math.max(nextSequence, sequence + 1);
        Entry entry = new Entry(nextKey++, sequence, record, metadata);
        recordBytes += bytesOf(record);
        byId.put(record.id(), entry);
        byKey.put(entry.key(), entry);
        bySequence.put(sequence, record.id());
        if (graph != null && record.dense() != null) {
            graph.put(record.id(), entry.key(), record.dense());
        }
        if (sparse != null && record.hasSparse()) {
            synchronized (sparse) {
                sparse.put(entry.key(), record.sparseIndices(), record.sparseValues());
            }
        }
    }

    public synchronized boolean remove(String id) {
        Entry entry = byId.remove(id);
        if (entry == null) {
            return false;
        }
        forget(entry);
        if (graph != null) {
            graph.remove(id);
        }
        return true;
    }

    private void forget(Entry entry) {
        recordBytes -= bytesOf(entry.record());
        byKey.remove(entry.key());
        bySequence.remove(entry.sequence());
        if (sparse != null && entry.record().hasSparse()) {
            synchronized (sparse) {
                sparse.remove(entry.key(), entry.record().sparseIndices());
            }
        }
    }

    /** Empties the namespace; its next record is the first again (range's cursor starts over). */
    public synchronized void clear() {
        nextSequence = 0;
        recordBytes = 0;
        byId.clear();
        byKey.clear();
        bySequence.clear();
        if (graph != null) {
            graph.clear();
        }
        if (sparse != null) {
            synchronized (sparse) {
                sparse.clear();
            }
        }
    }

    /** Merges the graph into one segment: after a bulk load, so that queries walk one graph. */
    public void compact() {
        if (graph != null) {
            graph.compact();
        }
    }

    /** Writes not yet searchable through the graph (a small namespace is searched exactly and sees them). */
    public long pending() {
        return graph == null || byId.size() <= EXACT_SEARCH_MAX ? 0 : graph.pending();
    }

    public void refresh() {
        if (graph != null) {
            graph.refresh();
        }
    }

    /** The graph's background upkeep (see {@link DenseGraph#maintain()}). */
    public void maintain() {
        if (graph != null) {
            graph.maintain();
        }
    }

    /** What the namespace takes: its records' vectors, metadata and data, and its graph's files. */
    public long bytes() {
        return recordBytes + (graph == null ? 0 : graph.bytes());
    }

    private static long bytesOf(VectorRecord record) {
        return record.id().length() + (record.dense() == null ? 0 : 4L * record.dense().length)
                + (record.hasSparse() ? 8L * record.sparseIndices().length : 0)
                + (record.metadata() == null ? 0 : record.metadata().length) + (record.data() == null ? 0 : record.data().length());
    }

    /** Records with ids starting with {@code prefix}, in insertion order, from sequence {@code from}; at most {@code limit}. */
    public List<Entry> range(long from, int limit, String prefix) {
        List<Entry> page = new ArrayList<>(Math.min(limit, 1024));
        for (Map.Entry<Long, String> next : bySequence.tailMap(from, true).entrySet()) {
            if (page.size() >= limit) {
                break;
            }
            Entry entry = byId.get(next.getValue());
            if (entry != null && entry.sequence() == next.getKey() && (prefix == null || entry.record().id().startsWith(prefix))) {
                page.add(entry);
            }
        }
        return page;
    }

    /** The sequence after which a page ending with {@code last} continues, or -1 when nothing follows it. */
    public long following(Entry last, String prefix) {
        for (Map.Entry<Long, String> next : bySequence.tailMap(last.sequence(), false).entrySet()) {
            if (prefix == null || next.getValue().startsWith(prefix)) {
                return next.getKey();
            }
        }
        return -1;
    }

    /** Records whose id starts with {@code prefix}, at most {@code limit}. */
    public List<Entry> withPrefix(String prefix, int limit) {
        return range(0, limit, prefix);
    }

    public List<Entry> all() {
        return range(0, Integer.MAX_VALUE, null);
    }

    /** A filter on keys from one on records' metadata. */
    public IntPredicate accepting(java.util.function.Predicate<JsonNode> metadataFilter) {
        return key -> {
            Entry entry = byKey.get(key);
            return entry != null && metadataFilter.test(entry.metadata());
        };
    }

    /** The {@code k} nearest dense vectors not in {@code exclude}, best first, with Upstash's scores. */
    public List<Hit> denseSearch(float[] query, int k, IntPredicate accept, Set<String> exclude) {
        return denseSearch(query, k, MIN_CANDIDATES, accept, exclude);
    }

    /** As {@link #denseSearch(float[], int, IntPredicate, Set)}, asking the graph for at least {@code candidates} (its beam). */
    public List<Hit> denseSearch(float[] query, int k, int candidates, IntPredicate accept, Set<String> exclude) {
        if (graph == null || k <= 0) {
            return List.of();
        }
        int wanted = k + exclude.size();
        List<Hit> hits = new ArrayList<>();
        if (byId.size() <= EXACT_SEARCH_MAX) {
            for (Entry entry : byId.values()) {
                if (entry.record().dense() != null && (accept == null || accept.test(entry.key())) && !exclude.contains(entry.record().id())) {
                    hits.add(new Hit(entry, Scores.dense(metric, query, entry.record().dense())));
                }
            }
        } else {
            for (DenseGraph.Candidate candidate : graph.search(query, Math.max(wanted, candidates), accept)) {
                Entry entry = byKey.get(candidate.key());
                if (entry != null && entry.record().dense() != null && !exclude.contains(entry.record().id())) {
                    hits.add(new Hit(entry, Scores.dense(metric, query, entry.record().dense())));
                }
            }
        }
        return best(hits, k);
    }

    /** The {@code k} best sparse matches not in {@code exclude}: exact inner products (IDF-weighted when asked). */
    public List<Hit> sparseSearch(int[] indices, float[] values, boolean idf, int k, IntPredicate accept, Set<String> exclude) {
        if (sparse == null || k <= 0) {
            return List.of();
        }
        List<SparsePostings.Scored> scored;
        synchronized (sparse) {
            scored = sparse.search(indices, values, idf, k + exclude.size(), accept);
        }
        List<Hit> hits = new ArrayList<>(scored.size());
        for (SparsePostings.Scored hit : scored) {
            Entry entry = byKey.get(hit.key());
            if (entry != null && !exclude.contains(entry.record().id())) {
                hits.add(new Hit(entry, (float) hit.score()));
            }
        }
        return best(hits, k);
    }

    private static List<Hit> best(List<Hit> hits, int k) {
        hits.sort((a, b) -> {
            int byScore = Float.compare(b.score(), a.score());
            return byScore != 0 ? byScore : Long.compare(a.entry().sequence(), b.entry().sequence());
        });
        return hits.size() > k ? new ArrayList<>(hits.subList(0, k)) : hits;
    }

    @Override
    public synchronized void close() {
        if (graph != null) {
            graph.close();
        }
    }
}
