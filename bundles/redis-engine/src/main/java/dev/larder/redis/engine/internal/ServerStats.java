package dev.larder.redis.engine.internal;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * The counters INFO's stats, commandstats, errorstats and latencystats sections show, kept as Redis keeps
 * them: per command (subcommands apart, as {@code config|set}) calls, time, rejected and failed calls, and
 * a latency histogram; per error prefix the errors replied; keyspace hits and misses; expired and evicted
 * keys; bytes in and out; and a sampled rate of commands. CONFIG RESETSTAT zeroes them.
 */
final class ServerStats {

    /** Commands whose statistics Redis keeps per subcommand. */
    private static final Set<String> CONTAINERS = Set.of("acl", "client", "cluster", "command", "config", "debug", "function",
            "latency", "memory", "module", "object", "pubsub", "script", "slowlog", "xgroup", "xinfo");
    /** Redis keeps errorstats for at most 128 error prefixes, then counts the rest only in total_error_replies. */
    private static final int MAX_ERROR_PREFIXES = 128;
    private static final int OPS_SAMPLES = 16;

    static final class CommandStat {
        final LongAdder calls = new LongAdder();
        final LongAdder micros = new LongAdder();
        final LongAdder rejected = new LongAdder();
        final LongAdder failed = new LongAdder();
        /** Microseconds, 2 significant digits, growing as needed. */
        final ConcurrentHistogram latency = new ConcurrentHistogram(2);
    }

    private final Map<String, CommandStat> commands = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    final LongAdder errorReplies = new LongAdder();
    final LongAdder keyspaceHits = new LongAdder();
    final LongAdder keyspaceMisses = new LongAdder();
    final LongAdder expiredKeys = new LongAdder();
    final LongAdder evictedKeys = new LongAdder();
    /** Values of clean strings dropped from memory under a hot-set budget (they stay in the grid). */
    final LongAdder valuesOffloaded = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder commandsProcessed = new LongAdder();
    final LongAdder connectionsReceived = new LongAdder();
    final LongAdder rejectedConnections = new LongAdder();
    private final long[] opsSamples = new long[OPS_SAMPLES];
    private int nextSample;
    private long lastCount;
    private long lastSampleNanos = System.nanoTime();

    static String statName(String command, byte[][] argv) {
        if (argv.length > 1 && CONTAINERS.contains(command)) {
            return command + "|" + new String(argv[1], java.nio.charset.StandardCharsets.UTF_8).toLowerCase(java.util.Locale.ROOT);
        }
        return command;
    }

    private CommandStat stat(String name) {
        return commands.computeIfAbsent(name, n -> new CommandStat());
    }

    void called(String name, long nanos, boolean failed) {
        CommandStat stat = stat(name);
        long micros = nanos / 1000;
        stat.calls.increment();
        stat.micros.add(micros);
        stat.latency.recordValue(Math.max(1, micros));
        if (failed) {
            stat.failed.increment();
        }
    }

    /** Refused before it ran (arity, authentication, permissions, a queued command in a doomed transaction). */
    void rejected(String name) {
        stat(name).rejected.increment();
    }

    /** An error reply: counted under its prefix (ERR, WRONGTYPE, NOAUTH...). */
    void errorReplied(String message) {
        errorReplies.increment();
        int space = message.indexOf(' ');
        String prefix = space < 0 ? message : message.substring(0, space);
        LongAdder count = errors.get(prefix);
        if (count == null && errors.size() < MAX_ERROR_PREFIXES) {
            count = errors.computeIfAbsent(prefix, p -> new LongAdder());
        }
        if (count != null) {
            count.increment();
        }
    }

    /** Called every 100 ms, as Redis's trackInstantaneousMetric. */
    synchronized void sampleOps() {
        long now = System.nanoTime();
        long count = commandsProcessed.sum();
        long elapsed = Math.max(1, now - lastSampleNanos);
        opsSamples[nextSample] = (count - lastCount) * 1_000_000_000L / elapsed;
        nextSample = (nextSample + 1) % OPS_SAMPLES;
        lastCount = count;
        lastSampleNanos = now;
    }

    synchronized long instantaneousOpsPerSecond() {
        long sum = 0;
        for (long sample : opsSamples) {
            sum += sample;
        }
        return sum / OPS_SAMPLES;
    }

    /** Command statistics by name, in name order. */
    Map<String, CommandStat> commands() {
        return new TreeMap<>(commands);
    }

    Map<String, Long> errors() {
        Map<String, Long> counts = new TreeMap<>();
        errors.forEach((prefix, count) -> counts.put(prefix, count.sum()));
        return counts;
    }

    void reset() {
        commands.clear();
        errors.clear();
        for (LongAdder counter : new LongAdder[] {errorReplies, keyspaceHits, keyspaceMisses, expiredKeys, evictedKeys, valuesOffloaded, bytesIn,
                bytesOut, commandsProcessed, connectionsReceived, rejectedConnections}) {
            counter.reset();
        }
        synchronized (this) {
            java.util.Arrays.fill(opsSamples, 0);
            lastCount = 0;
        }
    }
}
