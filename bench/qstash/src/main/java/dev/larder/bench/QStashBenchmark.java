package dev.larder.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;

/**
 * QStash deliveries side by side with their physical limit, in one run: a sink on 127.0.0.1 (Jetty) that notes
 * when each body arrives; the limit is Jetty's client (the one Larder delivers with) posting the same bodies to it
 * straight, with as many connections as Larder uses, no queue, no persistence. Then Larder: messages published
 * (acknowledged once durable) and delivered to the same sink: after a warm-up, publish-to-delivery latency at a low,
 * steady rate; then deliveries per second from the first arrival to the last; the same published 100 a batch, at the
 * rate Larder delivers them and then as fast as it takes them.
 *
 * Arguments: Larder's URL, a database's token, messages, connections, the low rate (messages per second).
 */
public final class QStashBenchmark {

    private static final ConcurrentHashMap<String, Long> ARRIVED = new ConcurrentHashMap<>();
    private static volatile CountDownLatch expected = new CountDownLatch(0);
    /** Messages the batched phase may have published and not yet seen arrive (null: no bound). */
    private static volatile Semaphore unarrived;
    /**
     * The batched phase's bound on messages published and not arrived: about a second of deliveries, so that it
     * measures what Larder sustains (publishes matching deliveries) rather than a backlog filling up, whose
     * messages, waiting over a second, are written to the grid.
     */
    private static final int OUTSTANDING = 5_000;

    public static void main(String[] args) throws Exception {
        String larder = args[0];
        String token = args[1];
        int count = Integer.parseInt(args[2]);
        int connections = Integer.parseInt(args[3]);
        int rate = Integer.parseInt(args[4]);
        long larderPid = Long.parseLong(args[5]);
        Sink sink = new Sink((body, answer) -> {
            if (ARRIVED.putIfAbsent(body, System.nanoTime()) == null) {
                expected.countDown();
                Semaphore bound = unarrived;
                if (bound != null && body.startsWith("batched ")) {
                    bound.release();
                }
            }
            answer.run();
        });
        String sinkUrl = sink.url;
        HttpClient client = new HttpClient();
        client.setMaxConnectionsPerDestination(connections);
        client.setMaxRequestsQueuedPerDestination(Integer.MAX_VALUE);
        client.start();

        // the physical limit: the same bodies straight to the sink
        post(client, sinkUrl, null, count / 10, connections, "warm"); // the JIT's warm-up
        ARRIVED.clear();
        expected = new CountDownLatch(count);
        long rawStart = System.nanoTime();
        long rawCpu = ownCpuNanos();
        post(client, sinkUrl, null, count, connections, "raw");
        expected.await(5, TimeUnit.MINUTES);
        double raw = count / ((System.nanoTime() - rawStart) / 1e9);
        double rawOwnCpu = (ownCpuNanos() - rawCpu) / 1e6 / count;

        // Larder: publish (each acknowledged once durable), delivered to the sink
        String publish = larder + "/v2/publish/" + sinkUrl;
        ARRIVED.clear();
        // a longer warm-up than the limit's: the JIT compiles Larder's paths for tens of seconds (a quarter of its
        // CPU in the first 20,000 messages)
        expected = new CountDownLatch(count / 4);
        post(client, publish, token, count / 4, connections, "warm");
        expected.await(5, TimeUnit.MINUTES);
        // publish-to-delivery latency at a low steady rate, one publisher: warm, before the bursts below leave the
        // grid writes and checkpoints of their messages behind them
        int samples = rate * 10;
        long[] latencies = new long[samples];
        ARRIVED.clear();
        expected = new CountDownLatch(samples);
        long[] sent = new long[samples];
        long period = 1_000_000_000L / rate;
        long start = System.nanoTime();
        for (int i = 0; i < samples; i++) {
            long due = start + i * period;
            while (System.nanoTime() < due) {
                Thread.onSpinWait();
            }
            sent[i] = System.nanoTime();
            client.newRequest(publish).method("POST").headers(h -> h.put("Authorization", "Bearer " + token))
                    .body(new BytesRequestContent(("low " + i).getBytes(StandardCharsets.UTF_8))).send(result -> { });
        }
        expected.await(1, TimeUnit.MINUTES);
        int arrived = 0;
        for (int i = 0; i < samples; i++) {
            Long at = ARRIVED.get("low " + i);
            if (at != null) {
                latencies[arrived++] = at - sent[i];
            }
        }
        long[] measured = Arrays.copyOf(latencies, arrived);
        Arrays.sort(measured);

        ARRIVED.clear();
        expected = new CountDownLatch(count);
        long publishStart = System.nanoTime();
        long[] larderCpu = {ownCpuNanos(), cpuNanos(larderPid)};
        post(client, publish, token, count, connections, "larder");
        double published = count / ((System.nanoTime() - publishStart) / 1e9);
        boolean all = expected.await(10, TimeUnit.MINUTES);
        double ownCpu = (ownCpuNanos() - larderCpu[0]) / 1e6 / count;
        double serverCpu = (cpuNanos(larderPid) - larderCpu[1]) / 1e6 / count;
        double delivered = arrivalsPerSecond(publishStart);
        long last = ARRIVED.values().stream().mapToLong(Long::longValue).max().orElse(publishStart);
        double endToEnd = ARRIVED.size() / ((last - publishStart) / 1e9);

        // the same with publishes batched (100 messages a POST /v2/batch; less of the run's CPU goes to publishing): at
        // the rate Larder delivers them, then as fast as it takes them (a backlog, whose messages wait over a second
        // and so are written to the grid)
        Batched sustained = batched(client, larder, token, sinkUrl, count, larderPid, new Semaphore(OUTSTANDING));
        Batched burst = batched(client, larder, token, sinkUrl, count, larderPid, null);

        System.out.printf(Locale.ROOT, "%-58s %12s%n", "QStash, " + count + " messages of 1-10 bytes, " + connections + " connections", "per second");
        System.out.printf(Locale.ROOT, "%-58s %,12.0f%n", "physical limit: Jetty's client posting to the sink", raw);
        System.out.printf(Locale.ROOT, "%-58s %,12.0f%n", "Larder: publishes acknowledged (durable)", published);
        System.out.printf(Locale.ROOT, "%-58s %,12.0f   %.2fx the limit%s%n", "Larder: deliveries (first to last arrival)", delivered,
                delivered / raw, all ? "" : "  (" + ARRIVED.size() + " of " + count + " arrived)");
        System.out.printf(Locale.ROOT, "%-58s %,12.0f%n", "Larder: publish start to last delivery", endToEnd);
        sustained.print("Larder, published 100 a batch, sustained: deliveries", raw, count);
        burst.print("Larder, published 100 a batch, a backlog: deliveries", raw, count);
        System.out.printf(Locale.ROOT, "CPU a message: the limit %.3f ms (client and sink); Larder's run %.3f ms here (publisher and sink) + %.3f ms in Larder"
                + " (%.3f ms published in batches, %.3f ms with a backlog)%n", rawOwnCpu, ownCpu, serverCpu, sustained.larderCpu(), burst.larderCpu());
        if (measured.length > 0) {
            System.out.printf(Locale.ROOT, "publish-to-delivery at %d messages/s (%d of %d arrived): p50 %.2f ms, p99 %.2f ms%n", rate,
                    measured.length, samples, measured[measured.length / 2] / 1e6, measured[(int) (measured.length * 0.99)] / 1e6);
        }
        client.stop();
        sink.close();
    }

    /** A batched phase's deliveries a second (first to last arrival), how many arrived, and Larder's CPU a message (ms). */
    private record Batched(double delivered, int arrived, double larderCpu) {
        void print(String label, double raw, int count) {
            System.out.printf(Locale.ROOT, "%-58s %,12.0f   %.2fx the limit%s%n", label, delivered, delivered / raw,
                    arrived == count ? "" : "  (" + arrived + " of " + count + " arrived)");
        }
    }

    /** Publishes count messages 100 a batch, at most {@code bound}'s permits not arrived (null: no bound), and waits for them. */
    private static Batched batched(HttpClient client, String larder, String token, String sinkUrl, int count, long larderPid, Semaphore bound)
            throws Exception {
        ARRIVED.clear();
        expected = new CountDownLatch(count);
        unarrived = bound;
        long start = System.nanoTime();
        long cpu = cpuNanos(larderPid);
        postBatches(client, larder + "/v2/batch", token, sinkUrl, count);
        expected.await(10, TimeUnit.MINUTES);
        double larderCpu = (cpuNanos(larderPid) - cpu) / 1e6 / count;
        return new Batched(arrivalsPerSecond(start), ARRIVED.size(), larderCpu);
    }

    /** Arrivals a second from the first to the last ({@code start}, nanoTime, when none arrived). */
    private static double arrivalsPerSecond(long start) {
        long first = ARRIVED.values().stream().mapToLong(Long::longValue).min().orElse(start);
        long last = ARRIVED.values().stream().mapToLong(Long::longValue).max().orElse(start);
        return ARRIVED.size() / ((last - first) / 1e9);
    }

    /** CPU time this process has used (user and system). */
    private static long ownCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** CPU time a process has used, from /proc (user and system clock ticks, 100 a second on Linux). */
    private static long cpuNanos(long pid) throws java.io.IOException {
        String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L;
    }

    /**
     * Publishes bodies {@code batched <i>} for i below count to the sink, 100 a {@code POST /v2/batch}, 8 batches in
     * flight and, when {@link #unarrived} is set, no more messages not yet arrived than it has permits.
     */
    private static void postBatches(HttpClient client, String url, String token, String sinkUrl, int count) throws InterruptedException {
        Semaphore inFlight = new Semaphore(8);
        AtomicInteger failures = new AtomicInteger();
        for (int from = 0; from < count; from += 100) {
            StringBuilder json = new StringBuilder("[");
            for (int i = from; i < Math.min(count, from + 100); i++) {
                json.append(i == from ? "" : ",").append("{\"destination\":\"").append(sinkUrl).append("\",\"body\":\"batched ").append(i).append("\"}");
            }
            int size = Math.min(count, from + 100) - from;
            Semaphore bound = unarrived;
            if (bound != null) {
                bound.acquire(size);
            }
            inFlight.acquire();
            client.newRequest(url).method("POST").headers(h -> h.put("Authorization", "Bearer " + token))
                    .body(new BytesRequestContent("application/json", json.append(']').toString().getBytes(StandardCharsets.UTF_8)))
                    .send(result -> {
                        if (result.isFailed() || result.getResponse().getStatus() / 100 != 2) {
                            failures.incrementAndGet();
                            if (bound != null) {
                                bound.release(size); // none of them will arrive
                            }
                        }
                        inFlight.release();
                    });
        }
        inFlight.acquire(8);
        inFlight.release(8);
        if (failures.get() > 0) {
            System.out.println("batched: " + failures.get() + " batches failed");
        }
    }

    /** Posts bodies {@code <tag> <i>} for i below count, at most {@code connections} in flight; returns when all were answered. */
    private static void post(HttpClient client, String url, String token, int count, int connections, String tag) throws InterruptedException {
        Semaphore inFlight = new Semaphore(connections);
        AtomicInteger failures = new AtomicInteger();
        List<String> firstErrors = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            inFlight.acquire();
            var request = client.newRequest(url).method("POST").body(new BytesRequestContent((tag + " " + i).getBytes(StandardCharsets.UTF_8)));
            if (token != null) {
                request.headers(h -> h.put("Authorization", "Bearer " + token));
            }
            request.send(result -> {
                if (result.isFailed() || result.getResponse().getStatus() >= 300) {
                    if (failures.incrementAndGet() <= 3) {
                        synchronized (firstErrors) {
                            firstErrors.add(result.isFailed() ? String.valueOf(result.getFailure()) : "HTTP " + result.getResponse().getStatus());
                        }
                    }
                }
                inFlight.release();
            });
        }
        inFlight.acquire(connections);
        inFlight.release(connections);
        if (failures.get() > 0) {
            System.out.println(tag + ": " + failures.get() + " requests failed, first: " + firstErrors);
        }
    }
}
