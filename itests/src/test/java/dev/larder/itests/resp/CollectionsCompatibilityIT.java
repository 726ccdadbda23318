package dev.larder.itests.resp;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.Consumer;
import io.lettuce.core.GeoArgs;
import io.lettuce.core.GeoSearch;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

/**
 * Hashes, lists, sets and sorted sets against redis-server 7: random command sequences and fixed error
 * cases, reply for reply (orders Redis leaves open are sorted before comparing), RESP3 reply shapes,
 * and collections surviving a restart and a kill -9.
 */
public class CollectionsCompatibilityIT {

    private static final int PORT_BASE = 49000;
    private static final int REDIS_PORT = 49099;
    private static ServerProcesses.Larder larder;
    private static ServerProcesses.Redis redis;
    private static ServerProcesses.Pair servers;

    @BeforeClass
    public static void startServers() throws Exception {
        servers = ServerProcesses.Pair.start("collections-compatibility-it", PORT_BASE, REDIS_PORT, larder -> larder.engineSettings("gridWriteIntervalMillis=1000\n"));
        larder = servers.larder;
        redis = servers.redis;
    }

    @AfterClass
    public static void stopServers() throws Exception {
        if (servers != null) {
            servers.close();
        }
    }

    /** Commands whose array reply has no defined order. */
    private static final Set<String> UNORDERED = Set.of("smembers", "sunion", "sinter", "sdiff", "hkeys", "hvals", "spop");
    private static final Set<String> RANDOM = Set.of("srandmember", "hrandfield", "zrandmember");

    /** Makes replies comparable where Redis leaves the order open or picks at random. */
    static String normalize(String[] command, String reply) {
        String name = command[0].toLowerCase(Locale.ROOT);
        if (reply.startsWith("-") || reply.equals("*nil") || reply.equals("$nil")) {
            return reply;
        }
        if (name.equals("hello")) {
            return reply.replaceAll("\\$id, :\\d+", "\\$id, :N");
        }
        if (RANDOM.contains(name)) {
            if (command.length == 2) {
                return reply.startsWith("$") ? "$member" : reply;
            }
            boolean repeats = command[2].startsWith("-");
            boolean withValues = command.length > 3;
            List<String> elements = Differential.elements(reply);
            if (repeats) {
                return reply.charAt(0) + "len=" + elements.size();
            }
            return reply.charAt(0) + sorted(elements, withValues && !elements.isEmpty() && !elements.get(0).startsWith("*") ? 2 : 1);
        }
        if (UNORDERED.contains(name)) {
            return reply.charAt(0) + sorted(Differential.elements(reply), 1);
        }
        if (name.equals("hgetall")) {
            return reply.charAt(0) + sorted(Differential.elements(reply), 2);
        }
        if (name.endsWith("scan")) {
            List<String> parts = Differential.elements(reply);
            return "*[" + parts.get(0) + ", " + sorted(Differential.elements(parts.get(1)), name.equals("sscan") ? 1 : 2) + "]";
        }
        return reply;
    }

    /** Elements sorted in groups of {@code width} (field and value stay together). */
    private static String sorted(List<String> elements, int width) {
        List<String> groups = new ArrayList<>();
        for (int i = 0; i + width <= elements.size(); i += width) {
            groups.add(String.join(", ", elements.subList(i, i + width)));
        }
        groups.sort(null);
        return groups.toString();
    }

    private static void assertSameReplies(List<String[]> commands) throws Exception {
        assertSameReplies(false, commands);
    }

    /** With {@code resp3}, both connections switch to RESP3 first. */
    private static void assertSameReplies(boolean resp3, List<String[]> commands) throws Exception {
        if (resp3) {
            List<String[]> withHello = new ArrayList<>();
            withHello.add(new String[] {"HELLO", "3"});
            withHello.addAll(commands);
            commands = withHello;
        }
        Differential.assertSameReplies(larder.respPort, redis.port, commands, CollectionsCompatibilityIT::normalize);
    }

    @Test
    public void randomCommandSequencesGetTheSameReplies() throws Exception {
        assertSameReplies(Differential.randomCommands(20261128L, 6000, CollectionsCompatibilityIT::randomCommand));
    }

    @Test
    public void errorsAreWordedAsRedisWordsThem() throws Exception {
        List<String[]> cases = new ArrayList<>();
        for (String line : List.of(
                "SET str x", "HSET h a 1", "RPUSH l a b c", "SADD s a b", "ZADD z 1 a 2 b",
                "HSET h a", "HSET h a 1 b", "HMSET h a", "HGET str a", "HINCRBY h a x", "HSET h t text", "HINCRBY h t 1",
                "HSET h big 9223372036854775807", "HINCRBY h big 1", "HINCRBYFLOAT h t 1", "HINCRBYFLOAT h a inf", "HINCRBYFLOAT h a x",
                "HRANDFIELD h 1 WITHVALUES x", "HRANDFIELD h x", "HRANDFIELD h 1 x", "HSCAN h x", "HSCAN h 0 COUNT 0", "HSCAN h 0 MATCH",
                "LPUSH str a", "LPOP l x", "LPOP l -1", "LPOP l 1 2", "LINDEX l x", "LSET nolist 0 a", "LSET l 9 a", "LRANGE l a 1",
                "LINSERT l MIDDLE a b", "LINSERT l BEFORE zz b", "LPOS l a RANK 0", "LPOS l a COUNT -1", "LPOS l a MAXLEN -1",
                "LPOS l a RANK", "LPOS l a FOO 1", "LMOVE l l2 UP LEFT", "LMPOP 0 l LEFT", "LMPOP 1 l", "LMPOP 1 l LEFT COUNT 0",
                "LMPOP 2 l LEFT", "LMPOP x l LEFT", "LMPOP 1 l LEFT COUNT 1 COUNT 2", "LREM l x a", "LTRIM l a 1", "RPOPLPUSH l str",
                "SADD str a", "SPOP s -1", "SPOP s 1 2", "SRANDMEMBER s 1 2", "SMOVE s str a", "SMOVE str s a", "SINTERCARD 0 s",
                "SINTERCARD 3 s", "SINTERCARD 1 s LIMIT -1", "SINTERCARD 1 s FOO", "SINTERCARD x s", "SINTER s str", "SUNIONSTORE d s str",
                "SSCAN s 0 COUNT x",
                "ZADD z", "ZADD z 1", "ZADD z x a", "ZADD z NX XX 1 a", "ZADD z GT LT 1 a", "ZADD z NX GT 1 a", "ZADD z INCR 1 a 2 b",
                "ZADD z XX INCR 5 nosuch", "ZADD z INCR -inf a", "ZADD z INCR +inf a", "ZINCRBY z x a", "ZADD str 1 a",
                "ZRANGE z 0 -1 LIMIT 0 1", "ZRANGE z a b BYLEX WITHSCORES", "ZRANGE z x 1", "ZRANGE z a b BYSCORE", "ZRANGE z 0 1 REV REV",
                "ZRANGE z [a [b BYLEX BYSCORE", "ZRANGEBYSCORE z 1 2 BYLEX", "ZRANGEBYLEX z a b", "ZRANGEBYLEX z [a [b WITHSCORES",
                "ZREVRANGE z 0 1 LIMIT 0 1", "ZRANGE z (1 +inf BYSCORE LIMIT x 1", "ZRANGESTORE d z 0 -1 WITHSCORES",
                "ZCOUNT z x 1", "ZLEXCOUNT z a b", "ZREMRANGEBYRANK z x 1", "ZREMRANGEBYSCORE z x 1", "ZREMRANGEBYLEX z a b",
                "ZPOPMIN z -1", "ZPOPMIN z 1 2", "ZMPOP 0 z MIN", "ZMPOP 1 z", "ZMPOP 1 z MIDDLE", "ZMPOP 1 z MIN COUNT 0",
                "ZUNION 0 z", "ZUNION 2 z", "ZUNION 1 z WEIGHTS x", "ZUNION 1 z AGGREGATE AVG", "ZUNION 1 str", "ZDIFF 1 z WEIGHTS 1",
                "ZINTERSTORE d 1 z WITHSCORES", "ZINTERCARD 0 z", "ZINTERCARD 1 z LIMIT -1", "ZINTERCARD 1 z WITHSCORES",
                "ZUNIONSTORE d 0 z", "ZRANDMEMBER z 1 x", "ZRANDMEMBER z x", "ZSCORE str a", "ZMSCORE nosuch a b", "ZRANK str a",
                "TYPE h", "TYPE l", "TYPE s", "TYPE z", "OBJECT ENCODING h", "OBJECT ENCODING l", "OBJECT ENCODING s", "OBJECT ENCODING z")) {
            cases.add(line.split(" "));
        }
        assertSameReplies(cases);
    }

    @Test
    public void resp3RepliesHaveRedisShapes() throws Exception {
        List<String[]> cases = new ArrayList<>();
        for (String line : List.of(
                "HSET h a 1 b 2", "HGETALL h", "HGETALL nosuch", "HRANDFIELD h 5 WITHVALUES", "HRANDFIELD h -3 WITHVALUES",
                "SADD s 1 2 3", "SMEMBERS s", "SPOP s 0", "SPOP nosuch 2", "SUNION s nosuch", "SRANDMEMBER s 5",
                "ZADD z 1.5 a 2 b 1e30 c", "ZRANGE z 0 -1 WITHSCORES", "ZSCORE z a", "ZMSCORE z a nosuch", "ZINCRBY z 0.1 a",
                "ZPOPMIN z", "ZPOPMAX z 1", "ZPOPMIN nosuch 2", "ZRANDMEMBER z 5 WITHSCORES", "ZUNION 1 z WITHSCORES",
                "ZMPOP 1 z MAX COUNT 2", "ZMPOP 1 z MAX", "LPOP nosuch 2", "RPUSH l a", "LMPOP 1 nosuch LEFT", "ZADD z INCR 1 x",
                "ZADD z XX INCR 1 nosuch", "ZSCAN z 0", "HSCAN h 0")) {
            cases.add(line.split(" "));
        }
        assertSameReplies(true, cases);
    }

    @Test
    public void encodingsConvertAsRedisConvertsThem() throws Exception {
        List<String[]> cases = new ArrayList<>();
        String longValue = "x".repeat(70);
        cases.add(new String[] {"HSET", "h", "f", "short"});
        cases.add(new String[] {"OBJECT", "ENCODING", "h"});
        cases.add(new String[] {"HSET", "h", "g", longValue});
        cases.add(new String[] {"OBJECT", "ENCODING", "h"});
        cases.add(new String[] {"HDEL", "h", "g"});
        cases.add(new String[] {"OBJECT", "ENCODING", "h"});
        List<String> manyFields = new ArrayList<>(List.of("HSET", "h2"));
        List<String> manyInts = new ArrayList<>(List.of("SADD", "s2"));
        List<String> manyMembers = new ArrayList<>(List.of("ZADD", "z2"));
        for (int i = 0; i < 600; i++) {
            manyFields.addAll(List.of("f" + i, "v"));
            manyInts.add(Integer.toString(i));
            manyMembers.addAll(List.of(Integer.toString(i), "m" + i));
        }
        cases.add(new String[] {"SADD", "s1", "1", "2"});
        cases.add(new String[] {"OBJECT", "ENCODING", "s1"});
        cases.add(new String[] {"SADD", "s1", "a"});
        cases.add(new String[] {"OBJECT", "ENCODING", "s1"});
        cases.add(manyFields.toArray(new String[0]));
        cases.add(new String[] {"OBJECT", "ENCODING", "h2"});
        cases.add(manyInts.toArray(new String[0]));
        cases.add(new String[] {"OBJECT", "ENCODING", "s2"});
        cases.add(manyMembers.toArray(new String[0]));
        cases.add(new String[] {"OBJECT", "ENCODING", "z2"});
        cases.add(new String[] {"ZRANGE", "z2", "100", "110", "WITHSCORES"});
        cases.add(new String[] {"ZREVRANGEBYSCORE", "z2", "(500", "480", "LIMIT", "2", "5"});
        cases.add(new String[] {"ZRANK", "z2", "m555"});
        cases.add(new String[] {"ZCOUNT", "z2", "(100", "200"});
        cases.add(new String[] {"ZREMRANGEBYRANK", "z2", "10", "-10"});
        cases.add(new String[] {"ZCARD", "z2"});
        cases.add(new String[] {"ZRANGE", "z2", "0", "-1"});
        cases.add(new String[] {"RPUSH", "l", "a"});
        cases.add(new String[] {"OBJECT", "ENCODING", "l"});
        // exactly at the limits (512 hash fields, 128 sorted-set members): updates keep the small encoding, the next new member converts
        List<String> full = new ArrayList<>(List.of("HSET", "h128"));
        List<String> fullZ = new ArrayList<>(List.of("ZADD", "z128"));
        for (int i = 0; i < 512; i++) {
            full.addAll(List.of("f" + i, "v"));
        }
        for (int i = 0; i < 128; i++) {
            fullZ.addAll(List.of(Integer.toString(i), "m" + i));
        }
        cases.add(full.toArray(new String[0]));
        cases.add(fullZ.toArray(new String[0]));
        for (String line : List.of("OBJECT ENCODING h128", "HSET h128 f0 changed", "OBJECT ENCODING h128", "HSET h128 new v",
                "OBJECT ENCODING h128", "OBJECT ENCODING z128", "ZADD z128 5 m0", "OBJECT ENCODING z128", "ZADD z128 1 new",
                "OBJECT ENCODING z128")) {
            cases.add(line.split(" "));
        }
        assertSameReplies(cases);
    }

    /** Lettuce's typed collection calls over RESP2 and RESP3: what its decoders make of Larder's reply shapes. */
    @Test
    public void lettuceReadsCollectionRepliesOverResp2AndResp3() {
        for (ProtocolVersion protocol : List.of(ProtocolVersion.RESP2, ProtocolVersion.RESP3)) {
            RedisClient client = RedisClient.create(RedisURI.create("redis://127.0.0.1:" + larder.respPort));
            client.setOptions(ClientOptions.builder().protocolVersion(protocol).build());
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                RedisCommands<String, String> redis = connection.sync();
                redis.select(7);
                redis.flushdb();
                redis.hset("h", Map.of("a", "1", "b", "2"));
                assertEquals(Map.of("a", "1", "b", "2"), redis.hgetall("h"));
                redis.zadd("z", 1.5, "x", 2.5, "y");
                assertEquals(List.of(ScoredValue.just(1.5, "x"), ScoredValue.just(2.5, "y")), redis.zrangeWithScores("z", 0, -1));
                assertEquals(ScoredValue.just(1.5, "x"), redis.zpopmin("z"));
                assertEquals(Double.valueOf(2.5), redis.zscore("z", "y"));
                redis.sadd("s", "m1", "m2");
                assertEquals(java.util.Set.of("m1", "m2"), redis.smembers("s"));
                redis.rpush("l", "e1", "e2");
                assertEquals(KeyValue.just("l", "e1"), redis.blpop(1, "l"));
                assertEquals(null, redis.blpop(0.1, "empty"));
                String id = redis.xadd("st", Map.of("f", "v"));
                redis.xgroupCreate(XReadArgs.StreamOffset.from("st", "0"), "g");
                List<StreamMessage<String, String>> read = redis.xreadgroup(Consumer.from("g", "c"),
                        XReadArgs.StreamOffset.lastConsumed("st"));
                assertEquals(1, read.size());
                assertEquals(id, read.get(0).getId());
                assertEquals(Map.of("f", "v"), read.get(0).getBody());
                assertEquals(1L, redis.xpending("st", "g").getCount());
                assertEquals(Long.valueOf(1), redis.xack("st", "g", id));
                redis.geoadd("geo", 13.361389, 38.115556, "Palermo", 15.087269, 37.502669, "Catania");
                assertEquals(166.2742, redis.geodist("geo", "Palermo", "Catania", GeoArgs.Unit.km), 0.0001);
                assertEquals(java.util.Set.of("Palermo", "Catania"), redis.geosearch("geo", GeoSearch.fromMember("Palermo"),
                        GeoSearch.byRadius(200, GeoArgs.Unit.km)));
                assertEquals(Long.valueOf(1), redis.pfadd("hll", "a", "b", "c"));
                assertEquals(Long.valueOf(3), redis.pfcount("hll"));
            } finally {
                client.shutdown();
            }
        }
    }

    /** Hash field times to live (Redis 7.4+, not in the reference server): the engine removes due fields, and the key with the last. */
    @Test
    public void hashFieldsExpireWithoutBeingRead() throws Exception {
        try (Jedis jedis = new Jedis("127.0.0.1", larder.respPort)) {
            jedis.hset("fields", Map.of("a", "1", "b", "2"));
            jedis.sendCommand(Protocol.Command.HPEXPIRE, "fields", "100", "FIELDS", "1", "a");
            jedis.sendCommand(Protocol.Command.HPEXPIRE, "fields", "300", "FIELDS", "1", "b");
            Thread.sleep(250);
            assertEquals(List.of("b"), List.copyOf(jedis.hkeys("fields")));
            long deadline = System.currentTimeMillis() + 3000;
            while (jedis.exists("fields") && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertFalse("the key goes with its last field, unread", jedis.exists("fields"));
        }
    }

    @Test
    public void collectionsSurviveARestartAndAKill() throws Exception {
        try (Jedis jedis = new Jedis("127.0.0.1", larder.respPort)) {
            jedis.select(5);
            jedis.flushDB();
            for (int i = 0; i < 2000; i++) {
                jedis.hset("hash", "f" + i, "v" + i);
                jedis.rpush("list", "e" + i);
                jedis.sadd("set", "m" + i);
                jedis.zadd("zset", i, "m" + i);
            }
            jedis.hset("gone", "f", "v");
            jedis.del("gone");
            for (int i = 1; i <= 300; i++) {
                jedis.sendCommand(Protocol.Command.XADD, "stream", i + "-0", "n", Integer.toString(i));
            }
            jedis.sendCommand(Protocol.Command.XGROUP, "CREATE", "stream", "workers", "0");
            jedis.sendCommand(Protocol.Command.XREADGROUP, "GROUP", "workers", "w1", "COUNT", "5", "STREAMS", "stream", ">");
            jedis.sendCommand(Protocol.Command.XACK, "stream", "workers", "1-0", "2-0");
            jedis.sendCommand(Protocol.Command.XDEL, "stream", "300-0");
            jedis.hset("ttl", Map.of("short", "1", "long", "2"));
            jedis.sendCommand(Protocol.Command.HPEXPIRE, "ttl", "1", "FIELDS", "1", "short");
            jedis.sendCommand(Protocol.Command.HEXPIRE, "ttl", "5000", "FIELDS", "1", "long");
            jedis.lpop("list", 10);
            jedis.zremrangeByRank("zset", 0, 99);
            jedis.expire("set", 5000);
        }
        larder.stop();
        larder.start();
        try (Jedis jedis = new Jedis("127.0.0.1", larder.respPort)) {
            jedis.select(5);
            assertEquals(2000, (long) jedis.hlen("hash"));
            assertEquals("v1999", jedis.hget("hash", "f1999"));
            assertEquals(1990, (long) jedis.llen("list"));
            assertEquals(List.of("e10", "e11"), jedis.lrange("list", 0, 1));
            assertEquals(2000, (long) jedis.scard("set"));
            assertTrue(jedis.ttl("set") > 4000);
            assertEquals(1900, (long) jedis.zcard("zset"));
            assertEquals(0, (long) jedis.zrank("zset", "m100"));
            assertFalse(jedis.exists("gone"));
            assertEquals(299, (long) jedis.xlen("stream"));
            assertEquals("[3, 3-0, 5-0, [[w1, 3]]]", String.valueOf(decode(jedis.sendCommand(Protocol.Command.XPENDING,
                    "stream", "workers"))));
            assertEquals("[[299-0, [n, 299]]]", String.valueOf(decode(jedis.sendCommand(Protocol.Command.XREVRANGE,
                    "stream", "+", "-", "COUNT", "1"))));
            assertEquals(List.of("long"), List.copyOf(jedis.hkeys("ttl")));
            long fieldTtl = (Long) ((List<?>) jedis.sendCommand(Protocol.Command.HTTL, "ttl", "FIELDS", "1", "long")).get(0);
            assertTrue("field TTL " + fieldTtl, fieldTtl > 4000 && fieldTtl <= 5000);
            // after the restart: changes that only the change log has when the process dies
            jedis.hset("hash", Map.of("f0", "changed", "new", "field"));
            jedis.hdel("hash", "f1");
            jedis.lset("list", 0, "first");
            jedis.rpush("list", "last");
            jedis.srem("set", "m0");
            jedis.zadd("zset", -1, "m1999");
            jedis.del("gone2");
            jedis.sendCommand(Protocol.Command.XADD, "stream", "300-1", "n", "after");
            jedis.sendCommand(Protocol.Command.XACK, "stream", "workers", "3-0", "4-0", "5-0");
            Thread.sleep(1500);
        }
        larder.kill9();
        larder.start();
        try (Jedis jedis = new Jedis("127.0.0.1", larder.respPort)) {
            jedis.select(5);
            assertEquals("changed", jedis.hget("hash", "f0"));
            assertEquals("field", jedis.hget("hash", "new"));
            assertEquals(null, jedis.hget("hash", "f1"));
            assertEquals(2000, (long) jedis.hlen("hash"));
            assertEquals("first", jedis.lindex("list", 0));
            assertEquals("last", jedis.lindex("list", -1));
            assertEquals(1991, (long) jedis.llen("list"));
            assertEquals(1999, (long) jedis.scard("set"));
            assertEquals(0, (long) jedis.zrank("zset", "m1999"));
            assertEquals(-1.0, jedis.zscore("zset", "m1999"), 0);
            assertEquals("[[300-1, [n, after]]]", String.valueOf(decode(jedis.sendCommand(Protocol.Command.XRANGE,
                    "stream", "(299-0", "+"))));
            assertEquals(0L, ((List<?>) jedis.sendCommand(Protocol.Command.XPENDING, "stream", "workers")).get(0));
        }
    }

    /**
     * Geo sets: random places around Sicily and near the poles and the date line, then searches of every
     * kind; results in Redis's own order (the cells it visits), distances, hashes and positions as it prints them.
     */
    @Test
    public void geoCommandsGetTheSameReplies() throws Exception {
        Random random = new Random(Long.getLong("larder.differential.seed", 20261129L));
        List<String[]> commands = new ArrayList<>();
        for (String line : List.of(
                "GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania",
                "GEODIST Sicily Palermo Catania", "GEODIST Sicily Palermo Catania km", "GEODIST Sicily Palermo Catania mi",
                "GEODIST Sicily Palermo nosuch", "GEODIST Sicily Palermo Catania parsec", "GEODIST Sicily a b km x",
                "GEORADIUS Sicily 15 37 200 km WITHDIST WITHCOORD", "GEORADIUS Sicily 15 37 200 km WITHDIST WITHHASH ASC",
                "GEOHASH Sicily Palermo Catania nosuch", "GEOPOS Sicily Palermo Catania nosuch", "GEOPOS nosuch a",
                "GEOADD Sicily 200 10 bad", "GEOADD Sicily 10 86 bad", "GEOADD Sicily x 10 bad", "GEOADD Sicily 1 2", "GEOADD Sicily NX XX 1 2 m",
                "GEOADD Sicily CH 13.361389 38.115556 Palermo 13 38 Other", "GEOADD Sicily XX 1 1 new", "GEOADD Sicily NX 2 2 Palermo",
                "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km ASC", "GEOSEARCH Sicily FROMMEMBER Palermo BYBOX 400 400 km DESC WITHDIST",
                "GEOSEARCH Sicily FROMMEMBER nosuch BYRADIUS 1 km", "GEOSEARCH Sicily BYRADIUS 1 km", "GEOSEARCH Sicily FROMLONLAT 1 1",
                "GEOSEARCH Sicily FROMLONLAT 1 1 BYRADIUS -1 km", "GEOSEARCH Sicily FROMLONLAT 1 1 BYRADIUS x km",
                "GEOSEARCH Sicily FROMLONLAT 1 1 BYBOX 1 -1 km", "GEOSEARCH Sicily FROMLONLAT 1 1 BYRADIUS 1 km COUNT 0",
                "GEOSEARCH Sicily FROMLONLAT 1 1 BYRADIUS 1 km ANY", "GEOSEARCH Sicily FROMLONLAT 1 1 FROMMEMBER Palermo BYRADIUS 1 km",
                "GEOSEARCH Sicily FROMLONLAT 1 1 BYRADIUS 1 km STORE x", "GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYRADIUS 200 km WITHDIST",
                "GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYRADIUS 200 km STOREDIST", "ZRANGE dst 0 -1 WITHSCORES",
                "GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYRADIUS 1 m", "EXISTS dst",
                "GEORADIUS Sicily 15 37 200 km STORE dst2", "ZRANGE dst2 0 -1 WITHSCORES", "GEORADIUS_RO Sicily 15 37 200 km STORE dst2",
                "GEORADIUSBYMEMBER Sicily Palermo 100 km", "GEORADIUSBYMEMBER Sicily nosuch 100 km", "GEORADIUSBYMEMBER nosuch x y z",
                "GEORADIUSBYMEMBER_RO Sicily Palermo 300 km WITHCOORD COUNT 1", "GEOSEARCH nosuch FROMLONLAT 1 1 BYRADIUS 1 km",
                "SET str x", "GEOSEARCH str FROMLONLAT 1 1 BYRADIUS 1 km", "GEOADD str 1 1 m")) {
            commands.add(line.split(" "));
        }
        String[] regions = {"13 38", "179.9 0", "-179.9 -1", "10 84.9", "0 0"};
        for (int i = 0; i < 600; i++) {
            String[] center = regions[random.nextInt(regions.length)].split(" ");
            double longitude = Math.max(-180, Math.min(180, Double.parseDouble(center[0]) + random.nextGaussian()));
            double latitude = Math.max(-85.05, Math.min(85.05, Double.parseDouble(center[1]) + random.nextGaussian()));
            String lon = String.format(Locale.ROOT, "%.6f", longitude);
            String lat = String.format(Locale.ROOT, "%.6f", latitude);
            String member = "p" + random.nextInt(120);
            String other = "p" + random.nextInt(120);
            String unit = new String[] {"m", "km", "mi", "ft"}[random.nextInt(4)];
            String size = String.valueOf(random.nextInt(4) == 0 ? random.nextInt(3000) : random.nextInt(400));
            commands.add(switch (random.nextInt(8)) {
                case 0, 1, 2 -> new String[] {"GEOADD", "geo", lon, lat, member};
                case 3 -> new String[] {"GEODIST", "geo", member, other, unit};
                case 4 -> new String[] {random.nextBoolean() ? "GEOHASH" : "GEOPOS", "geo", member, other};
                default -> {
                    List<String> args = new ArrayList<>(List.of("GEOSEARCH", "geo"));
                    if (random.nextBoolean()) {
                        args.addAll(List.of("FROMMEMBER", member));
                    } else {
                        args.addAll(List.of("FROMLONLAT", lon, lat));
                    }
                    if (random.nextBoolean()) {
                        args.addAll(List.of("BYRADIUS", size, "km"));
                    } else {
                        args.addAll(List.of("BYBOX", size, String.valueOf(random.nextInt(500)), "km"));
                    }
                    int order = random.nextInt(3);
                    if (order > 0) {
                        args.add(order == 1 ? "ASC" : "DESC");
                    }
                    if (random.nextInt(3) == 0) {
                        args.addAll(List.of("COUNT", String.valueOf(1 + random.nextInt(5))));
                        if (order == 0 && random.nextBoolean()) {
                            args.add("ANY");
                        }
                    }
                    for (String flag : List.of("WITHDIST", "WITHCOORD", "WITHHASH")) {
                        if (random.nextBoolean()) {
                            args.add(flag);
                        }
                    }
                    yield args.toArray(new String[0]);
                }
            });
        }
        assertSameReplies(commands);
        assertSameReplies(true, List.of("GEOADD g 13.361389 38.115556 Palermo".split(" "), "GEOPOS g Palermo".split(" "),
                "GEOSEARCH g FROMMEMBER Palermo BYRADIUS 1 km WITHCOORD WITHDIST WITHHASH".split(" ")));
    }

    /** Times Redis reports (idle, seen, delivered) and its radix tree's node count, which no other server can match. */
    static String maskTimes(String[] command, String reply) {
        String name = command[0].toLowerCase(Locale.ROOT);
        if (name.equals("xpending")) {
            return reply.replaceAll("(\\*\\[\\$[0-9]+-[0-9]+, \\$[^,\\]]*, ):\\d+", "$1:T");
        }
        if (name.equals("xinfo")) {
            return reply.replaceAll("(\\$(idle|seen-time|radix-tree-nodes), ):\\d+", "$1:T").replaceAll(":\\d{12,}", ":T");
        }
        return normalize(command, reply);
    }

    /** Streams with IDs given (Redis would pick other ones from its own clock), groups, pending entries and claims. */
    @Test
    public void streamCommandsGetTheSameReplies() throws Exception {
        List<String[]> commands = new ArrayList<>();
        for (String line : List.of(
                "XADD s 1-1 a 1", "XADD s 1-1 a 1", "XADD s 0-0 a 1", "XADD s 1-* b 2", "XADD s 2 c 3", "XADD s x a 1", "XADD s 3-1 a",
                "XADD s NOMKSTREAM 4-0 a 1", "XADD nosuch NOMKSTREAM 1-1 a 1", "XADD s MAXLEN -1 5-0 a 1", "XADD s MAXLEN 1 MINID 1 5-0 a 1",
                "XADD s LIMIT 5 5-0 a 1", "XADD s MAXLEN = 10 LIMIT 5 5-0 a 1", "XLEN s", "XLEN nosuch", "XRANGE s - +", "XRANGE s - + COUNT 2",
                "XRANGE s (1-1 +", "XRANGE s - (2-0", "XRANGE s (- +", "XRANGE s 2 2", "XRANGE s - + COUNT 0", "XRANGE s x +",
                "XREVRANGE s + - COUNT 1", "XREVRANGE s 1-2 1-1", "XDEL s 1-2 9-9", "XDEL s x", "XDEL nosuch 1-1", "XLEN s",
                "XTRIM s MAXLEN 1", "XTRIM s", "XTRIM s 5", "XTRIM s MINID ~ 0 LIMIT 1", "XRANGE s - +", "SET str x", "XADD str 1-1 a 1",
                "XRANGE str - +", "XLEN str", "XSETID s 1-1", "XSETID s 99-0 ENTRIESADDED 0", "XSETID s 99-0 ENTRIESADDED 10 MAXDELETEDID 1-1",
                "XSETID nosuch 1-1", "XADD s 98-0 a 1", "XADD s 100-* a 1", "TYPE s", "OBJECT ENCODING s",
                "XGROUP CREATE s g 0", "XGROUP CREATE s g 0", "XGROUP CREATE nosuch g 0", "XGROUP CREATE new g $ MKSTREAM", "XLEN new",
                "XGROUP CREATE s g2 $ ENTRIESREAD -2", "XGROUP SETID s nosuch 0", "XGROUP FOO s g", "XGROUP CREATE s", "XGROUP DESTROY s g9",
                "XGROUP CREATECONSUMER s g c0", "XGROUP CREATECONSUMER s g c0", "XGROUP DELCONSUMER s g c9",
                "XREADGROUP GROUP g c1 STREAMS s >", "XREADGROUP GROUP g c2 STREAMS s >", "XREADGROUP GROUP g c1 STREAMS s 0",
                "XREADGROUP GROUP g c1 COUNT 1 STREAMS s 0", "XREADGROUP GROUP nosuch c1 STREAMS s >", "XREADGROUP GROUP g c1 STREAMS s $",
                "XREADGROUP STREAMS s >", "XREADGROUP GROUP g c1 STREAMS s", "XREAD GROUP g c STREAMS s 0", "XREAD STREAMS s >",
                "XPENDING s g", "XPENDING s g - + 10", "XPENDING s g - + 10 c1", "XPENDING s g IDLE 0 - + 10", "XPENDING s nosuch",
                "XPENDING s g - +", "XINFO GROUPS s", "XINFO CONSUMERS s g", "XINFO STREAM s", "XINFO STREAM s FULL", "XINFO STREAM s FULL COUNT 1",
                "XINFO STREAM nosuch", "XINFO FOO s", "XINFO CONSUMERS s nosuch", "XACK s g 1-1 99-9", "XACK s g x", "XACK s nosuch 1-1",
                "XCLAIM s g c3 0 2-0 100-0", "XCLAIM s g c3 0 2-0 JUSTID", "XCLAIM s g c3 0 2-0 RETRYCOUNT 7", "XCLAIM s g c3 0 98-0 FORCE",
                "XCLAIM s g c3 0 2-0 BOGUS", "XCLAIM s g c3 x 2-0", "XCLAIM nosuch g c 0 1-1", "XPENDING s g - + 10",
                "XAUTOCLAIM s g c4 0 0-0 COUNT 1", "XAUTOCLAIM s g c4 0 0-0", "XAUTOCLAIM s g c4 0 0-0 COUNT 0", "XAUTOCLAIM s g c4 x 0",
                "XDEL s 98-0", "XAUTOCLAIM s g c4 0 0-0 JUSTID", "XINFO GROUPS s", "XGROUP SETID s g 0 ENTRIESREAD 0", "XINFO GROUPS s",
                "XGROUP DELCONSUMER s g c4", "XGROUP DESTROY s g", "XINFO GROUPS s",
                "XREAD COUNT 1 STREAMS s 0", "XREAD STREAMS s nosuch 0 0", "XREAD STREAMS s $", "XREAD STREAMS s", "XREAD COUNT x STREAMS s 0")) {
            commands.add(line.split(" "));
        }
        Random random = new Random(Long.getLong("larder.differential.seed", 20261130L));
        long[] nextMs = {10, 10};
        for (int i = 0; i < 3000; i++) {
            int which = random.nextInt(2);
            String key = random.nextInt(20) == 0 ? "str" : "st" + which;
            String group = "g" + random.nextInt(2);
            String consumer = "c" + random.nextInt(3);
            String someId = random.nextInt(Math.toIntExact(nextMs[which])) + "-" + random.nextInt(2);
            commands.add(switch (random.nextInt(16)) {
                case 0, 1, 2, 3, 4 -> {
                    List<String> args = new ArrayList<>(List.of("XADD", key));
                    if (random.nextInt(6) == 0) {
                        args.addAll(List.of(random.nextBoolean() ? "MAXLEN" : "MINID", random.nextBoolean() ? "~" : "=",
                                random.nextBoolean() ? String.valueOf(random.nextInt(150)) : someId));
                    }
                    nextMs[which] += random.nextInt(3);
                    args.add(random.nextInt(10) == 0 ? someId : random.nextInt(4) == 0 ? nextMs[which] + "-*" : nextMs[which] + "-0");
                    args.addAll(List.of("f", String.valueOf(i)));
                    yield args.toArray(new String[0]);
                }
                case 5 -> new String[] {"XDEL", key, someId, someId};
                case 6 -> new String[] {"XTRIM", key, random.nextBoolean() ? "MAXLEN" : "MINID", random.nextBoolean() ? "~" : "=",
                    random.nextBoolean() ? String.valueOf(random.nextInt(200)) : someId};
                case 7 -> new String[] {random.nextBoolean() ? "XRANGE" : "XREVRANGE", key, "-", "+", "COUNT", String.valueOf(random.nextInt(5))};
                case 8 -> new String[] {"XGROUP", "CREATE", key, group, random.nextBoolean() ? "$" : someId, "MKSTREAM"};
                case 9, 10 -> new String[] {"XREADGROUP", "GROUP", group, consumer, "COUNT", String.valueOf(1 + random.nextInt(4)),
                    "STREAMS", key, random.nextInt(3) == 0 ? "0" : ">"};
                case 11 -> new String[] {"XACK", key, group, someId, someId};
                case 12 -> random.nextBoolean() ? new String[] {"XPENDING", key, group} : new String[] {"XPENDING", key, group, "-", "+", "5"};
                case 13 -> random.nextBoolean() ? new String[] {"XCLAIM", key, group, consumer, "0", someId, "JUSTID"}
                        : new String[] {"XAUTOCLAIM", key, group, consumer, "0", "0-0", "COUNT", "2"};
                case 14 -> new String[] {"XINFO", random.nextBoolean() ? "GROUPS" : "STREAM", key};
                default -> random.nextBoolean() ? new String[] {"XLEN", key} : new String[] {"XREAD", "COUNT", "3", "STREAMS", key, someId};
            });
        }
        Differential.assertSameReplies(larder.respPort, redis.port, commands, CollectionsCompatibilityIT::maskTimes);
    }

    @Test
    public void blockedStreamReadersAreServedAsRedisServesThem() throws Exception {
        assertEquals(readStreamsBlocking(redis.port), readStreamsBlocking(larder.respPort));
    }

    private static List<String> readStreamsBlocking(int port) throws Exception {
        List<String> seen = new ArrayList<>();
        try (RespClient reader = new RespClient(port); RespClient groupReader = new RespClient(port); RespClient writer = new RespClient(port)) {
            writer.call("DEL", "bs");
            writer.call("XGROUP", "CREATE", "bs", "grp", "$", "MKSTREAM");
            reader.send("XREAD", "BLOCK", "0", "STREAMS", "bs", "$");
            groupReader.send("XREADGROUP", "GROUP", "grp", "c", "BLOCK", "0", "STREAMS", "bs", ">");
            Thread.sleep(200);
            seen.add(writer.call("XADD", "bs", "5-1", "k", "v"));
            seen.add(reader.read());
            seen.add(groupReader.read());
            seen.add(writer.call("XPENDING", "bs", "grp"));
            long began = System.nanoTime();
            seen.add(reader.call("XREAD", "BLOCK", "300", "STREAMS", "bs", "$"));
            long waited = (System.nanoTime() - began) / 1_000_000;
            seen.add(waited >= 250 && waited < 3000 ? "waited about 0.3 s" : "waited " + waited + " ms");
        }
        return seen;
    }

    /**
     * A blocked command whose key is deleted, changes type, expires, is renamed, flushed or swapped away,
     * or whose group is destroyed: group readers are answered with an error at once, plain readers and
     * pops keep waiting, a move into a key of another type answers WRONGTYPE.
     */
    @Test
    public void blockedCommandsSeeTheirKeysGoAsRedisDoes() throws Exception {
        String group = "XREADGROUP GROUP g c BLOCK 0 STREAMS s >";
        String[][] cases = {
            {"XADD s * a 1", "XREAD BLOCK 0 STREAMS s $", "DEL s"},
            {"XGROUP CREATE s g $ MKSTREAM", group, "DEL s"},
            {"XGROUP CREATE s g $ MKSTREAM", group, "XGROUP DESTROY s g"},
            {"XGROUP CREATE s g $ MKSTREAM", group, "SET s x"},
            {"XGROUP CREATE s g $ MKSTREAM", group, "MULTI", "DEL s", "XADD s * a 1", "EXEC"},
            {"XADD s * a 1", "XREAD BLOCK 0 STREAMS s $", "SET s x"},
            {"PING", "BLPOP l 0", "SET l x"},
            {"PING", "BLPOP l 0", "SET l x", "DEL l", "RPUSH l v"},
            {"PING", "BZPOPMIN z 0", "SET z x"},
            {"SET d x", "BLMOVE l d LEFT LEFT 0", "RPUSH l v"},
            {"XGROUP CREATE s g $ MKSTREAM", group, "FLUSHALL"},
            {"XGROUP CREATE s g $ MKSTREAM", group, "FLUSHDB"},
            {"XGROUP CREATE s g $ MKSTREAM", group, "RENAME s s2"},
            {"XGROUP CREATE s g $ MKSTREAM", group, "PEXPIRE s 10"},
            {"XGROUP CREATE s g $ MKSTREAM", group, "SWAPDB 0 1"},
        };
        for (String[] steps : cases) {
            assertEquals(String.join(" / ", steps), blockAndChange(redis.port, steps), blockAndChange(larder.respPort, steps));
        }
    }

    private static String blockAndChange(int port, String[] steps) throws Exception {
        try (RespClient writer = new RespClient(port); RespClient blocked = new RespClient(port)) {
            writer.call("FLUSHALL");
            writer.call(steps[0].split(" "));
            blocked.send(steps[1].split(" "));
            Thread.sleep(100);
            for (int i = 2; i < steps.length; i++) {
                writer.call(steps[i].split(" "));
            }
            Thread.sleep(300);
            String answer = blocked.readWithin(200);
            writer.call("FLUSHALL");
            return answer == null ? "still blocked" : answer;
        }
    }

    @Test
    public void blockingCommandsAnswerAsRedisWhenTheyNeedNotWait() throws Exception {
        List<String[]> cases = new ArrayList<>();
        for (String line : List.of(
                "RPUSH l a b c", "ZADD z 1 a 2 b 3 c", "SET str x",
                "BLPOP nosuch l 0", "BRPOP l 1.5", "BLPOP l x", "BLPOP l -1", "BLPOP str 1", "BLPOP l", "BRPOPLPUSH l l2 0",
                "BLMOVE l2 l LEFT RIGHT 0", "BLMOVE l l2 UP LEFT 0", "BLMOVE str l LEFT LEFT 0", "BLMPOP 0 2 nosuch l RIGHT COUNT 5",
                "BLMPOP 0 0 l LEFT", "BLMPOP x 1 l LEFT", "BLMPOP 0 1 l MIDDLE", "BZPOPMIN z 0", "BZPOPMAX nosuch z 0",
                "BZPOPMIN str 0", "BZPOPMIN z inf", "BZMPOP 0 1 z MIN COUNT 10", "BZMPOP 0 1 z SIDEWAYS", "BZMPOP 0 0 z MIN",
                "BLPOP nosuch 0.01", "BZPOPMIN nosuch 0.01", "BLMOVE nosuch l LEFT LEFT 0.01", "BLMPOP 0.01 1 nosuch LEFT",
                "BZMPOP 0.01 1 nosuch MAX")) {
            cases.add(line.split(" "));
        }
        assertSameReplies(cases);
    }

    /**
     * Three clients block on the same lists in turn, a fourth pushes: each server must give the same
     * element to the same client (the longest waiting first), and a command pipelined behind a blocked one
     * waits for it.
     */
    @Test
    public void blockedClientsAreServedInArrivalOrderAsRedisServesThem() throws Exception {
        List<String> larderSeen = blockAndServe(larder.respPort);
        List<String> redisSeen = blockAndServe(redis.port);
        assertEquals(redisSeen, larderSeen);
    }

    private static List<String> blockAndServe(int port) throws Exception {
        List<String> seen = new ArrayList<>();
        try (RespClient first = new RespClient(port); RespClient second = new RespClient(port); RespClient third = new RespClient(port);
                RespClient writer = new RespClient(port)) {
            writer.call("DEL", "q1", "q2", "qz", "dst");
            first.send("BLPOP", "q1", "q2", "0");
            first.send("PING");
            Thread.sleep(100);
            second.send("BRPOP", "q1", "0");
            Thread.sleep(100);
            third.send("BLMOVE", "q2", "dst", "RIGHT", "LEFT", "0");
            Thread.sleep(100);
            seen.add(writer.call("RPUSH", "q1", "a", "b", "c"));
            seen.add(first.read());
            seen.add(first.read());
            seen.add(second.read());
            seen.add(writer.call("LRANGE", "q1", "0", "-1"));
            seen.add(writer.call("RPUSH", "q2", "x"));
            seen.add(third.read());
            seen.add(writer.call("LRANGE", "dst", "0", "-1"));
            long began = System.nanoTime();
            seen.add(first.call("BZPOPMIN", "qz", "0.3"));
            long waitedMillis = (System.nanoTime() - began) / 1_000_000;
            seen.add(waitedMillis >= 250 && waitedMillis < 2000 ? "waited about 0.3 s" : "waited " + waitedMillis + " ms");
            second.send("BZMPOP", "0", "1", "qz", "MAX", "COUNT", "2");
            Thread.sleep(100);
            seen.add(writer.call("ZADD", "qz", "1", "m1", "2", "m2", "3", "m3"));
            seen.add(second.read());
        }
        return seen;
    }

    /** A Jedis raw reply as text: byte arrays as strings, lists as lists. */
    private static Object decode(Object reply) {
        if (reply instanceof byte[] bytes) {
            return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        }
        if (reply instanceof List<?> list) {
            return list.stream().map(CollectionsCompatibilityIT::decode).toList();
        }
        return reply;
    }

    private static final String[] KEYS = {"h1", "h2", "l1", "l2", "s1", "s2", "z1", "z2", "str"};
    private static final String[] MEMBERS = {"a", "b", "c", "d", "1", "2", "-5", "10", "e"};

    private static String[] randomCommand(Random random) {
        Supplier<String> anyKey = () -> KEYS[random.nextInt(KEYS.length)];
        Supplier<String> member = () -> random.nextInt(40) == 0 ? "long-" + "y".repeat(70) : MEMBERS[random.nextInt(MEMBERS.length)];
        Supplier<String> index = () -> String.valueOf(random.nextInt(12) - 5);
        Supplier<String> count = () -> String.valueOf(random.nextInt(8) - 2);
        if (random.nextInt(10) == 0) {
            return random.nextBoolean() ? hyperLogLogCommand(random) : sortCommand(random);
        }
        String family = new String[] {"h", "l", "s", "z"}[random.nextInt(4)];
        Supplier<String> key = () -> random.nextInt(12) == 0 ? anyKey.get() : family + (1 + random.nextInt(2));
        return switch (family) {
            case "h" -> hashCommand(random, key, member, count);
            case "l" -> listCommand(random, key, member, index, count);
            case "s" -> setCommand(random, key, member, count);
            // no long members here: byte ranges over a skiplist with unequal scores depend on Redis's random levels
            default -> sortedSetCommand(random, key, () -> MEMBERS[random.nextInt(MEMBERS.length)], index, count);
        };
    }

    private static String[] hashCommand(Random random, Supplier<String> key, Supplier<String> member, Supplier<String> count) {
        Supplier<String> value = () -> new String[] {"1", "-3", "v", "2.5", "9223372036854775807", "", "1e3"}[random.nextInt(7)];
        return switch (random.nextInt(18)) {
            case 0, 1 -> new String[] {"HSET", key.get(), member.get(), value.get(), member.get(), value.get()};
            case 2 -> new String[] {"HSETNX", key.get(), member.get(), value.get()};
            case 3 -> new String[] {"HGET", key.get(), member.get()};
            case 4 -> new String[] {"HMGET", key.get(), member.get(), member.get()};
            case 5 -> new String[] {"HDEL", key.get(), member.get(), member.get()};
            case 6 -> new String[] {"HLEN", key.get()};
            case 7 -> new String[] {"HSTRLEN", key.get(), member.get()};
            case 8 -> new String[] {"HEXISTS", key.get(), member.get()};
            case 9 -> new String[] {new String[] {"HKEYS", "HVALS", "HGETALL"}[random.nextInt(3)], key.get()};
            case 10 -> new String[] {"HINCRBY", key.get(), member.get(), count.get()};
            case 11 -> new String[] {"HINCRBYFLOAT", key.get(), member.get(), random.nextBoolean() ? "0.1" : "-2.5e1"};
            case 12 -> random.nextBoolean() ? new String[] {"HRANDFIELD", key.get(), random.nextBoolean() ? "20" : "-3"}
                    : new String[] {"HRANDFIELD", key.get(), random.nextBoolean() ? "20" : "-3", "WITHVALUES"};
            case 13 -> new String[] {"HSCAN", key.get(), "0", "COUNT", "1000"};
            case 14 -> new String[] {"HMSET", key.get(), member.get(), value.get()};
            case 15 -> new String[] {"OBJECT", "ENCODING", key.get()};
            case 16 -> new String[] {"TYPE", key.get()};
            default -> commonCommand(random, key);
        };
    }

    private static String[] listCommand(Random random, Supplier<String> key, Supplier<String> member, Supplier<String> index,
            Supplier<String> count) {
        Supplier<String> side = () -> random.nextBoolean() ? "LEFT" : "RIGHT";
        return switch (random.nextInt(20)) {
            case 0, 1 -> new String[] {random.nextBoolean() ? "LPUSH" : "RPUSH", key.get(), member.get(), member.get()};
            case 2 -> new String[] {random.nextBoolean() ? "LPUSHX" : "RPUSHX", key.get(), member.get()};
            case 3 -> random.nextBoolean() ? new String[] {random.nextBoolean() ? "LPOP" : "RPOP", key.get()}
                    : new String[] {random.nextBoolean() ? "LPOP" : "RPOP", key.get(), count.get()};
            case 4 -> new String[] {"LLEN", key.get()};
            case 5 -> new String[] {"LINDEX", key.get(), index.get()};
            case 6 -> new String[] {"LSET", key.get(), index.get(), member.get()};
            case 7, 8 -> new String[] {"LRANGE", key.get(), index.get(), index.get()};
            case 9 -> new String[] {"LTRIM", key.get(), index.get(), index.get()};
            case 10 -> new String[] {"LREM", key.get(), count.get(), member.get()};
            case 11 -> new String[] {"LINSERT", key.get(), random.nextBoolean() ? "BEFORE" : "AFTER", member.get(), member.get()};
            case 12 -> {
                List<String> args = new ArrayList<>(List.of("LPOS", key.get(), member.get()));
                if (random.nextBoolean()) {
                    args.addAll(List.of("RANK", random.nextBoolean() ? "-1" : "2"));
                }
                if (random.nextBoolean()) {
                    args.addAll(List.of("COUNT", random.nextBoolean() ? "0" : "2"));
                }
                if (random.nextBoolean()) {
                    args.addAll(List.of("MAXLEN", random.nextBoolean() ? "0" : "3"));
                }
                yield args.toArray(new String[0]);
            }
            case 13 -> new String[] {"LMOVE", key.get(), key.get(), side.get(), side.get()};
            case 14 -> new String[] {"RPOPLPUSH", key.get(), key.get()};
            case 15 -> random.nextBoolean() ? new String[] {"LMPOP", "2", key.get(), key.get(), side.get()}
                    : new String[] {"LMPOP", "1", key.get(), side.get(), "COUNT", "3"};
            case 16 -> new String[] {"OBJECT", "ENCODING", key.get()};
            default -> commonCommand(random, key);
        };
    }

    private static String[] setCommand(Random random, Supplier<String> key, Supplier<String> member, Supplier<String> count) {
        return switch (random.nextInt(18)) {
            case 0, 1, 2 -> new String[] {"SADD", key.get(), member.get(), member.get(), member.get()};
            case 3 -> new String[] {"SREM", key.get(), member.get(), member.get()};
            case 4 -> new String[] {"SCARD", key.get()};
            case 5 -> new String[] {"SISMEMBER", key.get(), member.get()};
            case 6 -> new String[] {"SMISMEMBER", key.get(), member.get(), member.get()};
            case 7 -> new String[] {"SMEMBERS", key.get()};
            case 8 -> new String[] {"SRANDMEMBER", key.get(), random.nextBoolean() ? "50" : "-4"};
            case 9 -> new String[] {"SPOP", key.get(), random.nextInt(4) == 0 ? "0" : "100"};
            case 10 -> new String[] {"SMOVE", key.get(), key.get(), member.get()};
            case 11 -> new String[] {new String[] {"SINTER", "SUNION", "SDIFF"}[random.nextInt(3)], key.get(), key.get()};
            case 12 -> new String[] {new String[] {"SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"}[random.nextInt(3)], key.get(), key.get(),
                key.get()};
            case 13 -> random.nextBoolean() ? new String[] {"SINTERCARD", "2", key.get(), key.get()}
                    : new String[] {"SINTERCARD", "2", key.get(), key.get(), "LIMIT", "1"};
            case 14 -> new String[] {"SSCAN", key.get(), "0", "COUNT", "1000"};
            case 15 -> new String[] {"OBJECT", "ENCODING", key.get()};
            default -> commonCommand(random, key);
        };
    }

    private static String[] sortedSetCommand(Random random, Supplier<String> key, Supplier<String> member, Supplier<String> index,
            Supplier<String> count) {
        Supplier<String> score = () -> new String[] {"1", "2", "-1", "0", "1.5", "+inf", "-inf", "3e2", "0.1"}[random.nextInt(9)];
        Supplier<String> bound = () -> new String[] {"-inf", "+inf", "(1", "1", "2", "(2", "0", "(-inf"}[random.nextInt(8)];
        Supplier<String> lex = () -> new String[] {"-", "+", "[a", "(b", "[c", "(1", "[2"}[random.nextInt(7)];
        return switch (random.nextInt(26)) {
            case 0, 1, 2 -> {
                List<String> args = new ArrayList<>(List.of("ZADD", key.get()));
                for (String flag : List.of("NX", "XX", "GT", "LT", "CH")) {
                    if (random.nextInt(8) == 0) {
                        args.add(flag);
                    }
                }
                if (random.nextInt(6) == 0) {
                    args.addAll(List.of("INCR", score.get(), member.get()));
                } else {
                    args.addAll(List.of(score.get(), member.get(), score.get(), member.get()));
                }
                yield args.toArray(new String[0]);
            }
            case 3 -> new String[] {"ZINCRBY", key.get(), score.get(), member.get()};
            case 4 -> new String[] {"ZREM", key.get(), member.get(), member.get()};
            case 5 -> new String[] {"ZCARD", key.get()};
            case 6 -> new String[] {"ZSCORE", key.get(), member.get()};
            case 7 -> new String[] {"ZMSCORE", key.get(), member.get(), member.get()};
            case 8 -> new String[] {random.nextBoolean() ? "ZRANK" : "ZREVRANK", key.get(), member.get()};
            case 9 -> new String[] {"ZCOUNT", key.get(), bound.get(), bound.get()};
            case 10 -> new String[] {"ZLEXCOUNT", key.get(), lex.get(), lex.get()};
            case 11, 12 -> {
                List<String> args = new ArrayList<>(List.of("ZRANGE", key.get()));
                int kind = random.nextInt(3);
                args.addAll(kind == 0 ? List.of(index.get(), index.get()) : kind == 1 ? List.of(bound.get(), bound.get())
                        : List.of(lex.get(), lex.get()));
                if (kind == 1) {
                    args.add("BYSCORE");
                } else if (kind == 2) {
                    args.add("BYLEX");
                }
                if (random.nextBoolean()) {
                    args.add("REV");
                }
                if (kind > 0 && random.nextBoolean()) {
                    args.addAll(List.of("LIMIT", String.valueOf(random.nextInt(3) - 1), count.get()));
                }
                if (kind < 2 && random.nextBoolean()) {
                    args.add("WITHSCORES");
                }
                yield args.toArray(new String[0]);
            }
            case 13 -> new String[] {random.nextBoolean() ? "ZRANGEBYSCORE" : "ZREVRANGEBYSCORE", key.get(), bound.get(), bound.get(),
                "WITHSCORES"};
            case 14 -> new String[] {random.nextBoolean() ? "ZRANGEBYLEX" : "ZREVRANGEBYLEX", key.get(), lex.get(), lex.get()};
            case 15 -> new String[] {"ZREVRANGE", key.get(), index.get(), index.get(), "WITHSCORES"};
            case 16 -> new String[] {"ZRANGESTORE", key.get(), key.get(), bound.get(), bound.get(), "BYSCORE"};
            case 17 -> switch (random.nextInt(3)) {
                case 0 -> new String[] {"ZREMRANGEBYRANK", key.get(), index.get(), index.get()};
                case 1 -> new String[] {"ZREMRANGEBYSCORE", key.get(), bound.get(), bound.get()};
                default -> new String[] {"ZREMRANGEBYLEX", key.get(), lex.get(), lex.get()};
            };
            case 18 -> random.nextBoolean() ? new String[] {random.nextBoolean() ? "ZPOPMIN" : "ZPOPMAX", key.get()}
                    : new String[] {random.nextBoolean() ? "ZPOPMIN" : "ZPOPMAX", key.get(), count.get()};
            case 19 -> new String[] {"ZMPOP", "2", key.get(), key.get(), random.nextBoolean() ? "MIN" : "MAX", "COUNT", "2"};
            case 20 -> new String[] {"ZRANDMEMBER", key.get(), random.nextBoolean() ? "30" : "-2", "WITHSCORES"};
            case 21 -> {
                String name = new String[] {"ZUNION", "ZINTER", "ZDIFF"}[random.nextInt(3)];
                List<String> args = new ArrayList<>(List.of(name, "2", key.get(), random.nextBoolean() ? key.get() : "s1"));
                if (!name.equals("ZDIFF") && random.nextBoolean()) {
                    args.addAll(List.of("WEIGHTS", score.get(), "2"));
                }
                if (!name.equals("ZDIFF") && random.nextBoolean()) {
                    args.addAll(List.of("AGGREGATE", new String[] {"SUM", "MIN", "MAX"}[random.nextInt(3)]));
                }
                args.add("WITHSCORES");
                yield args.toArray(new String[0]);
            }
            case 22 -> new String[] {new String[] {"ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"}[random.nextInt(3)], key.get(), "2", key.get(),
                key.get()};
            case 23 -> new String[] {"ZINTERCARD", "2", key.get(), key.get(), "LIMIT", String.valueOf(random.nextInt(3))};
            case 24 -> new String[] {"ZSCAN", key.get(), "0", "COUNT", "1000"};
            default -> random.nextBoolean() ? new String[] {"OBJECT", "ENCODING", key.get()} : commonCommand(random, key);
        };
    }

    private static String[] hyperLogLogCommand(Random random) {
        Supplier<String> key = () -> new String[] {"p1", "p2", "p3", "str"}[random.nextInt(4)];
        return switch (random.nextInt(6)) {
            case 0, 1 -> {
                List<String> args = new ArrayList<>(List.of("PFADD", key.get()));
                int elements = random.nextInt(8) == 0 ? 400 : random.nextInt(4);
                for (int i = 0; i < elements; i++) {
                    args.add("e" + random.nextInt(random.nextBoolean() ? 100 : 100_000));
                }
                yield args.toArray(new String[0]);
            }
            case 2 -> random.nextBoolean() ? new String[] {"PFCOUNT", key.get()} : new String[] {"PFCOUNT", key.get(), key.get()};
            case 3 -> new String[] {"PFMERGE", key.get(), key.get(), key.get()};
            case 4 -> new String[] {"STRLEN", key.get()};
            default -> new String[] {"GET", key.get()};
        };
    }

    /**
     * SORT over a list, a set and a sorted set of its own (other commands here move keys between types), by
     * their values or through weight strings and hash fields.
     */
    private static String[] sortCommand(Random random) {
        if (random.nextInt(3) == 0) {
            String id = MEMBERS[random.nextInt(MEMBERS.length)];
            return switch (random.nextInt(5)) {
                case 0 -> new String[] {"SET", "w_" + id, String.valueOf(random.nextInt(20) - 5)};
                case 1 -> new String[] {"HSET", "o_" + id, "f", "v" + random.nextInt(9)};
                case 2 -> new String[] {"RPUSH", "sort-list", id};
                case 3 -> new String[] {"SADD", "sort-set", id};
                default -> new String[] {"ZADD", "sort-zset", String.valueOf(random.nextInt(5)), id};
            };
        }
        String key = new String[] {"sort-list", "sort-set", "sort-zset", "str", "nosuch"}[random.nextInt(5)];
        List<String> args = new ArrayList<>(List.of(random.nextInt(4) == 0 ? "SORT_RO" : "SORT", key));
        // a set's or sorted set's own order is Redis's hash order: only a list may go unsorted or tie under ALPHA BY
        boolean ordered = !key.equals("sort-set") && !key.equals("sort-zset");
        boolean alpha = random.nextBoolean();
        if (random.nextBoolean()) {
            String[] patterns = ordered ? new String[] {"w_*", "o_*->f", "nosort"} : alpha ? new String[0] : new String[] {"w_*", "o_*->f"};
            if (patterns.length > 0) {
                args.addAll(List.of("BY", patterns[random.nextInt(patterns.length)]));
            }
        }
        if (random.nextInt(3) == 0) {
            args.addAll(List.of("LIMIT", String.valueOf(random.nextInt(4) - 1), String.valueOf(random.nextInt(5) - 1)));
        }
        for (int i = random.nextInt(3); i > 0; i--) {
            args.addAll(List.of("GET", new String[] {"#", "w_*", "o_*->f", "nokey"}[random.nextInt(4)]));
        }
        if (random.nextBoolean()) {
            args.add(random.nextBoolean() ? "DESC" : "ASC");
        }
        if (alpha) {
            args.add("ALPHA");
        }
        if (!args.get(0).equals("SORT_RO") && random.nextInt(4) == 0) {
            args.addAll(List.of("STORE", "sort-list"));
        }
        return args.toArray(new String[0]);
    }

    /** Key commands that work on any type: what must keep collections intact. */
    private static String[] commonCommand(Random random, Supplier<String> key) {
        return switch (random.nextInt(9)) {
            case 0 -> new String[] {"DEL", key.get()};
            case 1 -> new String[] {"EXISTS", key.get()};
            case 2 -> new String[] {"RENAME", key.get(), key.get()};
            case 3 -> new String[] {"COPY", key.get(), key.get(), "REPLACE"};
            case 4 -> new String[] {"SET", "str", "x"};
            case 5 -> new String[] {"EXPIRE", key.get(), "1000"};
            case 6 -> new String[] {"TTL", key.get()};
            case 7 -> new String[] {"TYPE", key.get()};
            default -> new String[] {"DBSIZE"};
        };
    }
}
