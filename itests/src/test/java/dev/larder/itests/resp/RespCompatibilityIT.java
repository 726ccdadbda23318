package dev.larder.itests.resp;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.params.ClientKillParams;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The distribution, started with bin/larder, against redis-server 7 given the same commands: every
 * reply compared, then Jedis (RESP2 and RESP3) and redis-cli as clients, then a restart.
 */
public class RespCompatibilityIT {

    private static final int PORT_BASE = 48700;
    private static final int REDIS_PORT = 48799;
    private static final int TLS_PORT = PORT_BASE + 41;
    private static ServerProcesses.Larder larder;
    private static java.nio.file.Path certificate;
    private static ServerProcesses.Redis redis;
    private static ServerProcesses.Pair servers;

    @BeforeClass
    public static void startServers() throws Exception {
        servers = ServerProcesses.Pair.start("resp-compatibility-it", PORT_BASE, REDIS_PORT, larder -> certificate = larder.tls(TLS_PORT));
        larder = servers.larder;
        redis = servers.redis;
    }

    @AfterClass
    public static void stopServers() throws Exception {
        if (servers != null) {
            servers.close();
        }
    }

    private static void assertSameReplies(List<String[]> commands) throws Exception {
        Differential.assertSameReplies(larder.respPort, redis.port, commands, Differential.EXACT);
    }

    @Test
    public void randomCommandSequencesGetTheSameReplies() throws Exception {
        assertSameReplies(Differential.randomCommands(20261127L, 4000, RespCompatibilityIT::randomCommand));
    }

    @Test
    public void errorsAreWordedAsRedisWordsThem() throws Exception {
        assertSameReplies(List.of(
                new String[] {"NOSUCHCOMMAND", "a", "b"},
                new String[] {"nosuchcommand"},
                new String[] {"GET"},
                new String[] {"GET", "a", "b"},
                new String[] {"SET", "k"},
                new String[] {"SET", "k", "v", "EX"},
                new String[] {"SET", "k", "v", "EX", "0"},
                new String[] {"SET", "k", "v", "EX", "-5"},
                new String[] {"SET", "k", "v", "EX", "abc"},
                new String[] {"SET", "k", "v", "NX", "XX"},
                new String[] {"SET", "k", "v", "EX", "10", "PX", "100"},
                new String[] {"SET", "k", "v", "KEEPTTL", "EX", "10"},
                new String[] {"SET", "k", "v", "EX", "9223372036854775807"},
                new String[] {"SETEX", "k", "0", "v"},
                new String[] {"PSETEX", "k", "-1", "v"},
                new String[] {"INCR", "k"},
                new String[] {"INCRBY", "n", "1.5"},
                new String[] {"SET", "big", "9223372036854775807"},
                new String[] {"INCR", "big"},
                new String[] {"DECRBY", "n", "-9223372036854775808"},
                new String[] {"INCRBYFLOAT", "k", "1"},
                new String[] {"INCRBYFLOAT", "f", "abc"},
                new String[] {"MSET", "a", "1", "b"},
                new String[] {"SETRANGE", "k", "-1", "x"},
                new String[] {"GETRANGE", "k", "a", "1"},
                new String[] {"EXPIRE", "k", "10", "NX", "XX"},
                new String[] {"EXPIRE", "k", "10", "GT", "LT"},
                new String[] {"EXPIRE", "k", "10", "FOO"},
                new String[] {"EXPIRE", "k", "abc"},
                new String[] {"RENAME", "missing", "x"},
                new String[] {"SELECT", "16"},
                new String[] {"SELECT", "x"},
                new String[] {"PING", "a", "b"},
                new String[] {"FLUSHDB", "NOW"},
                new String[] {"HELLO", "4"},
                new String[] {"CLIENT", "SETNAME", "has space"},
                new String[] {"CLIENT", "NOSUCH"},
                new String[] {"SWAPDB", "a", "1"},
                new String[] {"SWAPDB", "0", "b"},
                new String[] {"SWAPDB", "0", "99"},
                new String[] {"MOVE", "k", "x"},
                new String[] {"MOVE", "k", "99"},
                new String[] {"MOVE", "k", "0"},
                new String[] {"COPY", "a", "b", "DB", "x"},
                new String[] {"COPY", "a", "b", "DB", "99"},
                new String[] {"COPY", "a", "a"},
                new String[] {"COPY", "a", "b", "FOO"},
                new String[] {"CONFIG", "GET", "databases"},
                new String[] {"CONFIG", "GET", "nosuchparameter"},
                new String[] {"OBJECT"},
                new String[] {"OBJECT", "FOO", "k"},
                new String[] {"OBJECT", "ENCODING", "nosuch"},
                new String[] {"OBJECT", "ENCODING"},
                new String[] {"SET", "shared", "123"},
                new String[] {"OBJECT", "FREQ", "shared"},
                new String[] {"OBJECT", "REFCOUNT", "shared"},
                new String[] {"CLIENT", "KILL", "1.2.3.4:5"},
                new String[] {"CLIENT", "KILL", "ID", "x"},
                new String[] {"CLIENT", "KILL", "ID", "0"},
                new String[] {"CLIENT", "KILL", "ID", "99999"},
                new String[] {"CLIENT", "KILL", "FOO", "bar"},
                new String[] {"CLIENT", "KILL", "ID"},
                new String[] {"CLIENT", "NO-EVICT", "maybe"},
                new String[] {"CLIENT", "ID", "extra"},
                new String[] {"RESET"},
                new String[] {"SCAN", "abc"},
                new String[] {"SCAN", "0", "COUNT", "0"},
                new String[] {"SCAN", "0", "COUNT", "x"},
                new String[] {"SCAN", "0", "MATCH"},
                new String[] {"SCAN", "0", "FOO", "bar"},
                new String[] {"FLUSHDB"},
                new String[] {"SCAN", "0"},
                new String[] {"SET", "bits", "ab"},
                new String[] {"SETBIT", "bits", "-1", "1"},
                new String[] {"SETBIT", "bits", "4294967296", "1"},
                new String[] {"SETBIT", "bits", "1", "2"},
                new String[] {"GETBIT", "bits", "x"},
                new String[] {"BITCOUNT", "bits", "1"},
                new String[] {"BITCOUNT", "bits", "0", "1", "WORD"},
                new String[] {"BITPOS", "bits", "2"},
                new String[] {"BITPOS", "bits", "0", "0", "1", "BIT", "extra"},
                new String[] {"BITOP", "NOT", "dest", "bits", "bits"},
                new String[] {"BITOP", "NAND", "dest", "bits"},
                new String[] {"BITOP", "OR", "dest", "nosuch1", "nosuch2"},
                new String[] {"EXISTS", "dest"},
                new String[] {"SET", "s1", "ohmytext"},
                new String[] {"SET", "s2", "mynewtext"},
                new String[] {"LCS", "s1", "s2"},
                new String[] {"LCS", "s1", "s2", "LEN"},
                new String[] {"LCS", "s1", "s2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"},
                new String[] {"LCS", "s1", "s2", "IDX", "LEN"},
                new String[] {"LCS", "s1", "s2", "MINMATCHLEN"},
                new String[] {"LCS", "s1", "s2", "MINMATCHLEN", "x"},
                new String[] {"LCS", "s1", "s2", "FOO"},
                new String[] {"BITFIELD", "bf", "SET", "u64", "0", "1"},
                new String[] {"BITFIELD", "bf", "SET", "i65", "0", "1"},
                new String[] {"BITFIELD", "bf", "SET", "I8", "0", "1"},
                new String[] {"BITFIELD", "bf", "GET", "u8", "-1"},
                new String[] {"BITFIELD", "bf", "GET", "u8", "#-1"},
                new String[] {"BITFIELD", "bf", "GET", "u8", "4294967296"},
                new String[] {"BITFIELD", "bf", "INCRBY", "u8", "0", "x"},
                new String[] {"BITFIELD", "bf", "OVERFLOW", "NOPE", "GET", "u8", "0"},
                new String[] {"BITFIELD", "bf", "GET", "u8"},
                new String[] {"BITFIELD", "bf", "FOO"},
                new String[] {"BITFIELD_RO", "bf", "SET", "u8", "0", "1"},
                new String[] {"BITFIELD", "bf", "OVERFLOW", "FAIL", "SET", "u8", "100", "256"},
                new String[] {"GET", "bf"},
                new String[] {"BITFIELD", "bf", "SET", "i8", "0", "-1", "GET", "u8", "0", "OVERFLOW", "SAT", "INCRBY", "u8", "0", "10"},
                new String[] {"BITFIELD", "bf"},
                new String[] {"SET", "d", "hello"},
                new String[] {"DUMP", "d"},
                new String[] {"SET", "d", "-123456"},
                new String[] {"DUMP", "d"},
                new String[] {"DUMP", "nosuch"},
                new String[] {"RESTORE", "d", "0", "junk"},
                new String[] {"RESTORE", "new", "0", "junk"},
                new String[] {"RESTORE", "new", "-1", "junk"},
                new String[] {"RESTORE", "new", "0", "junk", "FREQ", "300"},
                new String[] {"RESTORE", "new", "0", "junk", "IDLETIME", "-1"},
                new String[] {"RESTORE", "new", "0", "junk", "BOGUS"},
                new String[] {"CONFIG", "SET", "slowlog-max-len"},
                new String[] {"CONFIG", "SET", "slowlog-max-len", "x"},
                new String[] {"CONFIG", "SET", "slowlog-max-len", "-5"},
                new String[] {"CONFIG", "SET", "no-such-option", "1"},
                new String[] {"CONFIG", "SET", "slowlog-max-len", "5", "slowlog-max-len", "6"},
                new String[] {"CONFIG", "SET", "slowlog-max-len", "64", "slowlog-log-slower-than", "0"},
                new String[] {"CONFIG", "GET", "slowlog-max-*"},
                new String[] {"CONFIG", "GET", "slowlog-log-slower-than"},
                new String[] {"SLOWLOG", "RESET"},
                new String[] {"SET", "slow", "1"},
                new String[] {"SLOWLOG", "LEN"},
                new String[] {"SLOWLOG", "GET", "-2"},
                new String[] {"SLOWLOG", "NOPE"},
                new String[] {"CONFIG", "SET", "slowlog-max-len", "128", "slowlog-log-slower-than", "10000"},
                new String[] {"SLOWLOG", "RESET"},
                new String[] {"SLOWLOG", "GET"},
                new String[] {"LATENCY", "LATEST"},
                new String[] {"LATENCY", "HISTORY", "command"},
                new String[] {"LATENCY", "RESET"},
                new String[] {"DEBUG", "SLEEP", "0"},
                new String[] {"DEBUG", "OBJECT", "nosuch"},
                new String[] {"MEMORY", "USAGE", "nosuch"},
                new String[] {"MEMORY", "USAGE", "d", "SAMPLES"},
                new String[] {"CLIENT", "REPLY", "MAYBE"}));
    }

    @Test
    public void clientReplyOffAndSkipSilenceTheSameRepliesAsRedis() throws Exception {
        String pipeline = "CLIENT REPLY SKIP\r\nSET a 1\r\nGET a\r\nCLIENT REPLY OFF\r\nSET b 2\r\nGET b\r\nNOSUCH\r\n"
                + "CLIENT REPLY ON\r\nGET b\r\nPING\r\n";
        List<List<String>> replies = sendToBoth(pipeline, 4);
        assertEquals(List.of("$1", "+OK", "$2", "+PONG"), replies.get(0));
        assertEquals(replies.get(0), replies.get(1));
    }

    /** Sends the same bytes to redis-server and to Larder and reads {@code count} replies from each. */
    private static List<List<String>> sendToBoth(String raw, int count) throws Exception {
        List<String> expected = new ArrayList<>();
        List<String> actual = new ArrayList<>();
        try (RespClient ours = new RespClient(larder.respPort); RespClient theirs = new RespClient(redis.port)) {
            theirs.sendRaw(raw);
            ours.sendRaw(raw);
            for (int i = 0; i < count; i++) {
                expected.add(theirs.read());
                actual.add(ours.read());
            }
        }
        return List.of(expected, actual);
    }

    @Test
    public void monitorShowsOtherClientsCommandsAsRedisDoes() throws Exception {
        List<String> expected = monitored(redis.port);
        List<String> actual = monitored(larder.respPort);
        assertEquals(3, expected.size());
        assertEquals(expected, actual);
    }

    /** What a MONITOR client sees of another client's commands, time and client port masked. */
    private static List<String> monitored(int port) throws Exception {
        List<String> lines = new ArrayList<>();
        try (RespClient monitor = new RespClient(port); RespClient client = new RespClient(port)) {
            assertEquals("+OK", monitor.call("MONITOR"));
            client.call("SET", "watched", "with \"quotes\"\n\u0001");
            client.call("AUTH", "user", "secret");
            client.call("GET", "watched");
            client.call("CONFIG", "GET", "databases");
            for (int i = 0; i < 3; i++) {
                lines.add(monitor.read().replaceFirst("^\\+\\d+\\.\\d{6} \\[0 127\\.0\\.0\\.1:\\d+\\]", "+TIME [0 CLIENT]"));
            }
        }
        return lines;
    }

    @Test
    public void slowLogLatencyMonitorMemoryUsageAndConfigRewriteRecordWhatRan() throws Exception {
        try (RespClient client = new RespClient(larder.respPort)) {
            assertEquals("+OK", client.call("CONFIG", "SET", "slowlog-log-slower-than", "5000", "latency-monitor-threshold", "5"));
            assertEquals("+OK", client.call("SLOWLOG", "RESET"));
            assertEquals(":0", client.call("LATENCY", "RESET"));
            assertEquals("+OK", client.call("DEBUG", "SLEEP", "0.02"));
            String slow = client.call("SLOWLOG", "GET", "1");
            assertTrue(slow, slow.matches("\\*\\[\\*\\[:\\d+, :\\d{10}, :(\\d{5,}), \\*\\[\\$DEBUG, \\$SLEEP, \\$0.02\\], "
                    + "\\$127\\.0\\.0\\.1:\\d+, \\$\\]\\]"));
            String latest = client.call("LATENCY", "LATEST");
            assertTrue(latest, latest.matches("\\*\\[\\*\\[\\$command, :\\d{10}, :(\\d\\d+), :\\d\\d+\\]\\]"));
            assertTrue(client.call("LATENCY", "HISTORY", "command").startsWith("*[*[:"));
            String graph = client.call("LATENCY", "GRAPH", "command");
            assertTrue(graph, graph.contains("command - high") && graph.contains(" ms ###"));
            assertTrue(client.call("LATENCY", "DOCTOR").contains("command: 1 samples"));

            client.call("SET", "sized", "x".repeat(1000));
            long usage = Long.parseLong(client.call("MEMORY", "USAGE", "sized").substring(1));
            assertTrue("bytes for a 1000-byte value: " + usage, usage > 1000 && usage < 1300);

            assertEquals("+OK", client.call("CONFIG", "REWRITE"));
            java.nio.file.Path saved = larder.home.resolve("config").resolve("dev.larder.redis.diagnostics.cfg");
            String text = Files.readString(saved);
            assertTrue(text, text.contains("slowlogLogSlowerThan=5000") && text.contains("latencyMonitorThreshold=5"));
            assertEquals("+OK", client.call("CONFIG", "SET", "slowlog-log-slower-than", "10000", "latency-monitor-threshold", "0"));
            assertEquals("+OK", client.call("CONFIG", "REWRITE"));
        }
    }

    @Test
    public void dumpPayloadsRestoreAcrossLarderAndRedis() {
        try (Jedis ours = new Jedis("127.0.0.1", larder.respPort); Jedis theirs = new Jedis("127.0.0.1", redis.port)) {
            byte[] binary = new byte[5000];
            new Random(3).nextBytes(binary);
            String compressible = "abc".repeat(1000);
            for (Jedis source : List.of(ours, theirs)) {
                Jedis target = source == ours ? theirs : ours;
                source.set("text".getBytes(), compressible.getBytes());
                source.set("binary".getBytes(), binary);
                source.set("number", "42");
                for (String key : List.of("text", "binary", "number")) {
                    byte[] payload = source.dump(key.getBytes());
                    target.del(key + ":copy");
                    assertEquals("OK", target.restore((key + ":copy").getBytes(), 0, payload));
                    assertEquals(key, java.util.Arrays.toString(source.get(key.getBytes())),
                            java.util.Arrays.toString(target.get((key + ":copy").getBytes())));
                }
            }
        }
    }

    @Test
    public void inlineCommandsAndPipelinesGetTheSameReplies() throws Exception {
        String pipeline = "SET a 1\r\nINCR a\r\nGET a\r\nset \"q w\" 'e r'\r\nGET \"q w\"\r\n\r\nPING\r\n"
                + "*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$2\r\nxy\r\n*2\r\n$3\r\nGET\r\n$1\r\nb\r\n";
        List<List<String>> replies = sendToBoth(pipeline, 8);
        assertEquals(replies.get(0), replies.get(1));
    }

    @Test
    public void protocolErrorsAreAnsweredAndCloseTheConnection() throws Exception {
        for (String bad : List.of("*1\r\n$x\r\n", "*1\r\n:5\r\n", "*abc\r\n", "GET \"unbalanced\r\n")) {
            try (RespClient ours = new RespClient(larder.respPort); RespClient theirs = new RespClient(redis.port)) {
                theirs.sendRaw(bad);
                ours.sendRaw(bad);
                assertEquals(bad, theirs.read(), ours.read());
                assertEquals("closed after a protocol error: " + bad, theirs.read(), ours.read());
            }
        }
        try (RespClient ours = new RespClient(larder.respPort)) {
            assertEquals("the server keeps serving other clients", "+PONG", ours.call("PING"));
        }
    }

    @Test
    public void tlsPortServesJedisAndRedisCliWithTheConfiguredCertificate() throws Exception {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        try (InputStream pem = Files.newInputStream(certificate)) {
            trusted.setCertificateEntry("larder", CertificateFactory.getInstance("X.509").generateCertificate(pem));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, trust.getTrustManagers(), null);
        for (RedisProtocol protocol : List.of(RedisProtocol.RESP2, RedisProtocol.RESP3)) {
            try (Jedis jedis = new Jedis(new HostAndPort("127.0.0.1", TLS_PORT), DefaultJedisClientConfig.builder()
                    .ssl(true).sslSocketFactory(ssl.getSocketFactory()).protocol(protocol).build())) {
                assertEquals("OK", jedis.set("over-tls", "secret " + protocol));
                assertEquals("secret " + protocol, jedis.get("over-tls"));
            }
        }
        String port = String.valueOf(TLS_PORT);
        assertEquals("secret RESP3\n", ServerProcesses.run(List.of("redis-cli", "--tls", "--cacert", certificate.toString(),
                "-p", port, "GET", "over-tls"), 30));
        String untrusted = ServerProcesses.run(List.of("sh", "-c", "redis-cli --tls -p " + port + " PING 2>&1 || true"), 30);
        assertTrue("a client that does not trust the certificate is refused: " + untrusted,
                untrusted.contains("certificate verify failed") || untrusted.contains("Could not connect"));
    }

    @Test
    public void jedisWorksOverResp2AndResp3() {
        for (RedisProtocol protocol : List.of(RedisProtocol.RESP2, RedisProtocol.RESP3)) {
            try (Jedis jedis = new Jedis(new HostAndPort("127.0.0.1", larder.respPort),
                    DefaultJedisClientConfig.builder().protocol(protocol).clientName("jedis-" + protocol).build())) {
                jedis.flushDB();
                assertEquals("OK", jedis.set("greeting", "hello"));
                assertEquals("hello", jedis.get("greeting"));
                assertEquals(6, jedis.append("greeting", "!"));
                assertEquals(3L, jedis.incrBy("counter", 3));
                assertEquals(List.of("hello!", "3"), jedis.mget("greeting", "counter"));
                assertEquals("OK", jedis.set("temp", "x", SetParams.setParams().ex(100)));
                assertTrue(jedis.ttl("temp") > 90);
                assertEquals(1, jedis.persist("temp"));
                assertEquals(-1, jedis.ttl("temp"));
                assertEquals(2, jedis.del("greeting", "temp"));
                assertEquals(1, jedis.dbSize());
                assertEquals("jedis-" + protocol, jedis.clientGetname());
            }
        }
    }

    @Test
    public void lettuceWorksOverResp2AndResp3() {
        for (ProtocolVersion protocol : List.of(ProtocolVersion.RESP2, ProtocolVersion.RESP3)) {
            RedisClient client = RedisClient.create(RedisURI.create("redis://127.0.0.1:" + larder.respPort));
            client.setOptions(ClientOptions.builder().protocolVersion(protocol).build());
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                RedisCommands<String, String> redis = connection.sync();
                redis.select(2);
                redis.flushdb();
                assertEquals("OK", redis.set("lettuce", "v1"));
                assertEquals("v1", redis.getset("lettuce", "v2"));
                assertEquals(Long.valueOf(5), redis.incrby("n", 5));
                assertEquals(Double.valueOf(6.5), redis.incrbyfloat("n", 1.5));
                assertEquals(Boolean.TRUE, redis.expire("lettuce", 50));
                assertTrue(redis.ttl("lettuce") > 40);
                assertEquals(Long.valueOf(2), redis.exists("lettuce", "n"));
                assertEquals("string", redis.type("n"));
                // asynchronous commands are pipelined on one connection
                RedisAsyncCommands<String, String> async = connection.async();
                List<RedisFuture<String>> sets = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    sets.add(async.set("p" + i, Integer.toString(i)));
                }
                sets.forEach(future -> assertEquals("OK", future.toCompletableFuture().join()));
                assertEquals(Long.valueOf(102), redis.dbsize());
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    public void clientListShowsConnectionsAndClientKillClosesOne() throws Exception {
        try (Jedis admin = new Jedis("127.0.0.1", larder.respPort); Jedis victim = new Jedis("127.0.0.1", larder.respPort)) {
            victim.clientSetname("victim");
            victim.select(4);
            long victimId = victim.clientId();
            String list = admin.clientList();
            assertTrue(list, list.matches("(?s).*id=" + victimId + " addr=127\\.0\\.0\\.1:\\d+ laddr=127\\.0\\.0\\.1:" + larder.respPort
                    + " fd=-1 name=victim age=\\d+ idle=\\d+ flags=N db=4 .* cmd=client .* resp=2\n.*"));
            assertEquals(1, admin.clientKill(new ClientKillParams().id(Long.toString(victimId))));
            try {
                victim.ping();
                throw new AssertionError("the killed connection still answers");
            } catch (JedisConnectionException expected) {
                // closed by the server
            }
            assertEquals("PONG", admin.ping());
            assertTrue(admin.clientList(), !admin.clientList().contains("name=victim"));
        }
    }

    @Test
    public void scanVisitsEveryKeyThatStaysWhileKeysComeAndGo() {
        try (Jedis jedis = new Jedis("127.0.0.1", larder.respPort)) {
            jedis.select(6);
            jedis.flushDB();
            Set<String> stable = new HashSet<>();
            for (int i = 0; i < 3000; i++) {
                jedis.set("stable:" + i, "x");
                stable.add("stable:" + i);
            }
            Set<String> seen = new HashSet<>();
            String cursor = ScanParams.SCAN_POINTER_START;
            int calls = 0;
            int churn = 0;
            do {
                ScanResult<String> page =
                        jedis.scan(cursor, new ScanParams().count(25));
                seen.addAll(page.getResult());
                cursor = page.getCursor();
                // keys added and removed during the iteration make the tables grow and shrink
                for (int i = 0; i < 40; i++) {
                    jedis.set("churn:" + churn++, "y");
                }
                if (calls % 3 == 0) {
                    for (int i = 0; i < 100 && churn - i > 0; i++) {
                        jedis.del("churn:" + (churn - i - 1));
                    }
                }
                calls++;
            } while (!cursor.equals("0"));
            assertTrue("every stable key seen: missing " + (stable.size() - seen.stream().filter(stable::contains).count()),
                    seen.containsAll(stable));
            assertTrue("iterated in pages, not one reply: " + calls, calls > 50);

            ScanResult<String> matched = jedis.scan("0",
                    new ScanParams().match("stable:1?").count(100000));
            assertEquals("0", matched.getCursor());
            assertEquals(10, matched.getResult().size());
            assertEquals(0, jedis.scan("0", new ScanParams().count(100000), "list").getResult().size());
        }
    }

    /**
     * COMMAND DOCS GET as redis-server answers it, field by field in both protocols: the keys and their
     * order, since, group, complexity and the argument structure; only the summary is in our own words.
     * Names Redis does not know are left out, as it leaves them out.
     */
    @Test
    public void commandDocsDescribeGetAsRedisDoes() throws Exception {
        BiFunction<String[], String, String> ownSummary = (command, reply) -> command[0].equals("HELLO") ? "(hello)"
                : reply.replaceAll("\\$summary, \\$[^$]*?, \\$since, ", "\\$summary, (summary), \\$since, ");
        List<String[]> commands = new ArrayList<>();
        for (String protocol : List.of("2", "3")) {
            commands.add(new String[] {"HELLO", protocol});
            commands.add(new String[] {"COMMAND", "DOCS", "GET"});
            commands.add(new String[] {"COMMAND", "DOCS", "nosuchcommand"});
            commands.add(new String[] {"COMMAND", "DOCS", "get", "nosuchcommand", "GET"});
        }
        Differential.assertSameReplies(larder.respPort, redis.port, commands, ownSummary);
        try (RespClient ours = new RespClient(larder.respPort)) {
            String docs = ours.call("COMMAND", "DOCS", "GET");
            assertTrue(docs, docs.startsWith("*[$get, *[$summary, $") && !docs.startsWith("*[$get, *[$summary, $, "));
        }
    }

    @Test
    public void redisCliWorks() throws Exception {
        String port = String.valueOf(larder.respPort);
        assertEquals("OK\n", ServerProcesses.run(List.of("redis-cli", "-p", port, "SET", "cli", "from redis-cli"), 30));
        assertEquals("from redis-cli\n", ServerProcesses.run(List.of("redis-cli", "-p", port, "GET", "cli"), 30));
        assertEquals("PONG\n", ServerProcesses.run(List.of("redis-cli", "-p", port, "PING"), 30));
    }

    @Test
    public void dataSurvivesARestart() throws Exception {
        try (Jedis jedis = new Jedis("127.0.0.1", larder.respPort)) {
            jedis.select(3);
            jedis.set("durable", "yes");
            jedis.setex("expiring", 1000, "soon");
            jedis.incrBy("count", 42);
        }
        larder.stop();
        larder.start();
        try (Jedis jedis = new Jedis("127.0.0.1", larder.respPort)) {
            jedis.select(3);
            assertEquals("yes", jedis.get("durable"));
            assertEquals("42", jedis.get("count"));
            assertTrue(jedis.ttl("expiring") > 900);
        }
    }

    private static final String[] KEYS = {"k1", "k2", "k3", "{t}a", "{t}b", "n1", "n2"};

    private static String[] randomCommand(Random random) {
        Supplier<String> key = () -> KEYS[random.nextInt(KEYS.length)];
        Supplier<String> value = () -> switch (random.nextInt(6)) {
            case 0 -> String.valueOf(random.nextInt(100) - 20);
            case 1 -> "";
            case 2 -> "v" + random.nextInt(5);
            case 3 -> "9223372036854775806";
            case 4 -> "12abc";
            default -> "hello world " + random.nextInt(3);
        };
        Supplier<String> number = () -> switch (random.nextInt(5)) {
            case 0 -> "x";
            case 1 -> "-3";
            case 2 -> "0";
            default -> String.valueOf(random.nextInt(20));
        };
        return switch (random.nextInt(34)) {
            case 0 -> new String[] {"GET", key.get()};
            case 1 -> setCommand(random, key.get(), value.get());
            case 2 -> new String[] {"SETNX", key.get(), value.get()};
            case 3 -> new String[] {"GETSET", key.get(), value.get()};
            case 4 -> new String[] {"GETDEL", key.get()};
            case 5 -> new String[] {"MGET", key.get(), key.get(), key.get()};
            case 6 -> new String[] {"MSET", key.get(), value.get(), key.get(), value.get()};
            case 7 -> new String[] {"MSETNX", key.get(), value.get(), key.get(), value.get()};
            case 8 -> new String[] {"APPEND", key.get(), value.get()};
            case 9 -> new String[] {"STRLEN", key.get()};
            case 10 -> new String[] {"INCR", key.get()};
            case 11 -> new String[] {"DECR", key.get()};
            case 12 -> new String[] {"INCRBY", key.get(), number.get()};
            case 13 -> new String[] {"DECRBY", key.get(), number.get()};
            case 14 -> new String[] {"GETRANGE", key.get(), number.get(), String.valueOf(random.nextInt(30) - 10)};
            case 15 -> new String[] {"SETRANGE", key.get(), number.get(), value.get()};
            case 16 -> new String[] {"DEL", key.get(), key.get()};
            case 17 -> new String[] {"EXISTS", key.get(), key.get(), key.get()};
            case 18 -> new String[] {"TYPE", key.get()};
            case 19 -> expireCommand(random, key.get());
            case 20 -> new String[] {"PERSIST", key.get()};
            case 21 -> new String[] {random.nextBoolean() ? "RENAME" : "RENAMENX", "{t}a", "{t}b"};
            case 22 -> new String[] {"DBSIZE"};
            case 23 -> new String[] {"SELECT", String.valueOf(random.nextInt(3))};
            case 24 -> new String[] {"ECHO", value.get()};
            case 25 -> new String[] {"SETEX", key.get(), number.get(), value.get()};
            case 26 -> new String[] {"GETEX", key.get(), "EX", "1000"};
            case 27 -> new String[] {"INCRBYFLOAT", key.get(), random.nextBoolean() ? "1.5" : "-0.25"};
            case 28 -> new String[] {"UNLINK", key.get()};
            case 29 -> switch (random.nextInt(4)) {
                case 0 -> new String[] {"COPY", "{t}a", "{t}b", random.nextBoolean() ? "REPLACE" : "DB", "1"};
                case 1 -> new String[] {"MOVE", key.get(), String.valueOf(random.nextInt(3))};
                case 2 -> new String[] {"SWAPDB", String.valueOf(random.nextInt(3)), String.valueOf(random.nextInt(3))};
                default -> new String[] {"COPY", key.get(), key.get()};
            };
            case 30 -> new String[] {"OBJECT", random.nextBoolean() ? "ENCODING" : "REFCOUNT", key.get()};
            case 31 -> switch (random.nextInt(5)) {
                case 0 -> new String[] {"SETBIT", key.get(), number.get(), random.nextBoolean() ? "1" : "0"};
                case 1 -> new String[] {"GETBIT", key.get(), number.get()};
                case 2 -> random.nextBoolean() ? new String[] {"BITCOUNT", key.get()}
                        : new String[] {"BITCOUNT", key.get(), number.get(), String.valueOf(random.nextInt(40) - 20),
                                random.nextBoolean() ? "BIT" : "BYTE"};
                case 3 -> random.nextBoolean() ? new String[] {"BITPOS", key.get(), random.nextBoolean() ? "1" : "0"}
                        : new String[] {"BITPOS", key.get(), random.nextBoolean() ? "1" : "0", number.get(),
                                String.valueOf(random.nextInt(40) - 20), random.nextBoolean() ? "BIT" : "BYTE"};
                default -> new String[] {"BITOP", new String[] {"AND", "OR", "XOR", "NOT"}[random.nextInt(4)], "{t}a", "{t}b",
                        random.nextBoolean() ? "{t}a" : "{t}b"};
            };
            case 32 -> random.nextBoolean() ? bitfieldCommand(random, key.get()) : lcsCommand(random, key.get(), key.get());
            default -> random.nextInt(20) == 0 ? new String[] {"FLUSHDB"} : new String[] {"PING"};
        };
    }

    private static String[] bitfieldCommand(Random random, String key) {
        String[] types = {"i8", "u8", "i5", "u3", "i64", "u63", "i16", "u1", "u64", "x8"};
        String[] offsets = {"0", "3", "#1", "17", "#2", "-1", "x"};
        String[] values = {"127", "-128", "300", "-1", "0", "5", "9223372036854775807", "-9223372036854775808", "y"};
        List<String> args = new ArrayList<>(List.of(random.nextInt(5) == 0 ? "BITFIELD_RO" : "BITFIELD", key));
        for (int i = random.nextInt(4); i >= 0; i--) {
            switch (random.nextInt(4)) {
                case 0 -> args.addAll(List.of("GET", types[random.nextInt(types.length)], offsets[random.nextInt(offsets.length)]));
                case 1 -> args.addAll(List.of("SET", types[random.nextInt(types.length)], offsets[random.nextInt(offsets.length)],
                        values[random.nextInt(values.length)]));
                case 2 -> args.addAll(List.of("INCRBY", types[random.nextInt(types.length)], offsets[random.nextInt(offsets.length)],
                        values[random.nextInt(values.length)]));
                default -> args.addAll(List.of("OVERFLOW", new String[] {"WRAP", "SAT", "FAIL", "BAD"}[random.nextInt(4)]));
            }
        }
        return args.toArray(new String[0]);
    }

    private static String[] lcsCommand(Random random, String first, String second) {
        List<String> args = new ArrayList<>(List.of("LCS", first, second));
        switch (random.nextInt(4)) {
            case 0 -> args.add("LEN");
            case 1 -> args.add("IDX");
            case 2 -> args.addAll(List.of("IDX", "MINMATCHLEN", String.valueOf(random.nextInt(4)), "WITHMATCHLEN"));
            default -> { }
        }
        return args.toArray(new String[0]);
    }

    private static String[] setCommand(Random random, String key, String value) {
        List<String> args = new ArrayList<>(List.of("SET", key, value));
        String[] options = {"NX", "XX", "GET", "KEEPTTL", "EX", "PX"};
        int count = random.nextInt(3);
        for (int i = 0; i < count; i++) {
            String option = options[random.nextInt(options.length)];
            args.add(option);
            if (option.equals("EX")) {
                args.add(random.nextInt(4) == 0 ? "0" : "1000");
            } else if (option.equals("PX")) {
                args.add("1000000");
            }
        }
        return args.toArray(new String[0]);
    }

    private static String[] expireCommand(Random random, String key) {
        List<String> args = new ArrayList<>(List.of(random.nextBoolean() ? "EXPIRE" : "PEXPIRE", key,
                String.valueOf(switch (random.nextInt(4)) {
                    case 0 -> -1;
                    case 1 -> 1000000;
                    default -> 2000000;
                })));
        String[] options = {"NX", "XX", "GT", "LT"};
        if (random.nextBoolean()) {
            args.add(options[random.nextInt(options.length)]);
        }
        return args.toArray(new String[0]);
    }
}
