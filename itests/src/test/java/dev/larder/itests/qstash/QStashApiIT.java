package dev.larder.itests.qstash;

import dev.larder.itests.Browsers;
import dev.larder.itests.NodeScripts;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.larder.itests.resp.ServerProcesses;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;

/**
 * QStash end to end on a server process: the official @upstash/qstash client from npm publishes to a Node sink
 * on 127.0.0.1 (allowed by allowPrivateDestinations, as a local set-up does) that verifies every delivery with
 * the client's Receiver.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class QStashApiIT {

    private static final int PORT_BASE = 49700;
    private static final String ADMIN_PASSWORD = "qstash web console";
    private static final String BASE = "http://127.0.0.1:" + (PORT_BASE + 60);
    private static final java.nio.file.Path TLS = java.nio.file.Paths.get("target", "qstash-tls").toAbsolutePath();
    private static ServerProcesses.Larder larder;

    @BeforeClass
    public static void start() throws Exception {
        makeCertificate();
        larder = ServerProcesses.Larder.install("qstash-api-it", PORT_BASE);
        Files.writeString(larder.home.resolve("config/dev.larder.admin.cfg"), "password=" + ADMIN_PASSWORD + "\n");
        Files.writeString(larder.home.resolve("config/dev.larder.qstash.cfg"), "allowPrivateDestinations=true\n"
                // few enough that the volume test's backlog overflows into the grid and is taken back from there
                + "maxScheduledInMemory=200\n"
                + "destinationTrustStore=" + TLS.resolve("trusted.p12") + "\ndestinationTrustStorePassword=trusted\n");
        larder.start();
    }

    /** A self-signed certificate for 127.0.0.1 (the https sinks'), and a trust store holding it (the server's). */
    private static void makeCertificate() throws Exception {
        Files.createDirectories(TLS);
        Files.deleteIfExists(TLS.resolve("trusted.p12"));
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", TLS.resolve("key.pem").toString(), "-out", TLS.resolve("cert.pem").toString());
        run(java.nio.file.Paths.get(System.getProperty("java.home"), "bin", "keytool").toString(), "-importcert", "-noprompt", "-alias", "sink",
                "-file", TLS.resolve("cert.pem").toString(), "-keystore", TLS.resolve("trusted.p12").toString(), "-storetype", "PKCS12",
                "-storepass", "trusted");
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(String.join(" ", command) + ": " + output, 0, process.waitFor());
    }

    @AfterClass
    public static void stop() throws Exception {
        if (larder != null) {
            larder.close();
        }
    }

    private static String field(String shown, String name) {
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + ":? +(\\S+)").matcher(shown);
        assertTrue(name + " in " + shown, matcher.find());
        return matcher.group(1);
    }

    @Test
    public void a_theUpstashClientPublishesAndItsReceiverVerifiesEveryDelivery() throws Exception {
        String token = field(larder.console("larder:db-create queues"), "Full token");
        String config = "{\"url\":\"" + BASE + "\",\"token\":\"" + token + "\",\"tls\":{\"key\":\"" + TLS.resolve("key.pem")
                + "\",\"cert\":\"" + TLS.resolve("cert.pem") + "\"}}";
        NodeScripts.run("upstash-qstash.mjs", List.of("@upstash/qstash@2.11.3"), Map.of("UPSTASH_DISABLE_TELEMETRY", "1"), config);
        String queues = larder.console("larder:qstash-queues queues");
        assertTrue(queues, queues.matches("(?s).*QUEUE +PARALLELISM +PAUSED +LAG.*orders +1 +no +0.*"));
        String schedules = larder.console("larder:qstash-schedules queues");
        assertTrue(schedules, schedules.matches("(?s).*SCHEDULE +CRON +LAST +NEXT +PAUSED +DESTINATION.*nightly +CRON_TZ=Europe/Berlin 0 3 \\* \\* \\* +- +- +yes +http://127\\.0\\.0\\.1:\\d+/nightly.*"));
        String groups = larder.console("larder:qstash-groups queues");
        assertTrue(groups, groups.matches("(?s).*URL GROUP +ENDPOINT +URL.*kept +audit +http://127\\.0\\.0\\.1:\\d+/audit.*"));
        String deadLetters = larder.console("larder:qstash-dlq queues");
        assertTrue(deadLetters, deadLetters.matches("(?s).*FAILED +DLQ ID +TRIES +STATUS +URL.* 1 +489 +http://127\\.0\\.0\\.1:\\d+/non-retryable.*"));
        String logs = larder.console("larder:qstash-logs queues --count 500");
        assertTrue(logs, logs.contains(" DELIVERED ") && logs.contains(" RETRY ") && logs.contains(" FAILED ") && logs.contains(" CANCELLED "));
        String keys = larder.console("larder:qstash-keys queues");
        assertTrue(keys, keys.matches("(?s).*Current signing key: sig_\\w{28}.*Next signing key: +sig_\\w{28}.*"));
        String unknown = larder.console("larder:qstash-dlq nosuch");
        assertTrue(unknown, unknown.contains("Error: No database 'nosuch'"));

        // the same log in the web console, in a real browser
        String page = "{\"url\":\"http://127.0.0.1:" + (PORT_BASE + 81) + "\",\"user\":\"admin\",\"password\":\"" + ADMIN_PASSWORD
                + "\",\"db\":\"queues\",\"chromium\":\"" + Browsers.chromium() + "\",\"screenshot\":\""
                + java.nio.file.Paths.get("target", "qstash-log.png").toAbsolutePath() + "\"}";
        NodeScripts.run("web-qstash-log.mjs", List.of("playwright-core@1.65.2"), Map.of(), page);
    }

    /**
     * At least once through a crash: messages published (half due at once, half two seconds later), the server
     * killed with SIGKILL as soon as the last is acknowledged, restarted; every acknowledged message reaches the
     * sink, and the repeats (attempts made but not recorded before the kill) are counted.
     */
    @Test
    public void b_killMinus9LosesNoAcknowledgedMessage() throws Exception {
        String token = field(larder.console("larder:db-create crash"), "Full token");
        Map<String, Integer> received = new ConcurrentHashMap<>();
        HttpServer sink = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        sink.createContext("/sink", exchange -> {
            exchange.getRequestBody().readAllBytes();
            received.merge(exchange.getRequestHeaders().getFirst("Upstash-Message-Id"), 1, Integer::sum);
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        sink.setExecutor(Executors.newFixedThreadPool(4));
        sink.start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            Set<String> acknowledged = new HashSet<>();
            Pattern messageId = Pattern.compile("\"messageId\":\"([^\"]+)\"");
            for (int i = 0; i < 400; i++) {
                HttpRequest.Builder publish = HttpRequest.newBuilder(URI.create(BASE + "/v2/publish/http://127.0.0.1:" + sink.getAddress().getPort() + "/sink"))
                        .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString("message " + i));
                if (i % 2 == 1) {
                    publish.header("Upstash-Delay", "2s");
                }
                HttpResponse<String> answer = http.send(publish.build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(answer.body(), 201, answer.statusCode());
                Matcher id = messageId.matcher(answer.body());
                assertTrue(answer.body(), id.find());
                acknowledged.add(id.group(1));
            }
            // a flow-control key paused (its key made by a first message) holds its next message through the kill
            String sinkUrl = "http://127.0.0.1:" + sink.getAddress().getPort() + "/sink";
            java.util.function.Function<String, HttpRequest> held = body -> HttpRequest.newBuilder(URI.create(BASE + "/v2/publish/" + sinkUrl))
                    .header("Authorization", "Bearer " + token).header("Upstash-Flow-Control-Key", "held")
                    .header("Upstash-Flow-Control-Value", "parallelism=1").POST(HttpRequest.BodyPublishers.ofString(body)).build();
            Matcher first = messageId.matcher(http.send(held.apply("first of the key"), HttpResponse.BodyHandlers.ofString()).body());
            assertTrue(first.find());
            acknowledged.add(first.group(1));
            long made = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!received.containsKey(first.group(1)) && System.nanoTime() < made) {
                Thread.sleep(20);
            }
            assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(BASE + "/v2/flowControl/held/pause")).header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            Matcher heldId = messageId.matcher(http.send(held.apply("held by the pause"), HttpResponse.BodyHandlers.ofString()).body());
            assertTrue(heldId.find());
            int beforeKill = received.size();
            larder.kill9();
            larder.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!received.keySet().containsAll(acknowledged) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            Set<String> missing = new HashSet<>(acknowledged);
            missing.removeAll(received.keySet());
            int repeats = received.values().stream().mapToInt(count -> count - 1).sum();
            System.out.printf("QStash kill -9: %d acknowledged, %d delivered before the kill, %d after the restart, %d missing, %d delivered twice%n",
                    acknowledged.size(), beforeKill, received.size() - beforeKill, missing.size(), repeats);
            assertTrue("acknowledged but never delivered: " + missing, missing.isEmpty());
            String key = http.send(HttpRequest.newBuilder(URI.create(BASE + "/v2/flowControl/held")).header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(key, key.contains("\"isPaused\":true") && key.contains("\"waitListSize\":1"));
            assertTrue("a paused key's message was delivered", !received.containsKey(heldId.group(1)));
            http.send(HttpRequest.newBuilder(URI.create(BASE + "/v2/flowControl/held/resume")).header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            long resumed = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!received.containsKey(heldId.group(1)) && System.nanoTime() < resumed) {
                Thread.sleep(50);
            }
            assertTrue("the held message arrives once its key is resumed", received.containsKey(heldId.group(1)));
        } finally {
            sink.stop(0);
        }
    }
    /**
     * At least once at volume, through two crashes: 100,000 messages published by 32 concurrent publishers (a
     * publish that fails is retried, as a publisher does; one in five delayed 3 s, so that more wait than the
     * server holds due times for) to a sink on 127.0.0.1, the server killed with SIGKILL
     * twice while it delivers (at 30% and 70% acknowledged) and restarted; every acknowledged message arrives,
     * and the repeats are counted and reported.
     */
    @Test
    public void c_aHundredThousandMessagesThroughTwoKills() throws Exception {
        int count = Integer.getInteger("qstash.crash.messages", 100_000);
        String token = field(larder.console("larder:db-create volume"), "Full token");
        Map<String, Integer> received = new ConcurrentHashMap<>();
        HttpServer sink = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        sink.createContext("/sink", exchange -> {
            exchange.getRequestBody().readAllBytes();
            received.merge(exchange.getRequestHeaders().getFirst("Upstash-Message-Id"), 1, Integer::sum);
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        sink.setExecutor(Executors.newFixedThreadPool(8));
        sink.start();
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        java.util.concurrent.atomic.AtomicInteger publishRetries = new java.util.concurrent.atomic.AtomicInteger();
        int[] kills = {0};
        int[] deliveredAtKill = new int[2];
        long started = System.nanoTime();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(2)).build();
            Pattern messageId = Pattern.compile("\"messageId\":\"([^\"]+)\"");
            URI publish = URI.create(BASE + "/v2/publish/http://127.0.0.1:" + sink.getAddress().getPort() + "/sink");
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            Object restart = new Object();
            Runnable publisher = () -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    while (true) {
                        try {
                            HttpRequest.Builder request = HttpRequest.newBuilder(publish).timeout(java.time.Duration.ofSeconds(20))
                                    .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString("m " + i));
                            if (i % 5 == 0) {
                                request.header("Upstash-Delay", "3s"); // a backlog larger than the 200 due times held in memory
                            }
                            HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                            Matcher id = messageId.matcher(answer.body());
                            if (answer.statusCode() == 201 && id.find()) {
                                acknowledged.add(id.group(1));
                                break;
                            }
                        } catch (java.io.IOException e) {
                            // the server is down: try again, as a publisher would
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                        publishRetries.incrementAndGet();
                        synchronized (restart) {
                            try {
                                restart.wait(200);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                return;
                            }
                        }
                    }
                }
            };
            java.util.concurrent.ExecutorService publishers = Executors.newFixedThreadPool(32);
            for (int t = 0; t < 32; t++) {
                publishers.execute(publisher);
            }
            for (double at : new double[] {0.3, 0.7}) {
                while (acknowledged.size() < count * at) {
                    Thread.sleep(20);
                }
                deliveredAtKill[kills[0]] = received.size();
                larder.kill9();
                kills[0]++;
                larder.start();
            }
            publishers.shutdown();
            assertTrue("publishing finished", publishers.awaitTermination(10, TimeUnit.MINUTES));
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (!received.keySet().containsAll(acknowledged) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            Set<String> missing = new HashSet<>(acknowledged);
            missing.removeAll(received.keySet());
            long repeats = received.entrySet().stream().filter(entry -> acknowledged.contains(entry.getKey()))
                    .mapToLong(entry -> entry.getValue() - 1).sum();
            long unacknowledged = received.keySet().stream().filter(id -> !acknowledged.contains(id)).count();
            System.out.printf("QStash %d messages, kill -9 twice (delivered %d and %d at the kills): %d acknowledged, %d missing, "
                    + "%d deliveries repeated, %d delivered whose publish got no answer (retried by the publisher: %d retries), %.0f s%n",
                    count, deliveredAtKill[0], deliveredAtKill[1], acknowledged.size(), missing.size(), repeats, unacknowledged,
                    publishRetries.get(), (System.nanoTime() - started) / 1e9);
            assertEquals(count, acknowledged.size());
            assertTrue("the backlog overflowed the due times held in memory and was taken back from the grid",
                    java.util.regex.Pattern.compile("taken back in \\d+ ms: [1-9]\\d* to the timeline").matcher(larder.log()).find());
            assertTrue(missing.size() + " acknowledged but never delivered, e.g. " + missing.stream().limit(5).toList(), missing.isEmpty());
        } finally {
            sink.stop(0);
        }
    }
}
