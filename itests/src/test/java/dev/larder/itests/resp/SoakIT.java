package dev.larder.itests.resp;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Test;

/**
 * A bounded soak: 50 clients run mixed reads, writes, blocking pops, pub/sub and scripts against Larder
 * with durability ALWAYS for a few minutes while the server is killed with SIGKILL at random moments and
 * started again. Every write that was acknowledged must be there afterwards, and no client may be left
 * waiting: every call ends within its socket timeout, and every client thread ends when the run does.
 * The figures are printed (and are in the README).
 */
public class SoakIT {

    private static final int PORT_BASE = 49600;
    private static final int CLIENTS = 50;
    private static final long RUN_MILLIS = Long.getLong("larder.soak.seconds", 150) * 1000;
    private static final String SCRIPT = "redis.call('SET', KEYS[1], ARGV[1]) return redis.call('INCR', KEYS[2])";

    private final AtomicLong commands = new AtomicLong();
    private final AtomicLong failedCalls = new AtomicLong();
    /** Acknowledged writes: key to the value it was last acknowledged with. */
    private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
    /** Per client counter key to the highest value INCR acknowledged. */
    private final Map<String, Long> counters = new ConcurrentHashMap<>();
    private final java.util.Queue<String> wrongReads = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private volatile boolean running = true;

    @Test
    public void acknowledgedWritesSurviveKillsUnderMixedLoad() throws Exception {
        Random random = new Random(Long.getLong("larder.soak.seed", 20261203L));
        try (ServerProcesses.Larder larder = ServerProcesses.Larder.install("soak-it", PORT_BASE)
                .engineSettings("durability=ALWAYS\ngridWriteIntervalMillis=5000\n")) {
            larder.start();
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                int client = i;
                Thread thread = new Thread(() -> runClient(larder.respPort, client, new Random(random.nextLong())), "soak-client-" + i);
                thread.start();
                clients.add(thread);
            }
            long end = System.currentTimeMillis() + RUN_MILLIS;
            int kills = 0;
            while (System.currentTimeMillis() < end - 20_000) {
                Thread.sleep(10_000 + random.nextInt(20_000));
                larder.kill9();
                kills++;
                Thread.sleep(random.nextInt(2000));
                larder.start();
            }
            Thread.sleep(Math.max(0, end - System.currentTimeMillis()));
            running = false;
            for (Thread thread : clients) {
                thread.join(TimeUnit.SECONDS.toMillis(30));
                assertTrue(thread.getName() + " was left hanging", !thread.isAlive());
            }
            assertTrue("reads that missed an acknowledged write: " + wrongReads, wrongReads.isEmpty());
            larder.kill9();
            larder.start();
            long checked = verify(larder.respPort);
            System.out.printf("soak: %d commands by %d clients in %d s, %d kill -9 survived, %d acknowledged writes checked, "
                    + "%d calls cut by a kill%n", commands.get(), CLIENTS, RUN_MILLIS / 1000, kills, checked, failedCalls.get());
            assertTrue("the run must have killed the server", kills >= 3);
            assertTrue("the run must have done work", commands.get() > 10_000);
        }
    }

    /** bin/larder stop ends a server stuck in a command: after LARDER_STOP_TIMEOUT it is killed, losing nothing acknowledged. */
    @Test
    public void stopEndsAServerStuckInACommand() throws Exception {
        try (ServerProcesses.Larder larder = ServerProcesses.Larder.install("stuck-stop-it", 49700)
                .environment("LARDER_STOP_TIMEOUT", "5").engineSettings("durability=ALWAYS\n")) {
            larder.start();
            try (RespClient client = new RespClient(larder.respPort); RespClient stuck = new RespClient(larder.respPort)) {
                assertEquals("+OK", client.call("SET", "before-the-stop", "kept"));
                stuck.send("DEBUG", "SLEEP", "600");
                Thread.sleep(300);
                long began = System.nanoTime();
                larder.stop();
                long took = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began);
                assertTrue("stop took " + took + " s: it waited out the grace period, then killed the stuck server", took >= 4 && took < 60);
            }
            larder.start();
            try (RespClient client = new RespClient(larder.respPort)) {
                assertEquals("$kept", client.call("GET", "before-the-stop"));
            }
        }
    }

    private long verify(int port) throws Exception {
        long checked = 0;
        try (RespClient client = new RespClient(port)) {
            for (var write : acknowledged.entrySet()) {
                assertEquals("acknowledged " + write.getKey(), "$" + write.getValue(), client.call("GET", write.getKey()));
                checked++;
            }
            for (var counter : counters.entrySet()) {
                String value = client.call("GET", counter.getKey());
                assertTrue(counter.getKey() + " lost increments: " + value + " < " + counter.getValue(),
                        value.startsWith("$") && Long.parseLong(value.substring(1)) >= counter.getValue());
                checked++;
            }
        }
        return checked;
    }

    /** One client's loop: on a broken connection (a kill) it reconnects; a call that did not answer is not acknowledged. */
    private void runClient(int port, int id, Random random) {
        long sequence = 0;
        RespClient client = null;
        RespClient subscriber = null;
        while (running) {
            String key = "soak:" + id + ":" + (sequence % 500);
            try {
                if (client == null) {
                    client = new RespClient(port);
                    if (client.connectedToItself()) {
                        throw new IOException("connected to itself while the server is down");
                    }
                }
                String value = id + "-" + sequence;
                int op = random.nextInt(100);
                if (op < 40) {
                    if (call(client, "SET", key, value).equals("+OK")) {
                        acknowledged.put(key, value);
                    }
                } else if (op < 60) {
                    String expected = acknowledged.get(key);
                    String got = call(client, "GET", key);
                    if (expected != null && !got.equals("$" + expected)) {
                        wrongReads.add("read " + got + " for " + key + ", acknowledged " + expected);
                    }
                } else if (op < 70) {
                    String counter = "soak:counter:" + id;
                    String reply = call(client, "INCR", counter);
                    if (reply.startsWith(":")) {
                        counters.merge(counter, Long.parseLong(reply.substring(1)), Math::max);
                    }
                } else if (op < 80) {
                    call(client, "LPUSH", "soak:queue:" + (id % 5), value);
                    call(client, "BRPOP", "soak:queue:" + ((id + 1) % 5), "0.2");
                } else if (op < 88) {
                    String counter = "soak:scripted:" + id;
                    String reply = call(client, "EVAL", SCRIPT, "2", key, counter, value);
                    if (reply.startsWith(":")) {
                        acknowledged.put(key, value);
                        counters.merge(counter, Long.parseLong(reply.substring(1)), Math::max);
                    }
                } else if (op < 94) {
                    call(client, "PUBLISH", "soak:channel:" + (id % 3), value);
                } else {
                    if (subscriber == null) {
                        subscriber = new RespClient(port);
                        if (subscriber.connectedToItself()) {
                            throw new IOException("connected to itself while the server is down");
                        }
                        call(subscriber, "SUBSCRIBE", "soak:channel:" + (id % 3));
                    }
                    call(client, "PUBLISH", "soak:channel:" + (id % 3), value);
                    subscriber.readWithin(200); // a message, or nothing yet: either way the subscriber answers or waits, never hangs the run
                }
                commands.incrementAndGet();
                sequence++;
            } catch (IOException | RuntimeException cut) {
                // the call may or may not have been applied: the key's acknowledged value is no longer known
                acknowledged.remove(key);
                failedCalls.incrementAndGet();
                closeQuietly(client);
                closeQuietly(subscriber);
                client = null;
                subscriber = null;
                sleep(1000);
            }
        }
        closeQuietly(client);
        closeQuietly(subscriber);
    }

    /** A call whose connection the kill cut (RespClient answers "EOF") fails like one that threw. */
    private static String call(RespClient client, String... command) throws IOException {
        String reply = client.call(command);
        if (reply.equals("EOF")) {
            throw new IOException("connection closed");
        }
        return reply;
    }

    private static void closeQuietly(RespClient client) {
        if (client != null) {
            try {
                client.close();
            } catch (Exception ignored) {
                // already broken
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
