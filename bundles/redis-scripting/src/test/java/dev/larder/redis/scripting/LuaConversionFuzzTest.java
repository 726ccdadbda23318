package dev.larder.redis.scripting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.larder.redis.api.Arguments;
import dev.larder.redis.api.ClientSession;
import dev.larder.redis.api.CommandContext;
import dev.larder.redis.api.Reply;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * Fuzzes what redis.pcall converts: its arguments (strings as their bytes, numbers as C's %.17g, which
 * {@link #g} computes digit by digit, ties to even as glibc rounds), the command's reply into Lua (RESP 2
 * and RESP 3, nested) and a script's result back into a reply, compared with what Redis's conversion
 * rules and Lua's tables make of it; and any table a script may return (self-referencing ones included)
 * is written as a well-formed reply in bounded time.
 */
class LuaConversionFuzzTest {

    private static final LuaValue PCALL = RedisLib.runtime().get("pcall");
    private static final long MAX_NANOS = 2_000_000_000L;

    @FuzzTest(maxDuration = "15s")
    void convertsAsRedisScriptsSee(FuzzedDataProvider data) {
        switch (data.consumeInt(0, 2)) {
            case 0 -> arguments(data);
            case 1 -> replies(data);
            default -> scriptResults(data);
        }
    }

    // --- redis.call's arguments -----------------------------------------------------------------------

    private static void arguments(FuzzedDataProvider data) {
        int count = data.consumeInt(1, 6);
        LuaValue[] args = new LuaValue[count];
        List<String> expected = new ArrayList<>();
        boolean refused = false;
        for (int i = 0; i < count; i++) {
            switch (data.consumeInt(0, 4)) {
                case 0, 1 -> {
                    double d = number(data);
                    args[i] = LuaValue.valueOf(d);
                    expected.add(g(args[i].todouble(), 17));
                }
                case 2 -> {
                    byte[] bytes = data.consumeBytes(data.consumeInt(0, 20));
                    args[i] = LuaString.valueOf(bytes);
                    expected.add(new String(bytes, StandardCharsets.ISO_8859_1));
                }
                case 3 -> {
                    String text = data.pickValue(new String[] {"1", "1.5", "0x10", " 2 ", "1e3", "-0"});
                    args[i] = LuaValue.valueOf(text); // a string that looks like a number stays a string
                    expected.add(text);
                }
                default -> {
                    args[i] = data.pickValue(new LuaValue[] {LuaValue.TRUE, LuaValue.FALSE, new LuaTable()});
                    refused = true;
                }
            }
        }
        Stub stub = new Stub(Tree.integer(1), 2);
        String written = run(stub, args);
        if (refused) {
            assertEquals("-ERR Lua redis lib command arguments must be strings or integers", written);
            assertEquals(null, stub.argv);
            return;
        }
        List<String> received = new ArrayList<>();
        for (byte[] arg : stub.argv) {
            received.add(new String(arg, StandardCharsets.ISO_8859_1));
        }
        assertEquals(expected, received);
    }

    /** Doubles with every kind of %.17g rounding: any bits, halves and quarters of large integers (exact ties), specials. */
    private static double number(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 3)) {
            case 0 -> Double.longBitsToDouble(data.consumeLong());
            case 1 -> Math.scalb((double) data.consumeLong(1, 1L << 53), -data.consumeInt(0, 12)) * (data.consumeBoolean() ? 1 : -1);
            case 2 -> data.consumeLong(-1_000_000_000_000L, 1_000_000_000_000L);
            default -> data.pickValue(new double[] {0.0, -0.0, 0.1, 1e15, 1e16, 1e17, 1e-5, 123456789012345680.0, Double.MIN_VALUE,
                    Double.MAX_VALUE, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 9007199254740993.0, 0.5, 2.5});
        };
    }

    // --- a command's reply into Lua and back ----------------------------------------------------------

    private static void replies(FuzzedDataProvider data) {
        int resp = data.consumeBoolean() ? 2 : 3;
        Tree reply = tree(data, 0);
        Stub stub = new Stub(reply, resp);
        String written = run(stub, new LuaValue[] {LuaValue.valueOf("cmd")});
        String expected = expected(reply, resp);
        assertEquals(expected == null ? "$nil" : expected, written, () -> "RESP" + resp + " reply " + reply);
    }

    /** A reply as a command writes it: the shapes of Reply, nested. */
    record Tree(String kind, Object value, List<Tree> children) {
        static Tree integer(long n) {
            return new Tree("integer", n, List.of());
        }

        @Override
        public String toString() {
            return kind + (value == null ? "" : "(" + (value instanceof byte[] b ? HexFormat.of().formatHex(b) : value) + ")")
                    + (children.isEmpty() ? "" : children.toString());
        }
    }

    private static Tree tree(FuzzedDataProvider data, int depth) {
        int kind = data.consumeInt(0, depth > 3 ? 9 : 12);
        return switch (kind) {
            case 0 -> new Tree("simple", data.pickValue(new String[] {"OK", "QUEUED", "PONG", ""}), List.of());
            case 1 -> new Tree("error", data.pickValue(new String[] {"ERR x", "WRONGTYPE y", "-no dash", ""}), List.of());
            case 2 -> Tree.integer(data.consumeBoolean() ? data.consumeLong(-100, 100) : data.consumeLong());
            case 3, 4 -> new Tree("bulk", data.consumeBytes(data.consumeInt(0, 8)), List.of());
            case 5 -> new Tree("nil", null, List.of());
            case 6 -> new Tree("nilArray", null, List.of());
            case 7 -> new Tree("double", number(data), List.of());
            case 8 -> new Tree("bool", data.consumeBoolean(), List.of());
            case 9 -> new Tree("doubleText", data.pickValue(new String[] {"1.5", "0", "-2.25", "3.0000000000000004", "1e300"}), List.of());
            default -> {
                String container = kind == 10 ? "array" : kind == 11 ? "map" : "set";
                int n = data.consumeInt(0, 4);
                List<Tree> children = new ArrayList<>();
                for (int i = 0; i < n * (container.equals("map") ? 2 : 1); i++) {
                    Tree child = tree(data, depth + 1);
                    boolean key = container.equals("set") || container.equals("map") && i % 2 == 0;
                    // no command answers a nil as a set member or map key (a Lua table cannot hold one)
                    children.add(key && (child.kind.equals("nil") || child.kind.equals("nilArray")) ? Tree.integer(i) : child);
                }
                yield new Tree(container, null, children);
            }
        };
    }

    private static void replay(Tree tree, Reply reply) {
        switch (tree.kind) {
            case "simple" -> reply.simple((String) tree.value);
            case "error" -> reply.error((String) tree.value);
            case "integer" -> reply.integer((Long) tree.value);
            case "bulk" -> reply.bulk((byte[]) tree.value);
            case "nil" -> reply.nil();
            case "nilArray" -> reply.nilArray();
            case "double" -> reply.doubleValue((Double) tree.value);
            case "doubleText" -> reply.doubleText((String) tree.value);
            case "bool" -> reply.bool((Boolean) tree.value);
            case "array" -> reply.array(tree.children.size());
            case "map" -> reply.map(tree.children.size() / 2);
            default -> reply.set(tree.children.size());
        }
        tree.children.forEach(child -> replay(child, reply));
    }

    /**
     * The reply Redis writes for a script that returns what redis.call returned: the reply made a Lua value
     * (a nil an array's end in RESP 3, map and set entries Lua table keys, so equal ones are one), then
     * that value made a reply. Null when the value is Lua's nil inside a container.
     */
    static String expected(Tree tree, int resp) {
        return switch (tree.kind) {
            case "simple" -> "+" + tree.value;
            case "error" -> "-" + tree.value;
            case "integer" -> ":" + (long) (double) (Long) tree.value; // Lua 5.1 numbers are doubles
            case "bulk" -> "$" + HexFormat.of().formatHex((byte[]) tree.value);
            case "nil", "nilArray" -> resp == 3 ? null : "$nil";
            // LuaJ makes -0.0 the integer 0 (Lua 5.1 keeps it): a known difference of the Lua, not of the conversion
            case "double" -> resp == 3 ? "," + Arguments.formatDouble(LuaValue.valueOf((Double) tree.value).todouble())
                    : "$" + HexFormat.of().formatHex(Arguments.formatDouble((Double) tree.value).getBytes(StandardCharsets.US_ASCII));
            case "doubleText" -> resp == 3 ? "," + Arguments.formatDouble(LuaValue.valueOf(Double.parseDouble((String) tree.value)).todouble())
                    : "$" + HexFormat.of().formatHex(((String) tree.value).getBytes(StandardCharsets.US_ASCII));
            case "bool" -> resp == 3 ? "#" + tree.value : ":" + ((Boolean) tree.value ? 1 : 0);
            case "array" -> {
                List<String> elements = new ArrayList<>();
                for (Tree child : tree.children) {
                    String element = expected(child, resp);
                    if (element == null) {
                        break; // Lua's length of a table ends at its first nil
                    }
                    elements.add(element);
                }
                yield "*" + elements;
            }
            default -> {
                boolean map = tree.kind.equals("map");
                if (resp == 2) {
                    List<String> elements = new ArrayList<>();
                    tree.children.forEach(child -> elements.add(expected(child, 2)));
                    yield "*" + elements;
                }
                Map<String, String> entries = new LinkedHashMap<>();
                for (int i = 0; i < tree.children.size(); i += map ? 2 : 1) {
                    Tree key = tree.children.get(i);
                    String value = map ? expected(tree.children.get(i + 1), 3) : "";
                    String identity = luaKey(key, i);
                    entries.remove(identity);
                    if (value != null) {
                        entries.put(identity, expected(key, 3) + (map ? "=" + value : ""));
                    }
                }
                yield (map ? "%" : "~") + entries.values().stream().sorted().toList();
            }
        };
    }

    /** Which Lua table key a reply becomes: strings, numbers and booleans by value, a table by identity. */
    private static String luaKey(Tree tree, int position) {
        return switch (tree.kind) {
            case "bulk" -> "s" + HexFormat.of().formatHex((byte[]) tree.value);
            case "integer" -> "n" + (double) (Long) tree.value;
            case "bool" -> "b" + tree.value;
            default -> "t" + position;
        };
    }

    // --- any result a script returns --------------------------------------------------------------------

    private static void scriptResults(FuzzedDataProvider data) {
        int resp = data.consumeBoolean() ? 2 : 3;
        List<LuaTable> tables = new ArrayList<>();
        LuaValue result = luaValue(data, tables, 0);
        if (!tables.isEmpty() && data.consumeBoolean()) {
            LuaTable from = data.pickValue(tables);
            from.rawset(data.consumeInt(1, 3), data.pickValue(tables)); // a table in itself or an ancestor: a cycle
        }
        Checked checked = new Checked();
        long start = System.nanoTime();
        LuaReplies.write(result, checked, resp);
        long took = System.nanoTime() - start;
        assertTrue(took < MAX_NANOS, () -> "took " + took / 1_000_000 + " ms");
        checked.complete();
    }

    /** Lua values a script may return, each table referenced once (a tree), with the keys Redis gives meaning. */
    private static LuaValue luaValue(FuzzedDataProvider data, List<LuaTable> tables, int depth) {
        return switch (data.consumeInt(0, depth > 3 ? 4 : 6)) {
            case 0 -> LuaString.valueOf(data.consumeBytes(data.consumeInt(0, 6)));
            case 1 -> LuaValue.valueOf(number(data));
            case 2 -> data.pickValue(new LuaValue[] {LuaValue.TRUE, LuaValue.FALSE, LuaValue.NIL});
            case 3 -> LuaValue.valueOf(data.consumeInt());
            case 4 -> new LuaTable();
            default -> {
                LuaTable table = new LuaTable();
                tables.add(table);
                int entries = data.consumeInt(0, 5);
                for (int i = 0; i < entries; i++) {
                    LuaValue key = data.pickValue(new LuaValue[] {LuaValue.valueOf(i + 1), LuaValue.valueOf(data.consumeInt(-1, 6)),
                            LuaValue.valueOf("err"), LuaValue.valueOf("ok"), LuaValue.valueOf("double"), LuaValue.valueOf("map"),
                            LuaValue.valueOf("set"), LuaValue.valueOf("big_number"), LuaValue.valueOf(0.5)});
                    LuaValue value = luaValue(data, tables, depth + 1);
                    if (!value.isnil()) { // a Lua table holds no nil: a script's t[k] = nil stores nothing (LuaJ's rawset of nil into an empty table throws)
                        table.rawset(key, value);
                    }
                }
                yield table;
            }
        };
    }

    // --- running redis.pcall ------------------------------------------------------------------------------

    /** What pcall returns for these arguments, written back as a script's result (canonical text). */
    private static String run(Stub stub, LuaValue[] args) {
        ScriptRun run = new ScriptRun(stub.context(), "fuzz", false, true, new byte[][] {});
        run.resp = stub.resp;
        ScriptRun.CURRENT.set(run);
        try {
            Varargs result = PCALL.invoke(LuaValue.varargsOf(args));
            Checked checked = new Checked();
            LuaReplies.write(result.arg1(), checked, stub.resp);
            return checked.complete();
        } finally {
            ScriptRun.CURRENT.remove();
        }
    }

    /** The command redis.call runs: records its arguments and answers with the reply tree. */
    private static final class Stub {
        final Tree reply;
        final int resp;
        byte[][] argv;

        Stub(Tree reply, int resp) {
            this.reply = reply;
            this.resp = resp;
        }

        CommandContext context() {
            ClientSession client = (ClientSession) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ClientSession.class},
                    (proxy, method, args) -> method.getName().equals("user") ? "default" : null);
            return (CommandContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {CommandContext.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "client" -> client;
                        case "call" -> {
                            argv = (byte[][]) args[0];
                            replay(reply, (Reply) args[1]);
                            yield false;
                        }
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }
    }

    /**
     * A reply written as canonical text ("*[...]", map and set entries sorted), failing when a container
     * gets more or fewer elements than it announced, or a map an odd number.
     */
    static final class Checked implements Reply {
        private final List<List<String>> open = new ArrayList<>();
        private final List<Integer> remaining = new ArrayList<>();
        private final List<String> kinds = new ArrayList<>();
        private final List<String> done = new ArrayList<>();

        String complete() {
            assertTrue(open.isEmpty(), () -> "containers left open: " + kinds);
            assertEquals(1, done.size(), () -> "replies written: " + done);
            return done.get(0);
        }

        private void element(String text) {
            if (open.isEmpty()) {
                done.add(text);
                return;
            }
            int last = open.size() - 1;
            open.get(last).add(text);
            remaining.set(last, remaining.get(last) - 1);
            if (remaining.get(last) == 0) {
                close();
            }
        }

        private void close() {
            int last = open.size() - 1;
            List<String> elements = open.remove(last);
            remaining.remove(last);
            String kind = kinds.remove(last);
            if (kind.equals("%")) {
                List<String> pairs = new ArrayList<>();
                for (int i = 0; i < elements.size(); i += 2) {
                    pairs.add(elements.get(i) + "=" + elements.get(i + 1));
                }
                element("%" + pairs.stream().sorted().toList());
            } else {
                element(kind + (kind.equals("~") ? elements.stream().sorted().toList() : elements));
            }
        }

        private void container(String kind, int elements) {
            assertTrue(elements >= 0, "a negative length");
            open.add(new ArrayList<>());
            remaining.add(elements);
            kinds.add(kind);
            if (elements == 0) {
                close();
            }
        }

        @Override
        public void simple(String status) {
            assertTrue(status.indexOf('\r') < 0 && status.indexOf('\n') < 0, status);
            element("+" + status);
        }

        @Override
        public void error(String message) {
            assertTrue(message.indexOf('\r') < 0 && message.indexOf('\n') < 0, message);
            element("-" + message);
        }

        @Override
        public void integer(long value) {
            element(":" + value);
        }

        @Override
        public void bulk(byte[] value) {
            element("$" + HexFormat.of().formatHex(value));
        }

        @Override
        public void nil() {
            element("$nil");
        }

        @Override
        public void array(int length) {
            container("*", length);
        }

        @Override
        public void nilArray() {
            element("*nil");
        }

        @Override
        public void map(int entries) {
            container("%", entries * 2);
        }

        @Override
        public void set(int length) {
            container("~", length);
        }

        @Override
        public void doubleValue(double value) {
            element("," + Arguments.formatDouble(value));
        }

        @Override
        public void doubleText(String text) {
            element("," + text);
        }

        @Override
        public void bool(boolean value) {
            element("#" + value);
        }
    }

    // --- C's %.<precision>g, digit by digit ---------------------------------------------------------------

    /**
     * printf's %.{precision}g as glibc prints a double: its exact decimal value rounded to that many
     * significant digits, a tie to the even digit; exponent form below 1e-4 or from 10^precision on;
     * trailing zeros dropped.
     */
    static String g(double v, int precision) {
        if (Double.isNaN(v)) {
            return Double.doubleToRawLongBits(v) < 0 ? "-nan" : "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == 0) {
            return Double.doubleToRawLongBits(v) < 0 ? "-0" : "0";
        }
        BigDecimal exact = new BigDecimal(Math.abs(v));
        String digits = exact.unscaledValue().toString();
        int exponent = digits.length() - 1 - exact.scale();
        if (digits.length() > precision) {
            StringBuilder kept = new StringBuilder(digits.substring(0, precision));
            String rest = digits.substring(precision);
            boolean up;
            if (rest.charAt(0) != '5') {
                up = rest.charAt(0) > '5';
            } else {
                up = rest.substring(1).chars().anyMatch(c -> c != '0') || (kept.charAt(precision - 1) - '0') % 2 == 1;
            }
            if (up) {
                int i = precision - 1;
                while (i >= 0 && kept.charAt(i) == '9') {
                    kept.setCharAt(i--, '0');
                }
                if (i < 0) {
                    kept.insert(0, '1').setLength(precision);
                    exponent++;
                } else {
                    kept.setCharAt(i, (char) (kept.charAt(i) + 1));
                }
            }
            digits = kept.toString();
        }
        digits = digits.replaceAll("0+$", "");
        if (digits.isEmpty()) {
            digits = "0";
        }
        String sign = v < 0 ? "-" : "";
        if (exponent < -4 || exponent >= precision) {
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            int magnitude = Math.abs(exponent);
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (magnitude < 10 ? "0" : "") + magnitude;
        }
        if (exponent < 0) {
            return sign + "0." + "0".repeat(-exponent - 1) + digits;
        }
        if (digits.length() <= exponent + 1) {
            return sign + digits + "0".repeat(exponent + 1 - digits.length());
        }
        return sign + digits.substring(0, exponent + 1) + "." + digits.substring(exponent + 1);
    }
}
