package dev.larder.redis.scripting;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;

/**
 * lua-cmsgpack as Redis ships it: pack(...) concatenates the MessagePack form of each argument (tables
 * with keys 1..n as arrays, others as maps; integral numbers as the smallest integer, others as a float
 * when one holds them exactly, else a double); unpack returns every value the string holds.
 */
final class CmsgpackLib {

    private static final int MAX_DEPTH = 16;

    private CmsgpackLib() {
    }

    static LuaTable create() {
        LuaTable cmsgpack = new LuaTable();
        cmsgpack.rawset("pack", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                if (args.narg() == 0) {
                    throw new LuaError("MessagePack pack needs input.");
                }
                try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
                    for (int i = 1; i <= args.narg(); i++) {
                        pack(args.arg(i), packer, 0);
                    }
                    return LuaValue.valueOf(packer.toByteArray());
                } catch (IOException e) {
                    throw new LuaError(e.getMessage());
                }
            }
        });
        cmsgpack.rawset("unpack", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return unpack(args.checkstring(1), Integer.MAX_VALUE);
            }
        });
        cmsgpack.rawset("unpack_one", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return unpack(args.checkstring(1), 1);
            }
        });
        return cmsgpack;
    }

    private static void pack(LuaValue value, MessageBufferPacker packer, int depth) throws IOException {
        switch (value.type()) {
            case LuaValue.TBOOLEAN -> packer.packBoolean(value.toboolean());
            case LuaValue.TNUMBER -> {
                double number = value.todouble();
                if (number == Math.rint(number) && Math.abs(number) < 9.2e18) {
                    packer.packLong((long) number);
                } else if ((float) number == number) {
                    packer.packFloat((float) number);
                } else {
                    packer.packDouble(number);
                }
            }
            case LuaValue.TSTRING -> {
                LuaString string = value.checkstring();
                packer.packRawStringHeader(string.m_length);
                packer.writePayload(string.m_bytes, string.m_offset, string.m_length);
            }
            case LuaValue.TTABLE -> {
                if (depth >= MAX_DEPTH) {
                    packer.packNil();
                    return;
                }
                LuaTable table = value.checktable();
                int length = arrayLength(table);
                if (length >= 0) {
                    packer.packArrayHeader(length);
                    for (int i = 1; i <= length; i++) {
                        pack(table.rawget(i), packer, depth + 1);
                    }
                    return;
                }
                List<LuaValue[]> entries = new ArrayList<>();
                LuaReplies.forEach(table, (k, v) -> entries.add(new LuaValue[] {k, v}));
                packer.packMapHeader(entries.size());
                for (LuaValue[] entry : entries) {
                    pack(entry[0], packer, depth + 1);
                    pack(entry[1], packer, depth + 1);
                }
            }
            default -> packer.packNil();
        }
    }

    /** n when the keys are exactly 1..n (0 for an empty table), else -1. */
    private static int arrayLength(LuaTable table) {
        int count = 0;
        LuaValue key = LuaValue.NIL;
        while (!(key = table.next(key).arg1()).isnil()) {
            if (key.type() != LuaValue.TNUMBER || key.todouble() != Math.rint(key.todouble()) || key.todouble() < 1) {
                return -1;
            }
            count++;
        }
        for (int i = 1; i <= count; i++) {
            if (table.rawget(i).isnil()) {
                return -1;
            }
        }
        return count;
    }

    private static Varargs unpack(LuaString data, int limit) {
        List<LuaValue> values = new ArrayList<>();
        try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(data.m_bytes, data.m_offset, data.m_length)) {
            while (unpacker.hasNext() && values.size() < limit) {
                values.add(value(unpacker));
            }
            if (limit == 1) {
                values.add(0, LuaValue.valueOf(unpacker.hasNext() ? (int) unpacker.getTotalReadBytes() + 1 : -1));
            }
        } catch (IOException | RuntimeException e) {
            throw new LuaError("Missing bytes in input.");
        }
        return LuaValue.varargsOf(values.toArray(new LuaValue[0]));
    }

    private static LuaValue value(MessageUnpacker unpacker) throws IOException {
        MessageFormat format = unpacker.getNextFormat();
        switch (format.getValueType()) {
            case NIL -> {
                unpacker.unpackNil();
                return LuaValue.NIL;
            }
            case BOOLEAN -> {
                return LuaValue.valueOf(unpacker.unpackBoolean());
            }
            case INTEGER -> {
                return LuaValue.valueOf((double) unpacker.unpackLong());
            }
            case FLOAT -> {
                return LuaValue.valueOf(unpacker.unpackDouble());
            }
            case STRING, BINARY -> {
                int length = format.getValueType() == org.msgpack.value.ValueType.STRING ? unpacker.unpackRawStringHeader()
                        : unpacker.unpackBinaryHeader();
                return LuaValue.valueOf(unpacker.readPayload(length));
            }
            case ARRAY -> {
                int length = unpacker.unpackArrayHeader();
                LuaTable array = new LuaTable();
                for (int i = 1; i <= length; i++) {
                    array.rawset(i, value(unpacker));
                }
                return array;
            }
            case MAP -> {
                int length = unpacker.unpackMapHeader();
                LuaTable map = new LuaTable();
                for (int i = 0; i < length; i++) {
                    LuaValue key = value(unpacker);
                    LuaValue value = value(unpacker);
                    if (!key.isnil()) {
                        LuaReplies.replace(map, key, value);
                    }
                }
                return map;
            }
            default -> {
                unpacker.skipValue();
                return LuaValue.NIL;
            }
        }
    }
}
