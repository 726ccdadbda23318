package dev.larder.vector.embedding;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.util.StringHelper;

/**
 * The BM25 sparse model, as Upstash hosts it: English text tokenized by Lucene's EnglishAnalyzer (Unicode word
 * breaks, lower case, possessives, stop words, Porter stemming); each term is a dimension (its 31-bit
 * murmur3 hash). A document's value of a term is BM25's term-frequency part,
 * {@code tf (k1 + 1) / (tf + k1 (1 - b + b |D| / avgdl))} with k1 1.2, b 0.75 and avgdl 32; a query's is 1 per
 * term. The IDF part comes at query time from the index's own counts ({@code weightingStrategy: "IDF"}).
 * Thread-safe; no network, no files.
 */
public final class Bm25 {

    public static final String NAME = "BM25";
    private static final double K1 = 1.2;
    private static final double B = 0.75;
    private static final double AVERAGE_LENGTH = 32;
    private static final int SEED = 0x5eed;

    /** A sparse vector: ascending indices and their values. */
    public record Sparse(int[] indices, float[] values) {
    }

    private final Analyzer analyzer = new EnglishAnalyzer();

    public Sparse document(String text) {
        Map<Integer, int[]> counts = terms(text);
        int length = counts.values().stream().mapToInt(count -> count[0]).sum();
        return vector(counts, tf -> (float) (tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / AVERAGE_LENGTH))));
    }

    public Sparse query(String text) {
        return vector(terms(text), tf -> 1f);
    }

    private static Sparse vector(Map<Integer, int[]> counts, java.util.function.IntFunction<Float> weight) {
        int[] indices = new int[counts.size()];
        float[] values = new float[counts.size()];
        int i = 0;
        for (Map.Entry<Integer, int[]> term : counts.entrySet()) {
            indices[i] = term.getKey();
            values[i++] = weight.apply(term.getValue()[0]);
        }
        return new Sparse(Arrays.copyOf(indices, i), Arrays.copyOf(values, i));
    }

    /** Each term's dimension and count, dimensions ascending. */
    private Map<Integer, int[]> terms(String text) {
        Map<Integer, int[]> counts = new TreeMap<>();
        try (TokenStream tokens = analyzer.tokenStream("", text)) {
            CharTermAttribute term = tokens.addAttribute(CharTermAttribute.class);
            tokens.reset();
            while (tokens.incrementToken()) {
                byte[] bytes = term.toString().getBytes(StandardCharsets.UTF_8);
                int dimension = StringHelper.murmurhash3_x86_32(bytes, 0, bytes.length, SEED) & 0x7fffffff;
                counts.computeIfAbsent(dimension, key -> new int[1])[0]++;
            }
            tokens.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a String reader does not fail
        }
        return counts;
    }
}
