package dev.larder.redis.scripting;

import dev.larder.redis.api.Arguments;
import dev.larder.redis.api.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import org.luaj.vm2.LuaInteger;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/** The conversions between Redis replies and Lua values that Redis documents for scripts. */
final class LuaReplies {

    static final LuaValue ERR = LuaValue.valueOf("err");
    static final LuaValue OK = LuaValue.valueOf("ok");
    private static final LuaValue DOUBLE = LuaValue.valueOf("double");
    private static final LuaValue MAP = LuaValue.valueOf("map");
    private static final LuaValue SET = LuaValue.valueOf("set");
    private static final LuaValue BIG_NUMBER = LuaValue.valueOf("big_number");
    private static final int MAX_DEPTH = 1000;

    private LuaReplies() {
    }

    static LuaTable errorTable(String message) {
        LuaTable table = new LuaTable();
        table.rawset(ERR, LuaValue.valueOf(message));
        return table;
    }

    static LuaTable statusTable(String status) {
        LuaTable table = new LuaTable();
        table.rawset(OK, LuaValue.valueOf(status));
        return table;
    }

    static byte[] bytes(LuaString string) {
        byte[] bytes = new byte[string.m_length];
        string.copyInto(0, bytes, 0, bytes.length);
        return bytes;
    }

    /**
     * A Lua string's bytes as text: UTF-8, a malformed sequence replaced (LuaJ's own tojstring throws
     * ArrayIndexOutOfBoundsException on one cut short); a number as Lua writes it.
     */
    static String text(LuaValue value) {
        return value.type() == LuaValue.TSTRING ? new String(bytes(value.checkstring()), StandardCharsets.UTF_8) : value.tojstring();
    }

    /** The error a table stands for ({err = "..."}), or null. */
    static String error(LuaValue value) {
        if (!value.istable()) {
            return null;
        }
        LuaValue err = value.rawget(ERR);
        return err.type() == LuaValue.TSTRING || err.type() == LuaValue.TNUMBER ? text(err) : null;
    }

    /**
     * Writes a script's result: strings as bulk strings, numbers as integers (cut toward zero), tables
     * as arrays up to the first nil, {err=...} as an error, {ok=...} as a status, {double=...},
     * {map=...} and {set=...} as RESP 3 types (RESP 2 clients get their RESP 2 forms); booleans as
     * booleans once the script chose RESP 3 (redis.setresp), else true as 1 and false as nil.
     */
    static void write(LuaValue value, Reply reply, int resp) {
        write(value, reply, resp, 0);
    }

    private static void write(LuaValue value, Reply reply, int resp, int depth) {
        switch (value.type()) {
            case LuaValue.TSTRING -> reply.bulk(bytes(value.checkstring()));
            case LuaValue.TNUMBER -> reply.integer((long) value.todouble());
            case LuaValue.TBOOLEAN -> {
                if (resp == 3) {
                    reply.bool(value.toboolean());
                } else if (value.toboolean()) {
                    reply.integer(1);
                } else {
                    reply.nil();
                }
            }
            case LuaValue.TTABLE -> writeTable(value, reply, resp, depth);
            default -> reply.nil();
        }
    }

    private static void writeTable(LuaValue table, Reply reply, int resp, int depth) {
        if (depth > MAX_DEPTH) {
            reply.error("ERR reached lua stack limit");
            return;
        }
        String error = error(table);
        if (error != null) {
            reply.error(oneLine(error));
            return;
        }
        LuaValue ok = table.rawget(OK);
        if (ok.type() == LuaValue.TSTRING || ok.type() == LuaValue.TNUMBER) {
            reply.simple(oneLine(text(ok)));
            return;
        }
        if (writeResp3(table, reply, depth)) {
            return;
        }
        int length = 0;
        while (!table.rawget(length + 1).isnil()) {
            length++;
        }
        reply.array(length);
        for (int i = 1; i <= length; i++) {
            write(table.rawget(i), reply, resp, depth + 1);
        }
    }

    private static boolean writeResp3(LuaValue table, Reply reply, int depth) {
        LuaValue number = table.rawget(DOUBLE);
        if (number.type() == LuaValue.TNUMBER) {
            reply.doubleValue(number.todouble());
            return true;
        }
        LuaValue big = table.rawget(BIG_NUMBER);
        if (big.type() == LuaValue.TSTRING) {
            reply.bulk(bytes(big.checkstring()));
            return true;
        }
        // a map or set level counts three: Redis's Lua stack allows a third as many of them as of arrays, and
        // on a Java stack (frames for the iteration) a thousand of them overflowed one of 1 MB
        LuaValue map = table.rawget(MAP);
        if (map.istable()) {
            reply.map(count(map));
            forEach(map, (key, value) -> {
                write(key, reply, 3, depth + 3);
                write(value, reply, 3, depth + 3);
            });
            return true;
        }
        LuaValue set = table.rawget(SET);
        if (set.istable()) {
            reply.set(count(set));
            forEach(set, (key, value) -> write(key, reply, 3, depth + 3));
            return true;
        }
        return false;
    }

    private static int count(LuaValue table) {
        int[] count = {0};
        forEach(table, (key, value) -> count[0]++);
        return count[0];
    }

    static void forEach(LuaValue table, java.util.function.BiConsumer<LuaValue, LuaValue> action) {
        LuaValue key = LuaValue.NIL;
        while (true) {
            Varargs next = table.next(key);
            if ((key = next.arg1()).isnil()) {
                return;
            }
            action.accept(key, next.arg(2));
        }
    }

    /**
     * Stores a map entry whose key may repeat (a reply's map, a decoded JSON object or msgpack map): LuaJ
     * 3.0.1 keeps a replaced number's entry numeric when the new value is a string that reads as a number
     * (luaj/luaj#20), so a present entry is removed first and the new one takes its value's type.
     */
    static void replace(LuaTable table, LuaValue key, LuaValue value) {
        if (!table.rawget(key).isnil()) {
            table.rawset(key, LuaValue.NIL);
        }
        if (!value.isnil()) {
            table.rawset(key, value);
        }
    }

    /** Redis keeps error and status replies on one line. */
    static String oneLine(String text) {
        return text.replace('\r', ' ').replace('\n', ' ');
    }

    /**
     * A Reply that builds the Lua value redis.call returns: integers as numbers, bulk strings as strings,
     * arrays as tables, nil as false (RESP 2) or nil (RESP 3), status as {ok=...}, errors as {err=...};
     * RESP 3 maps, sets, doubles and booleans as Redis 7 converts them, or in their RESP 2 forms.
     */
    static final class Builder implements Reply {

        private enum Kind { ARRAY, MAP, SET }

        private static final class Frame {
            final Kind kind;
            final LuaTable table = new LuaTable();
            final LuaValue wrapped;
            int remaining;
            int index;
            LuaValue key;

            Frame(Kind kind, int remaining, LuaValue wrapperKey) {
                this.kind = kind;
                this.remaining = remaining;
                if (wrapperKey == null) {
                    wrapped = table;
                } else {
                    LuaTable wrapper = new LuaTable();
                    wrapper.rawset(wrapperKey, table);
                    wrapped = wrapper;
                }
            }
        }

        private final int resp;
        private final ArrayDeque<Frame> open = new ArrayDeque<>();
        private LuaValue result = LuaValue.NIL;

        Builder(int resp) {
            this.resp = resp;
        }

        LuaValue result() {
            return result;
        }

        private void add(LuaValue value) {
            Frame frame = open.peek();
            if (frame == null) {
                result = value;
                return;
            }
            switch (frame.kind) {
                case ARRAY -> frame.table.rawset(++frame.index, value);
                case SET -> frame.table.rawset(value, LuaValue.TRUE);
                case MAP -> {
                    if (frame.key == null) {
                        frame.key = value;
                        return;
                    }
                    replace(frame.table, frame.key, value);
                    frame.key = null;
                }
            }
            if (--frame.remaining == 0) {
                open.pop();
                add(frame.wrapped);
            }
        }

        private void begin(Kind kind, int elements, LuaValue wrapperKey) {
            Frame frame = new Frame(kind, elements, wrapperKey);
            if (elements == 0) {
                add(frame.wrapped);
            } else {
                open.push(frame);
            }
        }

        @Override
        public void simple(String status) {
            add(statusTable(status));
        }

        @Override
        public void error(String message) {
            LuaTable error = new LuaTable();
            error.rawset("ignore_error_stats_update", LuaValue.TRUE); // as Redis marks a command's error it counted already
            error.rawset(ERR, LuaValue.valueOf(message));
            add(error);
        }

        @Override
        public void integer(long value) {
            add(LuaInteger.valueOf(value));
        }

        @Override
        public void bulk(byte[] value) {
            add(LuaString.valueOf(value));
        }

        @Override
        public void nil() {
            add(resp == 3 ? LuaValue.NIL : LuaValue.FALSE);
        }

        @Override
        public void array(int length) {
            begin(Kind.ARRAY, length, null);
        }

        @Override
        public void nilArray() {
            nil();
        }

        @Override
        public void map(int entries) {
            if (resp == 3) {
                begin(Kind.MAP, entries, MAP);
            } else {
                begin(Kind.ARRAY, entries * 2, null);
            }
        }

        @Override
        public void set(int length) {
            if (resp == 3) {
                begin(Kind.SET, length, SET);
            } else {
                begin(Kind.ARRAY, length, null);
            }
        }

        @Override
        public void doubleValue(double value) {
            if (resp == 3) {
                LuaTable table = new LuaTable();
                table.rawset(DOUBLE, LuaValue.valueOf(value));
                add(table);
            } else {
                add(LuaValue.valueOf(Arguments.formatDouble(value)));
            }
        }

        @Override
        public void doubleText(String text) {
            if (resp == 3) {
                doubleValue(Double.parseDouble(text));
            } else {
                add(LuaValue.valueOf(text.getBytes(StandardCharsets.UTF_8)));
            }
        }

        @Override
        public void bool(boolean value) {
            if (resp == 3) {
                add(LuaValue.valueOf(value));
            } else {
                add(LuaInteger.valueOf(value ? 1 : 0));
            }
        }
    }
}
