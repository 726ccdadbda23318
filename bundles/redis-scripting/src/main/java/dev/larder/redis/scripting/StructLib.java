package dev.larder.redis.scripting;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Roberto Ierusalimschy's struct library as Redis ships it: pack, unpack and size of binary records.
 * Formats: {@code < > = !n} (byte order, alignment), {@code x b B h H l L T i[n] I[n] f d s c[n]}.
 */
final class StructLib {

    /** The largest alignment '!' without a number asks for (a double's, on the platforms Redis runs on). */
    private static final int NATIVE_ALIGN = 8;

    private StructLib() {
    }

    static LuaTable create() {
        LuaTable struct = new LuaTable();
        struct.rawset("pack", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return pack(args.checkjstring(1), args);
            }
        });
        struct.rawset("unpack", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return unpack(args.checkjstring(1), args.checkstring(2), args.optint(3, 1));
            }
        });
        struct.rawset("size", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue format) {
                return LuaValue.valueOf(size(format.checkjstring()));
            }
        });
        return struct;
    }

    /** One step of a format: an option with its size; null items change byte order or alignment only. */
    private static final class Reader {
        final String format;
        int at;
        boolean little = true;
        int maxAlign = 1;

        Reader(String format) {
            this.format = format;
        }

        boolean more() {
            return at < format.length();
        }

        char option() {
            return format.charAt(at++);
        }

        int number(int otherwise) {
            if (at >= format.length() || !Character.isDigit(format.charAt(at))) {
                return otherwise;
            }
            int n = 0;
            while (at < format.length() && Character.isDigit(format.charAt(at))) {
                n = n * 10 + (format.charAt(at++) - '0');
            }
            return n;
        }

        /** The size of a numeric or fixed option, or -1 for those without one; byte order and alignment are applied here. */
        int size(char option) {
            switch (option) {
                case 'b', 'B', 'x' -> {
                    return 1;
                }
                case 'h', 'H' -> {
                    return 2;
                }
                case 'l', 'L', 'T', 'd' -> {
                    return 8;
                }
                case 'f' -> {
                    return 4;
                }
                case 'i', 'I' -> {
                    int n = number(4);
                    if (n < 1 || n > 8) {
                        throw new LuaError("integral size " + n + " is larger than limit of 8");
                    }
                    return n;
                }
                case 'c' -> {
                    return number(1);
                }
                case 's', ' ' -> {
                    return 0;
                }
                case '<', '=' -> {
                    little = true;
                    return 0;
                }
                case '>' -> {
                    little = false;
                    return 0;
                }
                case '!' -> {
                    maxAlign = number(NATIVE_ALIGN);
                    return 0;
                }
                default -> throw new LuaError("invalid format option '" + option + "'");
            }
        }

        int padding(char option, int size, int offset) {
            if ("bBhHlLTiIfd".indexOf(option) < 0) {
                return 0;
            }
            int align = Math.min(size, maxAlign);
            if (align <= 1) {
                return 0;
            }
            if ((align & (align - 1)) != 0) {
                throw new LuaError("alignment must be power of 2");
            }
            return (align - (offset & (align - 1))) & (align - 1);
        }
    }

    static int size(String format) {
        Reader reader = new Reader(format);
        int total = 0;
        while (reader.more()) {
            char option = reader.option();
            int size = reader.size(option);
            if (option == 's' || option == 'c' && size == 0) {
                throw new LuaError("options 'c0' - 's' have undefined sizes");
            }
            total += reader.padding(option, size, total) + size;
        }
        return total;
    }

    private static Varargs pack(String format, Varargs args) {
        Reader reader = new Reader(format);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int argument = 2;
        while (reader.more()) {
            char option = reader.option();
            int size = reader.size(option);
            for (int i = reader.padding(option, size, out.size()); i > 0; i--) {
                out.write(0);
            }
            switch (option) {
                case 'x' -> out.write(0);
                case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I' -> putInteger(out, (long) args.checkdouble(argument++), size, reader.little);
                case 'f' -> putInteger(out, Float.floatToRawIntBits((float) args.checkdouble(argument++)) & 0xffffffffL, 4, reader.little);
                case 'd' -> putInteger(out, Double.doubleToRawLongBits(args.checkdouble(argument++)), 8, reader.little);
                case 'c', 's' -> {
                    LuaString string = args.checkstring(argument++);
                    int length = option == 's' || size == 0 ? string.m_length : size;
                    if (string.m_length < length) {
                        throw new LuaError("bad argument #" + (argument - 1) + " to 'pack' (string too short)");
                    }
                    out.write(string.m_bytes, string.m_offset, length);
                    if (option == 's') {
                        out.write(0);
                    }
                }
                default -> {
                }
            }
        }
        return LuaValue.valueOf(out.toByteArray());
    }

    private static void putInteger(ByteArrayOutputStream out, long value, int size, boolean little) {
        for (int i = 0; i < size; i++) {
            int shift = 8 * (little ? i : size - 1 - i);
            out.write(shift < 64 ? (int) (value >>> shift) & 0xff : value < 0 ? 0xff : 0);
        }
    }

    private static Varargs unpack(String format, LuaString data, int position) {
        Reader reader = new Reader(format);
        List<LuaValue> values = new ArrayList<>();
        int at = position - 1;
        if (at < 0 || at > data.m_length) {
            throw new LuaError("bad argument #3 to 'unpack' (offset must be 1 or greater)");
        }
        while (reader.more()) {
            char option = reader.option();
            int size = reader.size(option);
            at += reader.padding(option, size, at);
            switch (option) {
                case 'x' -> at += 1;
                case 'b', 'h', 'l', 'i' -> {
                    need(data, at, size);
                    long value = getInteger(data, at, size, reader.little);
                    if (size < 8) {
                        value = value << (64 - 8 * size) >> (64 - 8 * size);
                    }
                    values.add(LuaValue.valueOf((double) value));
                    at += size;
                }
                case 'B', 'H', 'L', 'T', 'I' -> {
                    need(data, at, size);
                    long value = getInteger(data, at, size, reader.little);
                    values.add(LuaValue.valueOf(size == 8 && value < 0 ? value + 18446744073709551616.0 : (double) value));
                    at += size;
                }
                case 'f' -> {
                    need(data, at, 4);
                    values.add(LuaValue.valueOf(Float.intBitsToFloat((int) getInteger(data, at, 4, reader.little))));
                    at += 4;
                }
                case 'd' -> {
                    need(data, at, 8);
                    values.add(LuaValue.valueOf(Double.longBitsToDouble(getInteger(data, at, 8, reader.little))));
                    at += 8;
                }
                case 'c' -> {
                    int length = size;
                    if (length == 0) {
                        if (values.isEmpty() || values.get(values.size() - 1).type() != LuaValue.TNUMBER) {
                            throw new LuaError("format 'c0' needs a previous size");
                        }
                        length = values.remove(values.size() - 1).toint();
                    }
                    need(data, at, length);
                    values.add(data.substring(at, at + length));
                    at += length;
                }
                case 's' -> {
                    int end = at;
                    while (end < data.m_length && data.m_bytes[data.m_offset + end] != 0) {
                        end++;
                    }
                    if (end >= data.m_length) {
                        throw new LuaError("unfinished string in data");
                    }
                    values.add(data.substring(at, end));
                    at = end + 1;
                }
                default -> {
                }
            }
        }
        values.add(LuaValue.valueOf(at + 1));
        return LuaValue.varargsOf(values.toArray(new LuaValue[0]));
    }

    private static void need(LuaString data, int at, int size) {
        if (at + size > data.m_length || at < 0) {
            throw new LuaError("data string too short");
        }
    }

    private static long getInteger(LuaString data, int at, int size, boolean little) {
        long value = 0;
        for (int i = 0; i < size; i++) {
            int b = data.m_bytes[data.m_offset + at + (little ? size - 1 - i : i)] & 0xff;
            value = value << 8 | b;
        }
        return value;
    }
}
