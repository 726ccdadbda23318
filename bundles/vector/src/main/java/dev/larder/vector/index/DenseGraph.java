package dev.larder.vector.index;

import dev.larder.vector.Metric;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene104.Lucene104HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.AcceptDocs;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.MMapDirectory;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.VectorUtil;

/**
 * The dense vectors of one namespace as a Lucene HNSW graph, in a directory of its own that is derived state:
 * rebuilt from the grid's records at start. Each vector is a document with its record's key, as a term (to
 * replace or delete it) and as a doc value (to map a hit back to the record). The graph's files are the only
 * copy of the vectors in memory: hits come back with their vectors for exact scores. Writes become searchable
 * at the next {@link #refresh()}; {@link #searchableWrites()} says up to which write.
 */
public final class DenseGraph implements Closeable {

    private static final String KEY_TERM = "k";
    public static final String KEY = "key";
    private static final String VECTOR = "v";

    private final Metric metric;
    private final Path directoryPath;
    private final Directory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    /**
     * Writes wait here for the maintenance thread, which adds them to the graph: Lucene builds the HNSW graph as
     * documents are added, the costliest part of a write, so requests only queue them.
     */
    private final java.util.concurrent.ConcurrentLinkedQueue<GraphWrite> queued = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final Object applying = new Object();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private volatile long applied;
    private volatile long searchable;
    private volatile long lastWriteNanos = System.nanoTime();
    /** When the oldest write not yet searchable was made; 0: none. */
    private volatile long pendingSinceNanos;
    private volatile boolean compacted = true;

    /**
     * @param maxConnections the graph's degree (Lucene's M); @param beamWidth its construction beam
     * @param quantized      7-bit scalar quantization of the graph's vectors (scores are re-ranked with floats by the caller)
     */
    public DenseGraph(Path directoryPath, Metric metric, int maxConnections, int beamWidth, boolean quantized) {
        this.metric = metric;
        this.directoryPath = directoryPath;
        try {
            Files.createDirectories(directoryPath);
            directory = new MMapDirectory(directoryPath);
            KnnVectorsFormat format = quantized ? new Lucene104HnswScalarQuantizedVectorsFormat(
                    org.apache.lucene.util.quantization.QuantizedByteVectorValues.ScalarEncoding.SEVEN_BIT, maxConnections, beamWidth)
                    : new Lucene99HnswVectorsFormat(maxConnections, beamWidth);
            IndexWriterConfig config = new IndexWriterConfig().setOpenMode(IndexWriterConfig.OpenMode.CREATE)
                    .setRAMBufferSizeMB(64).setCodec(new Lucene104Codec() {
                        @Override
                        public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                            return format;
                        }
                    });
            writer = new IndexWriter(directory, config);
            searchers = new SearcherManager(writer, null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the vector index at " + directoryPath, e);
        }
    }

    /** The similarity Lucene ranks by; cosine runs as a dot product of unit vectors (normalized on the way in). */
    private VectorSimilarityFunction similarity() {
        return switch (metric) {
            case COSINE -> VectorSimilarityFunction.DOT_PRODUCT;
            case EUCLIDEAN -> VectorSimilarityFunction.EUCLIDEAN;
            case DOT_PRODUCT -> VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT;
        };
    }

    private float[] prepared(float[] vector) {
        if (metric != Metric.COSINE) {
            return vector;
        }
        float[] copy = vector.clone();
        double norm = 0;
        for (float value : copy) {
            norm += value * (double) value;
        }
        return norm == 0 ? copy : VectorUtil.l2normalize(copy, false);
    }

    /** A write of the graph, applied in the order the writes came. */
    private interface GraphWrite {
        void apply(IndexWriter writer) throws IOException;
    }

    /**
     * Bytes of vectors queued past which a writer adds queued writes itself until the queue is under it again, so
     * the queue's memory stays bounded (about 130,000 vectors of 128 dimensions) and a steady load runs at the
     * graph's speed.
     */
    private static final long MAX_QUEUED_BYTES = 64L * 1024 * 1024;
    /** How long one maintenance call applies queued writes before it lets refreshes and other graphs have their turn. */
    private static final long APPLY_SLICE_NANOS = 250_000_000L;

    private static Term keyTerm(int key) {
        return new Term(KEY_TERM, new BytesRef(new byte[] {(byte) (key >>> 24), (byte) (key >>> 16), (byte) (key >>> 8), (byte) key}));
    }

    /** Adds or replaces the vector of the record with this key; returns the write's number. */
    public long put(int key, float[] vector) {
        Document document = new Document();
        Term term = keyTerm(key);
        document.add(new StringField(KEY_TERM, term.bytes(), Field.Store.NO));
        document.add(new NumericDocValuesField(KEY, key));
        document.add(new KnnFloatVectorField(VECTOR, prepared(vector), similarity()));
        long bytes = 4L * vector.length;
        queuedBytes.addAndGet(bytes);
        return queue(writer -> {
            writer.updateDocument(term, document);
            queuedBytes.addAndGet(-bytes);
        });
    }

    /** Removes the vector of the record with this key; returns the write's number. */
    public long remove(int key) {
        Term term = keyTerm(key);
        return queue(writer -> writer.deleteDocuments(term));
    }

    public long clear() {
        return queue(IndexWriter::deleteAll);
    }

    private long queue(GraphWrite write) {
        long now = System.nanoTime();
        long number = written.getAndIncrement();
        if (number == searchable) {
            pendingSinceNanos = now;
        }
        queued.add(write);
        lastWriteNanos = now;
        compacted = false;
        while (queuedBytes.get() > MAX_QUEUED_BYTES && applyOne()) {
            // the graph is far behind: this writer helps rather than queue more
        }
        return number;
    }

    private boolean applyOne() {
        synchronized (applying) {
            GraphWrite write = queued.poll();
            if (write == null) {
                return false;
            }
            try {
                write.apply(writer);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            applied++;
            return true;
        }
    }

    /** Adds queued writes to the graph for at most {@code sliceNanos}, in the order they came. */
    private void apply(long sliceNanos) {
        long start = System.nanoTime();
        while (applyOne() && System.nanoTime() - start < sliceNanos) {
            // one write at a time under the lock, so that a helping writer takes turns with the maintenance thread
        }
    }

    /**
     * Background upkeep, called every few milliseconds: writes become searchable once they pause for 200 ms
     * (or after a second of steady writing), so a bulk load does not cut the graph into a segment per
     * refresh; and once writes have paused for 2 s, the graph's segments are merged into one, which a query
     * walks once instead of once per segment.
     */
    public void maintain() {
        apply(APPLY_SLICE_NANOS);
        long now = System.nanoTime();
        long quiet = now - lastWriteNanos;
        if (pending() > 0) {
            if (quiet > 200_000_000L || now - pendingSinceNanos > 1_000_000_000L) {
                refresh();
            }
        } else if (!compacted && quiet > 2_000_000_000L) {
            compacted = true;
            if (segments() > 1) {
                compact();
            }
        }
    }

    private int segments() {
        IndexSearcher searcher = null;
        try {
            searcher = searchers.acquire();
            return searcher.getIndexReader().leaves().size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            release(searcher);
        }
    }

    /** Writes since the searcher last caught up: 0 once everything written is searchable. */
    public long pending() {
        return written.get() - searchable;
    }

    /** How many writes are searchable: those numbered below this. */
    public long searchableWrites() {
        return searchable;
    }

    /** Makes every write so far searchable. */
    public void refresh() {
        apply(Long.MAX_VALUE);
        long upTo = applied;
        if (upTo == searchable) {
            return;
        }
        try {
            searchers.maybeRefreshBlocking();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        searchable = upTo;
    }

    /** Merges the graph's segments into one (one graph searches faster than several) and makes it searchable. */
    public void compact() {
        refresh();
        try {
            writer.forceMerge(1);
            searchers.maybeRefreshBlocking();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A hit of the graph: the record's key and its vector as the graph holds it (unit length for cosine). */
    public record Candidate(int key, float[] vector) {
    }

    /**
     * The {@code candidates} nearest vectors by the graph (or exactly, where Lucene finds the filter selective),
     * best first; {@code accept} (null: all) filters records by key, during the search. With {@code exact},
     * every searchable vector is compared.
     */
    public List<Candidate> search(float[] query, int candidates, IntPredicate accept, boolean exact) {
        IndexSearcher searcher = null;
        try {
            searcher = searchers.acquire();
            List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
            TopDocs top = exact ? exact(leaves, prepared(query), candidates, accept)
                    : accept == null ? nearest(leaves, prepared(query), candidates)
                    : searcher.search(new KnnFloatVectorQuery(VECTOR, prepared(query), candidates, new KeyFilterQuery(accept)), candidates);
            List<Candidate> hits = new ArrayList<>(top.scoreDocs.length);
            for (ScoreDoc hit : top.scoreDocs) {
                LeafReaderContext leaf = leaves.get(org.apache.lucene.index.ReaderUtil.subIndex(hit.doc, leaves));
                int doc = hit.doc - leaf.docBase;
                NumericDocValues keys = leaf.reader().getNumericDocValues(KEY);
                FloatVectorValues vectors = leaf.reader().getFloatVectorValues(VECTOR);
                if (keys != null && keys.advanceExact(doc) && vectors != null) {
                    KnnVectorValues.DocIndexIterator position = vectors.iterator();
                    if (position.advance(doc) == doc) {
                        hits.add(new Candidate((int) keys.longValue(), vectors.vectorValue(position.index()).clone()));
                    }
                }
            }
            return hits;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            release(searcher);
        }
    }

    /**
     * An unfiltered search straight on each segment's graph, merged: what KnnFloatVectorQuery ends up doing, without
     * its rewrite into a second query, which costs about as much as walking a small graph.
     */
    private static TopDocs nearest(List<LeafReaderContext> leaves, float[] query, int candidates) throws IOException {
        TopDocs[] perLeaf = new TopDocs[leaves.size()];
        for (int i = 0; i < perLeaf.length; i++) {
            LeafReaderContext leaf = leaves.get(i);
            TopDocs top = leaf.reader().searchNearestVectors(VECTOR, query, candidates,
                    AcceptDocs.fromLiveDocs(leaf.reader().getLiveDocs(), leaf.reader().maxDoc()), Integer.MAX_VALUE);
            for (ScoreDoc hit : top.scoreDocs) {
                hit.doc += leaf.docBase;
            }
            perLeaf[i] = top;
        }
        return perLeaf.length == 1 ? perLeaf[0] : TopDocs.merge(candidates, perLeaf);
    }

    /** The {@code candidates} best of every live vector that {@code accept} (null: all) takes, compared one by one. */
    private TopDocs exact(List<LeafReaderContext> leaves, float[] query, int candidates, IntPredicate accept) throws IOException {
        TopKnnCollector best = new TopKnnCollector(candidates, Integer.MAX_VALUE);
        VectorSimilarityFunction similarity = similarity();
        for (LeafReaderContext leaf : leaves) {
            FloatVectorValues vectors = leaf.reader().getFloatVectorValues(VECTOR);
            if (vectors == null) {
                continue;
            }
            org.apache.lucene.util.Bits live = leaf.reader().getLiveDocs();
            NumericDocValues keys = accept == null ? null : org.apache.lucene.index.DocValues.getNumeric(leaf.reader(), KEY);
            KnnVectorValues.DocIndexIterator position = vectors.iterator();
            for (int doc = position.nextDoc(); doc != org.apache.lucene.search.DocIdSetIterator.NO_MORE_DOCS; doc = position.nextDoc()) {
                if ((live == null || live.get(doc)) && (keys == null || keys.advanceExact(doc) && accept.test((int) keys.longValue()))) {
                    best.collect(leaf.docBase + doc, similarity.compare(query, vectors.vectorValue(position.index())));
                }
            }
        }
        return best.topDocs();
    }

    private void release(IndexSearcher searcher) {
        if (searcher != null) {
            try {
                searchers.release(searcher);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Bytes of the graph's files (vectors, quantized vectors, graph). */
    public long bytes() {
        try (var files = Files.list(directoryPath)) {
            return files.mapToLong(file -> file.toFile().length()).sum();
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        try {
            searchers.close();
            writer.rollback();
            directory.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
