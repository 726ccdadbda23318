package dev.larder.vector.index;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * The sparse vectors of one namespace as an inverted index: per dimension, the records (by key) with a value
 * there. A query is scored exactly, as Upstash does: the inner product over shared dimensions, optionally
 * weighted by each dimension's IDF within the namespace. Not thread-safe: the namespace guards it.
 */
public final class SparsePostings {

    private final Map<Integer, Map<Integer, Double>> byDimension = new HashMap<>();
    private int records;

    public void put(int key, int[] indices, float[] values) {
        for (int i = 0; i < indices.length; i++) {
            byDimension.computeIfAbsent(indices[i], dimension -> new HashMap<>()).put(key, decimal(values[i]));
        }
        records++;
    }

    public void remove(int key, int[] indices) {
        for (int index : indices) {
            Map<Integer, Double> postings = byDimension.get(index);
            if (postings != null) {
                postings.remove(key);
                if (postings.isEmpty()) {
                    byDimension.remove(index);
                }
            }
        }
        records--;
    }

    /**
     * A float32 as the decimal it was sent as (its shortest representation, as a double): Upstash scores sparse
     * vectors in double arithmetic on the values as sent, and its clients' tests expect those exact scores.
     */
    static double decimal(float value) {
        return Double.parseDouble(Float.toString(value));
    }

    public void clear() {
        byDimension.clear();
        records = 0;
    }

    public record Scored(int key, double score) {
    }

    /**
     * Records sharing a dimension with the query, best first, at most {@code limit}. With {@code idf}, each
     * dimension's product is multiplied by {@code ln((N - n + 0.5) / (n + 0.5) + 1)}: N records, n of them
     * with a value there.
     */
    public List<Scored> search(int[] indices, float[] values, boolean idf, int limit, IntPredicate accept) {
        Map<Integer, double[]> scores = new HashMap<>();
        for (int i = 0; i < indices.length; i++) {
            Map<Integer, Double> postings = byDimension.get(indices[i]);
            if (postings == null) {
                continue;
            }
            double weight = decimal(values[i]);
            if (idf) {
                int n = postings.size();
                weight *= Math.log((records - n + 0.5) / (n + 0.5) + 1);
            }
            for (Map.Entry<Integer, Double> posting : postings.entrySet()) {
                scores.computeIfAbsent(posting.getKey(), key -> new double[1])[0] += weight * posting.getValue();
            }
        }
        List<Scored> hits = new ArrayList<>(scores.size());
        for (Map.Entry<Integer, double[]> entry : scores.entrySet()) {
            if (accept == null || accept.test(entry.getKey())) {
                hits.add(new Scored(entry.getKey(), entry.getValue()[0]));
            }
        }
        hits.sort((a, b) -> Double.compare(b.score(), a.score()));
        return hits.size() > limit ? new ArrayList<>(hits.subList(0, limit)) : hits;
    }
}
