package dev.larder.itests.resp;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Transactions (MULTI/EXEC/WATCH), Lua scripts and functions against redis-server 7: fixed and random
 * cases reply for reply; then what needs concurrency (atomicity across shards, SCRIPT KILL and BUSY),
 * functions surviving a restart.
 */
public class ScriptingCompatibilityIT {

    private static final int PORT_BASE = 49100;
    private static final int REDIS_PORT = 49199;
    private static ServerProcesses.Larder larder;
    private static ServerProcesses.Redis redis;
    private static ServerProcesses.Pair servers;

    @BeforeClass
    public static void startServers() throws Exception {
        servers = ServerProcesses.Pair.start("scripting-compatibility-it", PORT_BASE, REDIS_PORT, larder -> { });
        larder = servers.larder;
        redis = servers.redis;
    }

    @AfterClass
    public static void stopServers() throws Exception {
        if (servers != null) {
            servers.close();
        }
    }

    /** HELLO's connection id and the addresses Lua prints for tables differ between two servers. */
    private static final BiFunction<String[], String, String> IDS = (command, reply) ->
            reply.replaceAll("\\$id, :\\d+", "\\$id, :N").replaceAll("(table|function): 0x[0-9a-f]+", "$1: ADDRESS");

    private static List<String[]> lines(String... lines) {
        List<String[]> commands = new ArrayList<>();
        for (String line : lines) {
            commands.add(line.split(" "));
        }
        return commands;
    }

    private static void assertSameReplies(List<String[]> commands) throws Exception {
        Differential.assertSameReplies(larder.respPort, redis.port, commands, IDS);
    }

    @Test
    public void transactionsAnswerAsRedisAnswers() throws Exception {
        assertSameReplies(lines(
                "MULTI", "MULTI", "WATCH x", "SET a 1", "EXEC",
                "MULTI", "NOSUCH", "SET a", "EXEC", "EXEC", "DISCARD",
                "MULTI", "SET a 1", "INCR x", "LPUSH a 1", "BLPOP nolist 0", "BRPOP nolist 1", "EXEC",
                "MULTI", "EXEC", "WATCH", "UNWATCH",
                "MULTI", "SET a 1", "DISCARD", "GET a",
                "MULTI", "SELECT 1", "SET q 1", "EXEC", "GET q", "SELECT 0", "GET q",
                "WATCH w", "SET w 1", "MULTI", "SET a 2", "EXEC", "GET a",
                "WATCH w", "MULTI", "SET a 3", "EXEC", "GET a",
                "WATCH w2", "MULTI", "SET a 4", "RESET", "EXEC", "GET a",
                "WATCH a", "MULTI", "INCR a", "DEL a", "EXEC",
                "WATCH nokey", "SET other 1", "MULTI", "GET nokey", "EXEC",
                "MULTI", "SET a 1", "HELLO 3", "EXEC", "HELLO 2",
                "MULTI", "EVAL return 1 0", "SCRIPT LOAD return", "EXEC",
                "MULTI", "SET s 1", "SADD s x", "INCR s", "EXEC", "GET s"));
    }

    /** Runs the same steps against both servers with two clients each; the replies must match. */
    private interface TwoClients {
        List<String> run(RespClient first, RespClient second) throws Exception;
    }

    private static void assertSameOnBoth(TwoClients steps) throws Exception {
        List<String> expected;
        List<String> actual;
        try (RespClient first = new RespClient(redis.port); RespClient second = new RespClient(redis.port)) {
            first.call("FLUSHALL");
            expected = steps.run(first, second);
        }
        try (RespClient first = new RespClient(larder.respPort); RespClient second = new RespClient(larder.respPort)) {
            first.call("FLUSHALL");
            actual = steps.run(first, second);
        }
        assertEquals(expected, actual);
    }

    @Test
    public void watchedKeysTouchedByAnyoneFailExec() throws Exception {
        // another client's write, delete, expiry change, FLUSHDB, SWAPDB; a key that expires; an untouched key
        for (String touch : List.of("SET k v2", "DEL k", "EXPIRE k 100", "PERSIST k", "FLUSHDB", "SWAPDB 0 1", "APPEND k x",
                "SET other 1", "GET k", "FLUSHALL")) {
            assertSameOnBoth((a, b) -> {
                List<String> replies = new ArrayList<>();
                replies.add(a.call("SET", "k", "v", "EX", "1000"));
                replies.add(a.call("WATCH", "k"));
                replies.add(b.call(touch.split(" ")));
                replies.add(a.call("MULTI"));
                replies.add(a.call("SET", "k", "mine"));
                replies.add(a.call("EXEC"));
                replies.add(a.call("GET", "k"));
                return replies;
            });
        }
        assertSameOnBoth((a, b) -> {
            List<String> replies = new ArrayList<>();
            replies.add(a.call("SET", "k", "v", "PX", "100"));
            replies.add(a.call("WATCH", "k"));
            Thread.sleep(300);
            replies.add(a.call("MULTI"));
            replies.add(a.call("SET", "other", "1"));
            replies.add(a.call("EXEC"));
            return replies;
        });
        assertSameOnBoth((a, b) -> {
            // a key already expired at WATCH is no change when it goes
            List<String> replies = new ArrayList<>();
            replies.add(a.call("SET", "k", "v", "PX", "50"));
            Thread.sleep(150);
            replies.add(a.call("WATCH", "k"));
            replies.add(b.call("GET", "k"));
            replies.add(a.call("MULTI"));
            replies.add(a.call("SET", "other", "1"));
            replies.add(a.call("EXEC"));
            return replies;
        });
    }

    /** Random transactions over strings, lists and hashes, some watched and touched, some with errors. */
    @Test
    public void randomTransactionsGetTheSameReplies() throws Exception {
        assertSameReplies(Differential.randomCommands(20261127L, 3000, random -> {
            String key = "k" + random.nextInt(6);
            String[][] choices = {
                    {"MULTI"}, {"MULTI"}, {"EXEC"}, {"EXEC"}, {"DISCARD"}, {"WATCH", key}, {"UNWATCH"},
                    {"SET", key, String.valueOf(random.nextInt(100))}, {"INCR", key}, {"INCRBY", key, "x"}, {"GET", key},
                    {"LPUSH", key, "a"}, {"RPOP", key}, {"LRANGE", key, "0", "-1"}, {"HSET", key, "f", "1"}, {"HGETALL", key},
                    {"DEL", key}, {"EXPIRE", key, "100"}, {"TTL", key}, {"NOSUCH"}, {"SET", key}, {"MGET", key, "k1", "k2"},
                    {"EVAL", "return redis.call('INCR', KEYS[1])", "1", key}};
            return choices[random.nextInt(choices.length)];
        }));
    }

    @Test
    public void transactionsAreAtomicAcrossShards() throws Exception {
        // two keys in different shards: every transfer moves one unit from one to the other
        try (RespClient setup = new RespClient(larder.respPort)) {
            setup.call("MSET", "account:a", "1000", "account:b", "1000");
        }
        ExecutorService threads = Executors.newFixedThreadPool(5);
        AtomicReference<String> broken = new AtomicReference<>();
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            boolean byScript = t % 2 == 0;
            running.add(threads.submit(() -> {
                try (RespClient client = new RespClient(larder.respPort)) {
                    for (int i = 0; i < 400; i++) {
                        if (byScript) {
                            // the keys are not declared: the script locks the second shard on the way
                            client.call("EVAL", "redis.call('DECR', 'account:a') return redis.call('INCR', 'account:b')", "0");
                        } else {
                            client.call("MULTI");
                            client.call("INCR", "account:a");
                            client.call("DECR", "account:b");
                            client.call("EXEC");
                        }
                    }
                }
                return null;
            }));
        }
        running.add(threads.submit(() -> {
            try (RespClient reader = new RespClient(larder.respPort)) {
                for (int i = 0; i < 400; i++) {
                    String sum = i % 2 == 0
                            ? reader.call("EVAL", "return redis.call('GET', KEYS[1]) + redis.call('GET', KEYS[2])", "2", "account:a", "account:b")
                            : reader.call("MGET", "account:a", "account:b");
                    if (!sum.equals(":2000") && !sum.startsWith("*")) {
                        broken.set("a script saw a half-done transfer: " + sum);
                    }
                    if (sum.startsWith("*")) {
                        List<String> values = Differential.elements(sum);
                        int total = Integer.parseInt(values.get(0).substring(1)) + Integer.parseInt(values.get(1).substring(1));
                        if (total != 2000) {
                            broken.set("MGET saw a half-done transfer: " + sum);
                        }
                    }
                }
            }
            return null;
        }));
        for (Future<?> future : running) {
            future.get(120, TimeUnit.SECONDS);
        }
        threads.shutdown();
        assertEquals(null, broken.get());
        try (RespClient check = new RespClient(larder.respPort)) {
            assertEquals("*[$1000, $1000]", check.call("MGET", "account:a", "account:b"));
        }
    }

    @Test
    public void scriptsAnswerAsRedisAnswers() throws Exception {
        List<String[]> commands = new ArrayList<>();
        for (String script : List.of(
                "x = 1", "return y", "return redis.call('incr','a','b')", "return redis.call('nosuch')",
                "return redis.call('multi')", "return redis.pcall('incr','a','b')", "return {1,2,3.5,'x',{ok='s'},false,true,nil,5}",
                "return redis.error_reply('My err')", "return redis.error_reply('-My err')", "return {err='x y'}", "error('boom')",
                "\n\nerror({err='boom2'})", "return os.time()", "return io", "return debug", "return require", "return print",
                "return redis.call()", "return unpack({1,2})", "return redis.call('set',KEYS[1],ARGV[1])",
                "return redis.call('get',KEYS[1])", "return redis.call('lpush',KEYS[1],'x')",
                "return tostring(1e15)..' '..tostring(0.1)..' '..tostring(1/0)..' '..tostring(2^53)..' '..tostring(-0.5)",
                "return redis.sha1hex('')", "return redis.sha1hex('abc')",
                "return bit.tohex(65535)..' '..bit.band(-1,255)..' '..bit.lshift(1,31)..' '..bit.bxor(5,3)..' '..bit.tohex(-1,-4)..' '..bit.arshift(-256,4)",
                "return cjson.encode({1,2,3,'a/b'})", "return cjson.encode({a={b={c=1}}})", "return cjson.encode('\"\\n\\t')",
                "return cjson.encode(cjson.decode('[1,2.5,\"a\",null,true,{\"k\":[]}]'))",
                "return cjson.decode('{\"a\":[1,2,{\"b\":false}]}').a[3].b == false", "return cjson.encode({[1]=1,[5]=5})",
                "return struct.pack('>I2', 258)", "return {struct.unpack('>I2i4', struct.pack('>I2i4', 258, -5))}",
                "return {struct.unpack('<hBs', struct.pack('<hBs', -2, 255, 'hi'))}", "return struct.size('>iIhd')",
                "return cmsgpack.pack({1,2,'a'})", "return {cmsgpack.unpack(cmsgpack.pack({1,2,'a'}, 3.5, -1, 70000, true))}",
                "return cmsgpack.pack({a=1})", "return redis.call('set', 'n', 10/3)", "return redis.call('get', 'n')",
                "string.x = 1", "redis.call = nil", "table.insert(_G, 1)", "setmetatable(_G, nil)",
                "return string.format('%5.2f|%d|%s|%g|%x|%5s|%-5d|%q', 2.5, 3, 'x', 0.1, 255, 'ab', 7, 'a\"b')",
                "return loadstring('return 1+1')()", "return loadstring(string.dump(function() return 1 end))",
                "return redis.call('hgetall','nokey')", "return redis.call('get','nokey')", "return tostring(redis.call('get','nokey'))",
                "return 3.99", "return -3.99", "return {1, {2, {3, 'x'}}, {}}",
                "redis.setresp(3); return redis.call('hgetall','nokey')", "redis.setresp(3); return redis.call('get','nokey') == nil",
                "redis.setresp(4)", "return redis.status_reply('FINE')", "return table.getn({1,2,3}) .. math.mod(7,3) .. _VERSION",
                "return getmetatable('').__index == string", "return rawget(_G, 'KEYS') ~= nil", "return string.rep('x', 3)",
                "return redis.call('ping')", "return redis.call('blpop','nolist', 0)", "return redis.call('lpop', 'nolist')",
                "return redis.call('set', 'k', {})", "return redis.call('set', 'k', true)", "return redis.pcall('set', 'k', nil)",
                "return redis.log(redis.LOG_WARNING, 'from a script')", "return redis.log(9, 'x')", "return redis.replicate_commands()",
                "return pcall(error, 'caught')", "return select('#', 1, 2, 3)", "return type(coroutine)",
                "redis.call('hset', 'h', 'a', '1', 'b', '2') return redis.call('hgetall', 'h')",
                "redis.call('zadd', 'z', 1.5, 'a', 2, 'b') return redis.call('zrange', 'z', 0, -1, 'withscores')",
                "return redis.call('zincrby', 'z', 0.25, 'a')", "return redis.call('incrbyfloat', 'f', '1.5')",
                "return #KEYS + #ARGV * 10")) {
            commands.add(new String[] {"EVAL", script, "1", "key", "arg"});
        }
        commands.addAll(lines("EVAL return 1 -1", "EVAL return 1 2 a", "EVAL return 1 x", "EVALSHA ffffffffffffffffffffffffffffffffffffffff 0",
                "EVALSHA abc 0", "SCRIPT LOAD return", "SCRIPT LOAD return 'loaded'", "EVALSHA 0a1ff6bfa4a8cd5d5bbd9c2e2ff5d0e67d0a7e26 0",
                "EVALSHA 0A1FF6BFA4A8CD5D5BBD9C2E2FF5D0E67D0A7E26 0", "SCRIPT EXISTS 0a1ff6bfa4a8cd5d5bbd9c2e2ff5d0e67d0a7e26 ffff",
                "SCRIPT FLUSH", "SCRIPT EXISTS 0a1ff6bfa4a8cd5d5bbd9c2e2ff5d0e67d0a7e26", "SCRIPT FLUSH ASYNC", "SCRIPT FLUSH x",
                "SCRIPT KILL", "SCRIPT NOSUCH", "SCRIPT", "EVAL_RO return 1 0"));
        commands.add(new String[] {"EVAL_RO", "return redis.call('set','a','b')", "1", "a"});
        commands.add(new String[] {"EVAL", "#!lua flags=no-writes\nreturn redis.call('set','a','b')", "1", "a"});
        commands.add(new String[] {"EVAL", "#!lua flags=no-writes,allow-stale\nreturn redis.call('get','a')", "1", "a"});
        commands.add(new String[] {"EVAL", "#!lua flags=bogus\nreturn 1", "0"});
        commands.add(new String[] {"EVAL", "#!lua name=x\nreturn 1", "0"});
        commands.add(new String[] {"EVAL", "#!foo\nreturn 1", "0"});
        commands.add(new String[] {"EVAL", "#!LUA\nreturn 1", "0"});
        // RESP3 clients get RESP3 types from a script's result
        commands.addAll(lines("HELLO 3"));
        for (String script : List.of("return {double=3.5}", "return {map={a=1}}", "return {set={a=true}}", "return true", "return false",
                "return nil", "redis.setresp(3) return redis.call('hgetall', 'h')", "redis.setresp(3) return true",
                "redis.setresp(3) return redis.call('zscore', 'z', 'a')")) {
            commands.add(new String[] {"EVAL", script, "0"});
        }
        assertSameReplies(commands);
    }

    /** Random scripts: each runs a few random commands with redis.pcall and returns every reply in a table. */
    @Test
    public void randomScriptsGetTheSameReplies() throws Exception {
        assertSameReplies(Differential.randomCommands(20261127L, 800, random -> {
            StringBuilder script = new StringBuilder("local r = {}\n");
            int calls = 1 + random.nextInt(4);
            for (int i = 0; i < calls; i++) {
                script.append("r[#r + 1] = ").append(randomCall(random)).append('\n');
            }
            String[] returns = {"return r", "return r[1]", "return #r", "return {r[1], 1.75, 'text', {ok='OK'}}",
                    "return type(r[1]) .. tostring(r[1])", "return cjson.encode(r[1])"};
            script.append(returns[random.nextInt(returns.length)]);
            return new String[] {"EVAL", script.toString(), "2", "k" + random.nextInt(4), "k" + random.nextInt(4), "v" + random.nextInt(3)};
        }));
    }

    private static String randomCall(Random random) {
        String key = random.nextBoolean() ? "KEYS[1]" : "KEYS[2]";
        String[] calls = {
                "redis.pcall('SET', %s, ARGV[1])", "redis.pcall('GET', %s)", "redis.pcall('INCR', %s)", "redis.pcall('INCRBYFLOAT', %s, 0.5)",
                "redis.pcall('DEL', %s)", "redis.pcall('EXISTS', %s)", "redis.pcall('LPUSH', %s, 'a', 'b')", "redis.pcall('LRANGE', %s, 0, -1)",
                "redis.pcall('HSET', %s, 'f', 1.5)", "redis.pcall('HGETALL', %s)", "redis.pcall('HINCRBY', %s, 'f', 2)",
                "redis.pcall('ZADD', %s, 2.5, 'm')", "redis.pcall('ZRANGE', %s, 0, -1, 'WITHSCORES')", "redis.pcall('ZSCORE', %s, 'm')",
                "redis.pcall('TYPE', %s)", "redis.pcall('EXPIRE', %s, 100)", "redis.pcall('TTL', %s)", "redis.pcall('STRLEN', %s)",
                "redis.pcall('SADD', %s, 'x')", "redis.pcall('SCARD', %s)", "redis.pcall('GETDEL', %s)", "redis.pcall('PING')",
                "redis.pcall('XADD', %s, '1-1', 'f', 'v')", "redis.pcall('XRANGE', %s, '-', '+')"};
        return String.format(calls[random.nextInt(calls.length)], key);
    }

    @Test
    public void functionsAnswerAsRedisAnswers() throws Exception {
        String library = "#!lua name=mylib\n"
                + "local function my_set(keys, args) return redis.call('SET', keys[1], args[1]) end\n"
                + "local function my_get(keys, args) return redis.call('GET', keys[1]) end\n"
                + "redis.register_function('my_set', my_set)\n"
                + "redis.register_function{function_name='my_get', callback=my_get, flags={'no-writes'}, description='gets'}";
        List<String[]> commands = new ArrayList<>(lines("FUNCTION FLUSH"));
        commands.add(new String[] {"FUNCTION", "LOAD", library});
        commands.addAll(lines("FCALL my_set 1 fk hello", "FCALL_RO my_get 1 fk", "FCALL_RO my_set 1 fk x", "FCALL nosuch 0",
                "FCALL my_get -1", "FCALL my_get 5 a"));
        for (String code : List.of("#!lua name=mylib\nredis.register_function('x', function() return 1 end)", "return 1", "#!lua\nreturn 1",
                "#!lua name=bad-name\nreturn 1", "#!lua name=l2\nredis.register_function('my_get', function() return 1 end)",
                "#!lua name=l3\nreturn 1", "#!lua name=l4\nredis.call('ping')",
                "#!lua name=l5\nredis.register_function('bad-f', function() return 1 end)",
                "#!lua name=l6\nredis.register_function{function_name='f6', callback=function() return 1 end, flags={'bogus'}}",
                "#!lua name=l7\nredis.register_function('f7', function(keys, args) return {#keys, #args, keys[1], args[1]} end)",
                "#!lua name=l8\nredis.register_function('f8', function(keys, args) error('oops') end)",
                "#!lua name=l9\nredis.register_function('f9', function(keys, args) return type(KEYS) end)",
                "#!LUA name=l10\nredis.register_function('f10', function() return 10 end)", "#!Lua name=l11\nreturn 1",
                "#!luajit name=l12\nreturn 1")) {
            commands.add(new String[] {"FUNCTION", "LOAD", code});
        }
        commands.addAll(lines("FCALL f7 1 a b", "FCALL f8 0", "FCALL f9 0", "FUNCTION LIST LIBRARYNAME my*", "FUNCTION LIST WITHCODE LIBRARYNAME mylib",
                "FUNCTION DELETE nolib", "FUNCTION DELETE l8", "FCALL f8 0", "FUNCTION STATS", "FUNCTION KILL", "FUNCTION RESTORE bad",
                "FUNCTION NOSUCH", "FUNCTION FLUSH x"));
        commands.add(new String[] {"FUNCTION", "LOAD", "REPLACE", "#!lua name=l7\nredis.register_function('f7', function() return 'new' end)"});
        commands.addAll(lines("FCALL f7 0", "HELLO 3", "FUNCTION LIST LIBRARYNAME l7", "HELLO 2"));
        Differential.assertSameReplies(larder.respPort, redis.port, commands, (command, reply) ->
                command[0].equals("FUNCTION") && command[1].equals("LIST") ? functionsSorted(reply) : IDS.apply(command, reply));
        // DUMP's payload restores on both servers alike, with each policy (one library: the order of several is Redis's hash order)
        try (RespClient ours = new RespClient(larder.respPort); RespClient theirs = new RespClient(redis.port)) {
            for (RespClient client : List.of(ours, theirs)) {
                client.call("FUNCTION", "FLUSH");
                client.call("FUNCTION", "LOAD", library);
            }
            List<String> expected = restoreSteps(theirs);
            assertEquals(expected, restoreSteps(ours));
        }
    }

    /** FUNCTION LIST with each library's functions sorted: Redis lists them in its (randomly seeded) hash order. */
    private static String functionsSorted(String reply) {
        List<String> libraries = new ArrayList<>();
        for (String library : Differential.elements(reply)) {
            List<String> fields = Differential.elements(library);
            int functions = fields.indexOf("$functions") + 1;
            if (functions > 0) {
                List<String> sorted = Differential.elements(fields.get(functions));
                sorted.sort(null);
                fields.set(functions, "*" + sorted);
            }
            libraries.add(library.charAt(0) + fields.toString());
        }
        return reply.charAt(0) + libraries.toString();
    }

    /** FUNCTION DUMP, then RESTORE with each policy (the payload goes back as the bytes it came as). */
    private static List<String> restoreSteps(RespClient client) throws Exception {
        client.send("FUNCTION", "DUMP");
        byte[] payload = client.readBulkBytes();
        List<String> replies = new ArrayList<>();
        replies.add(client.callBytes("FUNCTION".getBytes(), "RESTORE".getBytes(), payload));
        replies.add(client.call("FUNCTION", "FLUSH"));
        replies.add(client.callBytes("FUNCTION".getBytes(), "RESTORE".getBytes(), payload));
        replies.add(client.callBytes("FUNCTION".getBytes(), "RESTORE".getBytes(), payload, "REPLACE".getBytes()));
        replies.add(client.callBytes("FUNCTION".getBytes(), "RESTORE".getBytes(), payload, "FLUSH".getBytes()));
        replies.add(client.callBytes("FUNCTION".getBytes(), "RESTORE".getBytes(), payload, "BAD".getBytes()));
        replies.add(client.call("FCALL", "my_get", "1", "fk"));
        return replies;
    }

    @Test
    public void longScriptsAnswerBusyAndCanBeKilled() throws Exception {
        try (RespClient runner = new RespClient(larder.respPort); RespClient other = new RespClient(larder.respPort)) {
            try {
                busyAndKill(runner, other);
            } finally {
                other.call("SCRIPT", "KILL"); // a failed step must not leave a script looping for the other tests
                other.call("CONFIG", "SET", "lua-time-limit", "5000");
            }
        }
    }

    private static void busyAndKill(RespClient runner, RespClient other) throws Exception {
        other.call("CONFIG", "SET", "lua-time-limit", "200");
        // a script that loops holds its key's shard: others wait, then get BUSY; keys elsewhere are served
        runner.send("EVAL", "local i = 0 while true do i = i + 1 end", "1", "busy:key");
        Thread.sleep(100);
        assertEquals("-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.",
                other.call("SET", "busy:key", "x"));
        assertEquals("$nil", other.call("GET", "{elsewhere}"));
        assertEquals("-NOTBUSY No scripts in execution right now.", other.call("FUNCTION", "KILL"));
        assertEquals("+OK", other.call("SCRIPT", "KILL"));
        String killed = runner.read();
        assertTrue(killed, killed.startsWith("-ERR Script killed by user with SCRIPT KILL... script: "));
        assertEquals("+PONG", runner.call("PING"));
        // once it wrote, it cannot be killed; it ends by itself here (TIME bounds it)
        runner.send("EVAL", "redis.call('SET', KEYS[1], 'w') local t = redis.call('TIME')[1] "
                + "while tonumber(redis.call('TIME')[1]) - t < 2 do end return 'done'", "1", "busy:key");
        Thread.sleep(300);
        assertTrue(other.call("SCRIPT", "KILL").startsWith("-UNKILLABLE"));
        assertEquals("$done", runner.read());
        assertEquals("$w", other.call("GET", "busy:key"));
        other.call("CONFIG", "SET", "lua-time-limit", "5000");
        assertEquals("-NOTBUSY No scripts in execution right now.", other.call("SCRIPT", "KILL"));
    }

    @Test
    public void functionsSurviveARestart() throws Exception {
        try (RespClient client = new RespClient(larder.respPort)) {
            client.call("FUNCTION", "FLUSH");
            assertEquals("$kept", client.call("FUNCTION", "LOAD", "#!lua name=kept\nredis.register_function('still_here', function() return 'yes' end)"));
        }
        larder.stop();
        larder.start();
        try (RespClient client = new RespClient(larder.respPort)) {
            assertEquals("$yes", client.call("FCALL", "still_here", "0"));
            assertEquals("+OK", client.call("FUNCTION", "DELETE", "kept"));
        }
    }
}
