package dev.larder.redis.scripting;

import dev.larder.redis.api.RedisException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * A function library (FUNCTION LOAD): its code, compiled once, and the functions it registers. Each
 * thread that calls one of its functions runs the code once in an environment of its own, as scripts
 * get one per thread.
 */
final class FunctionLibrary {

    /** A registered function's metadata. */
    record Function(String name, String description, Set<String> flags) {
        boolean noWrites() {
            return flags.contains("no-writes");
        }
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]+");
    private static final String BAD_NAME = "ERR Library names can only contain letters, numbers, or underscores(_) and must be at "
            + "least one character long";
    private static final Set<String> FUNCTION_FLAGS = Set.of("no-writes", "allow-oom", "allow-stale", "no-cluster",
            "allow-cross-slot-keys", "allow-key-locking");

    final String name;
    final byte[] code;
    private final Prototype prototype;
    /** By name, sorted (FUNCTION LIST's order). */
    final Map<String, Function> functions;
    private final ThreadLocal<Loaded> perThread = new ThreadLocal<>();

    /** A thread's instance: its environment and the callbacks the code registered there. */
    record Loaded(SandboxGlobals environment, Map<String, LuaFunction> callbacks) {
    }

    private FunctionLibrary(String name, byte[] code, Prototype prototype, Map<String, Function> functions) {
        this.name = name;
        this.code = code;
        this.prototype = prototype;
        this.functions = functions;
    }

    /** Compiles and runs the code once to learn what it registers, with FUNCTION LOAD's errors. */
    static FunctionLibrary load(byte[] code) throws RedisException {
        if (code.length < 2 || code[0] != '#' || code[1] != '!') {
            throw new RedisException("ERR Missing library metadata");
        }
        Shebang shebang;
        try {
            shebang = Shebang.parse(code, Set.of("name"), true);
        } catch (RedisException e) {
            throw e.getMessage().startsWith("ERR Unexpected engine") ? new RedisException("ERR Engine '"
                    + e.getMessage().substring(e.getMessage().indexOf("#!") + 2) + "' not found") : e;
        }
        String name = shebang.options().get("name");
        if (name == null) {
            throw new RedisException("ERR Library name was not given");
        }
        if (!NAME.matcher(name).matches()) {
            throw new RedisException(BAD_NAME);
        }
        Prototype prototype;
        try {
            prototype = LuaEnvironment.compile(shebang.source(), LuaEnvironment.FUNCTION_CHUNK);
        } catch (LuaError e) {
            throw new RedisException("ERR Error compiling function: " + LuaReplies.oneLine(String.valueOf(e.getMessage())));
        }
        Map<String, Function> functions = new TreeMap<>();
        Map<String, LuaFunction> callbacks = new LinkedHashMap<>();
        run(prototype, functions, callbacks);
        if (functions.isEmpty()) {
            throw new RedisException("ERR No functions registered");
        }
        return new FunctionLibrary(name, code, prototype, functions);
    }

    /** This thread's callback of one of the library's functions. */
    LuaFunction callback(String function) {
        return loaded().callbacks().get(function);
    }

    SandboxGlobals environment() {
        return loaded().environment();
    }

    private Loaded loaded() {
        Loaded loaded = perThread.get();
        if (loaded == null) {
            Map<String, LuaFunction> callbacks = new LinkedHashMap<>();
            try {
                SandboxGlobals environment = run(prototype, new TreeMap<>(), callbacks);
                loaded = new Loaded(environment, callbacks);
            } catch (RedisException e) {
                throw new IllegalStateException("library " + name + " loaded before but not now: " + e.getMessage());
            }
            perThread.set(loaded);
        }
        return loaded;
    }

    /** Runs the library's code in a new environment whose redis table registers functions; then gives it the runtime table. */
    private static SandboxGlobals run(Prototype prototype, Map<String, Function> functions, Map<String, LuaFunction> callbacks)
            throws RedisException {
        VarArgFunction register = new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                register(args, functions, callbacks);
                return LuaValue.NONE;
            }
        };
        SandboxGlobals environment = LuaEnvironment.create(RedisLib.loading(register));
        try {
            LuaEnvironment.instantiate(prototype, environment).call();
        } catch (LuaError e) {
            String message = LuaReplies.error(e.getMessageObject() == null ? LuaValue.NIL : e.getMessageObject());
            if (message == null) {
                message = "ERR " + ScriptRunner.luaMessage(e);
            }
            throw new RedisException("ERR Error registering functions: " + LuaReplies.oneLine(message));
        }
        environment.define("redis", ReadOnlyTable.copyOf(RedisLib.runtime()));
        return environment;
    }

    private static void register(Varargs args, Map<String, Function> functions, Map<String, LuaFunction> callbacks) {
        String name;
        LuaValue callback;
        String description = null;
        Set<String> flags = new java.util.LinkedHashSet<>();
        if (args.narg() == 1 && args.arg1().istable()) {
            LuaTable named = args.arg1().checktable();
            for (LuaValue key : named.keys()) {
                String field = key.tojstring();
                if (!Set.of("function_name", "callback", "flags", "description").contains(field)) {
                    throw new LuaError(LuaReplies.errorTable("ERR unknown argument given to register_function"));
                }
            }
            name = named.get("function_name").optjstring(null);
            callback = named.get("callback");
            description = named.get("description").optjstring(null);
            LuaValue given = named.get("flags");
            if (given.istable()) {
                for (LuaValue flag : ((LuaTable) given).keys()) {
                    String value = given.get(flag).tojstring();
                    if (!FUNCTION_FLAGS.contains(value)) {
                        throw new LuaError(LuaReplies.errorTable("ERR unknown flag given"));
                    }
                    flags.add(value);
                }
            }
        } else if (args.narg() == 2) {
            name = args.arg1().optjstring(null);
            callback = args.arg(2);
        } else {
            throw new LuaError(LuaReplies.errorTable("ERR wrong number of arguments to redis.register_function"));
        }
        if (name == null) {
            throw new LuaError(LuaReplies.errorTable("ERR redis.register_function must get a function name argument"));
        }
        if (!callback.isfunction()) {
            throw new LuaError(LuaReplies.errorTable("ERR redis.register_function must get a callback argument"));
        }
        if (!NAME.matcher(name).matches()) {
            throw new LuaError(LuaReplies.errorTable(BAD_NAME));
        }
        if (functions.containsKey(name)) {
            throw new LuaError(LuaReplies.errorTable("ERR Function already exists in the library"));
        }
        functions.put(name, new Function(name, description, Set.copyOf(flags)));
        callbacks.put(name, (LuaFunction) callback);
    }
}
