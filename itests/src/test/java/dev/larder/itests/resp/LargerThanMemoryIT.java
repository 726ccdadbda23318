package dev.larder.itests.resp;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * A keyspace about four times its database's hot-set budget (maxmemory without an eviction policy): random
 * reads and writes answer what a reference map holds while values leave memory and come back from the
 * grid; SCAN returns every key present throughout while other clients move keys in and out of memory;
 * and the data survives a restart and a kill -9. In name order: each test goes on from the one before.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class LargerThanMemoryIT {

    private static final int PORT_BASE = 47900;
    private static final int KEYS = 40_000;
    /**
     * About 28 MB of keys (values of 400 to 800 bytes), four times this; the keys alone, which stay in memory
     * with their expiry and access time, take some 4 MB of it.
     */
    private static final String BUDGET = "7mb";
    private static ServerProcesses.Larder larder;
    /** What the server must hold: key to value. */
    private static final Map<String, String> reference = new HashMap<>();
    private static final Random random = new Random(18);

    @BeforeClass
    public static void start() throws Exception {
        // grid writes every second: keys become clean, so that their values may leave memory, soon after they change
        larder = ServerProcesses.Larder.install("larger-than-memory-it", PORT_BASE)
                .engineSettings("gridWriteIntervalMillis=1000\n").start();
    }

    @AfterClass
    public static void stop() throws Exception {
        if (larder != null) {
            larder.close();
        }
    }

    private static Jedis client() {
        return new Jedis("127.0.0.1", larder.respPort, 30_000);
    }

    private static String value() {
        char[] chars = new char[400 + random.nextInt(401)];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = (char) ('a' + random.nextInt(26));
        }
        return new String(chars);
    }

    private static long stat(Jedis jedis, String section, String field) {
        for (String line : jedis.info(section).split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1));
            }
        }
        throw new AssertionError(field + " not in INFO " + section);
    }

    private static int refused;

    /**
     * A write, again after a pause while it is refused with -OOM: past twice the budget in keys the grid does
     * not hold yet, writes wait for the next grid write.
     */
    private static <T> T write(java.util.concurrent.Callable<T> command) throws Exception {
        while (true) {
            try {
                return command.call();
            } catch (redis.clients.jedis.exceptions.JedisDataException e) {
                assertTrue(e.getMessage(), e.getMessage().startsWith("OOM command not allowed"));
                refused++;
                Thread.sleep(50);
            }
        }
    }

    /** Every key of the reference holds its value, and no other key exists. */
    private static void assertHoldsReference(Jedis jedis) {
        assertEquals(reference.size(), (long) jedis.dbSize());
        for (Map.Entry<String, String> key : reference.entrySet()) {
            assertEquals(key.getKey(), key.getValue(), jedis.get(key.getKey()));
        }
    }

    @Test
    public void a_randomReadsAndWritesAnswerAsTheReferenceWhileValuesLeaveMemory() throws Exception {
        try (Jedis jedis = client()) {
            assertEquals("OK", jedis.configSet("maxmemory", BUDGET));
            assertEquals("OK", jedis.configRewrite()); // kept across restarts, as Redis keeps it in its config file
            for (int i = 0; i < KEYS; i++) {
                String key = "key:" + i;
                String value = value();
                assertEquals("OK", write(() -> jedis.set(key, value)));
                reference.put(key, value);
            }
            Thread.sleep(3000); // written to the grid, so the values past the budget may go
            assertTrue("values left memory", stat(jedis, "stats", "offloaded_values") > KEYS / 2);
            long hot = stat(jedis, "memory", "hot_set_estimated");
            assertTrue("the keys' estimate is near the budget: " + hot, hot < 2 * 7 * 1024 * 1024);

            List<String> keys = new ArrayList<>(reference.keySet());
            for (int op = 0; op < 20_000; op++) {
                String key = keys.get(random.nextInt(keys.size()));
                switch (random.nextInt(6)) {
                    case 0, 1, 2 -> assertEquals(key, reference.get(key), jedis.get(key));
                    case 3 -> {
                        String value = value();
                        assertEquals("OK", write(() -> jedis.set(key, value)));
                        reference.put(key, value);
                    }
                    case 4 -> {
                        long appended = write(() -> jedis.append(key, "+"));
                        reference.merge(key, "+", String::concat);
                        assertEquals(reference.get(key).length(), appended);
                    }
                    default -> {
                        assertEquals(reference.containsKey(key) ? 1L : 0L, jedis.del(key));
                        reference.remove(key);
                    }
                }
            }
            assertTrue("cold values were read back", stat(jedis, "stats", "cold_value_loads") > 1000);
            System.out.println("LargerThanMemoryIT: " + refused + " writes refused with -OOM, then sent again; "
                    + stat(jedis, "stats", "cold_value_loads") + " cold values loaded, slowest load "
                    + stat(jedis, "stats", "cold_value_load_usec_max") + " us");
            assertHoldsReference(jedis);
            assertEquals(reference.size(), jedis.keys("key:*").size());
            for (int i = 0; i < 100; i++) {
                assertTrue(reference.containsKey(jedis.randomKey()));
            }
        }
    }

    @Test
    public void b_scanReturnsEveryKeyPresentThroughoutWhileKeysMoveInAndOutOfMemory() throws Exception {
        Set<String> throughout = new HashSet<>(reference.keySet());
        AtomicBoolean scanning = new AtomicBoolean(true);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        // other clients read random keys (bringing cold values back, which pushes others out) and write keys of their own
        Thread churn = new Thread(() -> {
            Random own = new Random(19);
            List<String> keys = new ArrayList<>(throughout);
            try (Jedis other = client()) {
                for (int i = 0; scanning.get(); i++) {
                    other.get(keys.get(own.nextInt(keys.size())));
                    if (i % 4 == 0) {
                        other.set("churn:" + (i % 5000), "v".repeat(300));
                    }
                }
            } catch (Throwable e) {
                failed.set(e);
            }
        });
        churn.start();
        Set<String> seen = new HashSet<>();
        try (Jedis jedis = client()) {
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> step = jedis.scan(cursor, new ScanParams().match("key:*").count(50));
                seen.addAll(step.getResult());
                cursor = step.getCursor();
                Thread.sleep(1);
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        } finally {
            scanning.set(false);
            churn.join();
        }
        if (failed.get() != null) {
            throw new AssertionError("the other client failed", failed.get());
        }
        throughout.removeAll(seen);
        assertEquals("keys present throughout that SCAN missed", Set.of(), throughout);
        try (Jedis jedis = client()) {
            for (int i = 0; i < 5000; i++) {
                jedis.del("churn:" + i);
            }
        }
    }

    @Test
    public void c_aRestartLoadsThePastTheBudgetValuesLazily() throws Exception {
        larder.stop();
        larder.start();
        try (Jedis jedis = client()) {
            assertEquals("the budget is the database's own setting, rewritten", "7340032", jedis.configGet("maxmemory").get("maxmemory"));
            assertHoldsReference(jedis);
            assertTrue("values past the budget stayed in the grid at start", stat(jedis, "stats", "cold_value_loads") > KEYS / 4);
        }
    }

    @Test
    public void d_nothingOlderThanASecondIsLostToKillMinus9() throws Exception {
        try (Jedis jedis = client()) {
            List<String> keys = new ArrayList<>(reference.keySet());
            for (int op = 0; op < 5000; op++) {
                String key = keys.get(random.nextInt(keys.size()));
                if (random.nextBoolean()) {
                    assertEquals(key, reference.get(key), jedis.get(key));
                } else {
                    String value = value();
                    assertEquals("OK", write(() -> jedis.set(key, value)));
                    reference.put(key, value);
                }
            }
        }
        Thread.sleep(1500); // under the default durability the change log is fsynced every second
        larder.kill9();
        larder.start();
        try (Jedis jedis = client()) {
            assertHoldsReference(jedis);
        }
    }
}
