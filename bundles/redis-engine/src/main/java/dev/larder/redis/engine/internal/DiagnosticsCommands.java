package dev.larder.redis.engine.internal;

import static dev.larder.redis.api.CommandFlag.ADMIN;
import static dev.larder.redis.api.CommandFlag.LOADING;
import static dev.larder.redis.api.CommandFlag.NOSCRIPT;
import static dev.larder.redis.api.CommandFlag.READONLY;
import static dev.larder.redis.api.CommandFlag.STALE;
import static dev.larder.redis.api.CommandSpec.command;

import dev.larder.redis.api.Arguments;
import dev.larder.redis.api.CommandContext;
import dev.larder.redis.api.CommandFamily;
import dev.larder.redis.api.RedisCommand;
import dev.larder.redis.api.RedisException;
import dev.larder.redis.api.RedisValue;
import dev.larder.redis.api.Reply;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What an operator looks at: SLOWLOG, LATENCY, MONITOR, MEMORY. */
final class DiagnosticsCommands implements CommandFamily {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    private final RedisEngine engine;
    private final Diagnostics diagnostics;

    DiagnosticsCommands(RedisEngine engine, Diagnostics diagnostics) {
        this.engine = engine;
        this.diagnostics = diagnostics;
    }

    @Override
    public List<RedisCommand> commands() {
        return List.of(
                RedisCommand.of(command("slowlog", -2).flags(ADMIN, LOADING, STALE).categories("admin", "dangerous").build(), this::slowlog),
                RedisCommand.of(command("latency", -2).flags(ADMIN, NOSCRIPT, LOADING, STALE).categories("admin", "dangerous").build(),
                        this::latency),
                RedisCommand.of(command("monitor", 1).flags(ADMIN, NOSCRIPT, LOADING, STALE).categories("admin", "dangerous").build(),
                        (c, argv, r) -> {
                            engine.monitors().add((Session) c);
                            r.ok();
                        }),
                RedisCommand.of(command("memory", -2).flags(READONLY).keys(2, 2, 1).categories("keyspace").build(), this::memory));
    }

    /** Redis's two errors: a known subcommand with the wrong arguments, or an unknown one. */
    private static RedisException unknownSubcommand(byte[][] argv, String command, String... known) {
        String sub = Arguments.text(argv[1]).toLowerCase(Locale.ROOT);
        if (List.of(known).contains(sub)) {
            return RedisException.wrongArity(command.toLowerCase(Locale.ROOT) + "|" + sub);
        }
        return RedisException.unknownSubcommand(command, argv[1]);
    }

    /** SLOWLOG GET [count] | LEN | RESET | HELP */
    private void slowlog(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        String sub = Arguments.text(argv[1]).toLowerCase(Locale.ROOT);
        if (sub.equals("get") && argv.length <= 3) {
            long count = 10;
            if (argv.length == 3) {
                if (!Arguments.isLong(argv[2]) || Arguments.toLong(argv[2]) < -1) {
                    throw new RedisException("ERR count should be greater than or equal to -1");
                }
                count = Arguments.toLong(argv[2]);
            }
            List<Diagnostics.SlowCommand> entries = diagnostics.slowLog(count);
            r.array(entries.size());
            for (Diagnostics.SlowCommand entry : entries) {
                r.array(6);
                r.integer(entry.id());
                r.integer(entry.unixSeconds());
                r.integer(entry.micros());
                r.array(entry.arguments().size());
                entry.arguments().forEach(r::bulk);
                r.bulk(entry.client());
                r.bulk(entry.clientName());
            }
        } else if (sub.equals("len") && argv.length == 2) {
            r.integer(diagnostics.slowLogLength());
        } else if (sub.equals("reset") && argv.length == 2) {
            diagnostics.resetSlowLog();
            r.ok();
        } else if (sub.equals("help") && argv.length == 2) {
            r.help("SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                    "GET [<count>]", "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
                    "LEN", "    Return the length of the slowlog.", "RESET", "    Reset the slowlog.", "HELP", "    Print this help.");
        } else {
            throw unknownSubcommand(argv, "SLOWLOG", "get", "len", "reset", "help");
        }
    }

    /** LATENCY LATEST | HISTORY event | RESET [event ...] | GRAPH event | DOCTOR | HELP */
    private void latency(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        String sub = Arguments.text(argv[1]).toLowerCase(Locale.ROOT);
        Map<String, Diagnostics.LatencyEvent> events = diagnostics.latencyEvents();
        if (sub.equals("latest") && argv.length == 2) {
            r.array(events.size());
            events.forEach((name, event) -> {
                Diagnostics.LatencySample last = event.samples.peekLast();
                r.array(4);
                r.bulk(name);
                r.integer(last.unixSeconds());
                r.integer(last.millis());
                r.integer(event.max);
            });
        } else if (sub.equals("history") && argv.length == 3) {
            Diagnostics.LatencyEvent event = events.get(Arguments.text(argv[2]));
            List<Diagnostics.LatencySample> samples = event == null ? List.of() : new ArrayList<>(event.samples);
            r.array(samples.size());
            for (Diagnostics.LatencySample sample : samples) {
                r.array(2);
                r.integer(sample.unixSeconds());
                r.integer(sample.millis());
            }
        } else if (sub.equals("reset")) {
            List<String> names = new ArrayList<>();
            for (int i = 2; i < argv.length; i++) {
                names.add(Arguments.text(argv[i]));
            }
            r.integer(diagnostics.resetLatency(names));
        } else if (sub.equals("graph") && argv.length == 3) {
            Diagnostics.LatencyEvent event = events.get(Arguments.text(argv[2]));
            if (event == null) {
                throw new RedisException("ERR No samples available for event '" + Arguments.text(argv[2]) + "'");
            }
            r.bulk(graph(Arguments.text(argv[2]), event));
        } else if (sub.equals("doctor") && argv.length == 2) {
            r.bulk(doctor(events));
        } else if (sub.equals("help") && argv.length == 2) {
            r.help("LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                    "DOCTOR", "    Return a human readable latency analysis report.",
                    "GRAPH <event>", "    Return a latency graph for the <event> using ASCII bars.",
                    "HISTORY <event>", "    Return time-latency samples for the <event> class.",
                    "LATEST", "    Return the latest latency samples for all events.",
                    "RESET [<event> ...]", "    Reset latency data of one or more <event> classes.",
                    "    (default: reset all data for all event classes)", "HELP", "    Print this help.");
        } else {
            throw unknownSubcommand(argv, "LATENCY", "latest", "history", "graph", "doctor", "help");
        }
    }

    /** One bar per sample, oldest first, scaled to the worst: the picture LATENCY GRAPH is for. */
    private static String graph(String name, Diagnostics.LatencyEvent event) {
        long high = event.samples.stream().mapToLong(Diagnostics.LatencySample::millis).max().orElse(0);
        long low = event.samples.stream().mapToLong(Diagnostics.LatencySample::millis).min().orElse(0);
        StringBuilder out = new StringBuilder(name).append(" - high ").append(high).append(" ms, low ").append(low)
                .append(" ms (all time high ").append(event.max).append(" ms)\n").append("-".repeat(80)).append('\n');
        for (Diagnostics.LatencySample sample : event.samples) {
            int width = high == 0 ? 0 : (int) Math.max(1, sample.millis() * 60 / high);
            out.append(CLOCK.format(Instant.ofEpochSecond(sample.unixSeconds()))).append(String.format(" %6d ms ", sample.millis()))
                    .append("#".repeat(width)).append('\n');
        }
        return out.toString();
    }

    private String doctor(Map<String, Diagnostics.LatencyEvent> events) {
        if (diagnostics.latencyThreshold() == 0) {
            return "The latency monitor is off: CONFIG SET latency-monitor-threshold <milliseconds> turns it on "
                    + "(Larder's setting: latencyMonitorThreshold in config/" + DiagnosticsSettings.PID + ".cfg).\n";
        }
        if (events.isEmpty()) {
            return "No latency spike of " + diagnostics.latencyThreshold() + " ms or more was observed since the last reset.\n";
        }
        StringBuilder out = new StringBuilder("Latency spikes of " + diagnostics.latencyThreshold() + " ms or more:\n");
        events.forEach((name, event) -> {
            double average = event.samples.stream().mapToLong(Diagnostics.LatencySample::millis).average().orElse(0);
            out.append(String.format("%n%s: %d samples, average %.0f ms, worst %d ms.%n", name, event.samples.size(), average, event.max));
        });
        out.append("\nSLOWLOG GET shows which commands were slow; long values, KEYS and big MGET/MSET are the usual causes.\n");
        return out.toString();
    }

    /** MEMORY USAGE key [SAMPLES count] | STATS | HELP: heap bytes as Larder lays keys out in memory. */
    private void memory(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        String sub = Arguments.text(argv[1]).toLowerCase(Locale.ROOT);
        if (sub.equals("usage") && argv.length >= 3) {
            for (int i = 3; i < argv.length; i++) {
                if (Arguments.is(argv[i], "SAMPLES") && i + 1 < argv.length) {
                    Arguments.toLong(argv[++i]);
                } else {
                    throw RedisException.syntax();
                }
            }
            RedisValue value = c.keyspace().get(argv[2]);
            if (value == null) {
                r.nil();
                return;
            }
            r.integer(Eviction.bytesOf(argv[2].length, value));
        } else if (sub.equals("stats") && argv.length == 2) {
            memoryStats(c, r);
        } else if (sub.equals("doctor") && argv.length == 2) {
            r.bulk(memoryDoctor((Session) c));
        } else if (sub.equals("malloc-stats") && argv.length == 2) {
            r.bulk("Stats not supported for the current allocator");
        } else if (sub.equals("purge") && argv.length == 2) {
            r.ok(); // the JVM's collector returns memory by itself; there is no allocator cache to purge
        } else if (sub.equals("help") && argv.length == 2) {
            r.help("MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                    "DOCTOR", "    Return memory problems reports.",
                    "MALLOC-STATS", "    Return internal statistics report from the memory allocator.",
                    "PURGE", "    Attempt to purge dirty pages for reclamation by the allocator.",
                    "STATS", "    Return information about the memory usage of the server.",
                    "USAGE <key> [SAMPLES <count>]", "    Return memory in bytes used by <key> and its value.", "HELP", "    Print this help.");
        } else {
            throw unknownSubcommand(argv, "MEMORY", "usage", "stats", "doctor", "malloc-stats", "purge", "help");
        }
    }

    /** MEMORY STATS in Redis's layout, from the JVM's heap and the client's database. */
    private void memoryStats(CommandContext c, Reply r) {
        Session session = (Session) c;
        Runtime runtime = Runtime.getRuntime();
        long used = runtime.totalMemory() - runtime.freeMemory();
        long keys = 0;
        Map<Integer, Long> perDatabase = new LinkedHashMap<>();
        for (int db = 0; db < c.databases(); db++) {
            long count = c.keyspace(db).size(); // the tables' sizes: no walk over the keys
            keys += count;
            if (count > 0) {
                perDatabase.put(db, count);
            }
        }
        long dataset = session.tenant().maxmemory > 0 ? session.tenant().estimatedBytes : used;
        r.map(8 + perDatabase.size());
        r.bulk("peak.allocated");
        r.integer(Math.max(used, runtime.totalMemory()));
        r.bulk("total.allocated");
        r.integer(used);
        r.bulk("heap.max");
        r.integer(runtime.maxMemory());
        r.bulk("keys.count");
        r.integer(keys);
        r.bulk("keys.bytes-per-key");
        r.integer(keys == 0 ? 0 : dataset / keys);
        r.bulk("dataset.bytes");
        r.integer(dataset);
        r.bulk("fragmentation");
        r.doubleValue(used == 0 ? 0 : (double) runtime.totalMemory() / used);
        r.bulk("fragmentation.bytes");
        r.integer(runtime.totalMemory() - used);
        perDatabase.forEach((db, count) -> {
            r.bulk("db." + db);
            r.map(1);
            r.bulk("keys");
            r.integer(count);
        });
    }

    /** MEMORY DOCTOR: what Larder can say of its memory, the heap's use and headroom. */
    private String memoryDoctor(Session session) {
        Runtime runtime = Runtime.getRuntime();
        long used = runtime.totalMemory() - runtime.freeMemory();
        double share = (double) used / runtime.maxMemory();
        StringBuilder report = new StringBuilder("Heap: " + used / (1024 * 1024) + " MB used of " + runtime.maxMemory() / (1024 * 1024)
                + " MB (" + Math.round(share * 100) + "%).\n");
        if (share > 0.85) {
            report.append("The heap is nearly full: raise -Xmx in JAVA_OPTS, or set maxmemory with an eviction policy for caches.\n");
        } else {
            report.append("Sam, I have no memory problems to report.\n");
        }
        if (session.tenant().maxmemory > 0) {
            report.append("This database's keys take about " + session.tenant().estimatedBytes / 1024 + " KB of its maxmemory of "
                    + session.tenant().maxmemory / 1024 + " KB (policy "
                    + session.tenant().evictionPolicy.name().toLowerCase(Locale.ROOT).replace('_', '-') + ").\n");
        }
        return report.toString();
    }
}
