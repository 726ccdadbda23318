package dev.larder.itests.resp;

import static org.junit.Assert.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import redis.clients.jedis.Jedis;

/** With durability ALWAYS, nothing acknowledged is lost when the server is killed with SIGKILL. */
public class DurabilityIT {

    private static final int PORT_BASE = 48800;
    private static ServerProcesses.Larder larder;

    @BeforeClass
    public static void start() throws Exception {
        larder = ServerProcesses.Larder.install("durability-it", PORT_BASE).engineSettings("durability=ALWAYS\n").start();
    }

    @AfterClass
    public static void stop() throws Exception {
        if (larder != null) {
            larder.close();
        }
    }

    @Test
    public void acknowledgedWritesSurviveKillMinus9() throws Exception {
        int clients = 8;
        int writesPerClient = 250;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<Integer>> acknowledged = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            acknowledged.add(pool.submit(() -> {
                try (Jedis jedis = new Jedis("127.0.0.1", larder.respPort)) {
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

        try (Jedis jedis = new Jedis("127.0.0.1", larder.respPort)) {
            for (int client = 0; client < clients; client++) {
                assertEquals(Integer.toString(writesPerClient), jedis.get("counter:" + client));
                for (int i = 0; i < writesPerClient; i++) {
                    assertEquals("value " + i, jedis.get("key:" + client + ":" + i));
                }
            }
            assertEquals(clients * (writesPerClient + 1L), (long) jedis.dbSize());
        }
    }
}
