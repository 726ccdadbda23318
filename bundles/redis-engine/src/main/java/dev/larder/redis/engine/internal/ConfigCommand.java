package dev.larder.redis.engine.internal;

import static dev.larder.redis.api.CommandFlag.ADMIN;
import static dev.larder.redis.api.CommandFlag.LOADING;
import static dev.larder.redis.api.CommandFlag.NOSCRIPT;
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
import dev.larder.redis.api.Reply;
import dev.larder.redis.api.types.EncodingLimits;
import dev.larder.redis.engine.ClientLimits;
import dev.larder.redis.engine.internal.RedisParameters.Parameter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * CONFIG GET, SET, RESETSTAT, REWRITE and HELP over Redis 7.0's parameters ({@link RedisParameters}).
 * A database's own parameters (durability, encodings, keyspace events, memory) are set per database by
 * its full token; server-wide ones by the default database's full token only.
 */
final class ConfigCommand implements CommandFamily {

    private static final Set<String> DURABILITY = Set.of("appendonly", "appendfsync", "save");

    private final RedisEngine engine;
    private final Diagnostics diagnostics;

    ConfigCommand(RedisEngine engine, Diagnostics diagnostics) {
        this.engine = engine;
        this.diagnostics = diagnostics;
    }

    @Override
    public List<RedisCommand> commands() {
        return List.of(RedisCommand.of(command("config", -2).flags(ADMIN, NOSCRIPT, LOADING, STALE).categories("admin", "dangerous").build(),
                this::config));
    }

    private void config(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        Session session = (Session) c;
        String sub = Arguments.text(argv[1]).toLowerCase(Locale.ROOT);
        switch (sub) {
            case "get" -> {
                if (argv.length < 3) {
                    throw RedisException.wrongArity("config|get");
                }
                get(session, argv, r);
            }
            case "set" -> {
                if (argv.length < 4) {
                    throw RedisException.wrongArity("config|set");
                }
                if (argv.length % 2 != 0) {
                    throw RedisException.syntax();
                }
                set(session, argv);
                r.ok();
            }
            case "resetstat" -> {
                requireAdministrator(session, "CONFIG RESETSTAT resets the server's statistics");
                engine.resetStats();
                diagnostics.resetSlowLog();
                diagnostics.resetLatency(List.of());
                r.ok();
            }
            case "rewrite" -> {
                rewrite(session);
                r.ok();
            }
            case "help" -> r.help("CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                    "GET <pattern>", "    Return parameters matching the glob-like <pattern> and their values.",
                    "SET <directive> <value>", "    Set the configuration <directive> to <value>.",
                    "RESETSTAT", "    Reset statistics reported by the INFO command.",
                    "REWRITE", "    Rewrite the configuration file.", "HELP", "    Prints this help.");
            default -> throw RedisException.unknownSubcommand("CONFIG", argv[1]);
        }
    }

    private static void requireAdministrator(Session session, String what) throws RedisException {
        if (!session.administrator()) {
            throw new RedisException("ERR " + what + ": only the default database's full token may run it");
        }
    }

    /** As Redis: a name without glob characters is answered under the name as given; a name is never shown twice. */
    private void get(Session session, byte[][] argv, Reply r) {
        Map<String, String> matched = new LinkedHashMap<>();
        Set<String> shown = new java.util.TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 2; i < argv.length; i++) {
            String asked = Arguments.text(argv[i]);
            if (asked.chars().noneMatch(ch -> ch == '*' || ch == '?' || ch == '[')) {
                Parameter parameter = RedisParameters.REDIS_7.find(asked);
                if (parameter != null && shown.add(asked)) {
                    matched.put(asked, value(session, parameter));
                }
                continue;
            }
            for (var name : RedisParameters.REDIS_7.names().entrySet()) {
                if (GlobPattern.matchesIgnoringCase(argv[i], name.getKey().getBytes(StandardCharsets.UTF_8)) && shown.add(name.getKey())) {
                    matched.put(name.getKey(), value(session, name.getValue()));
                }
            }
        }
        r.map(matched.size());
        matched.forEach((name, value) -> {
            r.bulk(name);
            r.bulk(value);
        });
    }

    /** The value in force for the session's database. */
    private String value(Session session, Parameter parameter) {
        Tenant tenant = session.tenant();
        ParameterValues values = parameter.perDatabase() ? tenant.parameters : engine.serverParameters();
        return switch (parameter.name()) {
            case "appendonly" -> tenant.parameters.has(parameter) && storedDurabilityHolds(tenant) ? values.get(parameter)
                    : tenant.persisted() ? "yes" : "no";
            case "appendfsync" -> tenant.parameters.has(parameter) && storedDurabilityHolds(tenant) ? values.get(parameter)
                    : tenant.acknowledgedAfterSync() ? "always" : "everysec";
            case "slowlog-log-slower-than" -> Long.toString(diagnostics.slowerThan());
            case "slowlog-max-len" -> Integer.toString(diagnostics.maxLength());
            case "latency-monitor-threshold" -> Long.toString(diagnostics.latencyThreshold());
            case "busy-reply-threshold" -> Long.toString(engine.busyThresholdMillis());
            case "databases" -> Integer.toString(session.databases());
            case "port" -> port(session.localAddress());
            case "bind" -> host(session.localAddress());
            case "dir" -> engine.dataDirectory();
            case "requirepass", "masterauth" -> "";
            default -> values.get(parameter);
        };
    }

    private static String port(String hostAndPort) {
        int colon = hostAndPort.lastIndexOf(':');
        return colon < 0 ? "0" : hostAndPort.substring(colon + 1);
    }

    private static String host(String hostAndPort) {
        int colon = hostAndPort.lastIndexOf(':');
        return colon < 0 ? hostAndPort : hostAndPort.substring(0, colon);
    }

    /** All pairs are checked before any is applied, as Redis 7 does. */
    private void set(Session session, byte[][] argv) throws RedisException {
        Map<String, String> given = new LinkedHashMap<>();
        Map<Parameter, String> wanted = new LinkedHashMap<>();
        for (int i = 2; i < argv.length; i += 2) {
            String name = Arguments.text(argv[i]);
            Parameter parameter = RedisParameters.REDIS_7.find(name);
            if (parameter == null) {
                throw new RedisException("ERR Unknown option or number of arguments for CONFIG SET - '" + name + "'");
            }
            if (given.put(name.toLowerCase(Locale.ROOT), name) != null) {
                throw RedisParameters.failed(name, "duplicate parameter");
            }
            if (!parameter.perDatabase() && parameter.settable() && !session.administrator()) {
                throw RedisParameters.failed(name, "a server-wide setting: only the default database's full token may change it");
            }
            ParameterValues values = parameter.perDatabase() ? session.tenant().parameters : engine.serverParameters();
            String current = wanted.containsKey(parameter) ? wanted.get(parameter) : values.get(parameter);
            wanted.put(parameter, RedisParameters.REDIS_7.normalize(parameter, name, Arguments.text(argv[i + 1]), current));
        }
        Durability durability = null;
        if (wanted.keySet().stream().anyMatch(parameter -> DURABILITY.contains(parameter.name()))) {
            durability = durability(valueAfter(session, wanted, "appendonly"), valueAfter(session, wanted, "appendfsync"),
                    valueAfter(session, wanted, "save"));
        }
        if (durability != null && durability != durabilityOf(session.tenant())) { // unchanged: the database keeps following the engine's default
            try {
                engine.databases().setDurability(session.tenant().name, durability);
            } catch (DatabaseException e) {
                throw RedisParameters.failed("appendonly", e.getMessage());
            }
        }
        boolean server = false;
        for (var change : wanted.entrySet()) {
            Parameter parameter = change.getKey();
            String value = change.getValue();
            switch (parameter.name()) {
                case "slowlog-log-slower-than" -> diagnostics.slowerThan(Long.parseLong(value));
                case "slowlog-max-len" -> diagnostics.maxLength(Long.parseLong(value));
                case "latency-monitor-threshold" -> diagnostics.latencyThreshold(Long.parseLong(value));
                case "busy-reply-threshold" -> engine.busyThresholdMillis(Long.parseLong(value));
                default -> {
                }
            }
            (parameter.perDatabase() ? session.tenant().parameters : engine.serverParameters()).put(parameter, value);
            server |= !parameter.perDatabase();
        }
        applyDatabase(session.tenant());
        engine.keyspaceEventsChanged();
        if (server) {
            engine.clientLimits(clientLimits(engine.serverParameters()));
        }
    }

    private String valueAfter(Session session, Map<Parameter, String> wanted, String name) {
        Parameter parameter = RedisParameters.REDIS_7.find(name);
        return wanted.containsKey(parameter) ? wanted.get(parameter) : value(session, parameter);
    }

    /**
     * Redis's persistence settings as a durability: an append-only file fsynced always is ALWAYS, any
     * other persistence EVERYSEC (Larder keeps nothing weaker), none at all OFF (memory only).
     */
    static Durability durability(String appendonly, String appendfsync, String save) {
        if (appendonly.equals("yes")) {
            return appendfsync.equals("always") ? Durability.ALWAYS : Durability.EVERYSEC;
        }
        return save.isEmpty() ? Durability.OFF : Durability.EVERYSEC;
    }

    /** Whether what CONFIG SET stored for durability still says what the database has (larder:db-durability may have changed it). */
    private static boolean storedDurabilityHolds(Tenant tenant) {
        Durability stored = durability(tenant.parameters.get("appendonly"), tenant.parameters.get("appendfsync"),
                tenant.parameters.get("save"));
        return stored == durabilityOf(tenant);
    }

    private static Durability durabilityOf(Tenant tenant) {
        return !tenant.persisted() ? Durability.OFF : tenant.acknowledgedAfterSync() ? Durability.ALWAYS : Durability.EVERYSEC;
    }

    /** Derives what the engine reads on its hot paths from a database's parameters. */
    static void applyDatabase(Tenant tenant) {
        ParameterValues values = tenant.parameters;
        tenant.encodings = new EncodingLimits(values.number("hash-max-listpack-entries"), values.number("hash-max-listpack-value"),
                values.number("set-max-intset-entries"), values.number("zset-max-listpack-entries"),
                values.number("zset-max-listpack-value"), values.number("stream-node-max-entries"),
                values.number("stream-node-max-bytes"), values.number("hll-sparse-max-bytes"));
        tenant.evictionPolicy = Eviction.Policy.of(values.get("maxmemory-policy"));
        tenant.lfuPolicy = tenant.evictionPolicy.lfu();
        tenant.evictionSamples = (int) Math.min(Integer.MAX_VALUE, values.number("maxmemory-samples"));
        tenant.lfuLogFactor = values.number("lfu-log-factor");
        tenant.lfuDecayMinutes = values.number("lfu-decay-time");
        tenant.maxmemory = values.number("maxmemory");
        try {
            tenant.keyspaceEvents = KeyspaceEvents.parse(values.get("notify-keyspace-events"));
        } catch (RedisException e) {
            throw new IllegalStateException(e); // normalized when set
        }
    }

    static ClientLimits clientLimits(ParameterValues values) {
        OutputBufferLimits output = OutputBufferLimits.parseValid(values.get("client-output-buffer-limit"));
        return new ClientLimits(values.number("maxclients"), values.number("timeout"), values.number("tcp-keepalive"),
                values.number("proto-max-bulk-len"), values.number("client-query-buffer-limit"), output.normal(), output.pubsub(),
                output.replica());
    }

    /**
     * Keeps the database's parameters in the grid, and for the administrator the server's too (and the
     * diagnostics settings in their configuration file, as before).
     */
    private void rewrite(Session session) throws RedisException {
        try {
            engine.storeParameters(session.tenant());
            if (session.administrator()) {
                engine.storeServerParameters();
                diagnostics.save();
            }
        } catch (IOException | RuntimeException e) {
            throw new RedisException("ERR Rewriting config file: " + e.getMessage());
        }
    }
}
