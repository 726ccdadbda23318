package dev.larder.itests.resp;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Redis's settings and INFO against redis-server 7.0: CONFIG GET/SET of Redis's own parameters (types,
 * ranges, aliases, error texts), encoding thresholds as OBJECT ENCODING shows them, INFO's sections and
 * fields, and the client limits (maxclients, timeout, client-output-buffer-limit).
 */
public class ServerSettingsCompatibilityIT {

    private static final int PORT_BASE = 49400;
    private static final int REDIS_PORT = 49499;
    private static ServerProcesses.Larder larder;
    private static ServerProcesses.Redis redis;
    private static ServerProcesses.Pair servers;

    @BeforeClass
    public static void startServers() throws Exception {
        servers = ServerProcesses.Pair.start("server-settings-it", PORT_BASE, REDIS_PORT, larder -> { });
        larder = servers.larder;
        redis = servers.redis;
    }

    @AfterClass
    public static void stopServers() throws Exception {
        if (servers != null) {
            servers.close();
        }
    }

    private static List<String[]> lines(String... lines) {
        List<String[]> commands = new ArrayList<>();
        for (String line : lines) {
            commands.add(line.split(" "));
        }
        return commands;
    }

    /** CONFIG GET answers in Redis's hash order: compared as sorted pairs. */
    private static String sortedPairs(String[] command, String reply) {
        if (command[0].equalsIgnoreCase("CONFIG") && command[1].equalsIgnoreCase("GET") && reply.startsWith("*")) {
            List<String> elements = Differential.elements(reply);
            Map<String, String> pairs = new TreeMap<>();
            for (int i = 0; i + 1 < elements.size(); i += 2) {
                pairs.put(elements.get(i), elements.get(i + 1));
            }
            return pairs.toString();
        }
        return reply;
    }

    @Test
    public void configSetOfRedisParametersAnswersAsRedis() throws Exception {
        List<String[]> commands = lines(
                "CONFIG SET hash-max-ziplist-entries 100", "CONFIG GET hash-max-*", "CONFIG SET hash-max-listpack-entries 512",
                "CONFIG SET set-max-intset-entries -1", "CONFIG SET set-max-intset-entries abc", "CONFIG GET set-max-intset-entries",
                "CONFIG SET zset-max-listpack-value 1kb", "CONFIG GET zset-max-*", "CONFIG SET zset-max-listpack-value 1K",
                "CONFIG GET zset-max-listpack-value", "CONFIG SET zset-max-listpack-value 64x", "CONFIG SET zset-max-listpack-value 64",
                "CONFIG SET list-max-ziplist-size -3", "CONFIG GET list-max-*", "CONFIG SET list-compress-depth 1",
                "CONFIG GET list-compress-depth", "CONFIG SET list-max-listpack-size -2 list-compress-depth 0",
                "CONFIG SET stream-node-max-entries 50", "CONFIG GET stream-node-*", "CONFIG SET stream-node-max-entries 100",
                "CONFIG SET maxmemory-policy allkeys-lru", "CONFIG GET maxmemory-policy", "CONFIG SET maxmemory-policy sometimes",
                "CONFIG SET maxmemory-policy noeviction", "CONFIG SET maxmemory 100mb", "CONFIG GET maxmemory", "CONFIG SET maxmemory 0",
                "CONFIG SET maxclients 0", "CONFIG SET maxclients 99999999999", "CONFIG GET maxclients", "CONFIG SET timeout -1",
                "CONFIG GET timeout", "CONFIG SET tcp-keepalive 300", "CONFIG SET hz 1000", "CONFIG GET hz", "CONFIG SET hz 10",
                "CONFIG SET activerehashing maybe", "CONFIG SET activerehashing no", "CONFIG GET activerehashing",
                "CONFIG SET activerehashing yes", "CONFIG SET lazyfree-lazy-user-del yes", "CONFIG GET lazyfree-*",
                "CONFIG SET lazyfree-lazy-user-del no", "CONFIG SET daemonize no", "CONFIG SET databases 4", "CONFIG SET dir /tmp",
                "CONFIG SET dbfilename x.rdb", "CONFIG SET io-threads 4", "CONFIG SET save 3600", "CONFIG SET save x",
                "CONFIG SET appendfsync sometimes", "CONFIG SET proto-max-bulk-len 1", "CONFIG SET proto-max-bulk-len 512mb",
                "CONFIG GET proto-max-bulk-len", "CONFIG SET client-query-buffer-limit 1gb", "CONFIG GET client-query-buffer-limit",
                "CONFIG SET client-output-buffer-limit bogus", "CONFIG SET client-output-buffer-limit x 1 2 3",
                "CONFIG SET client-output-buffer-limit pubsub x 1 1", "CONFIG SET client-output-buffer-limit pubsub 32mb 8mb 60",
                "CONFIG GET client-output-buffer-limit", "CONFIG SET notify-keyspace-events KEA", "CONFIG GET notify-keyspace-events",
                "CONFIG SET notify-keyspace-events Kq",
                "CONFIG SET latency-tracking-info-percentiles 50", "CONFIG GET latency-tracking-info-percentiles",
                "CONFIG SET latency-tracking-info-percentiles 101",
                "CONFIG SET slowlog-max-len 5 slowlog-max-len 6", "CONFIG SET maxmemory 1 hash-max-ziplist-entries 2 hash-max-listpack-entries 3",
                "CONFIG GET hash-max-listpack-entries", "CONFIG SET hash-max-listpack-entries 512 maxmemory 0",
                "CONFIG SET maxmemory 5 daemonize no", "CONFIG GET maxmemory", "CONFIG SET MAXMEMORY-SAMPLES 7", "CONFIG GET Maxmemory-Samples",
                "CONFIG SET maxmemory-samples 5", "CONFIG SET maxmemory", "CONFIG GET", "CONFIG GET nosuch*", "CONFIG NOSUCH",
                "CONFIG HELP", "CONFIG GET repl-backlog-size",
                "CONFIG GET *max-*-entries*", "CONFIG GET lua-time-limit busy-reply-threshold");
        // values with spaces, or empty
        commands.add(new String[] {"CONFIG", "SET", "notify-keyspace-events", ""});
        commands.add(new String[] {"CONFIG", "SET", "latency-tracking-info-percentiles", "50 99 99.9"});
        commands.add(new String[] {"CONFIG", "SET", "oom-score-adj-values", "1 2"});
        commands.add(new String[] {"CONFIG", "SET", "save", "3600 1 300 100"});
        commands.add(new String[] {"CONFIG", "GET", "save"});
        commands.add(new String[] {"CONFIG", "SET", "save", "0 0"});
        commands.add(new String[] {"CONFIG", "SET", "save", ""});
        commands.add(new String[] {"CONFIG", "SET", "client-output-buffer-limit", "normal 1mb 2mb 3 replica 4 5 6"});
        commands.add(new String[] {"CONFIG", "GET", "client-output-buffer-limit"});
        commands.add(new String[] {"CONFIG", "SET", "client-output-buffer-limit", "normal 0 0 0 slave 268435456 67108864 60"});
        Differential.assertSameReplies(larder.respPort, redis.port, commands, ServerSettingsCompatibilityIT::sortedPairs);
    }

    /** Thresholds set with CONFIG SET change OBJECT ENCODING at the same points as in Redis 7.0. */
    @Test
    public void encodingThresholdsMoveEncodingsAsRedis() throws Exception {
        List<String[]> commands = lines("FLUSHALL",
                "CONFIG SET hash-max-listpack-entries 4 hash-max-listpack-value 8", "HSET h a 1 b 2 c 3 d 4", "OBJECT ENCODING h",
                "HSET h e 5", "OBJECT ENCODING h", "HSET h2 f 123456789", "OBJECT ENCODING h2", "HSET h3 123456789 v", "OBJECT ENCODING h3",
                "CONFIG SET hash-max-listpack-entries 0", "HSET h4 a 1", "OBJECT ENCODING h4",
                "CONFIG SET set-max-intset-entries 3", "SADD s 1 2 3", "OBJECT ENCODING s", "SADD s 4", "OBJECT ENCODING s",
                "CONFIG SET set-max-intset-entries 0", "SADD s2 1", "OBJECT ENCODING s2",
                "CONFIG SET zset-max-ziplist-entries 2 zset-max-ziplist-value 5", "ZADD z 1 a 2 b", "OBJECT ENCODING z", "ZADD z 3 c",
                "OBJECT ENCODING z", "ZADD z2 1 abcdef", "OBJECT ENCODING z2", "CONFIG SET zset-max-listpack-entries 0", "ZADD z3 1 a",
                "OBJECT ENCODING z3", "CONFIG SET zset-max-listpack-entries 128 zset-max-listpack-value 64",
                "CONFIG SET hash-max-listpack-entries 512 hash-max-listpack-value 64 set-max-intset-entries 512",
                "HSET h5 a 1", "OBJECT ENCODING h5", "SADD s3 1", "OBJECT ENCODING s3", "ZADD z4 1 a", "OBJECT ENCODING z4",
                "RPUSH l a", "OBJECT ENCODING l", "CONFIG SET list-max-listpack-size 1", "RPUSH l2 a b c", "OBJECT ENCODING l2",
                "CONFIG SET list-max-listpack-size -2", "FLUSHALL");
        // stream-node-max-entries: approximate trimming removes whole nodes of that many entries
        commands.addAll(lines("CONFIG SET stream-node-max-entries 10"));
        for (int i = 1; i <= 25; i++) {
            commands.add(new String[] {"XADD", "st", i + "-1", "f", "v"});
        }
        commands.addAll(lines("XTRIM st MAXLEN ~ 12", "XLEN st", "XRANGE st - + COUNT 1", "CONFIG SET stream-node-max-entries 0",
                "XADD st2 1-1 f v", "XADD st2 2-1 f v", "XTRIM st2 MAXLEN ~ 1", "XLEN st2", "CONFIG SET stream-node-max-entries 100",
                "FLUSHALL"));
        Differential.assertSameReplies(larder.respPort, redis.port, commands, (command, reply) -> reply);
    }

    /** Section name, then the names of its fields. */
    private static Map<String, List<String>> infoFields(String info) {
        Map<String, List<String>> sections = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : info.split("\r\n")) {
            if (line.startsWith("# ")) {
                current = new ArrayList<>();
                sections.put(line.substring(2), current);
            } else if (!line.isEmpty() && current != null) {
                current.add(line.substring(0, line.indexOf(':')));
            }
        }
        return sections;
    }

    private static String info(int port, String... sections) throws Exception {
        try (RespClient client = new RespClient(port)) {
            String[] command = new String[sections.length + 1];
            command[0] = "INFO";
            System.arraycopy(sections, 0, command, 1, sections.length);
            client.sendBytes(java.util.Arrays.stream(command).map(s -> s.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new));
            return new String(client.readBulkBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Every section Redis 7.0 prints, in its order, each with every field Redis prints (Larder may add its own). */
    @Test
    public void infoHasRedissSectionsAndFields() throws Exception {
        for (String[] selection : new String[][] {{}, {"default"}, {"all"}, {"everything"}, {"server", "clients"}, {"CPU"},
            {"keyspace", "memory"}, {"commandstats"}, {"bogus"}}) {
            Map<String, List<String>> expected = infoFields(info(redis.port, selection));
            Map<String, List<String>> actual = infoFields(info(larder.respPort, selection));
            assertEquals(String.join(" ", selection), new ArrayList<>(expected.keySet()), new ArrayList<>(actual.keySet()));
            for (var section : expected.entrySet()) {
                if (List.of("Commandstats", "Errorstats", "Latencystats", "Keyspace").contains(section.getKey())) {
                    continue; // what they list depends on what ran; compared below
                }
                List<String> missing = new ArrayList<>(section.getValue());
                missing.removeAll(actual.get(section.getKey()));
                assertTrue(section.getKey() + " lacks " + missing, missing.isEmpty());
            }
        }
    }

    /** After the same commands, commandstats count calls, rejected and failed calls as Redis does, and errorstats the same errors. */
    @Test
    public void commandAndErrorStatsCountAsRedis() throws Exception {
        assertEquals(stats(redis.port), stats(larder.respPort));
    }

    private static String stats(int port) throws Exception {
        try (RespClient client = new RespClient(port)) {
            client.call("FLUSHALL");
            client.call("CONFIG", "RESETSTAT");
            for (String[] command : lines("SET k v", "GET k", "GET nosuch", "HGET k f", "GET", "NOSUCHCOMMAND", "INCR k", "EXISTS k",
                    "CONFIG GET maxmemory", "LPUSH l a", "LPOP l", "LPOP l")) {
                client.call(command);
            }
        }
        String info = info(port, "commandstats", "errorstats", "stats");
        List<String> kept = new ArrayList<>();
        for (String line : info.split("\r\n")) {
            if (line.startsWith("cmdstat_")) {
                kept.add(line.replaceAll("usec=\\d+,usec_per_call=[\\d.]+,", ""));
            } else if (line.startsWith("errorstat_") || line.startsWith("keyspace_") || line.startsWith("total_error_replies")) {
                kept.add(line);
            }
        }
        return String.join("\n", new TreeSet<>(kept));
    }

    /** One connection over maxclients is refused with Redis's error, on both servers alike. */
    @Test
    public void maxclientsRefusesTheNextConnection() throws Exception {
        assertEquals(connectionsAccepted(redis.port), connectionsAccepted(larder.respPort));
    }

    private static String connectionsAccepted(int port) throws Exception {
        List<RespClient> clients = new ArrayList<>();
        try (RespClient admin = new RespClient(port)) {
            assertEquals("+OK", admin.call("CONFIG", "SET", "maxclients", "4"));
            List<String> answers = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                RespClient client = new RespClient(port);
                clients.add(client);
                answers.add(client.call("PING"));
            }
            for (RespClient client : clients) {
                client.close();
            }
            Thread.sleep(200);
            assertEquals("+OK", admin.call("CONFIG", "SET", "maxclients", "10000"));
            return String.join(", ", answers);
        } finally {
            for (RespClient client : clients) {
                client.close();
            }
        }
    }

    /** timeout closes an idle client but neither a blocked nor a subscribed one. */
    @Test
    public void idleClientsAreClosedAfterTimeout() throws Exception {
        assertEquals(idleClients(redis.port), idleClients(larder.respPort));
    }

    private static String idleClients(int port) throws Exception {
        try (RespClient admin = new RespClient(port); RespClient idle = new RespClient(port); RespClient blocked = new RespClient(port);
                RespClient subscriber = new RespClient(port)) {
            idle.call("PING");
            subscriber.call("SUBSCRIBE", "ch");
            blocked.send("BLPOP", "nosuch-list", "0");
            assertEquals("+OK", admin.call("CONFIG", "SET", "timeout", "1"));
            for (int i = 0; i < 12; i++) {
                Thread.sleep(300);
                admin.call("PING"); // the admin itself is never idle for long
            }
            admin.call("CONFIG", "SET", "timeout", "0");
            String idleAfter = idle.readWithin(500);
            admin.call("RPUSH", "nosuch-list", "x");
            String blockedAfter = blocked.readWithin(2000);
            admin.call("PUBLISH", "ch", "still here");
            String subscriberAfter = subscriber.readWithin(2000);
            admin.call("DEL", "nosuch-list");
            return "idle: " + idleAfter + ", blocked: " + blockedAfter + ", subscriber: " + subscriberAfter;
        }
    }

    /**
     * A subscriber that does not read is disconnected once its unsent messages pass the pubsub hard
     * limit, and the publisher and everyone else go on.
     */
    @Test
    public void aSubscriberThatDoesNotReadIsDisconnectedAtItsOutputLimit() throws Exception {
        for (int port : new int[] {redis.port, larder.respPort}) {
            try (RespClient admin = new RespClient(port); Socket subscriber = new Socket()) {
                assertEquals("+OK", admin.call("CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb 256kb 60"));
                subscriber.setReceiveBufferSize(16 * 1024);
                subscriber.connect(new java.net.InetSocketAddress("127.0.0.1", port));
                OutputStream out = subscriber.getOutputStream();
                out.write("SUBSCRIBE flood\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(200);
                String message = "x".repeat(64 * 1024);
                long receivers = 1;
                for (int i = 0; i < 400 && receivers > 0; i++) {
                    String answer = admin.call("PUBLISH", "flood", message);
                    receivers = Long.parseLong(answer.substring(1));
                }
                // Larder writes a subscriber's messages on its own network thread: on a loaded machine that thread
                // may get to the queued messages (and find them over the limit) only after the publishing has ended
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (receivers > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                    receivers = Long.parseLong(admin.call("PUBLISH", "flood", "x").substring(1));
                }
                assertEquals("the subscriber is gone on port " + port, 0, receivers);
                assertEquals("+PONG", admin.call("PING"));
                InputStream in = subscriber.getInputStream();
                subscriber.setSoTimeout(5000);
                byte[] drain = new byte[65536];
                long read = 0;
                int n;
                try {
                    while ((n = in.read(drain)) > 0) {
                        read += n;
                    }
                } catch (java.net.SocketException reset) {
                    // closed by the server with data unread: a reset
                }
                assertTrue("the server closed the subscriber on port " + port + " after " + read + " bytes", read < 400L * 64 * 1024);
                admin.call("CONFIG", "SET", "client-output-buffer-limit", "pubsub 32mb 8mb 60");
            }
        }
    }

    /** A client whose unfinished command passes client-query-buffer-limit is closed; the others go on. */
    @Test
    public void aCommandPastTheQueryBufferLimitClosesItsClient() throws Exception {
        for (int port : new int[] {redis.port, larder.respPort}) {
            try (RespClient admin = new RespClient(port); Socket client = new Socket("127.0.0.1", port)) {
                assertEquals("+OK", admin.call("CONFIG", "SET", "client-query-buffer-limit", "1mb"));
                OutputStream out = client.getOutputStream();
                out.write("*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$3000000\r\n".getBytes(StandardCharsets.US_ASCII));
                byte[] chunk = new byte[64 * 1024];
                java.util.Arrays.fill(chunk, (byte) 'x');
                boolean closed = false;
                try {
                    for (int i = 0; i < 40; i++) {
                        out.write(chunk);
                        out.flush();
                    }
                } catch (java.net.SocketException reset) {
                    closed = true;
                }
                client.setSoTimeout(5000);
                try {
                    closed |= client.getInputStream().read() < 0;
                } catch (java.net.SocketException reset) {
                    closed = true;
                }
                assertTrue("port " + port + " closed the client", closed);
                assertEquals("+PONG", admin.call("PING"));
                assertEquals("$nil", admin.call("GET", "big"));
                assertEquals("+OK", admin.call("CONFIG", "SET", "client-query-buffer-limit", "1gb"));
            }
        }
    }

    @Test
    public void persistenceAndClientControlCommandsAnswerAsRedis() throws Exception {
        Differential.assertSameReplies(larder.respPort, redis.port, lines("ROLE", "SAVE", "BGSAVE x", "LASTSAVE x", "ROLE x",
                "CLIENT PAUSE abc", "CLIENT PAUSE -1", "CLIENT PAUSE 10 BOGUS", "CLIENT PAUSE", "CLIENT UNBLOCK abc",
                "CLIENT UNBLOCK 99 BOGUS", "CLIENT UNPAUSE x", "CLIENT UNBLOCK 99 error", "CLIENT UNBLOCK 99", "CLIENT UNPAUSE",
                "MEMORY PURGE", "MEMORY NOSUCH", "MEMORY USAGE nosuch", "CLIENT PAUSE 1 WRITE", "CLIENT UNPAUSE"),
                (command, reply) -> command[0].equals("LASTSAVE") && reply.startsWith(":") ? ":N" : reply);
        for (int port : new int[] {redis.port, larder.respPort}) {
            try (RespClient client = new RespClient(port)) {
                assertTrue(client.call("LASTSAVE").startsWith(":"));
                assertEquals("+Background saving started", client.call("BGSAVE"));
                Thread.sleep(500);
                long lastSave = Long.parseLong(client.call("LASTSAVE").substring(1));
                assertTrue("port " + port, Math.abs(lastSave - System.currentTimeMillis() / 1000) < 5);
            }
        }
    }

    /** CLIENT PAUSE WRITE holds writes back until it ends and lets reads through; CLIENT UNBLOCK ends a blocked pop. */
    @Test
    public void pausedWritesWaitAndUnblockEndsAWait() throws Exception {
        assertEquals(pauseAndUnblock(redis.port), pauseAndUnblock(larder.respPort));
    }

    private static String pauseAndUnblock(int port) throws Exception {
        List<String> seen = new ArrayList<>();
        try (RespClient admin = new RespClient(port); RespClient writer = new RespClient(port); RespClient reader = new RespClient(port)) {
            admin.call("DEL", "paused", "never");
            assertEquals("+OK", admin.call("CLIENT", "PAUSE", "700", "WRITE"));
            long began = System.nanoTime();
            writer.send("SET", "paused", "1");
            seen.add("read during pause: " + reader.call("GET", "paused"));
            seen.add("write during pause: " + (writer.readWithin(300) == null ? "waits" : "answered"));
            seen.add("write after pause: " + writer.read());
            long waited = (System.nanoTime() - began) / 1_000_000;
            seen.add(waited >= 500 && waited < 5000 ? "held about 0.7 s" : "held " + waited + " ms");
            assertEquals("+OK", admin.call("CLIENT", "PAUSE", "5000", "WRITE"));
            writer.send("SET", "paused", "2");
            Thread.sleep(100);
            assertEquals("+OK", admin.call("CLIENT", "UNPAUSE"));
            seen.add("after unpause: " + writer.read() + " " + reader.call("GET", "paused"));
            long id = Long.parseLong(writer.call("CLIENT", "ID").substring(1));
            writer.send("BLPOP", "never", "0");
            Thread.sleep(100);
            seen.add("unblock: " + admin.call("CLIENT", "UNBLOCK", Long.toString(id)) + " -> " + writer.read());
            writer.send("BLPOP", "never", "0");
            Thread.sleep(100);
            seen.add("unblock with error: " + admin.call("CLIENT", "UNBLOCK", Long.toString(id), "ERROR") + " -> " + writer.read());
            seen.add("not blocked: " + admin.call("CLIENT", "UNBLOCK", Long.toString(id)));
        }
        return String.join("\n", seen);
    }

    /**
     * redis-py (Debian's python3-redis) reads what tools and suites read first: INFO parsed field by field
     * (cluster_enabled, blocked_clients, commandstats, latencystats), CONFIG GET/SET, MEMORY STATS, ROLE,
     * LASTSAVE, CLIENT PAUSE/UNPAUSE and OBJECT — the same answers from both servers.
     */
    @Test
    public void redisPyReadsInfoAndSettingsAsFromRedis() throws Exception {
        String script = String.join("\n",
                "import redis, sys",
                "r = redis.Redis(port=int(sys.argv[1]))",
                "r.flushall()",
                "r.config_resetstat()",
                "r.set('k', 'v'); r.get('k'); r.hset('h', 'f', '1')",
                "info = r.info('everything')",
                "shown = []",
                "for field in ['cluster_enabled', 'blocked_clients', 'connected_slaves', 'aof_rewrite_in_progress', 'loading', 'role',",
                "              'maxmemory_policy', 'rdb_bgsave_in_progress']:",
                "    shown.append('%s=%s' % (field, info[field]))",
                "shown.append('cmdstat_get calls=%s' % info['cmdstat_get']['calls'])",
                "shown.append('latency fields=%s' % sorted(info['latency_percentiles_usec_get'].keys()))",
                "shown.append('db0 keys=%s' % info['db0']['keys'])",
                "shown.append('config set=%s' % r.config_set('maxmemory-policy', 'allkeys-lru'))",
                "shown.append('config get=%s' % sorted(r.config_get('maxmemory-p*').items()))",
                "r.config_set('maxmemory-policy', 'noeviction')",
                "shown.append('memory stats keys=%s' % r.memory_stats()['keys.count'])",
                "shown.append('role=%s' % r.role())",
                "shown.append('lastsave type=%s' % type(r.lastsave()).__name__)",
                "shown.append('pause=%s unpause=%s' % (r.client_pause(10), r.client_unpause()))",
                "shown.append('encoding=%s' % r.object('encoding', 'h'))",
                "print('\\n'.join(shown))");
        assertEquals(python(script, redis.port), python(script, larder.respPort));
    }

    private static String python(String script, int port) throws Exception {
        return ServerProcesses.run(List.of("/usr/bin/python3", "-c", script, Integer.toString(port)), 60);
    }

    /** The field's value in an INFO reply. */
    private static long infoField(int port, String section, String field) throws Exception {
        for (String line : info(port, section).split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1));
            }
        }
        throw new AssertionError(field + " not in INFO " + section);
    }

    /** A memory limit of about 1 MB for keys: on redis-server above what it uses empty, on Larder for the database's keys. */
    private static void limitMemory(RespClient client, int port, String policy) throws Exception {
        client.call("FLUSHALL");
        client.call("CONFIG", "RESETSTAT");
        long base = port == redis.port ? infoField(port, "memory", "used_memory") : 0;
        assertEquals("+OK", client.call("CONFIG", "SET", "maxmemory", Long.toString(base + 1024 * 1024), "maxmemory-policy", policy));
    }

    private static void unlimitMemory(RespClient client) throws Exception {
        assertEquals("+OK", client.call("CONFIG", "SET", "maxmemory", "0", "maxmemory-policy", "noeviction"));
        client.call("FLUSHALL");
    }

    /** The other policies: allkeys-random evicts any key; volatile-random and volatile-lfu only keys with a time to live. */
    @Test
    public void randomAndVolatilePoliciesEvictWhatTheyMay() throws Exception {
        String value = "v".repeat(1000);
        for (int port : new int[] {redis.port, larder.respPort}) {
            try (RespClient client = new RespClient(port)) {
                for (String policy : List.of("allkeys-random", "volatile-random", "volatile-lfu")) {
                    limitMemory(client, port, policy);
                    boolean volatileOnly = policy.startsWith("volatile");
                    for (int i = 0; i < 100; i++) {
                        client.call("SET", "plain" + i, value);
                    }
                    for (int i = 0; i < 2500; i++) {
                        String reply = client.call("SET", "expiring" + i, value, "EX", "100000");
                        assertEquals(policy + " on port " + port, "+OK", reply);
                        if (i % 250 == 0) {
                            Thread.sleep(120);
                        }
                    }
                    Thread.sleep(300);
                    assertTrue(policy + " on port " + port, infoField(port, "stats", "evicted_keys") > 500);
                    int plainLeft = 0;
                    for (int i = 0; i < 100; i++) {
                        plainLeft += client.call("EXISTS", "plain" + i).equals(":1") ? 1 : 0;
                    }
                    if (volatileOnly) {
                        assertEquals(policy + " keeps keys without a time to live, port " + port, 100, plainLeft);
                    } else {
                        assertTrue(policy + " evicts those too, port " + port + ": " + plainLeft, plainLeft < 100);
                    }
                }
                unlimitMemory(client);
            }
        }
    }

    /**
     * noeviction refuses writes with Redis's -OOM once over maxmemory; reads and deletes go on. That is
     * Larder's behaviour for a memory-only database (as redis-server here, which persists nothing); for a
     * stored one maxmemory without a policy is the hot-set budget (LargerThanMemoryIT).
     */
    @Test
    public void noevictionRefusesWritesOverMaxmemory() throws Exception {
        String value = "v".repeat(1000);
        for (int port : new int[] {redis.port, larder.respPort}) {
            try (RespClient client = new RespClient(port)) {
                if (port == larder.respPort) {
                    assertEquals("+OK", client.call("CONFIG", "SET", "appendonly", "no", "save", ""));
                }
                limitMemory(client, port, "noeviction");
                String refused = null;
                int written = 0;
                for (; written < 5000 && refused == null; written++) {
                    String reply = client.call("SET", "k" + written, value);
                    if (reply.startsWith("-")) {
                        refused = reply;
                    }
                    if (written % 200 == 0) {
                        Thread.sleep(150); // Larder measures every 100 ms
                    }
                }
                assertEquals("port " + port, "-OOM command not allowed when used memory > 'maxmemory'.", refused);
                assertTrue("port " + port + " took " + written, written > 300 && written < 3000);
                assertEquals("$" + value, client.call("GET", "k1"));
                assertEquals(":1", client.call("DEL", "k1"));
                assertEquals(0, infoField(port, "stats", "evicted_keys"));
                unlimitMemory(client);
                if (port == larder.respPort) {
                    assertEquals("+OK", client.call("CONFIG", "SET", "appendonly", "yes"));
                }
            }
        }
    }

    /**
     * allkeys-lru and allkeys-lfu keep the keys that are read while evicting the others; volatile-ttl and
     * volatile-lru evict only keys with a time to live, and refuse writes once none is left.
     */
    @Test
    public void evictionPoliciesEvictAsRedisDoes() throws Exception {
        String value = "v".repeat(1000);
        for (int port : new int[] {redis.port, larder.respPort}) {
            try (RespClient client = new RespClient(port)) {
                for (String policy : List.of("allkeys-lru", "allkeys-lfu")) {
                    limitMemory(client, port, policy);
                    client.call("CONFIG", "SET", "maxmemory-samples", "10");
                    for (int i = 0; i < 20; i++) {
                        client.call("SET", "hot" + i, value);
                    }
                    // Redis's LRU clock ticks once a second: the read keys are read again in each new second
                    for (int batch = 0; batch < 6; batch++) {
                        Thread.sleep(1100);
                        for (int h = 0; h < 20; h++) {
                            client.call("GET", "hot" + h);
                        }
                        for (int i = 0; i < 300; i++) {
                            assertEquals("+OK", client.call("SET", "cold" + batch + "-" + i, value));
                        }
                    }
                    Thread.sleep(300);
                    int hotLeft = 0;
                    for (int h = 0; h < 20; h++) {
                        hotLeft += client.call("EXISTS", "hot" + h).equals(":1") ? 1 : 0;
                    }
                    long keys = Long.parseLong(client.call("DBSIZE").substring(1));
                    assertTrue(policy + " on port " + port + ": " + keys + " keys", keys < 1500);
                    assertTrue(policy + " on port " + port + ": evicted", infoField(port, "stats", "evicted_keys") > 300);
                    assertTrue(policy + " on port " + port + ": " + hotLeft + " of 20 read keys kept", hotLeft >= 16);
                    if (policy.equals("allkeys-lfu")) {
                        assertTrue(client.call("OBJECT", "FREQ", "hot0").startsWith(":"));
                    }
                    client.call("CONFIG", "SET", "maxmemory-samples", "5");
                }
                limitMemory(client, port, "volatile-ttl");
                for (int i = 0; i < 200; i++) {
                    client.call("SET", "kept" + i, value);
                }
                for (int i = 0; i < 4000; i++) {
                    String reply = client.call("SET", "ttl" + i, value, "EX", Integer.toString(100_000 - i));
                    if (reply.startsWith("-")) {
                        break;
                    }
                    if (i % 200 == 0) {
                        Thread.sleep(120);
                    }
                }
                Thread.sleep(300);
                for (int i = 0; i < 200; i++) {
                    assertEquals("volatile-ttl keeps keys without a time to live, port " + port, ":1", client.call("EXISTS", "kept" + i));
                }
                assertTrue(infoField(port, "stats", "evicted_keys") > 100);
                limitMemory(client, port, "volatile-lru");
                String refused = null;
                for (int i = 0; i < 5000 && refused == null; i++) {
                    String reply = client.call("SET", "plain" + i, value);
                    refused = reply.startsWith("-") ? reply : null;
                    if (i % 200 == 0) {
                        Thread.sleep(120);
                    }
                }
                assertEquals("volatile-lru with no volatile keys, port " + port, "-OOM command not allowed when used memory > 'maxmemory'.",
                        refused);
                unlimitMemory(client);
            }
        }
    }
}
