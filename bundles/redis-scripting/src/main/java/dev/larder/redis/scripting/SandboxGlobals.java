package dev.larder.redis.scripting;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.TwoArgFunction;

/**
 * The global table of a script's environment, read-only once set up (as in Redis 7: a script creates no
 * globals and replaces nothing), and reading a global that does not exist is an error, not nil.
 */
final class SandboxGlobals extends Globals {

    private boolean frozen;

    /** Ends the set-up: from now on only {@link #arguments} changes anything. */
    void freeze() {
        LuaTable meta = new LuaTable();
        meta.rawset(INDEX, new TwoArgFunction() {
            @Override
            public LuaValue call(LuaValue table, LuaValue key) {
                throw new LuaError("Script attempted to access nonexistent global variable '" + key.tojstring() + "'");
            }
        });
        super.setmetatable(ReadOnlyTable.copyOf(meta));
        frozen = true;
    }

    /** KEYS and ARGV of the script about to run. */
    void arguments(LuaValue keys, LuaValue args) {
        super.rawset(KEYS, keys);
        super.rawset(ARGV, args);
    }

    /** Sets a global despite the freeze: the redis table once a function library has loaded. */
    void define(String name, LuaValue value) {
        super.rawset(LuaValue.valueOf(name), value);
    }

    private static final LuaValue KEYS = LuaValue.valueOf("KEYS");
    private static final LuaValue ARGV = LuaValue.valueOf("ARGV");

    /** A change by assignment: Lua reports it with the script's position. */
    private void check() {
        if (frozen) {
            throw new LuaError(ReadOnlyTable.REFUSAL);
        }
    }

    /** A change by a library function (table.insert, setmetatable): Redis reports it without a position. */
    private void checkCall() {
        if (frozen) {
            throw ScriptRun.raise("ERR " + ReadOnlyTable.REFUSAL);
        }
    }

    @Override
    public void rawset(LuaValue key, LuaValue value) {
        check();
        super.rawset(key, value);
    }

    @Override
    public void rawset(int key, LuaValue value) {
        check();
        super.rawset(key, value);
    }

    @Override
    public void insert(int pos, LuaValue value) {
        checkCall();
        super.insert(pos, value);
    }

    @Override
    public LuaValue remove(int pos) {
        checkCall();
        return super.remove(pos);
    }

    @Override
    public void sort(LuaValue comparator) {
        checkCall();
        super.sort(comparator);
    }

    @Override
    public LuaValue setmetatable(LuaValue metatable) {
        checkCall();
        return super.setmetatable(metatable);
    }
}
