package dev.larder.vector.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larder.vector.IndexType;
import dev.larder.vector.Metric;
import dev.larder.vector.store.VectorRecord;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Upstash's numbers (from its client's own tests) and the graph's recall against exact search. */
class NamespaceSearchTest {

    @TempDir
    Path graphs;

    private Namespace namespace(IndexType type, Metric metric) {
        return new Namespace("", type, metric, graphs.resolve(type.name() + metric.name()), 16, 100, false, id -> null);
    }

    private static VectorRecord sparse(String id, int[] indices, float[] values) {
        return new VectorRecord(id, null, indices, values, null, null);
    }

    private static List<String> ids(List<Namespace.Hit> hits) {
        return hits.stream().map(hit -> hit.entry().record().id()).toList();
    }

    @Test
    void idfWeightedSparseScoresAreUpstashs() {
        try (Namespace ns = namespace(IndexType.SPARSE, Metric.DOT_PRODUCT)) {
            ns.put(0, sparse("id0", new int[] {0, 1}, new float[] {0.1f, 0.2f}), null);
            ns.put(1, sparse("id1", new int[] {1, 2}, new float[] {0.2f, 0.3f}), null);
            ns.put(2, sparse("id2", new int[] {2, 3}, new float[] {0.3f, 0.4f}), null);
            List<Namespace.Hit> hits = ns.sparseSearch(new int[] {0, 1}, new float[] {0.1f, 0.2f}, true, 3, null, Set.of());
            assertEquals(List.of("id0", "id1"), ids(hits));
            assertEquals(0.028608438f, hits.get(0).score());
            assertEquals(0.018800145f, hits.get(1).score());
            List<Namespace.Hit> second = ns.sparseSearch(new int[] {2, 3}, new float[] {0.5f, 0.5f}, true, 1, null, Set.of());
            assertEquals(0.26666638f, second.get(0).score());
        }
    }

    @Test
    void reciprocalRankFusionCountsRanksFromZero() {
        try (Namespace ns = namespace(IndexType.HYBRID, Metric.COSINE)) {
            ns.put(0, new VectorRecord("id0", new float[] {0.8f, 0.1f}, new int[] {0, 1}, new float[] {0.1f, 0.2f}, null, null), null);
            ns.put(1, new VectorRecord("id1", new float[] {0.9f, 0.2f}, new int[] {1, 2}, new float[] {0.2f, 0.3f}, null, null), null);
            ns.put(2, new VectorRecord("id2", new float[] {0.1f, 0.9f}, new int[] {2, 3}, new float[] {0.3f, 0.4f}, null, null), null);
            List<Namespace.Hit> dense = ns.denseSearch(new float[] {0.1f, 0.9f}, 11, null, Set.of());
            List<Namespace.Hit> sparse = ns.sparseSearch(new int[] {0}, new float[] {1}, false, 11, null, Set.of());
            List<Namespace.Hit> fused = Fusion.RRF.fuse(dense, sparse, 3);
            assertEquals(List.of("id0", "id2", "id1"), ids(fused));
            assertEquals(0.032795697f, fused.get(0).score());
            List<Namespace.Hit> both = Fusion.RRF.fuse(ns.denseSearch(new float[] {0.9f, 0.2f}, 11, null, Set.of()),
                    ns.sparseSearch(new int[] {1, 2}, new float[] {0.2f, 0.3f}, false, 11, null, Set.of()), 1);
            assertEquals(0.033333335f, both.get(0).score());
            List<Namespace.Hit> dbsf = Fusion.DBSF.fuse(ns.denseSearch(new float[] {0.9f, 0.2f}, 2, null, Set.of()),
                    ns.sparseSearch(new int[] {0}, new float[] {1}, false, 2, null, Set.of()), 2);
            assertEquals(List.of("id0", "id1"), ids(dbsf));
            assertEquals(0.617851, dbsf.get(1).score(), 1e-6);
            assertEquals(0.882149, dbsf.get(0).score(), 1e-6);
        }
    }

    @Test
    void aVectorScoresExactlyOneAgainstItself() {
        for (Metric metric : Metric.values()) {
            float[] vector = {3, -1, 7, 2};
            float[] unit = {0.5f, 0.5f, 0.5f, 0.5f};
            float[] self = metric == Metric.DOT_PRODUCT ? unit : vector;
            assertEquals(1f, Scores.dense(metric, self, self.clone()), metric.name());
        }
    }

    @Test
    void replacedAndDeletedVectorsAreNeverFoundUnderTheirOldVector() {
        Map<String, float[]> grid = new java.util.HashMap<>();
        try (Namespace ns = new Namespace("", IndexType.DENSE, Metric.EUCLIDEAN, graphs.resolve("replaced"), 16, 100, false,
                id -> grid.containsKey(id) ? new VectorRecord(id, grid.get(id), null, null, null, null) : null)) {
            for (int i = 0; i < 3000; i++) {
                grid.put("v" + i, new float[] {i, 0});
                ns.put(ns.sequenceFor("v" + i), new VectorRecord("v" + i, grid.get("v" + i), null, null, null, null), null);
            }
            ns.refresh();
            grid.put("v5", new float[] {-100, 0});
            ns.put(ns.sequenceFor("v5"), new VectorRecord("v5", grid.get("v5"), null, null, null, null), null);
            ns.remove("v7");
            grid.remove("v7");
            for (int i = 3000; i < 3010; i++) { // new records take keys as they come; v7's waits for the graph to drop it
                grid.put("v" + i, new float[] {7.2f + i - 3000, 1});
                ns.put(ns.sequenceFor("v" + i), new VectorRecord("v" + i, grid.get("v" + i), null, null, null, null), null);
            }
            List<String> near5 = ids(ns.denseSearch(new float[] {5, 0}, 3, null, Set.of()));
            assertEquals(List.of("v4", "v6", "v3"), near5, "before the graph has them");
            assertEquals(List.of("v5"), ids(ns.denseSearch(new float[] {-100, 0}, 1, null, Set.of())));
            assertEquals("v3000", ids(ns.denseSearch(new float[] {7.2f, 1}, 1, null, Set.of())).get(0));
            assertEquals(-100f, ns.dense(ns.get("v5"))[0]);
            for (int round = 0; round < 2; round++) {
                ns.refresh();
                assertEquals(List.of("v5"), ids(ns.denseSearch(new float[] {-100, 0}, 1, null, Set.of())));
                assertEquals("v3000", ids(ns.denseSearch(new float[] {7.2f, 1}, 1, null, Set.of())).get(0));
                assertFalse(ids(ns.denseSearch(new float[] {7, 0}, 5, null, Set.of())).contains("v7"));
                assertEquals(-100f, ns.dense(ns.get("v5"))[0], "from the grid once searchable");
                for (int i = 3010; i < 3020; i++) { // takes v7's key, now free
                    grid.put("w" + i + round, new float[] {1000 + i, 1000});
                    ns.put(ns.sequenceFor("w" + i + round), new VectorRecord("w" + i + round, grid.get("w" + i + round), null, null, null, null), null);
                }
            }
            assertEquals(3000 - 1 + 10 + 20, ns.size());
            assertEquals(List.of("v0", "v1", "v2"), ns.range(0, 3, null).stream().map(entry -> entry.record().id()).toList());
        }
    }

    @Test
    void theGraphFindsWhatExactSearchFinds() {
        Random random = new Random(7);
        int dimension = 32;
        float[][] vectors = new float[5000][dimension];
        try (Namespace ns = namespace(IndexType.DENSE, Metric.COSINE)) {
            for (int i = 0; i < vectors.length; i++) {
                for (int d = 0; d < dimension; d++) {
                    vectors[i][d] = (float) random.nextGaussian();
                }
                ns.put(i, new VectorRecord("v" + i, vectors[i], null, null, null, null), null);
            }
            assertTrue(ns.pending() > 0);
            ns.refresh();
            assertEquals(0, ns.pending());
            int found = 0;
            int queries = 50;
            for (int q = 0; q < queries; q++) {
                float[] query = vectors[random.nextInt(vectors.length)].clone();
                query[0] += 0.3f;
                Set<String> truth = new HashSet<>();
                float[] best = new float[vectors.length];
                Integer[] order = new Integer[vectors.length];
                for (int i = 0; i < vectors.length; i++) {
                    best[i] = Scores.dense(Metric.COSINE, query, vectors[i]);
                    order[i] = i;
                }
                java.util.Arrays.sort(order, (a, b) -> Float.compare(best[b], best[a]));
                for (int i = 0; i < 10; i++) {
                    truth.add("v" + order[i]);
                }
                for (String id : ids(ns.denseSearch(query, 10, null, Set.of()))) {
                    found += truth.contains(id) ? 1 : 0;
                }
            }
            double recall = found / (queries * 10.0);
            assertTrue(recall >= 0.9, "recall@10 " + recall);
        }
    }

    @Test
    void selectiveFiltersStillReturnTopK() throws Exception {
        Random random = new Random(11);
        int dimension = 16;
        int count = 20_000;
        float[][] vectors = new float[count][dimension];
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        try (Namespace ns = namespace(IndexType.DENSE, Metric.EUCLIDEAN)) {
            for (int i = 0; i < count; i++) {
                for (int d = 0; d < dimension; d++) {
                    vectors[i][d] = (float) random.nextGaussian();
                }
                ns.put(i, new VectorRecord("v" + i, vectors[i], null, null, null, null), json.readTree("{\"bucket\":" + (i % 100) + "}"));
            }
            ns.refresh();
            for (int percent : new int[] {1, 10, 50}) {
                dev.larder.vector.filter.MetadataFilter filter = dev.larder.vector.filter.MetadataFilter.parse("bucket < " + percent);
                int found = 0;
                int queries = 30;
                for (int q = 0; q < queries; q++) {
                    float[] query = new float[dimension];
                    for (int d = 0; d < dimension; d++) {
                        query[d] = (float) random.nextGaussian();
                    }
                    List<Integer> matching = new java.util.ArrayList<>();
                    for (int i = 0; i < count; i++) {
                        if (i % 100 < percent) {
                            matching.add(i);
                        }
                    }
                    matching.sort((a, b) -> Float.compare(Scores.dense(Metric.EUCLIDEAN, query, vectors[b]), Scores.dense(Metric.EUCLIDEAN, query, vectors[a])));
                    Set<String> truth = new HashSet<>();
                    matching.subList(0, 10).forEach(i -> truth.add("v" + i));
                    List<Namespace.Hit> hits = ns.denseSearch(query, 10, ns.accepting(filter::matches), Set.of());
                    assertEquals(10, hits.size(), percent + "% selective");
                    for (String id : ids(hits)) {
                        found += truth.contains(id) ? 1 : 0;
                    }
                }
                double recall = found / (queries * 10.0);
                assertTrue(recall >= 0.95, "recall@10 at " + percent + "% selectivity: " + recall);
            }
        }
    }
}
