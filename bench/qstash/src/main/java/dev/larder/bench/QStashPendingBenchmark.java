package dev.larder.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;

/**
 * Larder's memory with a million messages pending: a sink on 127.0.0.1 that holds every delivery unanswered,
 * messages published in batches of 100 (half to the sink's URL, a quarter through a queue, a quarter under a
 * flow-control key), Larder's heap after a full GC and its RSS at every tenth; then the sink answers, every
 * message must arrive, and the drain is timed.
 *
 * Arguments: Larder's URL, a database's token, messages, the jcmd to run, Larder's pid.
 */
public final class QStashPendingBenchmark {

    private static final Set<String> ARRIVED = ConcurrentHashMap.newKeySet();
    private static final ConcurrentLinkedQueue<Runnable> HELD = new ConcurrentLinkedQueue<>();
    private static volatile boolean holding = true;

    public static void main(String[] args) throws Exception {
        String larder = args[0];
        String token = args[1];
        int count = Integer.parseInt(args[2]);
        String jcmd = args[3];
        long pid = Long.parseLong(args[4]);
        Sink sink = new Sink((body, answer) -> {
            Runnable arrived = () -> {
                ARRIVED.add(body);
                answer.run();
            };
            if (holding) {
                HELD.add(arrived);
            } else {
                arrived.run();
            }
        });
        String sinkUrl = sink.url;
        HttpClient client = new HttpClient();
        client.start();
        ContentResponse queue = client.newRequest(larder + "/v2/queues/").method("POST").headers(h -> h.put("Authorization", "Bearer " + token))
                .body(new BytesRequestContent("application/json", "{\"queueName\":\"pending\",\"parallelism\":8}".getBytes(StandardCharsets.UTF_8)))
                .send();
        if (queue.getStatus() != 200) {
            throw new IllegalStateException("queue upsert: HTTP " + queue.getStatus() + " " + queue.getContentAsString());
        }

        System.out.printf(Locale.ROOT, "QStash with messages pending (the sink holds every delivery): Larder pid %d%n", pid);
        System.out.printf(Locale.ROOT, "%10s %12s %14s %10s %16s%n", "pending", "published/s", "heap after GC", "RSS", "held by the sink");
        report(0, 0, pid, jcmd);
        int batch = 100;
        int step = Math.max(batch, count / 10 / batch * batch);
        Semaphore inFlight = new Semaphore(8);
        AtomicInteger failures = new AtomicInteger();
        long start = System.nanoTime();
        long stepStart = start;
        for (int sent = 0; sent < count; sent += batch) {
            StringBuilder json = new StringBuilder("[");
            for (int i = sent; i < Math.min(count, sent + batch); i++) {
                json.append(i == sent ? "" : ",").append("{\"destination\":\"").append(sinkUrl).append("\",\"body\":\"p ").append(i).append('"');
                switch (i % 4) {
                    case 1 -> json.append(",\"queue\":\"pending\"");
                    case 3 -> json.append(",\"headers\":{\"Upstash-Flow-Control-Key\":\"pending-key\",\"Upstash-Flow-Control-Value\":\"parallelism=8\"}");
                    default -> { }
                }
                json.append('}');
            }
            json.append(']');
            inFlight.acquire();
            client.newRequest(larder + "/v2/batch").method("POST").headers(h -> h.put("Authorization", "Bearer " + token))
                    .body(new BytesRequestContent("application/json", json.toString().getBytes(StandardCharsets.UTF_8)))
                    .send(result -> {
                        if (result.isFailed() || result.getResponse().getStatus() / 100 != 2) {
                            if (failures.incrementAndGet() <= 3) {
                                System.out.println("a batch failed: " + (result.isFailed() ? result.getFailure() : "HTTP " + result.getResponse().getStatus()));
                            }
                        }
                        inFlight.release();
                    });
            int done = sent + batch;
            if (done % step == 0 || done >= count) {
                inFlight.acquire(8);
                inFlight.release(8);
                long now = System.nanoTime();
                report(Math.min(done, count), step / ((now - stepStart) / 1e9), pid, jcmd);
                stepStart = System.nanoTime();
            }
        }
        if (failures.get() > 0) {
            System.out.println(failures.get() + " batches of " + batch + " failed");
        }

        // the sink answers from now on: every message must arrive
        long drainStart = System.nanoTime();
        holding = false;
        for (Runnable answer; (answer = HELD.poll()) != null; ) {
            answer.run();
        }
        long deadline = drainStart + TimeUnit.MINUTES.toNanos(20);
        int last = -1;
        int still = 0;
        while (ARRIVED.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(10_000);
            int now = ARRIVED.size();
            System.out.printf(Locale.ROOT, "draining: %,d of %,d arrived (%,.0f/s)%n", now, count, now / ((System.nanoTime() - drainStart) / 1e9));
            still = now == last ? still + 1 : 0;
            if (still == 6) {
                break; // nothing arrived for a minute
            }
            last = now;
        }
        double seconds = (System.nanoTime() - drainStart) / 1e9;
        System.out.printf(Locale.ROOT, "drained: %,d of %,d distinct messages arrived in %.0f s (%,.0f deliveries/s), %,d missing%n", ARRIVED.size(), count,
                seconds, ARRIVED.size() / seconds, count - ARRIVED.size());
        report(count - ARRIVED.size(), 0, pid, jcmd);
        client.stop();
        sink.close();
    }

    /** One line: pending, publish rate, Larder's heap used after a full GC and its resident memory. */
    private static void report(int pending, double rate, long pid, String jcmd) throws Exception {
        run(jcmd, Long.toString(pid), "GC.run");
        String info = run(jcmd, Long.toString(pid), "GC.heap_info");
        java.util.regex.Matcher used = java.util.regex.Pattern.compile("used (\\d+)K").matcher(info);
        long heapKib = used.find() ? Long.parseLong(used.group(1)) : -1;
        long rssKib = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(line -> line.startsWith("VmRSS:"))
                .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", ""))).findFirst().orElse(-1);
        System.out.printf(Locale.ROOT, "%,10d %12s %10.0f MiB %6.0f MiB %16d%n", pending, rate == 0 ? "" : String.format(Locale.ROOT, "%,.0f", rate),
                heapKib / 1024.0, rssKib / 1024.0, HELD.size());
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return output;
    }
}
