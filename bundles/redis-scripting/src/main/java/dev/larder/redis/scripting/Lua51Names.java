package dev.larder.redis.scripting;

import dev.larder.redis.api.Arguments;
import java.util.Locale;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.TwoArgFunction;
import org.luaj.vm2.lib.VarArgFunction;

/** Lua 5.1 functions Redis scripts may use that LuaJ (Lua 5.2) lacks or does differently. */
final class Lua51Names {

    private Lua51Names() {
    }

    static void addToString(LuaValue string) {
        string.rawset("gfind", string.get("gmatch"));
        string.rawset("format", new Format());
    }

    static void add(LuaTable globals) {
        LuaValue table = globals.get("table");
        table.rawset("getn", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue t) {
                return LuaValue.valueOf(t.checktable().length());
            }
        });
        table.rawset("maxn", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue t) {
                double max = 0;
                LuaValue key = LuaValue.NIL;
                while (!(key = t.checktable().next(key).arg1()).isnil()) {
                    if (key.type() == LuaValue.TNUMBER) {
                        max = Math.max(max, key.todouble());
                    }
                }
                return LuaValue.valueOf(max);
            }
        });
        table.rawset("foreach", new Each(false));
        table.rawset("foreachi", new Each(true));
        LuaValue math = globals.get("math");
        math.rawset("mod", math.get("fmod"));
        math.rawset("log10", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue x) {
                return LuaValue.valueOf(Math.log10(x.checkdouble()));
            }
        });
    }

    /** table.foreach / table.foreachi: calls f(key, value) until it returns something. */
    private static final class Each extends TwoArgFunction {
        private final boolean indexed;

        Each(boolean indexed) {
            this.indexed = indexed;
        }

        @Override
        public LuaValue call(LuaValue t, LuaValue f) {
            LuaTable table = t.checktable();
            f.checkfunction();
            if (indexed) {
                for (int i = 1, n = table.length(); i <= n; i++) {
                    LuaValue result = f.call(LuaValue.valueOf(i), table.get(i));
                    if (!result.isnil()) {
                        return result;
                    }
                }
                return LuaValue.NIL;
            }
            LuaValue key = LuaValue.NIL;
            while (true) {
                Varargs next = table.next(key);
                if ((key = next.arg1()).isnil()) {
                    return LuaValue.NIL;
                }
                LuaValue result = f.call(key, next.arg(2));
                if (!result.isnil()) {
                    return result;
                }
            }
        }
    }

    /** string.format with C's conversions: %d %i %u %c %x %X %o %e %E %f %g %G %q %s %%, flags, width and precision. */
    static final class Format extends VarArgFunction {

        @Override
        public Varargs invoke(Varargs args) {
            String format = args.checkjstring(1);
            StringBuilder out = new StringBuilder();
            int argument = 2;
            for (int i = 0; i < format.length(); i++) {
                char c = format.charAt(i);
                if (c != '%') {
                    out.append(c);
                    continue;
                }
                if (++i >= format.length()) {
                    throw new LuaError("invalid option '%' to 'format'");
                }
                if (format.charAt(i) == '%') {
                    out.append('%');
                    continue;
                }
                int start = i;
                while (i < format.length() && "-+ #0".indexOf(format.charAt(i)) >= 0) {
                    i++;
                }
                while (i < format.length() && (Character.isDigit(format.charAt(i)) || format.charAt(i) == '.')) {
                    i++;
                }
                if (i >= format.length()) {
                    throw new LuaError("invalid option to 'format'");
                }
                String spec = format.substring(start, i);
                char conversion = format.charAt(i);
                LuaValue value = args.arg(argument);
                if (argument > args.narg()) {
                    throw new LuaError("bad argument #" + argument + " to 'format' (no value)");
                }
                argument++;
                out.append(convert(spec, conversion, value));
            }
            return LuaValue.valueOf(out.toString());
        }

        private static String convert(String spec, char conversion, LuaValue value) {
            switch (conversion) {
                case 'd', 'i', 'u' -> {
                    return String.format(Locale.ROOT, "%" + withoutPrecision(spec) + "d", (long) value.checkdouble());
                }
                case 'c' -> {
                    return String.valueOf((char) (value.checkint() & 0xff));
                }
                case 'x', 'X', 'o' -> {
                    return String.format(Locale.ROOT, "%" + withoutPrecision(spec) + conversion, (long) value.checkdouble());
                }
                case 'e', 'E', 'f' -> {
                    return String.format(Locale.ROOT, "%" + spec + conversion, value.checkdouble());
                }
                case 'g', 'G' -> {
                    return general(spec, conversion, value.checkdouble());
                }
                case 'q' -> {
                    return quoted(value.checkstring());
                }
                case 's' -> {
                    String text = value.type() == LuaValue.TNUMBER ? LuaEnvironment.numberText(value.todouble())
                            : value.isstring() ? value.tojstring() : value.tostring().tojstring();
                    return String.format(Locale.ROOT, "%" + spec + "s", text);
                }
                default -> throw new LuaError("invalid option '%" + conversion + "' to 'format'");
            }
        }

        private static String withoutPrecision(String spec) {
            int dot = spec.indexOf('.');
            return dot < 0 ? spec : spec.substring(0, dot);
        }

        /** %g as C prints it (Java's %g keeps trailing zeros and picks the form differently). */
        private static String general(String spec, char conversion, double value) {
            int dot = spec.indexOf('.');
            int precision = dot < 0 ? 6 : Math.max(1, dot + 1 < spec.length() ? Integer.parseInt(spec.substring(dot + 1)) : 0);
            String flags = dot < 0 ? spec : spec.substring(0, dot);
            String text = Arguments.formatDouble(value, precision);
            if (conversion == 'G') {
                text = text.toUpperCase(Locale.ROOT);
            }
            if (flags.contains("+") && value >= 0) {
                text = "+" + text;
            } else if (flags.contains(" ") && value >= 0) {
                text = " " + text;
            }
            String digits = flags.replaceAll("[-+ #0]", "");
            int width = digits.isEmpty() ? 0 : Integer.parseInt(digits);
            StringBuilder padded = new StringBuilder(text);
            while (padded.length() < width) {
                if (flags.contains("-")) {
                    padded.append(' ');
                } else if (flags.contains("0")) {
                    padded.insert(text.startsWith("-") || text.startsWith("+") ? 1 : 0, '0');
                } else {
                    padded.insert(0, ' ');
                }
            }
            return padded.toString();
        }

        private static String quoted(LuaString string) {
            StringBuilder out = new StringBuilder("\"");
            for (int i = 0; i < string.m_length; i++) {
                int b = string.m_bytes[string.m_offset + i] & 0xff;
                switch (b) {
                    case '"', '\\' -> out.append('\\').append((char) b);
                    case '\n' -> out.append("\\\n");
                    case '\r' -> out.append("\\r");
                    case 0 -> out.append("\\000");
                    default -> out.append((char) b);
                }
            }
            return out.append('"').toString();
        }
    }
}
