package dev.larder.itests.rest;

import dev.larder.itests.NodeScripts;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.larder.itests.LarderRuntime;
import dev.larder.itests.resp.RespClient;
import dev.larder.redis.engine.CommandEngine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.inject.Inject;
import org.apache.felix.service.command.CommandProcessor;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Upstash's Redis REST API end to end: the official @upstash/redis client (with @upstash/ratelimit and
 * @upstash/lock, installed from npm) against the running server, then the API's exact answers over
 * plain HTTP: request forms, statuses, encodings, sync tokens, limits, event streams, tokens.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RestApiIT {

    private static final String NAME = "rest-api-it";
    private static final int PORT_BASE = 49300;
    private static final String BASE = "http://127.0.0.1:" + LarderRuntime.restPort(PORT_BASE);
    private static final int MAX_REQUEST_BYTES = 1024 * 1024;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Inject
    private BundleContext context;

    @Inject
    private CommandProcessor commands;

    @Inject
    private ConfigurationAdmin configurationAdmin;

    private String token;
    private String readOnlyToken;

    @Configuration
    public Option[] config() throws IOException {
        Option[] options = LarderRuntime.options(NAME, PORT_BASE, Map.of("backups", "0", "persistence", "false"));
        Path rest = LarderRuntime.home(NAME).resolve("config").resolve("dev.larder.rest.cfg");
        String settings = Files.readString(rest);
        if (!settings.contains("heartbeatSeconds")) {
            Files.writeString(rest, settings + "maxRequestBytes=" + MAX_REQUEST_BYTES + "\nmaxPipelineCommands=1000\nheartbeatSeconds=1\n");
        }
        return options;
    }

    @Before
    public void database() throws Exception {
        LarderRuntime.awaitService(context, CommandEngine.class, 60_000);
        LarderRuntime.await("the REST API to answer", 30_000, () -> {
            try {
                return call("GET", "/ping", (String) null, Map.of()).status() == 200; // the HTTP server answers 404 until the REST API is plugged in
            } catch (Exception e) {
                return false;
            }
        });
        String shown = LarderRuntime.runConsoleCommand(commands, "larder:db-list");
        String created = shown.contains("upstash") ? LarderRuntime.runConsoleCommand(commands, "larder:db-show upstash")
                : LarderRuntime.runConsoleCommand(commands, "larder:db-create upstash");
        token = field(created, "full token");
        readOnlyToken = field(created, "read-only token");
    }

    private static String field(String shown, String label) {
        Matcher matcher = Pattern.compile("(?i)" + label + ":? +(\\S+)").matcher(shown);
        assertTrue(shown, matcher.find());
        return matcher.group(1);
    }

    record Answer(int status, String body, HttpResponse<byte[]> response) {
        String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }
    }

    private static Answer call(String method, String path, String body, Map<String, String> headers) throws Exception {
        return call(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), headers);
    }

    private static Answer call(String method, String path, byte[] body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(BASE + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        HttpResponse<byte[]> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Answer(response.statusCode(), new String(response.body(), StandardCharsets.UTF_8), response);
    }

    private Answer post(String path, String body) throws Exception {
        return call("POST", path, body, Map.of("Authorization", "Bearer " + token));
    }

    private Answer post(String path, String body, String header, String value) throws Exception {
        return call("POST", path, body, Map.of("Authorization", "Bearer " + token, header, value));
    }

    private Answer get(String path) throws Exception {
        return call("GET", path, (String) null, Map.of("Authorization", "Bearer " + token));
    }

    private static void assertAnswer(Answer answer, int status, String body) {
        assertEquals(answer.body(), status, answer.status());
        assertEquals(body, answer.body());
    }

    @Test
    public void upstashClientsRunAgainstLarder() throws Exception {
        NodeScripts.run("upstash-redis.mjs", List.of("@upstash/redis@1.39.0", "@upstash/ratelimit@2.2.0", "@upstash/lock@0.2.1"), Map.of(),
                BASE + "/db/upstash", token, readOnlyToken);
    }

    @Test
    public void everyRequestFormRunsTheCommand() throws Exception {
        assertAnswer(post("", "[\"SET\", \"form:json\", \"v\", \"EX\", 100]"), 200, "{\"result\":\"OK\"}");
        assertAnswer(get("/ttl/form:json"), 200, "{\"result\":100}");
        assertAnswer(get("/set/form:path/a%2Fb%20c/EX/100"), 200, "{\"result\":\"OK\"}");
        assertAnswer(get("/get/form:path"), 200, "{\"result\":\"a/b c\"}");
        assertAnswer(post("/set/form:body?EX=50&NX", "{\"raw\": [1, 2]}"), 200, "{\"result\":\"OK\"}");
        assertAnswer(get("/get/form:body"), 200, "{\"result\":\"{\\\"raw\\\": [1, 2]}\"}");
        assertAnswer(get("/ttl/form:body"), 200, "{\"result\":50}");
        assertAnswer(call("PUT", "/set/form:put/x", (String) null, Map.of("Authorization", "Bearer " + token)), 200, "{\"result\":\"OK\"}");
        Answer head = call("HEAD", "/get/form:put", (String) null, Map.of("Authorization", "Bearer " + token));
        assertEquals(200, head.status());
        assertEquals("", head.body());
        assertAnswer(call("GET", "/get/form:put?_token=" + token, (String) null, Map.of()), 200, "{\"result\":\"x\"}");
        assertAnswer(post("", "[\"MSET\", \"form:n\", 5, \"form:t\", true, \"form:f\", 1.5e2]"), 200, "{\"result\":\"OK\"}");
        assertAnswer(post("", "[\"MGET\", \"form:n\", \"form:t\", \"form:f\", \"form:none\"]"), 200,
                "{\"result\":[\"5\",\"true\",\"1.5e2\",null]}");
        assertAnswer(post("", "[\"HSET\", \"form:h\", \"a\", \"1\"]"), 200, "{\"result\":1}");
        assertAnswer(post("", "[\"HGETALL\", \"form:h\"]"), 200, "{\"result\":[\"a\",\"1\"]}");
        assertAnswer(post("", "[\"ZADD\", \"form:z\", 1.5, \"m\"]"), 200, "{\"result\":1}");
        assertAnswer(post("", "[\"ZSCORE\", \"form:z\", \"m\"]"), 200, "{\"result\":\"1.5\"}");
        // a database's token reads and sets its own database's parameters, not the server's
        assertAnswer(post("", "[\"CONFIG\", \"GET\", \"databases\"]"), 200, "{\"result\":[\"databases\",\"16\"]}");
        assertAnswer(post("", "[\"CONFIG\", \"SET\", \"maxclients\", \"5\"]"), 400, "{\"error\":\"ERR CONFIG SET failed (possibly "
                + "related to argument 'maxclients') - a server-wide setting: only the default database's full token may change it\"}");
        assertAnswer(post("", "[\"SLOWLOG\", \"GET\"]"), 400,
                "{\"error\":\"NOPERM this user has no permissions to run the 'slowlog' command\"}");
        Answer methodNotAllowed = call("DELETE", "/get/form:json", (String) null, Map.of("Authorization", "Bearer " + token));
        assertAnswer(methodNotAllowed, 405, "{\"error\":\"ERR method DELETE is not allowed: use HEAD, GET, POST or PUT\"}");
        assertEquals("HEAD, GET, POST, PUT", methodNotAllowed.header("Allow"));
        // browsers: a CORS preflight is answered, and answers allow any origin and expose the sync token
        Answer preflight = call("OPTIONS", "/", (String) null, Map.of("Origin", "https://app.example", "Access-Control-Request-Method", "POST",
                "Access-Control-Request-Headers", "authorization, content-type, upstash-encoding, upstash-sync-token"));
        assertEquals(204, preflight.status());
        assertEquals("*", preflight.header("Access-Control-Allow-Origin"));
        assertEquals("HEAD, GET, POST, PUT", preflight.header("Access-Control-Allow-Methods"));
        assertEquals("authorization, content-type, upstash-encoding, upstash-sync-token", preflight.header("Access-Control-Allow-Headers"));
        Answer fromPage = call("POST", "", "[\"GET\",\"form:put\"]", Map.of("Origin", "https://app.example", "Authorization", "Bearer " + readOnlyToken));
        assertAnswer(fromPage, 200, "{\"result\":\"x\"}");
        assertEquals("*", fromPage.header("Access-Control-Allow-Origin"));
        assertEquals("upstash-sync-token", fromPage.header("Access-Control-Expose-Headers"));
        assertEquals(405, call("OPTIONS", "/", (String) null, Map.of("Authorization", "Bearer " + token)).status());
    }

    @Test
    public void pipelinesAnswerEachCommandAndTransactionsAreAllOrNothing() throws Exception {
        assertAnswer(post("/pipeline", "[[\"SET\",\"pipe:a\",\"x\"],[\"INCR\",\"pipe:a\"],[\"GET\",\"pipe:a\"],[\"NOPE\"],[\"BLPOP\",\"q\",0]]"), 200,
                "[{\"result\":\"OK\"},{\"error\":\"ERR value is not an integer or out of range\"},{\"result\":\"x\"},"
                        + "{\"error\":\"ERR unknown command 'NOPE', with args beginning with: \"},"
                        + "{\"error\":\"ERR Command is not available: 'blpop' (blocking commands need a connection)\"}]");
        assertAnswer(post("/multi-exec", "[[\"SET\",\"rtx:a\",\"1\"],[\"INCR\",\"rtx:a\"],[\"LPUSH\",\"rtx:a\",\"x\"],[\"GET\",\"rtx:a\"]]"), 200,
                "[{\"result\":\"OK\"},{\"result\":2},"
                        + "{\"error\":\"WRONGTYPE Operation against a key holding the wrong kind of value\"},{\"result\":\"2\"}]");
        assertAnswer(post("/multi-exec", "[[\"SET\",\"rtx:b\",\"1\"],[\"NOPE\",\"x\"]]"), 400,
                "{\"error\":\"ERR unknown command 'NOPE', with args beginning with: 'x' \"}");
        assertAnswer(post("/multi-exec", "[[\"SET\",\"rtx:b\",\"1\"],[\"WATCH\",\"rtx:b\"]]"), 400,
                "{\"error\":\"ERR Command is not available: 'watch' (a request has no connection to watch keys on)\"}");
        assertAnswer(post("/multi-exec", "[[\"SET\",\"rtx:b\",\"1\"],[\"GET\"]]"), 400,
                "{\"error\":\"ERR wrong number of arguments for 'get' command\"}");
        assertAnswer(get("/exists/rtx:b"), 200, "{\"result\":0}");
        assertAnswer(post("/multi-exec", "[[\"SET\",\"rtx:c\",\"v\"],[\"GET\",\"rtx:c\"]]", "Upstash-Response-Format", "resp2"), 200,
                "[{\"result\":\"OK\"},{\"result\":\"v\"}]");
        assertAnswer(post("/multi-exec", "[[\"EVAL\",\"return redis.call('INCR', KEYS[1])\",1,\"rtx:d\"],[\"GET\",\"rtx:d\"]]"), 200,
                "[{\"result\":1},{\"result\":\"1\"}]");
    }

    @Test
    public void base64EncodesEveryStringButATopLevelOk() throws Exception {
        assertAnswer(post("", "[\"SET\",\"b64:a\",\"OK\"]", "Upstash-Encoding", "base64"), 200, "{\"result\":\"OK\"}");
        assertAnswer(post("", "[\"GET\",\"b64:a\"]", "Upstash-Encoding", "base64"), 200, "{\"result\":\"T0s=\"}");
        assertAnswer(post("", "[\"PING\"]", "Upstash-Encoding", "base64"), 200, "{\"result\":\"UE9ORw==\"}");
        assertAnswer(post("", "[\"MGET\",\"b64:a\",\"b64:none\"]", "Upstash-Encoding", "base64"), 200, "{\"result\":[\"T0s=\",null]}");
        assertAnswer(post("", "[\"EVAL\",\"return {redis.status_reply('OK'), 7, {'x'}}\",0]", "Upstash-Encoding", "base64"), 200,
                "{\"result\":[\"T0s=\",7,[\"eA==\"]]}");
        assertAnswer(post("/pipeline", "[[\"SET\",\"b64:b\",\"v\"],[\"GET\",\"b64:b\"],[\"GET\",\"b64:none\"]]", "Upstash-Encoding", "base64"), 200,
                "[{\"result\":\"OK\"},{\"result\":\"dg==\"},{\"result\":null}]");
        assertAnswer(post("", "[\"INCR\",\"b64:a\"]", "Upstash-Encoding", "base64"), 400,
                "{\"error\":\"ERR value is not an integer or out of range\"}");
        // binary: a raw body is stored byte for byte and comes back exactly in base64; without base64 invalid UTF-8 becomes U+FFFD
        assertAnswer(call("POST", "/set/b64:bin", new byte[] {0, (byte) 0xff, (byte) 0xfe, 'o', 'k'}, Map.of("Authorization", "Bearer " + token)),
                200, "{\"result\":\"OK\"}");
        assertAnswer(get("/set/b64:path/%FF%2F"), 200, "{\"result\":\"OK\"}");
        assertAnswer(post("", "[\"GET\",\"b64:path\"]", "Upstash-Encoding", "base64"), 200, "{\"result\":\"/y8=\"}");
        assertAnswer(get("/strlen/b64:bin"), 200, "{\"result\":5}");
        assertAnswer(post("", "[\"GET\",\"b64:bin\"]", "Upstash-Encoding", "base64"), 200,
                "{\"result\":\"" + Base64.getEncoder().encodeToString(new byte[] {0, (byte) 0xff, (byte) 0xfe, 'o', 'k'}) + "\"}");
        assertAnswer(get("/get/b64:bin"), 200, "{\"result\":\"\\u0000\uFFFD\uFFFDok\"}");
    }

    @Test
    public void resp2FormatAnswersRawReplies() throws Exception {
        post("/set/r2:a/bar", null);
        Answer single = post("/get/r2:a", null, "Upstash-Response-Format", "resp2");
        assertAnswer(single, 200, "$3\r\nbar\r\n");
        assertEquals("application/octet-stream", single.header("Content-Type"));
        assertAnswer(post("/pipeline", "[[\"GET\",\"r2:a\"],[\"INCR\",\"r2:a\"],[\"HGETALL\",\"r2:none\"]]", "Upstash-Response-Format", "resp2"),
                200, "$3\r\nbar\r\n-ERR value is not an integer or out of range\r\n*0\r\n");
        assertAnswer(post("/incr/r2:a", null, "Upstash-Response-Format", "resp2"), 400, "-ERR value is not an integer or out of range\r\n");
        assertAnswer(call("POST", "/get/r2:a", (String) null, Map.of("Authorization", "Bearer " + token, "Upstash-Response-Format", "resp2",
                "Upstash-Encoding", "base64")), 400,
                "{\"error\":\"ERR Upstash-Encoding: base64 cannot be combined with Upstash-Response-Format: resp2\"}");
        assertAnswer(post("/get/r2:a", null, "Upstash-Response-Format", "xml"), 400,
                "{\"error\":\"ERR unsupported Upstash-Response-Format 'xml': use json or resp2\"}");
        assertAnswer(post("/get/r2:a", null, "Upstash-Response-Format", "json"), 200, "{\"result\":\"bar\"}");
    }

    @Test
    public void badRequestsGetJsonErrorsAndWriteNothing() throws Exception {
        assertAnswer(post("", "[\"SET\", \"bad:a\""), 400,
                "{\"error\":\"ERR failed to parse the request body as JSON: Unexpected end-of-input: expected close marker for Array "
                        + "(start marker at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 1])\"}");
        assertAnswer(post("", "{\"cmd\": \"GET\"}"), 400, "{\"error\":\"ERR the body must be a JSON array: the command's name, then its arguments\"}");
        assertAnswer(post("", "[\"SET\", \"bad:a\", null]"), 400,
                "{\"error\":\"ERR command arguments must be strings, numbers or booleans, got null as argument 3\"}");
        assertAnswer(post("", "[\"SET\", \"bad:a\", [1]]"), 400,
                "{\"error\":\"ERR command arguments must be strings, numbers or booleans, got an array as argument 3\"}");
        assertAnswer(post("", "[]"), 400, "{\"error\":\"ERR empty command: the array must start with the command's name\"}");
        assertAnswer(post("", null), 400, "{\"error\":\"ERR no command: send a JSON array such as [\\\"SET\\\", \\\"key\\\", \\\"value\\\"], "
                + "or name the command in the path (/set/key/value)\"}");
        assertAnswer(post("", "[\"NOSUCH\", \"x\"]"), 400, "{\"error\":\"ERR unknown command 'NOSUCH', with args beginning with: 'x' \"}");
        assertAnswer(post("", "[\"GET\"]"), 400, "{\"error\":\"ERR wrong number of arguments for 'get' command\"}");
        for (String refused : List.of("[\"WATCH\",\"k\"]", "[\"SUBSCRIBE\",\"c\"]", "[\"BRPOP\",\"k\",1]", "[\"XREAD\",\"BLOCK\",0,\"STREAMS\",\"s\",\"$\"]",
                "[\"MULTI\"]", "[\"SELECT\",1]", "[\"AUTH\",\"x\"]", "[\"MONITOR\"]")) {
            Answer answer = post("", refused);
            assertEquals(refused + " " + answer.body(), 400, answer.status());
            assertTrue(answer.body(), answer.body().startsWith("{\"error\":\"ERR Command is not available: "));
        }
        Answer refusedByJetty = get("/set/bad:nul/%00");
        assertEquals(400, refusedByJetty.status());
        assertTrue(refusedByJetty.body(), refusedByJetty.body().startsWith("{\"error\":\"ERR "));
        assertAnswer(post("", "[\"XREAD\",\"COUNT\",1,\"STREAMS\",\"bad:s\",\"0\"]"), 200, "{\"result\":null}");
        // limits: nothing of a refused request runs
        String key = "k".repeat(32 * 1024 + 1);
        assertAnswer(post("/pipeline", "[[\"SET\",\"bad:limit\",\"1\"],[\"SET\",\"" + key + "\",\"1\"]]"), 400,
                "{\"error\":\"ERR max key size exceeded. Limit: 32768 bytes\"}");
        StringBuilder tooMany = new StringBuilder("[[\"SET\",\"bad:limit\",\"1\"]");
        for (int i = 0; i < 1000; i++) {
            tooMany.append(",[\"INCR\",\"bad:limit\"]");
        }
        assertAnswer(post("/pipeline", tooMany.append(']').toString()), 400, "{\"error\":\"ERR max pipeline size exceeded. Limit: 1000 commands\"}");
        String big = "[\"SET\",\"bad:limit\",\"" + "v".repeat(MAX_REQUEST_BYTES) + "\"]";
        assertAnswer(post("", big), 413, "{\"error\":\"ERR max request size exceeded. Limit: " + MAX_REQUEST_BYTES + " bytes\"}");
        assertAnswer(get("/exists/bad:limit"), 200, "{\"result\":0}");
        // the server keeps answering, and what was stored is still there
        assertAnswer(get("/set/bad:after/still"), 200, "{\"result\":\"OK\"}");
        assertAnswer(get("/get/bad:after"), 200, "{\"result\":\"still\"}");
    }

    @Test
    public void tokensChooseTheDatabaseAndWhatItMayDo() throws Exception {
        assertAnswer(call("GET", "/get/x", (String) null, Map.of("Authorization", "Bearer nope")), 401,
                "{\"error\":\"WRONGPASS invalid or missing auth token\"}");
        assertAnswer(post("/set/tok:a/mine", null), 200, "{\"result\":\"OK\"}");
        Map<String, String> readOnly = Map.of("Authorization", "Bearer " + readOnlyToken);
        assertAnswer(call("GET", "/get/tok:a", (String) null, readOnly), 200, "{\"result\":\"mine\"}");
        assertAnswer(call("GET", "/set/tok:a/x", (String) null, readOnly), 400,
                "{\"error\":\"NOPERM this user has no permissions to run the 'set' command\"}");
        assertAnswer(call("GET", "/keys/*", (String) null, readOnly), 400,
                "{\"error\":\"NOPERM this user has no permissions to run the 'keys' command\"}");
        assertAnswer(call("GET", "/scan/0", (String) null, readOnly), 400,
                "{\"error\":\"NOPERM this user has no permissions to run the 'scan' command\"}");
        assertAnswer(call("GET", "/db/upstash/get/tok:a", (String) null, Map.of("Authorization", "Bearer " + token)), 200,
                "{\"result\":\"mine\"}");
        assertAnswer(call("GET", "/db/default/get/tok:a", (String) null, Map.of("Authorization", "Bearer " + token)), 401,
                "{\"error\":\"WRONGPASS invalid or missing auth token\"}");
        // the default database has no token in this runtime: loopback clients reach it without one, as over RESP
        assertAnswer(call("GET", "/get/tok:a", (String) null, Map.of()), 200, "{\"result\":null}");
        assertAnswer(call("GET", "/db/upstash/get/tok:a", (String) null, Map.of()), 401, "{\"error\":\"WRONGPASS invalid or missing auth token\"}");
        assertAnswer(post("", "[\"ACL\",\"RESTTOKEN\",\"upstash\",\"" + token + "\"]"), 200, "{\"result\":\"" + token + "\"}");
        assertAnswer(post("", "[\"ACL\",\"RESTTOKEN\",\"default\",\"" + readOnlyToken + "\"]"), 200, "{\"result\":\"" + readOnlyToken + "\"}");
        assertAnswer(post("", "[\"ACL\",\"RESTTOKEN\",\"upstash\",\"fakepass\"]"), 400,
                "{\"error\":\"ERR Wrong password or user \\\"upstash\\\" does not exist\"}");
        assertAnswer(post("", "[\"ACL\",\"WHOAMI\"]"), 200, "{\"result\":\"upstash\"}");
    }

    @Test
    public void syncTokenChangesOnEveryWriteAndReadsWaitForIt() throws Exception {
        String first = post("/get/sync:a", null).header("upstash-sync-token");
        String second = post("/get/sync:a", null).header("upstash-sync-token");
        assertEquals(first, second);
        String afterSet = post("/set/sync:a/1", null).header("upstash-sync-token");
        assertTrue(Long.parseLong(afterSet) > Long.parseLong(second));
        String afterPipeline = post("/pipeline", "[[\"GET\",\"sync:a\"],[\"INCR\",\"sync:a\"]]").header("upstash-sync-token");
        assertTrue(Long.parseLong(afterPipeline) > Long.parseLong(afterSet));
        String afterScript = post("", "[\"EVAL\",\"return redis.call('INCR', KEYS[1])\",1,\"sync:a\"]").header("upstash-sync-token");
        assertTrue(Long.parseLong(afterScript) > Long.parseLong(afterPipeline));
        String afterMulti = post("/multi-exec", "[[\"INCR\",\"sync:a\"]]").header("upstash-sync-token");
        assertTrue(Long.parseLong(afterMulti) > Long.parseLong(afterScript));
        long began = System.nanoTime();
        assertAnswer(post("/get/sync:a", null, "upstash-sync-token", afterMulti), 200, "{\"result\":\"4\"}");
        assertTrue("a reached position does not wait", System.nanoTime() - began < TimeUnit.MILLISECONDS.toNanos(500));
        // a position this node never reaches (another server's) waits a bounded time, then the read runs
        began = System.nanoTime();
        assertAnswer(post("/get/sync:a", null, "upstash-sync-token", String.valueOf(Long.parseLong(afterMulti) + 1_000_000_000L)), 200,
                "{\"result\":\"4\"}");
        long waited = System.nanoTime() - began;
        assertTrue(waited + " ns", waited >= TimeUnit.MILLISECONDS.toNanos(900) && waited < TimeUnit.SECONDS.toNanos(5));
        assertAnswer(post("/get/sync:a", null, "upstash-sync-token", "not-ours"), 200, "{\"result\":\"4\"}");
    }

    /** Reads an event stream's lines on a thread of its own (the test's side; the server holds none). */
    private static final class EventReader implements AutoCloseable {
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final HttpResponse<InputStream> response;
        private final Thread reader;

        EventReader(String path, String streamToken) throws Exception {
            HttpRequest request = HttpRequest.newBuilder(URI.create(BASE + path)).header("Authorization", "Bearer " + streamToken)
                    .header("Accept", "text/event-stream").POST(HttpRequest.BodyPublishers.ofString("[]")).build();
            response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
            reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        if (!line.isEmpty()) {
                            lines.add(line);
                        }
                    }
                } catch (IOException closed) {
                    // the test closed the stream
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        /** The next data line, skipping heartbeats. */
        String next() throws InterruptedException {
            while (true) {
                String line = lines.poll(10, TimeUnit.SECONDS);
                if (line == null || !line.startsWith(":")) {
                    return line;
                }
            }
        }

        @Override
        public void close() throws IOException {
            response.body().close();
        }
    }

    @Test
    public void eventStreamsDeliverMessagesAndEndWhenTheClientGoes() throws Exception {
        try (EventReader channel = new EventReader("/subscribe/chat/news", token);
                EventReader pattern = new EventReader("/psubscribe/ch*", token)) {
            assertEquals(200, channel.response.statusCode());
            assertEquals("text/event-stream", channel.response.headers().firstValue("Content-Type").orElse(""));
            assertEquals("data: subscribe,chat,1", channel.next());
            assertEquals("data: subscribe,news,2", channel.next());
            assertEquals("data: psubscribe,ch*,1", pattern.next());
            assertAnswer(post("/publish/chat/hello,%20world", null), 200, "{\"result\":2}");
            assertAnswer(post("", "[\"PUBLISH\",\"news\",\"two\\nlines\"]"), 200, "{\"result\":1}");
            assertEquals("data: message,chat,hello, world", channel.next());
            assertEquals("data: message,news,two", channel.next());
            assertEquals("data: lines", channel.next());
            assertEquals("data: pmessage,ch*,chat,hello, world", pattern.next());
            // heartbeats flow while nothing is published
            String heartbeat = channel.lines.poll(5, TimeUnit.SECONDS);
            assertTrue(String.valueOf(heartbeat), heartbeat != null && heartbeat.startsWith(":"));
        }
        // both clients went away: their subscriptions end within a few heartbeats
        LarderRuntime.await("the closed streams to unsubscribe", 15_000, () -> {
            try {
                return post("", "[\"PUBSUB\",\"NUMSUB\",\"chat\",\"news\"]").body().equals("{\"result\":[\"chat\",0,\"news\",0]}")
                        && post("", "[\"PUBSUB\",\"NUMPAT\"]").body().equals("{\"result\":0}");
            } catch (Exception e) {
                return false;
            }
        });
        assertAnswer(post("/subscribe", null), 400, "{\"error\":\"ERR name the channel in the path: /subscribe/<name>\"}");
        Answer readOnlyMonitor = call("POST", "/monitor", "[]", Map.of("Authorization", "Bearer " + readOnlyToken));
        assertEquals(400, readOnlyMonitor.status());
        try (EventReader monitor = new EventReader("/monitor", token)) {
            assertEquals("data: \"OK\"", monitor.next());
            try (RespClient other = new RespClient(LarderRuntime.respPort(PORT_BASE))) {
                other.call("SET", "other:database", "not shown");
            }
            post("/set/mon:a/1", null);
            String line = monitor.next();
            assertTrue(line, line.matches("data: \\d+\\.\\d{6} \\[0 127\\.0\\.0\\.1:\\d+\\] \"set\" \"mon:a\" \"1\""));
        }
    }

    /** The HTTP listener's settings changed to these (it restarts), once it answers again. */
    private void httpSettings(Map<String, Object> changes) throws Exception {
        org.osgi.service.cm.Configuration http = configurationAdmin.getConfiguration("dev.larder.http", "?");
        java.util.Dictionary<String, Object> properties = http.getProperties();
        changes.forEach(properties::put);
        http.update(properties);
        Thread.sleep(500); // the listener restarts on Config Admin's thread
        LarderRuntime.await("the HTTP listener to answer again", 30_000, () -> {
            try {
                return call("GET", "/ping", (String) null, Map.of()).status() == 200;
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    public void connectionsPastTheBoundWaitInsteadOfTakingEveryFileDescriptor() throws Exception {
        httpSettings(Map.of("maxConnections", 16));
        List<java.net.Socket> held = new java.util.ArrayList<>();
        try {
            // 16 connections take the listener's room; the ones after them are queued by the kernel, not accepted
            for (int i = 0; i < 40; i++) {
                held.add(new java.net.Socket("127.0.0.1", LarderRuntime.restPort(PORT_BASE)));
            }
            java.net.Socket last = held.get(held.size() - 1);
            last.setSoTimeout(1500);
            last.getOutputStream().write("GET /ping HTTP/1.1\r\nHost: larder\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThrows(java.net.SocketTimeoutException.class, () -> last.getInputStream().read());
            for (java.net.Socket socket : held.subList(0, 30)) {
                socket.close();
            }
            last.setSoTimeout(10_000);
            String answer = new String(last.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 200", answer);
            assertAnswer(post("/set/limit:a/kept", null), 200, "{\"result\":\"OK\"}");
        } finally {
            for (java.net.Socket socket : held) {
                socket.close();
            }
            httpSettings(Map.of("maxConnections", 10000));
        }
        assertAnswer(get("/get/limit:a"), 200, "{\"result\":\"kept\"}");
    }
}
