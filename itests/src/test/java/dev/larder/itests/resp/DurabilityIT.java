package dev.larder.itests.resp;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * With durability ALWAYS, nothing acknowledged is lost when the server is killed with SIGKILL; and the
 * SHUTDOWN command stops the server cleanly. In name order: the second test ends the server.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class DurabilityIT {

    private static final int PORT_BASE = 48800;
    /** The default database's token, from the environment as a container would pass it. */
    private static final String TOKEN = "durability-it-token";
    private static ServerProcesses.Larder larder;

    @BeforeClass
    public static void start() throws Exception {
        larder = ServerProcesses.Larder.install("durability-it", PORT_BASE)
                .engineSettings("durability=ALWAYS\ngridWriteIntervalMillis=2000\n")
                .environment("LARDER_DEFAULT_TOKEN", TOKEN).start();
    }

    @AfterClass
    public static void stop() throws Exception {
        if (larder != null) {
            larder.close();
        }
    }

    private static Jedis client() {
        Jedis jedis = new Jedis("127.0.0.1", larder.respPort);
        jedis.auth(TOKEN);
        return jedis;
    }

    @Test
    public void a0_theTokenFromTheEnvironmentIsRequired() {
        try (Jedis anonymous = new Jedis("127.0.0.1", larder.respPort)) {
            JedisDataException refused = assertThrows(JedisDataException.class, () -> anonymous.get("x"));
            assertEquals("NOAUTH Authentication required.", refused.getMessage());
            assertThrows(JedisDataException.class, () -> anonymous.auth("wrong"));
            assertEquals("OK", anonymous.auth("default", TOKEN));
            assertEquals("PONG", anonymous.ping());
        }
    }

    @Test
    public void a_acknowledgedWritesSurviveKillMinus9() throws Exception {
        int clients = 8;
        int writesPerClient = 250;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<Integer>> acknowledged = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            acknowledged.add(pool.submit(() -> {
                try (Jedis jedis = client()) {
                    for (int i = 0; i < writesPerClient; i++) {
                        assertEquals("OK", jedis.set("key:" + client + ":" + i, "value " + i));
                        jedis.incr("counter:" + client);
                    }
                }
                return writesPerClient;
            }));
        }
        for (Future<Integer> done : acknowledged) {
            done.get();
        }
        pool.shutdown();

        larder.kill9();
        larder.start();

        try (Jedis jedis = client()) {
            for (int client = 0; client < clients; client++) {
                assertEquals(Integer.toString(writesPerClient), jedis.get("counter:" + client));
                for (int i = 0; i < writesPerClient; i++) {
                    assertEquals("value " + i, jedis.get("key:" + client + ":" + i));
                }
            }
            assertEquals(clients * (writesPerClient + 1L), (long) jedis.dbSize());
        }
    }

    @Test
    public void ab_underEverysecWhatIsOlderThanASecondSurvivesKillMinus9AndTheLogIsTrimmed() throws Exception {
        try (Jedis jedis = client()) {
            assertEquals("OK", jedis.configSet("appendfsync", "everysec"));
            for (int i = 0; i < 2000; i++) {
                jedis.set("everysec:" + i, "value " + i);
            }
        }
        Thread.sleep(1500); // in the change log and fsynced; the grid write comes every 2 s
        larder.kill9();
        larder.start();
        try (Jedis jedis = client()) {
            assertEquals("the database keeps its durability", "everysec", jedis.configGet("appendfsync").get("appendfsync"));
            for (int i = 0; i < 2000; i++) {
                assertEquals("value " + i, jedis.get("everysec:" + i));
            }
            assertEquals("OK", jedis.configSet("appendfsync", "always"));
        }
        Thread.sleep(5000); // two grid writes: the log segments they covered are gone
        long logBytes;
        try (Stream<Path> files = Files.walk(larder.data)) {
            logBytes = files.filter(file -> file.toString().contains("redis-changes") && Files.isRegularFile(file))
                    .mapToLong(file -> file.toFile().length()).sum();
        }
        assertTrue("change log trimmed after the grid writes, " + logBytes + " bytes left", logBytes < 10_000);
    }

    @Test
    public void b_shutdownCommandStopsTheServerAndKeepsItsData() throws Exception {
        try (Jedis jedis = client()) {
            jedis.set("before-shutdown", "kept");
            try {
                jedis.shutdown();
            } catch (redis.clients.jedis.exceptions.JedisException closedWithoutReply) {
                // Redis closes the connection without a reply, and so does Larder
            }
        }
        long pid = Long.parseLong(java.nio.file.Files.readString(larder.data.resolve("larder.pid")).trim());
        ProcessHandle.of(pid).ifPresent(process -> process.onExit().join());
        larder.start();
        try (Jedis jedis = client()) {
            assertEquals("kept", jedis.get("before-shutdown"));
        }
    }
}
