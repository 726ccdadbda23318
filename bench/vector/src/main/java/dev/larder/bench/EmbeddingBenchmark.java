package dev.larder.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Text embedding with bge-small-en-v1.5 (8-bit ONNX): Larder's upsert-data and query-data over HTTP against
 * langchain4j's in-process model of the same files, on the same texts: texts per second, and how close Larder's
 * vectors are to langchain4j's (cosine).
 */
public final class EmbeddingBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] WORDS = ("the a of and to in is that for it on with as was at by this from or an be are have "
            + "vector search index memory server cluster message queue workflow billing disk network token model query filter "
            + "cat dog market river mountain train city music garden kitchen winter summer ocean forest library engine")
            .split(" ");

    private EmbeddingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String token = args[1];
        int count = Integer.parseInt(args[2]);
        Random random = new Random(7);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int words = 8 + random.nextInt(40);
            StringBuilder text = new StringBuilder();
            for (int w = 0; w < words; w++) {
                text.append(w == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
            }
            texts.add(text.toString());
        }
        int averageWords = (int) texts.stream().mapToInt(t -> t.split(" ").length).average().orElse(0);
        System.out.printf("Embedding %d texts of %d words on average (bge-small-en-v1.5, 8-bit ONNX), %d processors%n", count,
                averageWords, Runtime.getRuntime().availableProcessors());

        EmbeddingModel reference = new BgeSmallEnV15QuantizedEmbeddingModel();
        reference.embedAll(texts.subList(0, 20).stream().map(TextSegment::from).toList()); // warm-up
        long started = System.nanoTime();
        List<Embedding> expected = reference.embedAll(texts.stream().map(TextSegment::from).toList()).content();
        double referencePerSecond = count / seconds(started);

        HttpClient client = HttpClient.newHttpClient();
        VectorBenchmark.post(client, url + "/upsert-data", token, batch(texts, 0, 20)); // loads the model
        VectorBenchmark.post(client, url + "/reset", token, "");
        started = System.nanoTime();
        for (int from = 0; from < count; from += 100) {
            VectorBenchmark.post(client, url + "/upsert-data", token, batch(texts, from, Math.min(count, from + 100)));
        }
        double larderPerSecond = count / seconds(started);

        int queries = Math.min(200, count);
        double[] latencies = new double[queries];
        for (int q = 0; q < queries; q++) {
            long one = System.nanoTime();
            VectorBenchmark.post(client, url + "/query-data", token, JSON.writeValueAsString(
                    JsonNodeFactory.instance.objectNode().put("data", texts.get(q)).put("topK", 10)));
            latencies[q] = seconds(one) * 1000;
        }
        Arrays.sort(latencies);

        double minimum = 1;
        double sum = 0;
        int compared = Math.min(200, count);
        ArrayNode ids = JsonNodeFactory.instance.arrayNode();
        for (int i = 0; i < compared; i++) {
            ids.add(String.valueOf(i));
        }
        JsonNode fetched = JSON.readTree(VectorBenchmark.post(client, url + "/fetch", token,
                JSON.writeValueAsString(JsonNodeFactory.instance.objectNode().put("includeVectors", true).set("ids", ids)))).get("result");
        for (int i = 0; i < compared; i++) {
            JsonNode vector = fetched.get(i).get("vector");
            float[] want = expected.get(i).vector();
            double dot = 0;
            for (int d = 0; d < want.length; d++) {
                dot += want[d] * vector.get(d).floatValue();
            }
            minimum = Math.min(minimum, dot);
            sum += dot;
        }
        System.out.printf("%-52s %10s%n", "", "texts/s");
        System.out.printf("%-52s %10.1f%n", "langchain4j in-process (embedAll, its thread pool)", referencePerSecond);
        System.out.printf("%-52s %10.1f   (%.2fx langchain4j)%n", "Larder upsert-data over HTTP (batches of 100, durable)",
                larderPerSecond, larderPerSecond / referencePerSecond);
        System.out.printf("Larder query-data over HTTP (embed + search, topK 10): p50 %.1f ms, p99 %.1f ms%n",
                latencies[queries / 2], latencies[queries * 99 / 100]);
        System.out.printf("Larder's vectors against langchain4j's, %d texts: cosine mean %.6f, lowest %.6f%n", compared,
                sum / compared, minimum);
    }

    private static String batch(List<String> texts, int from, int to) throws Exception {
        ArrayNode batch = JsonNodeFactory.instance.arrayNode();
        for (int i = from; i < to; i++) {
            batch.addObject().put("id", String.valueOf(i)).put("data", texts.get(i));
        }
        return JSON.writeValueAsString(batch);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
