package dev.larder.redis.scripting;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * A library table scripts may read but not change (string, table, redis, cjson...), as Redis 7 makes
 * them: one script cannot leave anything behind for the next.
 */
final class ReadOnlyTable extends LuaTable {

    static final String REFUSAL = "Attempt to modify a readonly table";

    private boolean frozen;

    /** A frozen copy of a table's entries. */
    static ReadOnlyTable copyOf(LuaValue table) {
        ReadOnlyTable copy = new ReadOnlyTable();
        LuaValue key = LuaValue.NIL;
        while (true) {
            org.luaj.vm2.Varargs next = table.next(key);
            if ((key = next.arg1()).isnil()) {
                break;
            }
            copy.rawset(key, next.arg(2));
        }
        LuaValue meta = table.getmetatable();
        if (meta != null) {
            copy.setmetatable(meta);
        }
        copy.frozen = true;
        return copy;
    }

    /** A change by assignment: Lua reports it with the script's position. */
    private void check() {
        if (frozen) {
            throw new LuaError(REFUSAL);
        }
    }

    /** A change by a library function (table.insert, setmetatable): Redis reports it without a position. */
    private void checkCall() {
        if (frozen) {
            throw ScriptRun.raise("ERR " + REFUSAL);
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
