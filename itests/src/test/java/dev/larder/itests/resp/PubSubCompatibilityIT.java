package dev.larder.itests.resp;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Pub/sub and keyspace notifications against redis-server 7: the same steps on both servers, with a
 * subscriber and a publisher each, must give the same replies and messages; and Lettuce's pub/sub
 * connection over RESP2 and RESP3.
 */
public class PubSubCompatibilityIT {

    private static final int PORT_BASE = 49200;
    private static final int REDIS_PORT = 49299;
    private static ServerProcesses.Larder larder;
    private static ServerProcesses.Redis redis;
    private static ServerProcesses.Pair servers;

    @BeforeClass
    public static void startServers() throws Exception {
        servers = ServerProcesses.Pair.start("pubsub-compatibility-it", PORT_BASE, REDIS_PORT, larder -> { });
        larder = servers.larder;
        redis = servers.redis;
    }

    @AfterClass
    public static void stopServers() throws Exception {
        if (servers != null) {
            servers.close();
        }
    }

    /** Steps with a subscriber and a publisher; the replies and messages must be the same on both servers. */
    private interface Steps {
        void run(RespClient subscriber, RespClient publisher, List<String> seen) throws Exception;
    }

    private static void assertSameOnBoth(Steps steps) throws Exception {
        List<String> expected = new ArrayList<>();
        List<String> actual = new ArrayList<>();
        try (RespClient subscriber = new RespClient(redis.port); RespClient publisher = new RespClient(redis.port)) {
            publisher.call("FLUSHALL");
            steps.run(subscriber, publisher, expected);
        }
        try (RespClient subscriber = new RespClient(larder.respPort); RespClient publisher = new RespClient(larder.respPort)) {
            publisher.call("FLUSHALL");
            steps.run(subscriber, publisher, actual);
        }
        assertEquals(String.join("\n", expected), String.join("\n", actual));
    }

    /** Sends a command and records its replies (subscribe commands answer once per channel). */
    private static void call(RespClient client, List<String> seen, int replies, String... command) throws Exception {
        client.send(command);
        for (int i = 0; i < replies; i++) {
            String reply = client.read().replaceAll("\\$id, :\\d+", "\\$id, :N");
            if (command[0].equals("PUBSUB") && command[1].endsWith("CHANNELS")) {
                List<String> names = Differential.elements(reply); // Redis lists them in its hash order
                names.sort(null);
                reply = "*" + names;
            }
            seen.add(String.join(" ", command) + " -> " + reply);
        }
    }

    @Test
    public void subscribersGetWhatRedisSubscribersGet() throws Exception {
        assertSameOnBoth((a, b, seen) -> {
            call(a, seen, 2, "SUBSCRIBE", "ch1", "ch2");
            call(b, seen, 1, "PUBLISH", "ch1", "hello");
            seen.add("message: " + a.read());
            call(b, seen, 1, "PUBSUB", "CHANNELS");
            call(b, seen, 1, "PUBSUB", "NUMSUB", "ch1", "nochan");
            call(a, seen, 1, "PSUBSCRIBE", "c*");
            call(b, seen, 1, "PUBLISH", "ch2", "both");
            seen.add("message: " + a.read());
            seen.add("message: " + a.read());
            call(b, seen, 1, "PUBSUB", "NUMPAT");
            call(a, seen, 1, "GET", "x");
            call(a, seen, 1, "PING");
            call(a, seen, 1, "PING", "hi");
            call(a, seen, 1, "UNSUBSCRIBE", "ch1");
            call(a, seen, 1, "UNSUBSCRIBE");
            call(a, seen, 1, "PUNSUBSCRIBE");
            call(a, seen, 1, "PUNSUBSCRIBE");
            call(a, seen, 1, "GET", "x");
            call(a, seen, 1, "SSUBSCRIBE", "s1");
            call(b, seen, 1, "SPUBLISH", "s1", "sharded");
            seen.add("message: " + a.read());
            call(b, seen, 1, "PUBSUB", "SHARDCHANNELS");
            call(b, seen, 1, "PUBSUB", "SHARDNUMSUB", "s1");
            call(a, seen, 1, "SUNSUBSCRIBE");
            call(a, seen, 1, "HELLO", "3");
            call(a, seen, 1, "SUBSCRIBE", "r3");
            call(b, seen, 1, "PUBLISH", "r3", "pushed");
            seen.add("message: " + a.read());
            call(a, seen, 1, "GET", "x");
            call(a, seen, 1, "PING");
            call(a, seen, 1, "RESET");
            call(b, seen, 1, "PUBLISH", "r3", "gone");
            call(a, seen, 1, "SUBSCRIBE");
            call(b, seen, 1, "PUBSUB", "NOSUCH");
            call(b, seen, 1, "PUBLISH", "x");
        });
    }

    /** Pushes go out whatever CLIENT REPLY says, in RESP2 and RESP3 alike; the replies of other commands do not. */
    @Test
    public void subscribersWithRepliesOffStillGetPushes() throws Exception {
        for (String protocol : List.of("2", "3")) {
            assertSameOnBoth((a, b, seen) -> {
                call(a, seen, 1, "HELLO", protocol);
                a.send("CLIENT", "REPLY", "OFF");
                a.send("SET", "x", "1");
                call(a, seen, 2, "SUBSCRIBE", "c1", "c2");
                call(b, seen, 1, "PUBLISH", "c2", "hello");
                seen.add("message: " + a.read());
                if (protocol.equals("3")) {
                    a.send("GET", "x");
                    call(a, seen, 1, "UNSUBSCRIBE", "c1");
                    a.send("CLIENT", "REPLY", "ON");
                    call(a, seen, 1, "GET", "x");
                }
            });
        }
    }

    @Test
    public void keyspaceNotificationsMatchRedis() throws Exception {
        for (String classes : List.of("KEA", "Elgn$", "Kx", "Kh")) {
            assertSameOnBoth((sub, c, seen) -> {
                call(c, seen, 1, "CONFIG", "SET", "notify-keyspace-events", classes);
                call(c, seen, 1, "CONFIG", "GET", "notify-keyspace-events");
                call(sub, seen, 1, "PSUBSCRIBE", "__key*__:*");
                call(sub, seen, 1, "SUBSCRIBE", "sentinel");
                for (String command : List.of("SET k v", "SET k v EX 100", "INCR n", "INCRBY n 2", "DECR n", "INCRBYFLOAT n 1.5",
                        "APPEND k x", "SETRANGE k 1 y", "GETSET k z", "MSET a 1 b 2", "SETNX c 1", "SETEX d 100 v", "EXPIRE k 100",
                        "PERSIST k", "PEXPIRE k 0", "DEL a b", "GETDEL c", "LPUSH l 1 2", "RPUSH l 3", "LPOP l", "RPOP l", "LPOP l",
                        "LPUSHX l 1", "RPUSH l 1 2 3", "LSET l 0 x", "LINSERT l BEFORE x y", "LREM l 1 y", "LTRIM l 0 1",
                        "LMOVE l l2 LEFT RIGHT", "RPOPLPUSH l l2", "HSET h a 1", "HMSET h b 2", "HINCRBY h a 1", "HINCRBYFLOAT h a 0.5",
                        "HDEL h a b", "SADD s a b", "SREM s a", "SMOVE s s2 b", "SPOP s2", "ZADD z 1 a 2 b", "ZINCRBY z 1 a", "ZREM z a",
                        "ZPOPMIN z", "SET r 1", "RENAME r r2", "XADD st 1-1 f v", "PFADD hll a", "UNLINK d",
                        "COPY k k3", "SET x 1", "MOVE x 1", "SET gone 1 PX 1", "WAIT-FOR-EXPIRY", "GET gone")) {
                    if (command.equals("WAIT-FOR-EXPIRY")) {
                        // active expiry or the next read removes it: either way its event comes before the next sentinel
                        Thread.sleep(300);
                        continue;
                    }
                    call(c, seen, 1, command.split(" "));
                    c.call("PUBLISH", "sentinel", "end");
                    String message;
                    while (!(message = sub.read()).contains("sentinel")) {
                        seen.add("  " + message);
                    }
                }
                call(c, seen, 1, "CONFIG", "SET", "notify-keyspace-events", "");
            });
        }
        try (RespClient client = new RespClient(larder.respPort)) {
            assertTrue(client.call("CONFIG", "SET", "notify-keyspace-events", "Kq").startsWith(
                    "-ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character."));
        }
    }

    /** Pushes a RESP3 client got so far: what arrives before the answer to a PING. */
    private static void pushes(RespClient client, List<String> seen) throws Exception {
        client.send("PING");
        String message;
        while (!(message = client.read()).equals("+PONG")) {
            seen.add("  push: " + message);
        }
    }

    @Test
    public void trackedKeysAreInvalidatedAsRedisInvalidatesThem() throws Exception {
        assertSameOnBoth((a, b, seen) -> {
            call(a, seen, 1, "HELLO", "3");
            call(a, seen, 1, "CLIENT", "TRACKINGINFO");
            call(a, seen, 1, "CLIENT", "GETREDIR");
            call(a, seen, 1, "CLIENT", "TRACKING", "ON");
            call(a, seen, 1, "CLIENT", "GETREDIR");
            call(a, seen, 1, "GET", "k");
            call(b, seen, 1, "SET", "k", "1");
            pushes(a, seen);
            call(b, seen, 1, "SET", "k", "2"); // invalidated once: not tracked any more
            pushes(a, seen);
            call(a, seen, 1, "MGET", "k", "k2");
            call(a, seen, 1, "SET", "k", "3"); // its own write invalidates too
            pushes(a, seen);
            call(b, seen, 1, "DEL", "k2");
            pushes(a, seen);
            call(a, seen, 1, "GET", "k");
            call(b, seen, 1, "FLUSHDB");
            pushes(a, seen);
            call(a, seen, 1, "CLIENT", "TRACKING", "OFF");
            call(a, seen, 1, "CLIENT", "TRACKING", "ON", "NOLOOP");
            call(a, seen, 1, "GET", "k");
            call(a, seen, 1, "SET", "k", "mine");
            pushes(a, seen);
            call(a, seen, 1, "CLIENT", "TRACKING", "ON", "BCAST");
            call(a, seen, 1, "CLIENT", "TRACKING", "OFF");
            call(a, seen, 1, "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "user:", "NOLOOP");
            call(a, seen, 1, "CLIENT", "TRACKINGINFO");
            call(b, seen, 1, "SET", "user:1", "x");
            call(b, seen, 1, "SET", "other", "x");
            call(b, seen, 1, "HSET", "user:2", "f", "v");
            pushes(a, seen);
            call(a, seen, 1, "CLIENT", "TRACKING", "OFF");
            call(a, seen, 1, "CLIENT", "TRACKING", "ON", "OPTIN");
            call(a, seen, 1, "GET", "o1");
            call(a, seen, 1, "CLIENT", "CACHING", "YES");
            call(a, seen, 1, "GET", "o2");
            call(b, seen, 1, "MSET", "o1", "1", "o2", "2");
            pushes(a, seen);
            call(a, seen, 1, "CLIENT", "CACHING", "NO");
            call(a, seen, 1, "CLIENT", "TRACKING", "ON", "PREFIX", "x");
            call(a, seen, 1, "CLIENT", "TRACKING", "ON", "OPTIN", "OPTOUT");
            call(a, seen, 1, "CLIENT", "TRACKING", "OFF");
            call(a, seen, 1, "CLIENT", "CACHING", "YES");
            call(a, seen, 1, "CLIENT", "TRACKING", "ON", "REDIRECT", "987654");
        });
    }

    /** Two nodes (memory only) in one cluster: a message published on either reaches subscribers on the other. */
    @Test
    public void messagesReachSubscribersOnEveryNode() throws Exception {
        int clusterPorts = 49230;
        try (ServerProcesses.Larder first = ServerProcesses.Larder.installNode("pubsub-node-a", clusterPorts, 0)
                        .storageSetting("persistence=false").start();
                ServerProcesses.Larder second = ServerProcesses.Larder.installNode("pubsub-node-b", clusterPorts, 1)
                        .storageSetting("persistence=false").start();
                RespClient onFirst = new RespClient(first.respPort);
                RespClient onSecond = new RespClient(second.respPort);
                RespClient publisher = new RespClient(first.respPort)) {
            assertEquals("*[$subscribe, $news, :1]", onSecond.call("SUBSCRIBE", "news"));
            assertEquals("*[$psubscribe, $n*, :1]", onFirst.call("PSUBSCRIBE", "n*"));
            // the count is this node's receivers, as in Redis Cluster
            assertEquals(":1", publisher.call("PUBLISH", "news", "from-a"));
            assertEquals("*[$message, $news, $from-a]", onSecond.read());
            assertEquals("*[$pmessage, $n*, $news, $from-a]", onFirst.read());
            try (RespClient secondPublisher = new RespClient(second.respPort)) {
                assertEquals(":1", secondPublisher.call("PUBLISH", "news", "from-b"));
            }
            assertEquals("*[$message, $news, $from-b]", onSecond.read());
            assertEquals("*[$pmessage, $n*, $news, $from-b]", onFirst.read());
        }
    }

    @Test
    public void lettuceSubscribesOverResp2AndResp3() throws Exception {
        for (ProtocolVersion protocol : List.of(ProtocolVersion.RESP2, ProtocolVersion.RESP3)) {
            RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", larder.respPort));
            client.setOptions(ClientOptions.builder().protocolVersion(protocol).build());
            try (StatefulRedisPubSubConnection<String, String> subscriber = client.connectPubSub();
                    var publisher = client.connect()) {
                BlockingQueue<String> received = new LinkedBlockingQueue<>();
                subscriber.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(String channel, String message) {
                        received.add(channel + "=" + message);
                    }

                    @Override
                    public void message(String pattern, String channel, String message) {
                        received.add(pattern + ":" + channel + "=" + message);
                    }
                });
                subscriber.sync().subscribe("news");
                subscriber.sync().psubscribe("new*");
                assertEquals(Long.valueOf(2), publisher.sync().publish("news", "first"));
                assertEquals("news=first", received.poll(5, TimeUnit.SECONDS));
                assertEquals("new*:news=first", received.poll(5, TimeUnit.SECONDS));
                assertEquals(Long.valueOf(1), publisher.sync().pubsubNumsub("news").get("news"));
                subscriber.sync().unsubscribe("news");
                subscriber.sync().punsubscribe("new*");
                assertEquals(Long.valueOf(0), publisher.sync().publish("news", "second"));
            } finally {
                client.shutdown();
            }
        }
    }
}
