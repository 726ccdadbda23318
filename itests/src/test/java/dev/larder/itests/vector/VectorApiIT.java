package dev.larder.itests.vector;

import dev.larder.itests.NodeScripts;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.larder.itests.resp.ServerProcesses;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;

/**
 * Upstash Vector end to end on a server process: indexes made with the console (bin/larder console), the
 * official @upstash/vector client from npm against every endpoint and index kind, then restart and kill -9
 * with nothing acknowledged lost. In name order: the later tests restart the server.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class VectorApiIT {

    private static final int PORT_BASE = 49800;
    private static final String BASE = "http://127.0.0.1:" + (PORT_BASE + 60);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static ServerProcesses.Larder larder;

    /** An index as the console shows it. */
    record Index(String url, String token, String readOnlyToken) {
        String json() {
            return "{\"url\":\"" + url + "\",\"token\":\"" + token + "\",\"readOnlyToken\":\"" + readOnlyToken + "\"}";
        }
    }

    @BeforeClass
    public static void start() throws Exception {
        larder = ServerProcesses.Larder.install("vector-api-it", PORT_BASE).start();
    }

    @AfterClass
    public static void stop() throws Exception {
        if (larder != null) {
            larder.close();
        }
    }

    private static Index create(String arguments) throws Exception {
        String shown = larder.console("larder:vector-create " + arguments);
        return new Index(field(shown, "URL"), field(shown, "Token"), field(shown, "Read-only token"));
    }

    private static Index show(String name) throws Exception {
        String shown = larder.console("larder:vector-show " + name);
        return new Index(field(shown, "URL"), field(shown, "Token"), field(shown, "Read-only token"));
    }

    private static String field(String shown, String name) {
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + ": +(\\S+)").matcher(shown);
        assertTrue(name + " in " + shown, matcher.find());
        return matcher.group(1);
    }

    private static HttpResponse<String> post(Index index, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(index.url() + "/" + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + index.token()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Test
    public void a_consoleCreatesListsAndRefusesIndexes() throws Exception {
        Index made = create("console-made --dimension 8 --metric EUCLIDEAN");
        assertEquals(BASE + "/vector/console-made", made.url());
        String listed = larder.console("larder:vector-list");
        assertTrue(listed, listed.matches("(?s).*console-made +default +DENSE +EUCLIDEAN +8 +0 .*"));
        assertConsoleSays("larder:vector-create console-made --dimension 8 --metric COSINE", "Error: Index 'console-made' already exists");
        assertConsoleSays("larder:vector-create other --metric COSINE", "Error: a dense index needs --dimension");
        assertConsoleSays("larder:vector-create other --dimension 3 --metric HAMMING", "--metric must be one of COSINE, EUCLIDEAN, DOT_PRODUCT");
        assertConsoleSays("larder:vector-create other --metric COSINE --model BGE_HUGE",
                "Error: Unknown or unavailable dense embedding model 'BGE_HUGE': use one of [BGE_SMALL_EN_V1_5]");
        assertConsoleSays("larder:vector-create other --dimension 100 --metric COSINE --model BGE_SMALL_EN_V1_5",
                "Error: The model BGE_SMALL_EN_V1_5 makes vectors of 384 dimensions");
        assertConsoleSays("larder:vector-create other --type HYBRID --dimension 2 --metric COSINE --sparse-model BM25",
                "A hybrid index embeds text with a dense and a sparse model together");
        assertConsoleSays("larder:vector-create other --type SPARSE --model BGE_SMALL_EN_V1_5", "A sparse index has no dense model");
        String upstashSpelling = larder.console("larder:vector-create spelled --metric COSINE --model BAAI/bge-small-en-v1.5");
        assertTrue(upstashSpelling, upstashSpelling.matches("(?s).*Type: +DENSE, 384 dimensions, COSINE.*Model: +BGE_SMALL_EN_V1_5.*"));
        assertConsoleSays("larder:vector-delete spelled", "Deleted index 'spelled'");
        assertConsoleSays("larder:vector-delete console-made", "Deleted index 'console-made'");
        assertConsoleSays("larder:vector-list", "No vector indexes");
    }

    private static void assertConsoleSays(String command, String expected) throws Exception {
        String shown = larder.console(command);
        assertTrue(command + " said: " + shown, shown.contains(expected));
    }

    @Test
    public void b_theUpstashClientRunsAgainstEveryIndexKind() throws Exception {
        String config = "{\"dense\":" + create("client-dense --dimension 4 --metric COSINE").json()
                + ",\"euclidean\":" + create("client-euclidean --dimension 3 --metric EUCLIDEAN").json()
                + ",\"sparse\":" + create("client-sparse --type SPARSE").json()
                + ",\"hybrid\":" + create("client-hybrid --type HYBRID --dimension 2 --metric COSINE").json()
                + ",\"bm25\":" + create("client-bm25 --type SPARSE --sparse-model BM25").json()
                + ",\"bge\":" + create("client-bge --metric COSINE --model BGE_SMALL_EN_V1_5").json()
                + ",\"hybridText\":" + create("client-hybrid-text --type HYBRID --metric COSINE --model BGE_SMALL_EN_V1_5 --sparse-model BM25").json()
                + "}";
        NodeScripts.run("upstash-vector.mjs", List.of("@upstash/vector@1.2.3"), Map.of(), config);
    }

    @Test
    public void c_aRestartKeepsIndexesNamespacesAndVectors() throws Exception {
        Index index = create("restart --dimension 3 --metric COSINE");
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < 500; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"id\":\"v").append(i).append("\",\"vector\":[").append(i).append(",1,").append(i % 7)
                    .append("],\"metadata\":{\"i\":").append(i).append("}}");
        }
        assertEquals("{\"result\":\"Success\"}", post(index, "upsert/ns-a", batch.append("]").toString()).body());
        assertEquals("{\"result\":\"Success\"}", post(index, "upsert", "{\"id\":\"only\",\"vector\":[1,2,3],\"data\":\"kept\"}").body());
        assertEquals("{\"result\":\"Success\"}", post(index, "upsert/kept", "{\"id\":\"x\",\"vector\":[1,2,3]}").body());
        assertEquals("{\"result\":\"Success\"}", post(index, "reset/kept", "[]").body());
        String before = post(index, "query/ns-a", "{\"vector\":[10,1,3],\"topK\":5,\"includeMetadata\":true}").body();
        larder.stop();
        larder.start();
        Index after = show("restart");
        assertEquals(index, after);
        assertEquals(before, post(after, "query/ns-a", "{\"vector\":[10,1,3],\"topK\":5,\"includeMetadata\":true}").body());
        assertEquals("{\"result\":[{\"id\":\"only\",\"data\":\"kept\"}]}", post(after, "fetch", "{\"ids\":[\"only\"],\"includeData\":true}").body());
        String info = post(after, "info", "[]").body();
        assertTrue(info, info.contains("\"vectorCount\":501"));
        assertTrue(info, info.contains("\"ns-a\":{\"vectorCount\":500,\"pendingVectorCount\":0}"));
        assertTrue(info, info.contains("\"kept\":{\"vectorCount\":0,\"pendingVectorCount\":0}"));
        String range = post(after, "range/ns-a", "{\"cursor\":\"0\",\"limit\":3}").body();
        assertEquals("{\"result\":{\"nextCursor\":\"3\",\"vectors\":[{\"id\":\"v0\"},{\"id\":\"v1\"},{\"id\":\"v2\"}]}}", range);
    }

    /** A vector of 16 components that differs from every other id's. */
    private static String components(int id) {
        StringBuilder vector = new StringBuilder();
        for (int d = 0; d < 16; d++) {
            vector.append(d == 0 ? "" : ",").append(String.format(java.util.Locale.ROOT, "%.4f", Math.sin(id * 0.37 + d * 1.91)));
        }
        return vector.toString();
    }

    @Test
    public void d_killMinus9LosesNoAcknowledgedUpsert() throws Exception {
        Index index = create("crash --dimension 16 --metric COSINE");
        int acknowledged = 0;
        for (int round = 0; round < 20; round++) {
            StringBuilder batch = new StringBuilder("[");
            for (int i = 0; i < 100; i++) {
                int id = round * 100 + i;
                batch.append(i == 0 ? "" : ",").append("{\"id\":").append(id).append(",\"vector\":[");
                batch.append(components(id));
                batch.append("]}");
            }
            HttpResponse<String> answer = post(index, "upsert", batch.append("]").toString());
            assertEquals(answer.body(), 200, answer.statusCode());
            acknowledged += 100;
        }
        larder.kill9();
        larder.start();
        Index after = show("crash");
        String info = post(after, "info", "[]").body();
        assertTrue(info, info.contains("\"vectorCount\":" + acknowledged + ","));
        String fetched = post(after, "fetch", "{\"ids\":[\"0\",\"1999\",\"2000\"]}").body();
        assertEquals("{\"result\":[{\"id\":\"0\"},{\"id\":\"1999\"},null]}", fetched);
        // the graph was rebuilt from the records: a vector finds itself first
        for (int id : new int[] {7, 1234, 1999}) {
            String hits = post(after, "query", "{\"vector\":[" + components(id) + "],\"topK\":2}").body();
            assertTrue(hits, hits.startsWith("{\"result\":[{\"id\":\"" + id + "\",\"score\":1.0}"));
        }
    }

    /**
     * The embedding model runs offline: strace records every connect and send of the server, from the launcher's
     * start through an index embedding texts and queries to its stop, and none goes to an address outside this
     * machine (loopback, or an address of its own interfaces, which Ignite checks for reachability).
     */
    @Test
    public void e_theEmbeddingModelMakesNoNetworkCall() throws Exception {
        larder.stop();
        Path trace = larder.home.resolve("network.trace");
        larder.startTraced(trace);
        Index index = create("offline --metric COSINE --model BGE_SMALL_EN_V1_5");
        StringBuilder texts = new StringBuilder("[");
        String[] topics = {"cats sleeping in the sun", "stock markets falling", "volcanoes erupting lava", "trains leaving the station"};
        for (int i = 0; i < 40; i++) {
            texts.append(i == 0 ? "" : ",").append("{\"id\":\"").append(i).append("\",\"data\":\"Text ").append(i).append(" about ")
                    .append(topics[i % topics.length]).append("\"}");
        }
        HttpResponse<String> upserted = post(index, "upsert-data", texts.append("]").toString());
        assertEquals(upserted.body(), 200, upserted.statusCode());
        String hits = post(index, "query-data", "{\"data\":\"molten rock from a mountain\",\"topK\":3,\"includeData\":true}").body();
        assertEquals(hits, 3, hits.split("about volcanoes erupting lava", -1).length - 1);
        larder.stop();

        java.util.Set<String> own = new java.util.HashSet<>();
        for (java.net.NetworkInterface nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
            for (java.net.InetAddress address : java.util.Collections.list(nic.getInetAddresses())) {
                own.add(address.getHostAddress().replaceFirst("%.*", ""));
            }
        }
        Pattern destination = Pattern.compile("sa_family=AF_INET6?, .*?(?:inet_addr\\(\"([^\"]+)\"\\)|inet_pton\\(AF_INET6, \"([^\"]+)\")");
        List<String> calls = Files.readAllLines(trace).stream().filter(line -> line.matches("^\\d+ +(connect|sendto|sendmsg|sendmmsg)\\(.*")).toList();
        int loopback = 0;
        int local = 0;
        List<String> outside = new java.util.ArrayList<>();
        for (String call : calls) {
            Matcher matcher = destination.matcher(call);
            if (!matcher.find()) {
                continue; // a Unix socket, or a send on a socket connected before (its connect is checked)
            }
            String address = matcher.group(1) != null ? matcher.group(1) : matcher.group(2).replaceFirst("^::ffff:", "");
            if (java.net.InetAddress.getByName(address).isLoopbackAddress()) {
                loopback++;
            } else if (own.contains(address)) {
                local++;
            } else {
                outside.add(call);
            }
        }
        System.out.println("network trace: " + calls.size() + " connects and sends, " + loopback + " to loopback, " + local
                + " to this machine's own addresses, " + outside.size() + " elsewhere");
        assertTrue("the trace saw the server's own connections", loopback > 0);
        assertEquals("calls leaving the machine: " + outside, 0, outside.size());
        larder.start();
    }
}
