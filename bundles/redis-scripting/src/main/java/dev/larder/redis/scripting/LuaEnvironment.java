package dev.larder.redis.scripting;

import dev.larder.redis.api.Arguments;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.BaseLib;
import org.luaj.vm2.lib.CoroutineLib;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.VarArgFunction;
import org.luaj.vm2.lib.jse.JseMathLib;

/**
 * Builds the global environment scripts run in: what Redis 7.0 offers (Lua 5.1's base, string, table
 * and math libraries, bit, cjson, cmsgpack, struct and the redis table), nothing that reaches the host
 * (no os, io, package, require, dofile, loadfile, debug, no loading of bytecode), everything read-only.
 * LuaJ implements Lua 5.2; the 5.1 names Redis scripts use (unpack, loadstring, table.getn, math.mod...)
 * are added, and numbers print as Lua 5.1 prints them (%.14g) in tostring and string.format.
 */
final class LuaEnvironment {

    /** What a chunk is called in error messages: "user_script:3:" for EVAL, "user_function:3:" for functions. */
    static final String SCRIPT_CHUNK = "user_script";
    static final String FUNCTION_CHUNK = "user_function";

    /**
     * The string library, one for every environment: strings share one metatable in LuaJ (a static), whose
     * __index must be the very table scripts see as string.
     */
    private static final LuaTable STRING;

    static {
        org.luaj.vm2.Globals loader = new org.luaj.vm2.Globals();
        loader.load(new BaseLib());
        loader.load(new PackageLib());
        loader.load(new StringLib());
        LuaValue string = loader.get("string");
        Lua51Names.addToString(string);
        STRING = ReadOnlyTable.copyOf(string);
        LuaTable stringMeta = new LuaTable();
        stringMeta.rawset(LuaValue.INDEX, STRING);
        LuaString.s_metatable = ReadOnlyTable.copyOf(stringMeta);
    }

    private LuaEnvironment() {
    }

    /** A new frozen environment whose redis table is {@code redis}. */
    static SandboxGlobals create(LuaTable redis) {
        SandboxGlobals globals = new SandboxGlobals();
        globals.load(new BaseLib());
        globals.load(new PackageLib()); // the other libraries register themselves in package.loaded; removed below
        globals.load(new TableLib());
        globals.load(new JseMathLib());
        globals.load(new CoroutineLib());
        LuaC.install(globals);
        globals.load(new Watchdog()); // the hook (globals.debuglib); its debug table is removed below
        for (String removed : new String[] {"dofile", "loadfile", "print", "rawlen", "require", "module", "package", "debug"}) {
            globals.rawset(removed, LuaValue.NIL);
        }
        globals.rawset("_VERSION", LuaValue.valueOf("Lua 5.1"));
        LuaValue luajToString = globals.get("tostring");
        globals.rawset("tostring", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue value) {
                if (value.type() == LuaValue.TNUMBER) {
                    return LuaValue.valueOf(numberText(value.todouble()));
                }
                LuaValue text = luajToString.call(value);
                // "table: 1b6d3586" as Lua prints addresses: "table: 0x1b6d3586"
                return value.metatag(LuaValue.TOSTRING).isnil() && (value.istable() || value.isfunction())
                        ? LuaValue.valueOf(text.tojstring().replaceFirst(": ([0-9a-f]+)$", ": 0x$1")) : text;
            }
        });
        LoadFunction load = new LoadFunction(globals);
        globals.rawset("load", load);
        globals.rawset("loadstring", load);
        globals.rawset("unpack", globals.get("table").get("unpack"));
        globals.rawset("gcinfo", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return LuaValue.valueOf(usedKilobytes());
            }
        });
        globals.rawset("collectgarbage", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                // "count" as Lua reports it; collecting is the JVM's business, not a script's
                return args.optjstring(1, "collect").equals("count") ? LuaValue.valueOf((double) usedKilobytes()) : LuaValue.ZERO;
            }
        });
        Lua51Names.add(globals);
        globals.rawset("bit", BitLib.create());
        globals.rawset("struct", StructLib.create());
        globals.rawset("cjson", CjsonLib.create());
        globals.rawset("cmsgpack", CmsgpackLib.create());
        globals.rawset("redis", redis);
        globals.rawset("string", STRING);
        limitCoroutines(globals.get("coroutine"));
        for (String library : new String[] {"coroutine", "table", "math", "bit", "struct", "cjson", "cmsgpack", "redis"}) {
            globals.rawset(library, ReadOnlyTable.copyOf(globals.get(library)));
        }
        globals.freeze();
        return globals;
    }

    /** Coroutines a script may create: LuaJ runs each on a thread of its own. */
    static final int MAX_COROUTINES = 1000;

    private static void limitCoroutines(LuaValue coroutine) {
        for (String name : new String[] {"create", "wrap"}) {
            LuaValue original = coroutine.get(name);
            coroutine.rawset(name, new OneArgFunction() {
                @Override
                public LuaValue call(LuaValue function) {
                    ScriptRun run = ScriptRun.CURRENT.get();
                    if (run != null && ++run.coroutines > MAX_COROUTINES) {
                        throw ScriptRun.raise("ERR a script may create at most " + MAX_COROUTINES + " coroutines");
                    }
                    return original.call(function);
                }
            });
        }
    }

    /** Compiles a chunk (LuaJ's compiler only: no bytecode is ever loaded). */
    static Prototype compile(byte[] source, String chunk) throws LuaError {
        try (InputStream in = new ByteArrayInputStream(source)) {
            return LuaC.instance.compile(in, "@" + chunk);
        } catch (IOException e) {
            throw new LuaError(e.getMessage());
        }
    }

    static LuaClosure instantiate(Prototype prototype, SandboxGlobals globals) {
        return new LuaClosure(prototype, globals);
    }

    /** Lua 5.1's tostring of a number: %.14g. */
    static String numberText(double value) {
        return Arguments.formatDouble(value, 14);
    }

    private static long usedKilobytes() {
        Runtime runtime = Runtime.getRuntime();
        return (runtime.totalMemory() - runtime.freeMemory()) / 1024;
    }

    /**
     * load and loadstring of Lua 5.1: source text (or a function returning its pieces) compiled in the
     * script's environment; a binary chunk is refused, as Redis refuses it.
     */
    private static final class LoadFunction extends VarArgFunction {
        private final SandboxGlobals globals;

        LoadFunction(SandboxGlobals globals) {
            this.globals = globals;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaValue chunk = args.arg1();
            byte[] source;
            if (chunk.isfunction()) {
                java.io.ByteArrayOutputStream pieces = new java.io.ByteArrayOutputStream();
                while (true) {
                    LuaValue piece = chunk.call();
                    if (piece.isnil() || piece.length() == 0) {
                        break;
                    }
                    byte[] bytes = LuaReplies.bytes(piece.checkstring());
                    pieces.write(bytes, 0, bytes.length);
                }
                source = pieces.toByteArray();
            } else {
                source = LuaReplies.bytes(chunk.checkstring());
            }
            String name = args.optjstring(2, "=(load)");
            if (source.length > 0 && source[0] == 27) {
                return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf("attempt to load a binary chunk"));
            }
            try (InputStream in = new ByteArrayInputStream(source)) {
                return new LuaClosure(LuaC.instance.compile(in, name), globals);
            } catch (LuaError | IOException e) {
                return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf(String.valueOf(e.getMessage())));
            }
        }
    }
}
