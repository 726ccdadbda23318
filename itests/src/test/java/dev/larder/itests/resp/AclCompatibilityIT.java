package dev.larder.itests.resp;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.After;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * ACL against redis-server 7.0: SETUSER's rule language and its errors, GETUSER, LIST, USERS, CAT,
 * DRYRUN, LOG, GENPASS and DELUSER reply for reply; AUTH as an ACL user and the NOPERM and WRONGPASS
 * answers of its commands, keys and channels (scripts and MULTI/EXEC included); connections closed when
 * their user goes. Then Jedis as an ACL user, a REST request with an ACL user's REST token, and users
 * kept across a restart.
 */
public class AclCompatibilityIT {

    private static final int PORT_BASE = 49500;
    private static final int REDIS_PORT = 49599;
    private static final int REST_PORT = PORT_BASE + 60;
    private static ServerProcesses.Larder larder;
    private static ServerProcesses.Redis redis;
    private static ServerProcesses.Pair servers;

    @BeforeClass
    public static void startServers() throws Exception {
        servers = ServerProcesses.Pair.start("acl-it", PORT_BASE, REDIS_PORT, larder -> { });
        larder = servers.larder;
        redis = servers.redis;
    }

    @AfterClass
    public static void stopServers() throws Exception {
        if (servers != null) {
            servers.close();
        }
    }

    /** Every test leaves the servers with the default user only, and an empty ACL LOG. */
    @After
    public void removeUsers() throws Exception {
        for (int port : new int[] {larder.respPort, redis.port}) {
            try (RespClient client = new RespClient(port)) {
                for (String user : Differential.elements(client.call("ACL", "USERS"))) {
                    if (!user.equals("$default")) {
                        client.call("ACL", "DELUSER", user.substring(1));
                    }
                }
                client.call("ACL", "LOG", "RESET");
            }
        }
    }

    private static String[] words(String line) {
        return line.split(" ");
    }

    private static List<String[]> lines(String... lines) {
        List<String[]> commands = new ArrayList<>();
        for (String line : lines) {
            commands.add(words(line));
        }
        return commands;
    }

    /** A run of single-command rules ("+get +set", not "+@read") in a rule list; ends before a separator. */
    private static final Pattern SINGLES = Pattern.compile("[+-][^@\\s,\\])][^\\s,\\])]*(?: [+-][^@\\s,\\])][^\\s,\\])]*)*");

    /**
     * What can be compared: GENPASS's length (its value is random), ACL CAT's commands in order, the single
     * commands that ACL LIST and GETUSER list after the categories in order (Redis lists both in its hash
     * table's order, which changes with every start), HELLO without the client id, and of ACL LOG entries
     * the count, reason, context, object and user (age and client-info differ).
     */
    private static final BiFunction<String[], String, String> COMPARABLE = (command, reply) -> {
        String line = String.join(" ", command).toUpperCase(java.util.Locale.ROOT);
        if (line.startsWith("ACL LIST") || line.startsWith("ACL GETUSER")) {
            Matcher singles = SINGLES.matcher(reply);
            StringBuilder sorted = new StringBuilder();
            while (singles.find()) {
                singles.appendReplacement(sorted, Matcher.quoteReplacement(String.join(" ", new TreeSet<>(List.of(singles.group().split(" "))))));
            }
            return singles.appendTail(sorted).toString();
        }
        if (line.startsWith("HELLO")) {
            return reply.replaceAll("\\$id, :\\d+", "\\$id, :N");
        }
        if (line.startsWith("ACL GENPASS") && reply.startsWith("$")) {
            return "$<" + (reply.length() - 1) + " characters>";
        }
        if (line.startsWith("ACL CAT ") && reply.startsWith("*")) {
            return new TreeSet<>(Differential.elements(reply)).toString();
        }
        if (line.startsWith("ACL LOG") && reply.startsWith("*")) {
            List<String> entries = new ArrayList<>();
            for (String entry : Differential.elements(reply)) {
                List<String> fields = Differential.elements(entry);
                Map<String, String> kept = new LinkedHashMap<>();
                for (int i = 0; i + 1 < fields.size(); i += 2) {
                    if (!fields.get(i).equals("$age-seconds") && !fields.get(i).equals("$client-info")) {
                        kept.put(fields.get(i), fields.get(i + 1));
                    }
                }
                entries.add(kept.toString());
            }
            return entries.toString();
        }
        return reply;
    };

    @Test
    public void aclCommandsAnswerAsRedis() throws Exception {
        List<String[]> commands = lines("ACL LIST", "ACL USERS", "ACL WHOAMI", "ACL SETUSER bob", "ACL LIST", "ACL GETUSER bob",
                "ACL GETUSER default", "ACL SETUSER alice on >pw ~k* %R~r* &ch* +get +config|get -@admin (+set ~s*)", "ACL LIST",
                "ACL GETUSER alice", "ACL SETUSER alice %W~w* -get", "ACL GETUSER alice", "ACL SETUSER u1 +foo", "ACL SETUSER u1 +get|x",
                "ACL SETUSER u1 +config|nosuch", "ACL SETUSER u1 -select|0", "ACL SETUSER u1 +config|get|x", "ACL SETUSER u1 +@nosuch",
                "ACL SETUSER u1 ~* ~a", "ACL SETUSER u1 allkeys ~a", "ACL SETUSER u1 &* &a", "ACL SETUSER u1 <nopw",
                "ACL SETUSER u1 #abc", "ACL SETUSER u1 !abc", "ACL SETUSER u1 bogus", "ACL SETUSER u1 (~a", "ACL SETUSER u1 (+get ~a) )",
                "ACL SETUSER u1 (+foo)", "ACL SETUSER u1 (on)", "ACL SETUSER u1 %X~a", "ACL SETUSER u1 %~a",
                "ACL SETUSER u1 %RW~a %WR~b %W~c %R~d ~e", "ACL GETUSER u1", "ACL SETUSER u1 +select|0 +select|1 +debug|object",
                "ACL GETUSER u1", "ACL SETUSER u2 on >pw nopass", "ACL GETUSER u2", "ACL SETUSER u2 >pw2", "ACL LIST",
                "ACL SETUSER u2 resetpass", "ACL SETUSER u2 reset", "ACL LIST",
                "ACL SETUSER u2 allkeys allchannels allcommands on nopass (+get ~x) (+set %W~y &c)", "ACL LIST", "ACL GETUSER u2",
                "ACL SETUSER u2 clearselectors resetkeys resetchannels nocommands", "ACL GETUSER u2",
                "ACL SETUSER u2 on >a >a >b <a !3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d", "ACL GETUSER u2",
                "ACL SETUSER u2 #2E7D2C03A9507AE265ECF5B5356885A53393A2029D241394997265A1A25AEFC6", "ACL SETUSER u2 ON OFF AllKeys",
                "ACL SETUSER u2 skip-sanitize-payload", "ACL LIST", "ACL SETUSER u3 +@all -@all +@read +@all -get",
                "ACL SETUSER u4 -@all +@read -@hyperloglog", "ACL SETUSER u5 +@all -@dangerous", "ACL SETUSER u6 +@all -@admin +config|get",
                "ACL SETUSER u7 +@all -@write", "ACL SETUSER u8 -@all +@string", "ACL SETUSER u9 -@all +@hash +@list -hset",
                "ACL SETUSER u10 +@all -client|kill", "ACL SETUSER u11 +client|id", "ACL SETUSER u12 %RW~* %R %R~* & &a",
                "ACL LIST", "ACL GETUSER u9", "ACL SETUSER", "ACL SETUSER a:b reset", "ACL GETUSER a:b", "ACL GETUSER nosuch",
                "ACL GETUSER default x", "ACL DELUSER default", "ACL DELUSER nosuch u1 u3", "ACL USERS", "ACL WHOAMI x", "ACL nosuch",
                "ACL GENPASS", "ACL GENPASS 5", "ACL GENPASS 4096", "ACL GENPASS 0", "ACL GENPASS 4097", "ACL GENPASS x",
                "ACL DRYRUN nosuch get a", "ACL DRYRUN default nosuch", "ACL DRYRUN default get", "ACL DRYRUN default get a",
                "ACL DRYRUN alice get x", "ACL DRYRUN alice set s1 v", "ACL DRYRUN alice del k", "ACL DRYRUN alice config set a b",
                "ACL DRYRUN alice config get a", "ACL DRYRUN alice config nosuch", "ACL DRYRUN alice Config Get x", "ACL LOG x",
                "ACL LOG -1", "ACL LOG", "ACL LOG RESET", "ACL CAT nosuch", "ACL CAT a b", "ACL CAT", "ACL CAT Geo", "ACL CAT set",
                "ACL CAT sortedset", "ACL CAT list", "ACL CAT string", "ACL CAT bitmap", "ACL CAT pubsub", "ACL CAT blocking",
                "ACL CAT transaction", "ACL CAT scripting");
        commands.add(new String[] {"ACL", "SETUSER", "a b"});
        commands.add(new String[] {"ACL", "SETUSER", "u13", "(", "+get", "~a", ")"});
        commands.add(new String[] {"ACL", "SETUSER", "u13", "(+set", "~b)", "~c"});
        commands.add(new String[] {"ACL", "GETUSER", "u13"});
        commands.add(new String[] {"HELLO", "3"});
        commands.add(new String[] {"ACL", "GETUSER", "alice"});
        commands.add(new String[] {"ACL", "GETUSER", "u2"});
        Differential.assertSameReplies(larder.respPort, redis.port, commands, COMPARABLE);
    }

    /** Steps on named connections, each the connection's name then the command; the same on both servers. */
    private static void assertSameSteps(List<String[]> steps) throws Exception {
        Map<String, RespClient> ours = new LinkedHashMap<>();
        Map<String, RespClient> theirs = new LinkedHashMap<>();
        List<String> differences = new ArrayList<>();
        try {
            for (String[] step : steps) {
                String name = step[0];
                String[] command = java.util.Arrays.copyOfRange(step, 1, step.length);
                String expected;
                String actual;
                if (command[0].equals("READ")) {
                    expected = theirs.get(name).readWithin(2000);
                    actual = ours.get(name).readWithin(2000);
                } else {
                    expected = COMPARABLE.apply(command, client(theirs, name, redis.port).call(command));
                    actual = COMPARABLE.apply(command, client(ours, name, larder.respPort).call(command));
                }
                if (!String.valueOf(expected).equals(String.valueOf(actual))) {
                    differences.add(name + ": " + String.join(" ", command) + "\n    redis:  " + expected + "\n    larder: " + actual);
                }
            }
        } finally {
            for (RespClient client : ours.values()) {
                client.close();
            }
            for (RespClient client : theirs.values()) {
                client.close();
            }
        }
        assertTrue(differences.size() + " of " + steps.size() + " replies differ:\n" + String.join("\n", differences),
                differences.isEmpty());
    }

    private static RespClient client(Map<String, RespClient> clients, String name, int port) throws Exception {
        RespClient client = clients.get(name);
        if (client == null) {
            client = new RespClient(port);
            clients.put(name, client);
        }
        return client;
    }

    private static String[] step(String connection, String... command) {
        String[] step = new String[command.length + 1];
        step[0] = connection;
        System.arraycopy(command, 0, step, 1, command.length);
        return step;
    }

    private static List<String[]> steps(String connection, String... lines) {
        List<String[]> steps = new ArrayList<>();
        for (String line : lines) {
            steps.add(step(connection, words(line)));
        }
        return steps;
    }

    @Test
    public void aclUsersAreRefusedAsInRedis() throws Exception {
        List<String[]> steps = new ArrayList<>();
        steps.addAll(steps("admin", "FLUSHALL",
                "ACL SETUSER al on >pw ~k* %R~r* %W~w* &ch* +get +set +publish +subscribe +psubscribe +eval +evalsha +config|get "
                        + "+multi +exec +lmove +client|id +mget +acl|whoami +ping",
                "ACL SETUSER off1 off >pw +@all", "ACL SETUSER sel on >pw +get ~a (+set ~b) (+publish &c)"));
        steps.addAll(steps("c", "AUTH al bad", "AUTH nosuch pw", "AUTH off1 pw", "AUTH bad", "HELLO 3 AUTH al bad", "AUTH al pw",
                "ACL WHOAMI", "GET k1", "GET x", "GET r1", "SET r1 v", "SET w1 v", "GET w1", "SET k1 v", "DEL k1", "MGET k1 x r1 y",
                "PUBLISH ch1 m", "PUBLISH x m", "CONFIG GET maxmemory", "CONFIG SET maxmemory 0", "CLIENT INFO",
                "LMOVE r1 k2 LEFT RIGHT", "PING", "ACL LOG", "ACL DRYRUN al get x"));
        steps.add(step("c", "EVAL", "return redis.call('get','x')", "0"));
        steps.add(step("c", "EVAL", "return redis.call('del','k1')", "0"));
        steps.add(step("c", "EVAL", "return redis.call('get',KEYS[1])", "1", "x"));
        steps.add(step("c", "EVAL", "return redis.call('publish','x','m')", "0"));
        steps.add(step("c", "EVAL", "return redis.pcall('del','k1')", "0"));
        steps.addAll(steps("c", "MULTI", "GET x", "DEL k", "GET k1", "EXEC"));
        steps.addAll(steps("s", "AUTH sel pw", "GET a", "SET b 1", "PUBLISH c m", "SET a 1", "GET b", "DEL a", "PUBLISH d m"));
        steps.addAll(steps("p", "AUTH al pw", "PSUBSCRIBE ch1*", "SUBSCRIBE ch1 x", "PSUBSCRIBE ch*"));
        steps.addAll(steps("m", "AUTH al pw", "MULTI", "SET k1 1", "PUBLISH ch1 m"));
        steps.addAll(steps("admin", "ACL SETUSER al -set resetchannels"));
        steps.addAll(steps("m", "EXEC"));
        steps.addAll(steps("admin", "ACL SETUSER al &ch*", "ACL LOG 50", "ACL LOG 3", "ACL SETUSER al -get"));
        steps.addAll(steps("c", "GET k1", "ACL WHOAMI", "AUTH default anything", "ACL WHOAMI", "GET x"));
        steps.addAll(steps("h", "AUTH al pw", "ACL WHOAMI", "RESET", "ACL WHOAMI", "GET x"));
        assertSameSteps(steps);
    }

    @Test
    public void connectionsCloseWhenTheirUserGoesOrLosesItsChannels() throws Exception {
        List<String[]> steps = new ArrayList<>();
        steps.addAll(steps("admin", "ACL SETUSER m1 on >p ~* &* +@all", "ACL SETUSER self on >p ~* +@all"));
        steps.addAll(steps("sub", "AUTH m1 p", "SUBSCRIBE c"));
        steps.addAll(steps("other", "AUTH m1 p", "SUBSCRIBE d", "PSUBSCRIBE e*"));
        steps.addAll(steps("admin", "ACL SETUSER m1 resetchannels &d &e*"));
        steps.addAll(steps("sub", "READ"));
        steps.addAll(steps("admin", "PUBLISH d kept"));
        steps.addAll(steps("other", "READ", "READ"));
        steps.addAll(steps("cmd", "AUTH m1 p", "PING"));
        steps.addAll(steps("admin", "ACL DELUSER m1"));
        steps.addAll(steps("cmd", "READ"));
        steps.addAll(steps("me", "AUTH self p", "ACL DELUSER self", "READ"));
        assertSameSteps(steps);
    }

    @Test
    public void jedisAuthenticatesAsAnAclUser() throws Exception {
        try (RespClient admin = new RespClient(larder.respPort)) {
            assertEquals("+OK", admin.call("ACL", "SETUSER", "jedis", "on", ">s3cret", "~app:*", "+@read", "+@write", "-flushall",
                    "+ping", "+hello", "+client|setname", "+select"));
        }
        for (RedisProtocol protocol : List.of(RedisProtocol.RESP2, RedisProtocol.RESP3)) {
            try (Jedis jedis = new Jedis(new HostAndPort("127.0.0.1", larder.respPort),
                    DefaultJedisClientConfig.builder().user("jedis").password("s3cret").protocol(protocol).build())) {
                assertEquals("OK", jedis.set("app:greeting", "hello " + protocol));
                assertEquals("hello " + protocol, jedis.get("app:greeting"));
                JedisDataException key = assertThrows(JedisDataException.class, () -> jedis.get("other"));
                assertEquals("NOPERM this user has no permissions to access one of the keys used as arguments", key.getMessage());
                JedisDataException command = assertThrows(JedisDataException.class, jedis::flushAll);
                assertEquals("NOPERM this user has no permissions to run the 'flushall' command", command.getMessage());
            }
        }
        JedisDataException wrong = assertThrows(JedisDataException.class, () -> {
            try (Jedis jedis = new Jedis(new HostAndPort("127.0.0.1", larder.respPort),
                    DefaultJedisClientConfig.builder().user("jedis").password("wrong").build())) {
                jedis.ping();
            }
        });
        assertTrue(wrong.getMessage(), wrong.getMessage().contains("WRONGPASS invalid username-password pair or user is disabled."));
    }

    private static HttpResponse<String> rest(String path, String token) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + REST_PORT + path))
                .header("Authorization", "Bearer " + token).GET().build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void assertAnswer(HttpResponse<String> answer, int status, String body) {
        assertEquals(answer.body(), status, answer.statusCode());
        assertEquals(body, answer.body());
    }

    @Test
    public void anAclUsersRestTokenOpensTheUserOverRest() throws Exception {
        String token;
        try (RespClient admin = new RespClient(larder.respPort)) {
            assertEquals("+OK", admin.call("ACL", "SETUSER", "web", "on", ">webpw", "~web:*", "+get", "+set", "+acl|whoami"));
            assertEquals("-ERR Wrong password or user \"web\" does not exist", admin.call("ACL", "RESTTOKEN", "web", "bad"));
            token = admin.call("ACL", "RESTTOKEN", "web", "webpw").substring(1);
            assertEquals("$" + token, admin.call("ACL", "RESTTOKEN", "web", "webpw"));
        }
        assertAnswer(rest("/set/web:a/1", token), 200, "{\"result\":\"OK\"}");
        assertAnswer(rest("/get/web:a", token), 200, "{\"result\":\"1\"}");
        assertAnswer(rest("/acl/whoami", token), 200, "{\"result\":\"web\"}");
        assertAnswer(rest("/get/other", token), 400,
                "{\"error\":\"NOPERM this user has no permissions to access one of the keys used as arguments\"}");
        assertAnswer(rest("/del/web:a", token), 400, "{\"error\":\"NOPERM this user has no permissions to run the 'del' command\"}");
        assertAnswer(rest("/get/web:a", token.substring(0, token.length() - 2) + "xx"), 401,
                "{\"error\":\"WRONGPASS invalid or missing auth token\"}");
        try (RespClient admin = new RespClient(larder.respPort)) {
            assertEquals("+OK", admin.call("ACL", "SETUSER", "web", "off"));
            assertAnswer(rest("/get/web:a", token), 401, "{\"error\":\"WRONGPASS invalid or missing auth token\"}");
            assertEquals("+OK", admin.call("ACL", "SETUSER", "web", "on", "resetpass", ">changed"));
            assertAnswer(rest("/get/web:a", token), 401, "{\"error\":\"WRONGPASS invalid or missing auth token\"}");
            assertEquals("+OK", admin.call("ACL", "SETUSER", "web", ">webpw"));
            assertAnswer(rest("/get/web:a", token), 200, "{\"result\":\"1\"}");
            assertEquals(":1", admin.call("ACL", "DELUSER", "web"));
            assertAnswer(rest("/get/web:a", token), 401, "{\"error\":\"WRONGPASS invalid or missing auth token\"}");
            admin.call("DEL", "web:a");
        }
    }

    @Test
    public void usersAreKeptInTheGridAcrossARestart() throws Exception {
        String list;
        String token;
        try (RespClient admin = new RespClient(larder.respPort)) {
            assertEquals("+OK", admin.call("ACL", "SETUSER", "kept", "on", ">pw", "~kept:*", "&news", "+@read", "-@hyperloglog",
                    "(+set %W~w:*)"));
            assertEquals("+OK", admin.call("ACL", "SETUSER", "gone", "on", "nopass"));
            assertEquals(":1", admin.call("ACL", "DELUSER", "gone"));
            assertEquals("+OK", admin.call("ACL", "SAVE"));
            list = admin.call("ACL", "LIST");
            token = admin.call("ACL", "RESTTOKEN", "kept", "pw").substring(1);
            assertEquals("+OK", admin.call("SET", "kept:a", "v"));
        }
        larder.stop();
        larder.start();
        try (RespClient admin = new RespClient(larder.respPort); RespClient kept = new RespClient(larder.respPort)) {
            assertEquals(list, admin.call("ACL", "LIST"));
            assertEquals("+OK", kept.call("AUTH", "kept", "pw"));
            assertEquals("$v", kept.call("GET", "kept:a"));
            // the root selector may not SET, the other may but not kept:a: the key is what Redis reports
            assertEquals("-NOPERM this user has no permissions to access one of the keys used as arguments", kept.call("SET", "kept:a", "w"));
            assertEquals("+OK", kept.call("SET", "w:a", "w"));
            assertAnswer(rest("/get/kept:a", token), 200, "{\"result\":\"v\"}");
            // ACL LOAD reads the stored users back; users changed since are as they were stored (every change is stored)
            assertEquals("+OK", admin.call("ACL", "LOAD"));
            assertEquals(list, admin.call("ACL", "LIST"));
            assertEquals("$v", kept.call("GET", "kept:a"));
            assertNotEquals("EOF", kept.call("PING"));
            admin.call("DEL", "kept:a", "w:a");
        }
    }
}
