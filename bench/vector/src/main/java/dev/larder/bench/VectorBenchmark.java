package dev.larder.bench;

import com.github.jelmerk.hnswlib.core.DistanceFunctions;
import com.github.jelmerk.hnswlib.core.Item;
import com.github.jelmerk.hnswlib.core.SearchResult;
import com.github.jelmerk.hnswlib.core.hnsw.HnswIndex;
import dev.larder.vector.IndexType;
import dev.larder.vector.Metric;
import dev.larder.vector.index.DenseGraph;
import dev.larder.vector.index.Namespace;
import dev.larder.vector.store.VectorRecord;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import org.apache.lucene.util.VectorUtil;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One dataset, every engine, in one JVM: synthetic clustered vectors with exact ground truth (cosine), then
 * recall@10 against single-thread QPS for Larder's index (Lucene HNSW), hnswlib at the same degree and
 * construction beam, and exact search (a Java SIMD loop; ND4J's BLAS for batches of 100). With an index
 * URL, token and the server's process id, also Larder's Vector API over HTTP: durable upserts in batches of 100
 * (timed after 20,000 that warm the server up, in a namespace dropped after),
 * recall over HTTP, and queries from 1 and from 50 connections (wrk) once the server is idle.
 * Usage: VectorBenchmark COUNT DIMENSION QUERIES [URL TOKEN SERVER_PID]
 */
public final class VectorBenchmark {

    private static final int K = 10;
    private static final int M = 16;
    private static final int EF_CONSTRUCTION = 100;
    private static final int[] BEAMS = {10, 20, 40, 80, 160};
    /** The beam of a query over the API: topK 10 asks the graph for Namespace.MIN_CANDIDATES. */
    private static final int HTTP_BEAM = 40;
    private static final String WRK_SCRIPT = System.getProperty("wrk.script", "bench/vector-query.lua");
    /** Larder's in-process queries/s (float graph) by beam, which the HTTP rows are compared with. */
    private static final java.util.Map<Integer, Double> inProcessQps = new java.util.HashMap<>();

    record Vector(String id, float[] vector) implements Item<String, float[]> {
        @Override
        public int dimensions() {
            return vector.length;
        }
    }

    public static void main(String[] args) throws Exception {
        int count = Integer.parseInt(args[0]);
        int dimension = Integer.parseInt(args[1]);
        int queryCount = Integer.parseInt(args[2]);
        Random random = new Random(42);
        float[][] data = clustered(random, count, dimension, Math.max(10, count / 100));
        float[][] queries = new float[queryCount][];
        for (int q = 0; q < queryCount; q++) {
            queries[q] = data[random.nextInt(count)].clone();
            for (int d = 0; d < dimension; d++) {
                queries[q][d] += (float) (random.nextGaussian() * 0.05);
            }
        }
        System.out.printf(Locale.ROOT, "## %d x %d clustered, %d queries, recall@%d, one thread%n", count, dimension, queryCount, K);
        float[][] unit = new float[count][];
        for (int i = 0; i < count; i++) {
            unit[i] = VectorUtil.l2normalize(data[i].clone(), false);
        }
        long start = System.nanoTime();
        int[][] truth = new int[queryCount][];
        for (int q = 0; q < queryCount; q++) {
            truth[q] = exact(unit, VectorUtil.l2normalize(queries[q].clone(), false));
        }
        double exactQps = queryCount / seconds(start);
        System.out.printf(Locale.ROOT, "| %-34s | %6s | %9s | %8s | %10s |%n", "engine", "recall", "QPS", "build s", "bytes/vec");
        System.out.printf(Locale.ROOT, "| %-34s | %6s | %9s | %8s | %10s |%n", "---", "---", "---", "---", "---");
        row("exact, Java SIMD loop (Lucene VectorUtil)", 1.0, exactQps, 0, 4.0 * dimension);
        nd4j(unit, queries, truth);
        larder(data, queries, truth, dimension, false);
        larder(data, queries, truth, dimension, true);
        exactThreshold(data, queries, dimension);
        hnswlib(data, queries, truth, dimension);
        if (args.length >= 6) {
            http(args[3], args[4], Long.parseLong(args[5]), data, queries, truth);
        }
        System.exit(0); // the HTTP clients' threads would keep the JVM up
    }

    private static float[][] clustered(Random random, int count, int dimension, int clusters) {
        float[][] centers = new float[clusters][dimension];
        for (float[] center : centers) {
            for (int d = 0; d < dimension; d++) {
                center[d] = (float) random.nextGaussian();
            }
        }
        float[][] data = new float[count][dimension];
        for (int i = 0; i < count; i++) {
            float[] center = centers[random.nextInt(clusters)];
            for (int d = 0; d < dimension; d++) {
                data[i][d] = center[d] + (float) (random.nextGaussian() * 0.35);
            }
        }
        return data;
    }

    private static int[] exact(float[][] unit, float[] query) {
        int[] best = new int[K];
        float[] kept = new float[K];
        java.util.Arrays.fill(kept, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < unit.length; i++) {
            offer(best, kept, i, VectorUtil.dotProduct(unit[i], query));
        }
        return best;
    }

    /** Keeps {@code i} among the K best so far (best first) if its score earns a place. */
    private static void offer(int[] best, float[] kept, int i, float score) {
        if (score > kept[K - 1]) {
            int at = K - 1;
            while (at > 0 && kept[at - 1] < score) {
                kept[at] = kept[at - 1];
                best[at] = best[at - 1];
                at--;
            }
            kept[at] = score;
            best[at] = i;
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static void row(String engine, double recall, double qps, double buildSeconds, double bytesPerVector) {
        System.out.printf(Locale.ROOT, "| %-34s | %6.3f | %9.0f | %8.1f | %10.0f |%n", engine, recall, qps, buildSeconds, bytesPerVector);
    }

    private static double recall(int[] truth, Set<String> found) {
        int hits = 0;
        for (int id : truth) {
            hits += found.contains(Integer.toString(id)) ? 1 : 0;
        }
        return hits / (double) K;
    }

    private static long heapUsed() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    /** Exact search of batches of 100 queries as one matrix product through ND4J's BLAS (OpenBLAS). */
    private static void nd4j(float[][] unit, float[][] queries, int[][] truth) {
        INDArray matrix = Nd4j.create(unit);
        int batch = 100;
        double recall = 0;
        long start = System.nanoTime();
        for (int from = 0; from + batch <= queries.length; from += batch) {
            float[][] slice = new float[batch][];
            for (int q = 0; q < batch; q++) {
                slice[q] = VectorUtil.l2normalize(queries[from + q].clone(), false);
            }
            float[][] scores = Nd4j.create(slice).mmul(matrix.transpose()).toFloatMatrix();
            for (int q = 0; q < batch; q++) {
                Set<String> found = new HashSet<>();
                for (int i : top(scores[q])) {
                    found.add(Integer.toString(i));
                }
                recall += recall(truth[from + q], found);
            }
        }
        int done = queries.length / batch * batch;
        row("exact, ND4J BLAS (batches of 100)", recall / done, done / seconds(start), 0, 4.0 * unit[0].length);
    }

    private static int[] top(float[] scores) {
        int[] best = new int[K];
        float[] kept = new float[K];
        java.util.Arrays.fill(kept, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < scores.length; i++) {
            offer(best, kept, i, scores[i]);
        }
        return best;
    }

    private static void larder(float[][] data, float[][] queries, int[][] truth, int dimension, boolean quantized) throws Exception {
        Path directory = Files.createTempDirectory("larder-vector-bench");
        long heapBefore = heapUsed();
        long start = System.nanoTime();
        try (Namespace namespace = new Namespace("", IndexType.DENSE, Metric.COSINE, directory, M, EF_CONSTRUCTION, quantized,
                id -> new VectorRecord(id, data[Integer.parseInt(id)], null, null, null, null))) {
            for (int i = 0; i < data.length; i++) {
                namespace.put(i, new VectorRecord(Integer.toString(i), data[i], null, null, null, null), null);
            }
            namespace.compact();
            double build = seconds(start);
            long heap = heapUsed() - heapBefore;
            // the namespace keeps no float[] once the graph has the vectors: they are in its files only
            double bytes = (heap + filesBytes(directory)) / data.length;
            for (int q = 0; q < queries.length; q++) {
                namespace.denseSearch(queries[q], K, BEAMS[BEAMS.length - 1], null, Set.of()); // warm-up
            }
            for (int beam : BEAMS) {
                double recall = 0;
                for (int q = 0; q < queries.length; q++) {
                    Set<String> found = new HashSet<>();
                    for (Namespace.Hit hit : namespace.denseSearch(queries[q], K, beam, null, Set.of())) {
                        found.add(hit.entry().record().id());
                    }
                    recall += recall(truth[q], found);
                }
                int searchBeam = beam;
                double qps = queriesPerSecond(queries, query -> namespace.denseSearch(query, K, searchBeam, null, Set.of()));
                if (!quantized) {
                    inProcessQps.put(beam, qps);
                }
                row("Larder (Lucene HNSW" + (quantized ? ", 7-bit SQ" : "") + ") beam " + beam, recall / queries.length, qps, build, bytes);
            }
        } finally {
            try (var files = Files.walk(directory)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    /** Queries per second over passes through the queries, for at least two seconds (one pass takes a fraction of a second). */
    private static double queriesPerSecond(float[][] queries, java.util.function.Consumer<float[]> search) {
        long start = System.nanoTime();
        long done = 0;
        while (done == 0 || System.nanoTime() - start < 2_000_000_000L) {
            for (float[] query : queries) {
                search.accept(query);
            }
            done += queries.length;
        }
        return done / seconds(start);
    }

    /**
     * Where exact search stops paying: for namespaces of growing size (the first vectors of the set), queries/s
     * comparing every vector (the filtered exact path of Lucene that small namespaces take) against walking the
     * graph at the API's beam. Namespace.EXACT_SEARCH_MAX is set from this.
     */
    private static void exactThreshold(float[][] data, float[][] queries, int dimension) throws Exception {
        System.out.printf(Locale.ROOT, "%nExact search against the graph (beam %d) by namespace size, queries/s, one thread:%n", HTTP_BEAM);
        System.out.printf(Locale.ROOT, "| %-10s | %9s | %9s | %12s |%n", "vectors", "exact", "graph", "graph recall");
        System.out.printf(Locale.ROOT, "| %-10s | %9s | %9s | %12s |%n", "---", "---", "---", "---");
        for (int size : new int[] {250, 500, 1000, 2000, 4000, 8000}) {
            if (size > data.length) {
                break;
            }
            Path directory = Files.createTempDirectory("larder-vector-threshold");
            try (DenseGraph graph = new DenseGraph(directory, Metric.COSINE, M, EF_CONSTRUCTION, false)) {
                for (int i = 0; i < size; i++) {
                    graph.put(i, data[i]);
                }
                graph.compact();
                double found = 0;
                for (float[] query : queries) {
                    Set<Integer> exact = new HashSet<>();
                    graph.search(query, K, null, true).subList(0, K).forEach(hit -> exact.add(hit.key()));
                    for (DenseGraph.Candidate hit : graph.search(query, HTTP_BEAM, null, false).subList(0, K)) {
                        found += exact.contains(hit.key()) ? 1 : 0;
                    }
                }
                double exactQps = queriesPerSecond(queries, query -> graph.search(query, K, null, true));
                double graphQps = queriesPerSecond(queries, query -> graph.search(query, HTTP_BEAM, null, false));
                System.out.printf(Locale.ROOT, "| %-10d | %9.0f | %9.0f | %12.3f |%n", size, exactQps, graphQps, found / (queries.length * K));
            } finally {
                try (var files = Files.walk(directory)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                }
            }
        }
        System.out.println();
    }

    private static long filesBytes(Path directory) throws java.io.IOException {
        try (var files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).mapToLong(path -> path.toFile().length()).sum();
        }
    }

    private static void hnswlib(float[][] data, float[][] queries, int[][] truth, int dimension) throws Exception {
        long heapBefore = heapUsed();
        long start = System.nanoTime();
        HnswIndex<String, float[], Vector, Float> index = HnswIndex.newBuilder(dimension, DistanceFunctions.FLOAT_COSINE_DISTANCE, data.length)
                .withM(M).withEfConstruction(EF_CONSTRUCTION).withEf(10).build();
        for (int i = 0; i < data.length; i++) {
            index.add(new Vector(Integer.toString(i), data[i]));
        }
        double build = seconds(start);
        double bytes = (heapUsed() - heapBefore + 4.0 * dimension * data.length) / data.length;
        index.setEf(BEAMS[BEAMS.length - 1]);
        for (float[] query : queries) {
            index.findNearest(query, K); // warm-up
        }
        for (int beam : BEAMS) {
            index.setEf(beam);
            double recall = 0;
            for (int q = 0; q < queries.length; q++) {
                Set<String> found = new HashSet<>();
                for (SearchResult<Vector, Float> hit : index.findNearest(queries[q], K)) {
                    found.add(hit.item().id());
                }
                recall += recall(truth[q], found);
            }
            row("hnswlib 1.2.1 (M 16, ef " + beam + ")", recall / queries.length, queriesPerSecond(queries, query -> index.findNearest(query, K)),
                    build, bytes);
        }
    }

    /** Durable upserts in batches of 100, then queries over HTTP from 1 and from 50 connections. */
    private static void http(String url, String token, long serverPid, float[][] data, float[][] queries, int[][] truth) throws Exception {
        HttpClient client = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4)).build();
        // warm-up: the server's request path compiled by the JIT before it is timed, in a namespace dropped after
        upsertAll(client, url + "/upsert/warm-up", token, java.util.Arrays.copyOf(data, Math.min(data.length, 20_000)));
        post(client, url + "/delete-namespace/warm-up", token, "");
        waitIdle(serverPid);
        long start = System.nanoTime();
        upsertAll(client, url + "/upsert", token, data);
        double upsertSeconds = seconds(start);
        System.out.printf(Locale.ROOT, "%nDurable upserts over HTTP (batches of 100, one connection): %.0f vectors/s%n", data.length / upsertSeconds);
        long acknowledged = System.nanoTime();
        while (!post(client, url + "/info", token, "[]").contains("\"pendingVectorCount\":0,\"indexSize\"")) {
            Thread.sleep(200); // until every upsert is searchable
        }
        double searchableAfter = seconds(acknowledged);
        long idleAfter = System.nanoTime();
        waitIdle(serverPid); // and the graph, written in segments while the vectors came, is merged into one
        System.out.printf(Locale.ROOT, "All searchable %.1f s after the last upsert was acknowledged (%.0f vectors/s from the first upsert "
                + "to searchable); graph segments merged in the next %.1f s%n", searchableAfter, data.length / (upsertSeconds + searchableAfter),
                seconds(idleAfter));
        String[] bodies = new String[queries.length];
        for (int q = 0; q < queries.length; q++) {
            bodies[q] = "{\"vector\":" + json(queries[q]) + ",\"topK\":" + K + "}";
        }
        // recall over HTTP: every query once, on one connection; then throughput from wrk (one thread, as
        // bench/rest-benchmark.sh), whose client costs the shared cores far less than Java's HttpClient would
        double recall = 0;
        for (int q = 0; q < queries.length; q++) {
            String answer = post(client, url + "/query", token, bodies[q]);
            Set<String> found = new HashSet<>();
            java.util.regex.Matcher ids = java.util.regex.Pattern.compile("\"id\":\"(\\d+)\"").matcher(answer);
            while (ids.find()) {
                found.add(ids.group(1));
            }
            recall += recall(truth[q], found);
        }
        Path bodyFile = Files.createTempFile("larder-vector-queries", ".jsonl");
        Files.write(bodyFile, List.of(bodies));
        for (int connections : new int[] {1, 50}) {
            ProcessBuilder wrkCommand = new ProcessBuilder("wrk", "-t", "1", "-c", String.valueOf(connections), "-d", "10s", "-s", WRK_SCRIPT, url + "/query")
                    .redirectErrorStream(true);
            wrkCommand.environment().put("QUERIES", bodyFile.toString());
            wrkCommand.environment().put("TOKEN", token);
            Process wrk = wrkCommand.start();
            wrk.getOutputStream().close();
            String output = new String(wrk.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            wrk.waitFor();
            java.util.regex.Matcher result = java.util.regex.Pattern.compile("RESULT (\\d+) ([\\d.]+) (\\d+)").matcher(output);
            if (!result.find() || !result.group(3).equals("0")) {
                throw new IllegalStateException("wrk failed: " + output);
            }
            double qps = Double.parseDouble(result.group(1));
            row("Larder over HTTP, " + connections + " connection" + (connections == 1 ? "" : "s"), recall / queries.length, qps, upsertSeconds, 0);
            System.out.printf(Locale.ROOT, "  p50 %s ms; %.2fx Larder in-process at the same beam (%d, the API's least)%n", result.group(2),
                    qps / inProcessQps.get(HTTP_BEAM), HTTP_BEAM);
        }
        Files.delete(bodyFile);
    }

    /** Upserts the vectors in batches of 100, one batch after the other, ids their positions. */
    private static void upsertAll(HttpClient client, String url, String token, float[][] data) {
        for (int from = 0; from < data.length; from += 100) {
            StringBuilder batch = new StringBuilder("[");
            for (int i = from; i < Math.min(data.length, from + 100); i++) {
                batch.append(i == from ? "" : ",").append("{\"id\":\"").append(i).append("\",\"vector\":").append(json(data[i])).append('}');
            }
            post(client, url, token, batch.append(']').toString());
        }
    }

    /** Until the server's process used under a tenth of a core for a second (its CPU ticks in /proc). */
    private static void waitIdle(long pid) throws Exception {
        Path stat = Path.of("/proc", String.valueOf(pid), "stat");
        long ticksPerSecond = 100;
        long before = cpuTicks(stat);
        while (true) {
            Thread.sleep(1000);
            long now = cpuTicks(stat);
            if (now - before < ticksPerSecond / 10) {
                return;
            }
            before = now;
        }
    }

    private static long cpuTicks(Path stat) throws java.io.IOException {
        String[] fields = Files.readString(stat).replaceFirst("^.*\\) ", "").split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime and stime
    }

    private static String json(float[] vector) {
        StringBuilder json = new StringBuilder("[");
        for (int d = 0; d < vector.length; d++) {
            json.append(d == 0 ? "" : ",").append(vector[d]);
        }
        return json.append(']').toString();
    }

    static String post(HttpClient client, String url, String token, String body) {
        try {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
