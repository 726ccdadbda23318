package dev.larder.vector.index;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How a hybrid query merges its dense and sparse hits, as Upstash does. */
public enum Fusion {
    /** Reciprocal rank fusion: a hit at rank r (from 0) of a part adds {@code 1 / (60 + r)}. */
    RRF,
    /**
     * Distribution-based score fusion: each part's scores are mapped by {@code (s - (μ - 3σ)) / (6σ)} (σ the
     * sample deviation; a part with one hit, or equal scores, gives 0.5) and summed.
     */
    DBSF;

    private static final int RRF_K = 60;

    public List<Namespace.Hit> fuse(List<Namespace.Hit> dense, List<Namespace.Hit> sparse, int topK) {
        Map<String, double[]> scores = new LinkedHashMap<>();
        Map<String, Namespace.Entry> entries = new LinkedHashMap<>();
        for (List<Namespace.Hit> part : List.of(dense, sparse)) {
            double[] normalized = this == RRF ? null : normalized(part);
            for (int rank = 0; rank < part.size(); rank++) {
                Namespace.Hit hit = part.get(rank);
                String id = hit.entry().record().id();
                entries.putIfAbsent(id, hit.entry());
                scores.computeIfAbsent(id, key -> new double[1])[0] += this == RRF ? 1.0 / (RRF_K + rank) : normalized[rank];
            }
        }
        List<Namespace.Hit> fused = new ArrayList<>(scores.size());
        for (Map.Entry<String, double[]> score : scores.entrySet()) {
            fused.add(new Namespace.Hit(entries.get(score.getKey()), (float) score.getValue()[0]));
        }
        fused.sort((a, b) -> Float.compare(b.score(), a.score()));
        return fused.size() > topK ? new ArrayList<>(fused.subList(0, topK)) : fused;
    }

    private static double[] normalized(List<Namespace.Hit> part) {
        double[] result = new double[part.size()];
        if (part.size() < 2) {
            java.util.Arrays.fill(result, 0.5);
            return result;
        }
        double mean = 0;
        for (Namespace.Hit hit : part) {
            mean += hit.score();
        }
        mean /= part.size();
        double variance = 0;
        for (Namespace.Hit hit : part) {
            variance += (hit.score() - mean) * (hit.score() - mean);
        }
        double deviation = Math.sqrt(variance / (part.size() - 1));
        for (int i = 0; i < result.length; i++) {
            result[i] = deviation == 0 ? 0.5 : (part.get(i).score() - (mean - 3 * deviation)) / (6 * deviation);
        }
        return result;
    }
}
