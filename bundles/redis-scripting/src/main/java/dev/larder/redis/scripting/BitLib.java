package dev.larder.redis.scripting;

import java.util.function.IntBinaryOperator;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.TwoArgFunction;
import org.luaj.vm2.lib.VarArgFunction;

/** LuaBitOp's bit library as Redis ships it: 32-bit operations, signed 32-bit results. */
final class BitLib {

    private BitLib() {
    }

    /** LuaBitOp's conversion: the number rounded to an integer, taken modulo 2^32. */
    static int tobit(LuaValue value) {
        double d = value.checkdouble();
        return (int) (long) Math.rint(d % 4294967296.0);
    }

    static LuaTable create() {
        LuaTable bit = new LuaTable();
        bit.rawset("tobit", unary(x -> x));
        bit.rawset("bnot", unary(x -> ~x));
        bit.rawset("bswap", unary(Integer::reverseBytes));
        bit.rawset("band", fold((a, b) -> a & b));
        bit.rawset("bor", fold((a, b) -> a | b));
        bit.rawset("bxor", fold((a, b) -> a ^ b));
        bit.rawset("lshift", shift((x, n) -> x << n));
        bit.rawset("rshift", shift((x, n) -> x >>> n));
        bit.rawset("arshift", shift((x, n) -> x >> n));
        bit.rawset("rol", shift(Integer::rotateLeft));
        bit.rawset("ror", shift(Integer::rotateRight));
        bit.rawset("tohex", new TwoArgFunction() {
            @Override
            public LuaValue call(LuaValue x, LuaValue digits) {
                int value = tobit(x);
                int n = digits.isnil() ? 8 : tobit(digits);
                boolean upper = n < 0;
                n = Math.min(8, Math.abs(n));
                String hex = String.format(upper ? "%08X" : "%08x", value);
                return LuaValue.valueOf(hex.substring(8 - n));
            }
        });
        return bit;
    }

    private interface IntUnary {
        int apply(int x);
    }

    private static LuaValue unary(IntUnary operation) {
        return new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue x) {
                return LuaValue.valueOf(operation.apply(tobit(x)));
            }
        };
    }

    private static LuaValue fold(IntBinaryOperator operation) {
        return new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                int result = tobit(args.arg1());
                for (int i = 2; i <= args.narg(); i++) {
                    result = operation.applyAsInt(result, tobit(args.arg(i)));
                }
                return LuaValue.valueOf(result);
            }
        };
    }

    private static LuaValue shift(IntBinaryOperator operation) {
        return new TwoArgFunction() {
            @Override
            public LuaValue call(LuaValue x, LuaValue n) {
                return LuaValue.valueOf(operation.applyAsInt(tobit(x), tobit(n) & 31));
            }
        };
    }
}
