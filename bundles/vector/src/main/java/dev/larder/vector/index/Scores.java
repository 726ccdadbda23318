package dev.larder.vector.index;

import dev.larder.vector.Metric;

/** Upstash's dense scores, 0..1 and higher closer, computed in double and clamped (a vector scores exactly 1 against itself). */
public final class Scores {

    private Scores() {
    }

    public static float dense(Metric metric, float[] query, float[] vector) {
        double score = switch (metric) {
            case COSINE -> {
                double dot = 0;
                double queryNorm = 0;
                double vectorNorm = 0;
                for (int i = 0; i < query.length; i++) {
                    dot += (double) query[i] * vector[i];
                    queryNorm += (double) query[i] * query[i];
                    vectorNorm += (double) vector[i] * vector[i];
                }
                double cosine = queryNorm == 0 || vectorNorm == 0 ? 0 : dot / Math.sqrt(queryNorm * vectorNorm);
                yield (1 + cosine) / 2;
            }
            case EUCLIDEAN -> {
                double squared = 0;
                for (int i = 0; i < query.length; i++) {
                    double difference = (double) query[i] - vector[i];
                    squared += difference * difference;
                }
                yield 1 / (1 + squared);
            }
            case DOT_PRODUCT -> {
                double dot = 0;
                for (int i = 0; i < query.length; i++) {
                    dot += (double) query[i] * vector[i];
                }
                yield (1 + dot) / 2;
            }
        };
        return (float) Math.max(0, Math.min(1, score));
    }
}
