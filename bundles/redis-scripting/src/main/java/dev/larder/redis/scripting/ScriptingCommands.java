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
import dev.larder.redis.api.CommandSpec;
import dev.larder.redis.api.RedisCommand;
import dev.larder.redis.api.RedisException;
import dev.larder.redis.api.Reply;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.Prototype;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT (Redis's eval.c). Scripts are compiled once and cached
 * by SHA1, per database; each thread runs them in an environment of its own, so scripts run in parallel
 * when their keys are in different shards, each atomic.
 */
@Component(service = CommandFamily.class)
public class ScriptingCommands implements CommandFamily {

    /** A compiled script. */
    record Script(String sha, Prototype prototype, Shebang shebang) {
    }

    private final Map<String, Map<String, Script>> cache = new ConcurrentHashMap<>();
    private final ScriptRunner runner = new ScriptRunner();
    private final ThreadLocal<SandboxGlobals> environments = ThreadLocal.withInitial(() -> LuaEnvironment.create(RedisLib.runtime()));

    @Override
    public List<RedisCommand> commands() {
        return List.of(
                evalCommand("eval", false, false),
                evalCommand("evalsha", true, false),
                evalCommand("eval_ro", false, true),
                evalCommand("evalsha_ro", true, true),
                RedisCommand.of(command("script", -2).flags(NOSCRIPT, ALLOW_BUSY).categories("scripting").build(), this::script));
    }

    private RedisCommand evalCommand(String name, boolean bySha, boolean readOnly) {
        return new ScriptCommand(command(name, -3).flags(NOSCRIPT, STALE, SKIP_MONITOR, NO_MANDATORY_KEYS, MOVABLEKEYS)
                .categories("scripting").build(), (c, argv, r) -> eval(c, argv, r, bySha, readOnly));
    }

    /** EVAL, FCALL and their variants: keys counted by numkeys; run off the network thread, as they may run long. */
    record ScriptCommand(CommandSpec spec, Body body) implements RedisCommand {
        @Override
        public void execute(CommandContext context, byte[][] argv, Reply reply) throws RedisException {
            body.execute(context, argv, reply);
        }

        @Override
        public int[] keyPositions(byte[][] argv) {
            return RedisCommand.numkeys(argv, 2);
        }

        @Override
        public boolean mayRunLong() {
            return true;
        }
    }

    /** Stops every script still running (the server is stopping), written or not. */
    @Deactivate
    void deactivate() {
        runner.killAll();
    }

    /** The number of keys of EVAL or FCALL, checked as Redis checks it. */
    static int numkeys(byte[][] argv) throws RedisException {
        long numkeys = Arguments.toLong(argv[2]);
        if (numkeys < 0) {
            throw new RedisException("ERR Number of keys can't be negative");
        }
        if (numkeys > argv.length - 3) {
            throw new RedisException("ERR Number of keys can't be greater than number of args");
        }
        return (int) numkeys;
    }

    private void eval(CommandContext c, byte[][] argv, Reply r, boolean bySha, boolean readOnly) throws RedisException {
        int numkeys = numkeys(argv);
        Script script;
        if (bySha) {
            String sha = Arguments.text(argv[1]);
            script = scripts(c).get(sha);
            if (script == null) {
                script = scripts(c).get(sha.toLowerCase(Locale.ROOT));
            }
            if (script == null) {
                throw new RedisException("NOSCRIPT No matching script. Please use EVAL.");
            }
        } else {
            script = load(c, argv[1]);
        }
        SandboxGlobals environment = environments.get();
        environment.arguments(ScriptRunner.strings(argv, 3, 3 + numkeys), ScriptRunner.strings(argv, 3 + numkeys, argv.length));
        boolean writesAllowed = !readOnly && !script.shebang().noWrites();
        ScriptRun run = new ScriptRun(c, script.sha(), false, writesAllowed, argv);
        runner.run(run, environment, LuaEnvironment.instantiate(script.prototype(), environment), r);
    }

    /**
     * INFO memory: the database's cached scripts and the bytes of their source. LuaJ's own memory is part
     * of the JVM heap (used_memory) and not counted apart, so the VM fields say 0.
     */
    @Override
    public void info(String section, CommandContext client, java.util.function.BiConsumer<String, Object> field) {
        if (section.equals("memory")) {
            Map<String, Script> scripts = scripts(client);
            field.accept("used_memory_lua", 0);
            field.accept("used_memory_vm_eval", 0);
            field.accept("used_memory_lua_human", "0B");
            field.accept("used_memory_scripts_eval", scripts.values().stream().mapToLong(script -> script.shebang().source().length).sum());
            field.accept("number_of_cached_scripts", scripts.size());
        }
    }

    private Map<String, Script> scripts(CommandContext c) {
        return cache.computeIfAbsent(c.client().user(), database -> new ConcurrentHashMap<>());
    }

    /** Compiles a script body (or finds it compiled) and caches it. */
    private Script load(CommandContext c, byte[] body) throws RedisException {
        String sha = RedisLib.sha1(body);
        Map<String, Script> scripts = scripts(c);
        Script cached = scripts.get(sha);
        if (cached != null) {
            return cached;
        }
        Shebang shebang = Shebang.parse(body, Set.of());
        try {
            Script script = new Script(sha, LuaEnvironment.compile(shebang.source(), LuaEnvironment.SCRIPT_CHUNK), shebang);
            scripts.put(sha, script);
            return script;
        } catch (LuaError e) {
            throw new RedisException(ScriptRunner.compileError(e));
        }
    }

    /** SCRIPT LOAD | EXISTS | FLUSH | KILL | HELP */
    private void script(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        String sub = Arguments.subcommand(argv, "SCRIPT", Map.of("load", 3, "exists", -3, "flush", -2, "kill", 2, "help", 2));
        switch (sub) {
            case "load" -> r.bulk(load(c, argv[2]).sha());
            case "exists" -> {
                Map<String, Script> scripts = scripts(c);
                r.array(argv.length - 2);
                for (int i = 2; i < argv.length; i++) {
                    r.integer(scripts.containsKey(Arguments.text(argv[i]).toLowerCase(Locale.ROOT)) ? 1 : 0);
                }
            }
            case "flush" -> {
                if (argv.length > 3 || argv.length == 3 && !Arguments.is(argv[2], "SYNC") && !Arguments.is(argv[2], "ASYNC")) {
                    throw new RedisException("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
                }
                scripts(c).clear();
                r.ok();
            }
            case "kill" -> {
                Boolean killed = runner.kill(c.client().user(), false);
                if (killed == null) {
                    throw new RedisException("NOTBUSY No scripts in execution right now.");
                }
                if (!killed) {
                    throw new RedisException("UNKILLABLE Sorry the script already executed write commands against the dataset. "
                            + "You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.");
                }
                r.ok();
            }
            default -> r.help("SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                    "EXISTS <sha1> [<sha1> ...]", "    Return information about the existence of the scripts in the script cache.",
                    "FLUSH [ASYNC|SYNC]", "    Flush the Lua scripts cache. Very dangerous on replicas.",
                    "    When called without the optional mode argument, the behavior is determined by the",
                    "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
                    "    * ASYNC: Asynchronously flush the scripts cache.", "    * SYNC: Synchronously flush the scripts cache.",
                    "KILL", "    Kill the currently executing Lua script.",
                    "LOAD <script>", "    Load a script into the scripts cache without executing it.",
                    "HELP", "    Print this help.");
        }
    }
}
