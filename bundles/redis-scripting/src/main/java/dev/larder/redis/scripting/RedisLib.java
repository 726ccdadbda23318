package dev.larder.redis.scripting;

import dev.larder.redis.api.Arguments;
import dev.larder.redis.api.RedisCompatibility;
import dev.larder.redis.api.RedisException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.VarArgFunction;
import org.luaj.vm2.lib.ZeroArgFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The redis table scripts see: redis.call and its companions. */
final class RedisLib {

    private static final Logger LOG = LoggerFactory.getLogger("dev.larder.redis.scripts");

    private RedisLib() {
    }

    /** The table scripts and functions run with. */
    static LuaTable runtime() {
        LuaTable redis = common();
        redis.rawset("call", new Call(false));
        redis.rawset("pcall", new Call(true));
        redis.rawset("setresp", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue version) {
                int resp = version.checkint();
                if (resp != 2 && resp != 3) {
                    throw ScriptRun.raise("ERR RESP version must be 2 or 3.");
                }
                ScriptRun run = ScriptRun.CURRENT.get();
                if (run != null) {
                    run.resp = resp;
                }
                return LuaValue.NONE;
            }
        });
        redis.rawset("replicate_commands", new ZeroArgFunction() {
            @Override
            public LuaValue call() {
                return LuaValue.TRUE; // always the case since Redis 7: scripts replicate their effects
            }
        });
        redis.rawset("set_repl", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue flags) {
                int value = flags.checkint();
                if (value < 0 || value > 3) {
                    throw ScriptRun.raise("ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
                }
                return LuaValue.NONE;
            }
        });
        redis.rawset("breakpoint", new ZeroArgFunction() {
            @Override
            public LuaValue call() {
                return LuaValue.FALSE; // no script debugger
            }
        });
        redis.rawset("debug", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return LuaValue.NONE;
            }
        });
        return redis;
    }

    /**
     * The table a function library's code sees while it loads: register_function and logging; anything
     * else (redis.call) is an error, as in Redis.
     */
    static LuaTable loading(org.luaj.vm2.LuaFunction registerFunction) {
        LuaTable redis = common();
        redis.rawset("register_function", registerFunction);
        LuaTable meta = new LuaTable();
        meta.rawset(LuaValue.INDEX, new org.luaj.vm2.lib.TwoArgFunction() {
            @Override
            public LuaValue call(LuaValue table, LuaValue key) {
                throw new LuaError("Script attempted to access nonexistent global variable '" + key.tojstring() + "'");
            }
        });
        redis.setmetatable(meta);
        return redis;
    }

    /** What both the runtime table and FUNCTION LOAD's table offer. */
    static LuaTable common() {
        LuaTable redis = new LuaTable();
        redis.rawset("error_reply", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue message) {
                String text = LuaReplies.text(message.checkstring());
                return LuaReplies.errorTable(text.startsWith("-") ? text.substring(1) : text);
            }
        });
        redis.rawset("status_reply", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue status) {
                return LuaReplies.statusTable(LuaReplies.text(status.checkstring()));
            }
        });
        redis.rawset("sha1hex", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                if (args.narg() != 1) {
                    throw ScriptRun.raise("ERR wrong number of arguments");
                }
                return LuaValue.valueOf(sha1(LuaReplies.bytes(args.checkstring(1))));
            }
        });
        redis.rawset("log", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                if (args.narg() < 2) {
                    throw ScriptRun.raise("ERR redis.log() requires two arguments or more.");
                }
                int level = args.checkint(1);
                if (level < 0 || level > 3) {
                    throw ScriptRun.raise("ERR Invalid debug level.");
                }
                StringBuilder message = new StringBuilder();
                for (int i = 2; i <= args.narg(); i++) {
                    message.append(i > 2 ? " " : "").append(args.arg(i).tojstring());
                }
                switch (level) {
                    case 0 -> LOG.debug("{}", message);
                    case 1, 2 -> LOG.info("{}", message);
                    default -> LOG.warn("{}", message);
                }
                return LuaValue.NONE;
            }
        });
        redis.rawset("LOG_DEBUG", 0);
        redis.rawset("LOG_VERBOSE", 1);
        redis.rawset("LOG_NOTICE", 2);
        redis.rawset("LOG_WARNING", 3);
        redis.rawset("REPL_NONE", 0);
        redis.rawset("REPL_AOF", 1);
        redis.rawset("REPL_SLAVE", 2);
        redis.rawset("REPL_REPLICA", 2);
        redis.rawset("REPL_ALL", 3);
        redis.rawset("REDIS_VERSION", RedisCompatibility.VERSION);
        String[] parts = RedisCompatibility.VERSION.split("\\.");
        redis.rawset("REDIS_VERSION_NUM",
                Integer.parseInt(parts[0]) << 16 | Integer.parseInt(parts[1]) << 8 | Integer.parseInt(parts[2]));
        return redis;
    }

    static String sha1(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * redis.call and redis.pcall: the arguments (strings, or numbers as %.17g) run as a command of the
     * script's client; its reply converted to Lua. An error reply raises an error table (call) or is
     * returned as one (pcall).
     */
    private static final class Call extends VarArgFunction {
        private final boolean protectedCall;

        Call(boolean protectedCall) {
            this.protectedCall = protectedCall;
        }

        @Override
        public Varargs invoke(Varargs args) {
            ScriptRun run = ScriptRun.CURRENT.get();
            if (run == null) {
                // the run belongs to the script's thread; LuaJ runs coroutines on threads of their own
                return fail("ERR Redis commands cannot be called from a coroutine");
            }
            if (args.narg() == 0) {
                return fail("ERR Please specify at least one argument for this redis lib call");
            }
            byte[][] argv = new byte[args.narg()][];
            for (int i = 0; i < argv.length; i++) {
                LuaValue arg = args.arg(i + 1);
                if (arg.type() == LuaValue.TNUMBER) {
                    argv[i] = Arguments.formatDouble(arg.todouble()).getBytes(StandardCharsets.US_ASCII);
                } else if (arg.type() == LuaValue.TSTRING) {
                    argv[i] = LuaReplies.bytes(arg.checkstring());
                } else {
                    return fail("ERR Lua redis lib command arguments must be strings or integers");
                }
            }
            LuaReplies.Builder reply = new LuaReplies.Builder(run.resp);
            try {
                if (run.context.call(argv, reply, run.writesAllowed, run.resp)) {
                    run.wrote = true;
                }
            } catch (RedisException e) {
                return fail(e.getMessage());
            }
            LuaValue result = reply.result();
            if (!protectedCall && LuaReplies.error(result) != null) {
                throw raise(result);
            }
            return result;
        }

        private LuaValue fail(String message) {
            LuaValue error = LuaReplies.errorTable(message);
            if (protectedCall) {
                return error;
            }
            throw raise(error);
        }

        private static LuaError raise(LuaValue error) {
            ScriptRun run = ScriptRun.CURRENT.get();
            return new Watchdog.ScriptError(error, run == null ? 0 : run.watchdog.currentLine());
        }
    }
}
