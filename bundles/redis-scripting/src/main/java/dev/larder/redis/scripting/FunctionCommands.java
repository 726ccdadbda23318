package dev.larder.redis.scripting;

import static dev.larder.redis.api.CommandFlag.ALLOW_BUSY;
import static dev.larder.redis.api.CommandFlag.MOVABLEKEYS;
import static dev.larder.redis.api.CommandFlag.NOSCRIPT;
import static dev.larder.redis.api.CommandFlag.NO_MANDATORY_KEYS;
import static dev.larder.redis.api.CommandFlag.SKIP_MONITOR;
import static dev.larder.redis.api.CommandFlag.STALE;
import static dev.larder.redis.api.CommandSpec.command;

import dev.larder.redis.api.Arguments;
import dev.larder.redis.api.CommandContext;
import dev.larder.redis.api.CommandFamily;
import dev.larder.redis.api.GlobPattern;
import dev.larder.redis.api.RedisCommand;
import dev.larder.redis.api.RedisException;
import dev.larder.redis.api.Reply;
import dev.larder.redis.api.rdb.DumpPayload;
import dev.larder.storage.KeyValueTable;
import dev.larder.storage.StorageNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.luaj.vm2.LuaFunction;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FUNCTION and FCALL (Redis's functions.c): libraries of Lua functions per database, kept in the storage
 * grid (each database's libraries as one FUNCTION DUMP payload) so they survive restarts, as Redis keeps
 * them in its RDB and AOF.
 */
@Component(service = CommandFamily.class)
public class FunctionCommands implements CommandFamily {

    private static final Logger LOG = LoggerFactory.getLogger("dev.larder.redis.scripts");
    static final String TABLE = "redis-functions";
    /** RDB_OPCODE_FUNCTION2: a library's code in a FUNCTION DUMP payload. */
    private static final int FUNCTION_OPCODE = 245;

    /** Per database: libraries by name (TreeMap under the map's lock). */
    private final Map<String, Map<String, FunctionLibrary>> databases = new ConcurrentHashMap<>();
    private final ScriptRunner runner = new ScriptRunner();
    private final KeyValueTable stored;

    @Activate
    public FunctionCommands(@Reference StorageNode storage) {
        stored = storage.table(TABLE);
        stored.scanLocal((slot, key, value) -> {
            String database = new String(key, StandardCharsets.UTF_8);
            try {
                restore(libraries(database), value, "REPLACE");
            } catch (RedisException e) {
                LOG.error("Functions of database '{}' could not be loaded: {}", database, e.getMessage());
            }
        });
    }

    @Deactivate
    void deactivate() {
        runner.killAll();
    }

    @Override
    public List<RedisCommand> commands() {
        return List.of(
                new ScriptingCommands.ScriptCommand(command("fcall", -3).flags(NOSCRIPT, SKIP_MONITOR, NO_MANDATORY_KEYS, STALE,
                        MOVABLEKEYS).categories("scripting").build(), (c, argv, r) -> fcall(c, argv, r, false)),
                new ScriptingCommands.ScriptCommand(command("fcall_ro", -3).flags(NOSCRIPT, SKIP_MONITOR, NO_MANDATORY_KEYS, STALE,
                        MOVABLEKEYS).categories("scripting").build(), (c, argv, r) -> fcall(c, argv, r, true)),
                RedisCommand.of(command("function", -2).flags(NOSCRIPT, ALLOW_BUSY).categories("scripting").build(), this::function));
    }

    private Map<String, FunctionLibrary> libraries(String database) {
        return databases.computeIfAbsent(database, name -> new TreeMap<>());
    }

    /** INFO memory: the database's functions and libraries, and the bytes of their code. */
    @Override
    public void info(String section, CommandContext client, java.util.function.BiConsumer<String, Object> field) {
        if (!section.equals("memory")) {
            return;
        }
        Map<String, FunctionLibrary> libraries = libraries(client);
        long functions;
        long code;
        synchronized (libraries) {
            functions = libraries.values().stream().mapToLong(library -> library.functions.size()).sum();
            code = libraries.values().stream().mapToLong(library -> library.code.length).sum();
        }
        field.accept("number_of_functions", functions);
        field.accept("number_of_libraries", libraries.size());
        field.accept("used_memory_vm_functions", 0);
        field.accept("used_memory_vm_total", 0);
        field.accept("used_memory_vm_total_human", "0B");
        field.accept("used_memory_functions", code);
        field.accept("used_memory_scripts", code);
        field.accept("used_memory_scripts_human", code < 1024 ? code + "B" : String.format(java.util.Locale.ROOT, "%.2fK", code / 1024.0));
    }

    private Map<String, FunctionLibrary> libraries(CommandContext c) {
        return libraries(c.client().user());
    }

    private void fcall(CommandContext c, byte[][] argv, Reply r, boolean readOnly) throws RedisException {
        String name = Arguments.text(argv[1]);
        int numkeys = ScriptingCommands.numkeys(argv);
        FunctionLibrary library = null;
        Map<String, FunctionLibrary> libraries = libraries(c);
        synchronized (libraries) {
            for (FunctionLibrary candidate : libraries.values()) {
                if (candidate.functions.containsKey(name)) {
                    library = candidate;
                }
            }
        }
        if (library == null) {
            throw new RedisException("ERR Function not found");
        }
        FunctionLibrary.Function function = library.functions.get(name);
        if (readOnly && !function.noWrites()) {
            throw new RedisException("ERR Can not execute a script with write flag using *_ro command.");
        }
        LuaFunction callback = library.callback(name);
        ScriptRun run = new ScriptRun(c, name, true, !readOnly && !function.noWrites(), argv);
        runner.run(run, library.environment(), callback, r, ScriptRunner.strings(argv, 3, 3 + numkeys),
                ScriptRunner.strings(argv, 3 + numkeys, argv.length));
    }

    /** FUNCTION LOAD | LIST | DELETE | FLUSH | DUMP | RESTORE | STATS | KILL | HELP */
    private void function(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        String sub = Arguments.subcommand(argv, "FUNCTION", Map.of("load", -3, "list", -2, "delete", 3, "flush", -2, "dump", 2,
                "restore", -3, "stats", 2, "kill", 2, "help", 2));
        Map<String, FunctionLibrary> libraries = libraries(c);
        switch (sub) {
            case "load" -> {
                boolean replace = argv.length == 4 && Arguments.is(argv[2], "REPLACE");
                if (argv.length > 4 || argv.length == 4 && !replace) {
                    throw RedisException.syntax();
                }
                FunctionLibrary library = FunctionLibrary.load(argv[argv.length - 1]);
                synchronized (libraries) {
                    add(libraries, library, replace);
                    persist(c.client().user(), libraries);
                }
                r.bulk(library.name);
            }
            case "list" -> list(libraries, argv, r);
            case "delete" -> {
                synchronized (libraries) {
                    if (libraries.remove(Arguments.text(argv[2])) == null) {
                        throw new RedisException("ERR Library not found");
                    }
                    persist(c.client().user(), libraries);
                }
                r.ok();
            }
            case "flush" -> {
                if (argv.length > 3 || argv.length == 3 && !Arguments.is(argv[2], "SYNC") && !Arguments.is(argv[2], "ASYNC")) {
                    throw new RedisException("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
                }
                synchronized (libraries) {
                    libraries.clear();
                    persist(c.client().user(), libraries);
                }
                r.ok();
            }
            case "dump" -> {
                synchronized (libraries) {
                    r.bulk(dump(libraries));
                }
            }
            case "restore" -> {
                String policy = argv.length == 4 ? Arguments.text(argv[3]).toUpperCase(java.util.Locale.ROOT) : "APPEND";
                if (argv.length > 4 || !List.of("APPEND", "REPLACE", "FLUSH").contains(policy)) {
                    throw new RedisException("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
                }
                synchronized (libraries) {
                    restore(libraries, argv[2], policy);
                    persist(c.client().user(), libraries);
                }
                r.ok();
            }
            case "stats" -> stats(c, libraries, r);
            case "kill" -> {
                Boolean killed = runner.kill(c.client().user(), true);
                if (killed == null) {
                    throw new RedisException("NOTBUSY No scripts in execution right now.");
                }
                if (!killed) {
                    throw new RedisException("UNKILLABLE The busy script was sent a write command, it can not be killed.");
                }
                r.ok();
            }
            default -> r.help("FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                    "LOAD [REPLACE] <FUNCTION CODE>", "    Create a new library with the given library name and code.",
                    "DELETE <LIBRARY NAME>", "    Delete the given library.",
                    "LIST [LIBRARYNAME PATTERN] [WITHCODE]", "    Return general information on all the libraries:",
                    "    * Library name", "    * The engine used to run the Library", "    * Library description",
                    "    * Functions list", "    * Library code (if WITHCODE is given)",
                    "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
                    "STATS", "    Return information about the current function running:", "    * Function name",
                    "    * Command used to run the function", "    * Duration in MS that the function is running",
                    "    If no function is running, return nil", "    In addition, returns a list of available engines.",
                    "KILL", "    Kill the current running function.",
                    "FLUSH [ASYNC|SYNC]", "    Delete all the libraries.",
                    "    When called without the optional mode argument, the behavior is determined by the",
                    "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
                    "    * ASYNC: Asynchronously flush the libraries.", "    * SYNC: Synchronously flush the libraries.",
                    "DUMP", "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
                    "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
                    "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
                    "    control how to handle existing libraries (default APPEND):",
                    "    * FLUSH: delete all existing libraries.", "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
                    "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
                    "      libraries with the new libraries (notice that even on this option there is a chance of failure",
                    "      in case of functions name collision with another library).",
                    "HELP", "    Print this help.");
        }
    }

    /** Adds a library; a function name another library has is an error, as a library name without REPLACE. */
    private static void add(Map<String, FunctionLibrary> libraries, FunctionLibrary library, boolean replace) throws RedisException {
        if (!replace && libraries.containsKey(library.name)) {
            throw new RedisException("ERR Library '" + library.name + "' already exists");
        }
        for (FunctionLibrary other : libraries.values()) {
            if (other.name.equals(library.name)) {
                continue;
            }
            for (String function : library.functions.keySet()) {
                if (other.functions.containsKey(function)) {
                    throw new RedisException("ERR Function " + function + " already exists");
                }
            }
        }
        libraries.put(library.name, library);
    }

    private void list(Map<String, FunctionLibrary> libraries, byte[][] argv, Reply r) throws RedisException {
        boolean withCode = false;
        byte[] pattern = null;
        for (int i = 2; i < argv.length; i++) {
            if (Arguments.is(argv[i], "WITHCODE") && !withCode) {
                withCode = true;
            } else if (Arguments.is(argv[i], "LIBRARYNAME") && pattern == null && i + 1 < argv.length) {
                pattern = argv[++i];
            } else {
                throw new RedisException("ERR Unknown argument " + Arguments.text(argv[i]));
            }
        }
        List<FunctionLibrary> shown = new ArrayList<>();
        synchronized (libraries) {
            for (FunctionLibrary library : libraries.values()) {
                if (pattern == null || GlobPattern.matches(pattern, library.name.getBytes(StandardCharsets.UTF_8))) {
                    shown.add(library);
                }
            }
        }
        r.array(shown.size());
        for (FunctionLibrary library : shown) {
            r.map(withCode ? 4 : 3);
            r.bulk("library_name");
            r.bulk(library.name);
            r.bulk("engine");
            r.bulk("LUA");
            r.bulk("functions");
            r.array(library.functions.size());
            for (FunctionLibrary.Function function : library.functions.values()) {
                r.map(3);
                r.bulk("name");
                r.bulk(function.name());
                r.bulk("description");
                if (function.description() == null) {
                    r.nil();
                } else {
                    r.bulk(function.description());
                }
                r.bulk("flags");
                r.set(function.flags().size());
                function.flags().stream().sorted().forEach(r::simple);
            }
            if (withCode) {
                r.bulk("library_code");
                r.bulk(library.code);
            }
        }
    }

    private void stats(CommandContext c, Map<String, FunctionLibrary> libraries, Reply r) {
        r.map(2);
        r.bulk("running_script");
        ScriptRun running = runner.running().stream().filter(run -> run.database.equals(c.client().user())).findFirst().orElse(null);
        if (running == null) {
            r.nil();
        } else {
            r.map(3);
            r.bulk("name");
            r.bulk(running.name);
            r.bulk("command");
            r.array(running.command.length);
            for (byte[] arg : running.command) {
                r.bulk(arg);
            }
            r.bulk("duration_ms");
            r.integer(System.currentTimeMillis() - running.startedMillis);
        }
        r.bulk("engines");
        r.map(1);
        r.bulk("LUA");
        r.map(2);
        int functions;
        synchronized (libraries) {
            functions = libraries.values().stream().mapToInt(library -> library.functions.size()).sum();
            r.bulk("libraries_count");
            r.integer(libraries.size());
        }
        r.bulk("functions_count");
        r.integer(functions);
    }

    /** Redis's FUNCTION DUMP format: each library's code after opcode 245, then RDB version and CRC64. */
    private static byte[] dump(Map<String, FunctionLibrary> libraries) {
        DumpPayload.Writer payload = new DumpPayload.Writer();
        for (FunctionLibrary library : libraries.values()) {
            payload.type(FUNCTION_OPCODE).string(library.code);
        }
        return payload.finish();
    }

    /** Loads every library of a payload first, then applies them by the policy: nothing changes on an error. */
    private static void restore(Map<String, FunctionLibrary> libraries, byte[] payload, String policy) throws RedisException {
        List<FunctionLibrary> restored = new ArrayList<>();
        try {
            DumpPayload.verify(payload);
            DumpPayload.Reader reader = DumpPayload.reader(payload);
            while (!reader.atEnd()) {
                if (reader.next() != FUNCTION_OPCODE) {
                    throw new RedisException("ERR given type is not a function");
                }
                restored.add(FunctionLibrary.load(reader.string()));
            }
        } catch (DumpPayload.BadPayload e) {
            throw new RedisException("ERR DUMP payload version or checksum are wrong");
        }
        Map<String, FunctionLibrary> result = new LinkedHashMap<>(policy.equals("FLUSH") ? Map.of() : libraries);
        for (FunctionLibrary library : restored) {
            if (policy.equals("APPEND") && result.containsKey(library.name)) {
                throw new RedisException("ERR Library " + library.name + " already exists");
            }
            Map<String, FunctionLibrary> others = new LinkedHashMap<>(result);
            others.remove(library.name);
            add(others, library, true);
            result.put(library.name, library);
        }
        libraries.clear();
        libraries.putAll(result);
    }

    /** Writes a database's libraries to the grid (or removes them when none are left). */
    private void persist(String database, Map<String, FunctionLibrary> libraries) {
        byte[] key = database.getBytes(StandardCharsets.UTF_8);
        if (libraries.isEmpty()) {
            stored.remove(0, key);
        } else {
            stored.put(0, key, dump(libraries));
        }
    }
}
