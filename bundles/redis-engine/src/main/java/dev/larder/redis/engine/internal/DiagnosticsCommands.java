package dev.larder.redis.engine.internal;

import static dev.larder.redis.api.CommandFlag.ADMIN;
import static dev.larder.redis.api.CommandFlag.LOADING;
import static dev.larder.redis.api.CommandFlag.NOSCRIPT;
import static dev.larder.redis.api.CommandFlag.READONLY;
import static dev.larder.redis.api.CommandFlag.STALE;
import static dev.larder.redis.api.CommandSpec.command;

import dev.larder.databases.DatabaseException;
import dev.larder.databases.Durability;
import dev.larder.redis.api.Arguments;
import dev.larder.redis.api.CommandContext;
import dev.larder.redis.api.CommandFamily;
import dev.larder.redis.api.GlobPattern;
import dev.larder.redis.api.RedisCommand;
import dev.larder.redis.api.RedisException;
import dev.larder.redis.api.RedisValue;
import dev.larder.redis.api.Reply;
import dev.larder.redis.api.StringValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What an operator looks at and tunes: CONFIG, SLOWLOG, LATENCY, MONITOR, MEMORY. */
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
                RedisCommand.of(command("config", -2).flags(ADMIN, NOSCRIPT, LOADING, STALE).categories("admin", "dangerous").build(),
                        this::config),
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

    /** Every parameter CONFIG GET shows for this session; the settable ones are named in {@link #set}. */
    private Map<String, String> parameters(Session session) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("databases", Integer.toString(session.databases()));
        parameters.put("maxmemory", "0");
        parameters.put("save", "");
        parameters.put("appendonly", session.tenant().persisted() ? "yes" : "no");
        parameters.put("appendfsync", !session.tenant().persisted() ? "no" : session.tenant().acknowledgedAfterSync() ? "always" : "everysec");
        parameters.put("slowlog-log-slower-than", Long.toString(diagnostics.slowerThan()));
        parameters.put("slowlog-max-len", Integer.toString(diagnostics.maxLength()));
        parameters.put("latency-monitor-threshold", Long.toString(diagnostics.latencyThreshold()));
        parameters.put("busy-reply-threshold", Long.toString(engine.busyThresholdMillis()));
        parameters.put("notify-keyspace-events", KeyspaceEvents.letters(KeyspaceEvents.flags()));
        parameters.put("lua-time-limit", Long.toString(engine.busyThresholdMillis()));
        return parameters;
    }

    /** CONFIG GET pattern... | SET parameter value [parameter value ...] | RESETSTAT | REWRITE */
    private void config(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        Session session = (Session) c;
        if (Arguments.is(argv[1], "GET") && argv.length >= 3) {
            Map<String, String> matched = new LinkedHashMap<>();
            for (int i = 2; i < argv.length; i++) {
                for (var parameter : parameters(session).entrySet()) {
                    if (GlobPattern.matches(argv[i], parameter.getKey().getBytes(StandardCharsets.UTF_8))) {
                        matched.put(parameter.getKey(), parameter.getValue());
                    }
                }
            }
            r.map(matched.size());
            matched.forEach((name, value) -> {
                r.bulk(name);
                r.bulk(value);
            });
        } else if (Arguments.is(argv[1], "SET") && argv.length >= 4) {
            if (argv.length % 2 != 0) {
                throw new RedisException("ERR wrong number of arguments for 'config|set' command");
            }
            set(session, argv);
            r.ok();
        } else if (Arguments.is(argv[1], "RESETSTAT") && argv.length == 2) {
            engine.resetStats();
            diagnostics.resetSlowLog();
            diagnostics.resetLatency(List.of());
            r.ok();
        } else if (Arguments.is(argv[1], "REWRITE") && argv.length == 2) {
            try {
                diagnostics.save();
            } catch (IOException e) {
                throw new RedisException("ERR Rewriting config file: " + e.getMessage());
            }
            r.ok();
        } else {
            throw unknownSubcommand(argv, "CONFIG", "get", "set", "resetstat", "rewrite", "help");
        }
    }

    /** All pairs are checked before any is applied, as Redis 7 does. */
    private void set(Session session, byte[][] argv) throws RedisException {
        Map<String, String> wanted = new LinkedHashMap<>();
        for (int i = 2; i < argv.length; i += 2) {
            String name = Arguments.text(argv[i]).toLowerCase(Locale.ROOT);
            String value = Arguments.text(argv[i + 1]);
            if (!parameters(session).containsKey(name)) {
                throw new RedisException("ERR Unknown option or number of arguments for CONFIG SET - '" + Arguments.text(argv[i]) + "'");
            }
            if (wanted.put(name, value) != null) {
                throw failed(name, "duplicate parameter");
            }
            switch (name) {
                case "slowlog-log-slower-than", "slowlog-max-len", "latency-monitor-threshold", "busy-reply-threshold",
                        "lua-time-limit" -> {
                    long number = integer(name, value);
                    if (name.equals("slowlog-log-slower-than") ? number < -1 : number < 0) {
                        throw failed(name, "argument must be between " + (name.equals("slowlog-log-slower-than") ? -1 : 0)
                                + " and 9223372036854775807 inclusive");
                    }
                }
                case "notify-keyspace-events" -> {
                    try {
                        KeyspaceEvents.parse(value);
                    } catch (RedisException e) {
                        throw failed(name, "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
                    }
                }
                case "appendfsync" -> {
                    if (!value.equalsIgnoreCase("always") && !value.equalsIgnoreCase("everysec")) {
                        throw failed(name, "argument(s) must be one of the following: always, everysec "
                                + "(a memory-only database is made with larder:db-durability NAME off)");
                    }
                }
                default -> throw failed(name, "can't set immutable config");
            }
        }
        for (var change : wanted.entrySet()) {
            switch (change.getKey()) {
                case "slowlog-log-slower-than" -> diagnostics.slowerThan(Long.parseLong(change.getValue()));
                case "slowlog-max-len" -> diagnostics.maxLength(Long.parseLong(change.getValue()));
                case "latency-monitor-threshold" -> diagnostics.latencyThreshold(Long.parseLong(change.getValue()));
                case "busy-reply-threshold", "lua-time-limit" -> engine.busyThresholdMillis(Long.parseLong(change.getValue()));
                case "notify-keyspace-events" -> KeyspaceEvents.flags(KeyspaceEvents.parse(change.getValue()));
                default -> {
                    try {
                        engine.databases().setDurability(session.tenant().name,
                                Durability.valueOf(change.getValue().toUpperCase(Locale.ROOT)));
                    } catch (DatabaseException e) {
                        throw failed(change.getKey(), e.getMessage());
                    }
                }
            }
        }
    }

    private static long integer(String name, String value) throws RedisException {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw failed(name, "argument couldn't be parsed into an integer");
        }
    }

    private static RedisException failed(String name, String why) {
        return new RedisException("ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + why);
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
            int valueBytes = value instanceof StringValue string ? string.bytes().length : 0;
            r.integer(EntrySizes.estimate(argv[2].length, valueBytes));
        } else if (sub.equals("stats") && argv.length == 2) {
            Runtime runtime = Runtime.getRuntime();
            long keys = 0;
            for (int db = 0; db < c.databases(); db++) {
                keys += engine.keyCounts(((Session) c).tenant(), db)[0];
            }
            r.map(3);
            r.bulk("total.allocated");
            r.integer(runtime.totalMemory() - runtime.freeMemory());
            r.bulk("heap.max");
            r.integer(runtime.maxMemory());
            r.bulk("keys.count");
            r.integer(keys);
        } else if (sub.equals("help") && argv.length == 2) {
            r.help("MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                    "STATS", "    Return information about the memory usage of the server.",
                    "USAGE <key> [SAMPLES <count>]", "    Return memory in bytes used by <key> and its value.", "HELP", "    Print this help.");
        } else {
            throw unknownSubcommand(argv, "MEMORY", "usage", "stats", "help");
        }
    }

}
