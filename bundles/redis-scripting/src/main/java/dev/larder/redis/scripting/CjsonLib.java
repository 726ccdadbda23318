package dev.larder.redis.scripting;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaUserdata;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * lua-cjson 2.1 as Redis ships it, with its defaults: tables with only positive integer keys are arrays
 * (unless excessively sparse), others objects; numbers as %.14g; '/' escaped; cjson.null for JSON null.
 * Decoding uses Jackson's streaming parser.
 */
final class CjsonLib {

    /** cjson.null: a value of its own, as the C library's NULL light userdata. */
    static final LuaValue NULL = new LuaUserdata(new Object()) {
        @Override
        public String tojstring() {
            return "userdata: NULL";
        }
    };
    private static final int MAX_DEPTH = 1000;
    private static final int SPARSE_RATIO = 2;
    private static final int SPARSE_SAFE = 10;
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS)
            .build();

    private CjsonLib() {
    }

    static LuaTable create() {
        LuaTable cjson = new LuaTable();
        cjson.rawset("encode", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue value) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                encode(value, out, 0);
                return LuaValue.valueOf(out.toByteArray());
            }
        });
        cjson.rawset("decode", new OneArgFunction() {
            @Override
            public LuaValue call(LuaValue text) {
                return decode(LuaReplies.bytes(text.checkstring()));
            }
        });
        cjson.rawset("null", NULL);
        cjson.rawset("_NAME", "cjson");
        cjson.rawset("_VERSION", "2.1.0");
        // settings Redis scripts may call; the defaults stay (the library is shared by every script)
        for (String setting : new String[] {"encode_sparse_array", "encode_max_depth", "decode_max_depth", "encode_number_precision",
                "encode_keep_buffer", "encode_invalid_numbers", "decode_invalid_numbers"}) {
            cjson.rawset(setting, new VarArgFunction() {
                @Override
                public Varargs invoke(Varargs args) {
                    return args;
                }
            });
        }
        return cjson;
    }

    static void encode(LuaValue value, ByteArrayOutputStream out, int depth) {
        switch (value.type()) {
            case LuaValue.TNIL -> write(out, "null");
            case LuaValue.TBOOLEAN -> write(out, value.toboolean() ? "true" : "false");
            case LuaValue.TNUMBER -> {
                double number = value.todouble();
                if (Double.isNaN(number) || Double.isInfinite(number)) {
                    throw new LuaError("Cannot serialise number: must not be NaN or Inf");
                }
                write(out, LuaEnvironment.numberText(number));
            }
            case LuaValue.TSTRING -> string(value.checkstring(), out);
            case LuaValue.TTABLE -> table(value.checktable(), out, depth + 1);
            default -> {
                if (value == NULL) {
                    write(out, "null");
                } else {
                    throw new LuaError("Cannot serialise " + value.typename() + ": type not supported");
                }
            }
        }
    }

    private static void table(LuaTable table, ByteArrayOutputStream out, int depth) {
        if (depth > MAX_DEPTH) {
            throw new LuaError("Cannot serialise, excessive nesting (" + depth + ")");
        }
        int arrayLength = arrayLength(table);
        if (arrayLength >= 0 && !(arrayLength == 0 && table.next(LuaValue.NIL).arg1().isnil())) {
            out.write('[');
            for (int i = 1; i <= arrayLength; i++) {
                if (i > 1) {
                    out.write(',');
                }
                encode(table.rawget(i), out, depth);
            }
            out.write(']');
            return;
        }
        out.write('{');
        boolean[] first = {true};
        LuaReplies.forEach(table, (key, element) -> {
            if (!first[0]) {
                out.write(',');
            }
            first[0] = false;
            if (key.type() == LuaValue.TSTRING) {
                string(key.checkstring(), out);
            } else if (key.type() == LuaValue.TNUMBER) {
                string(LuaValue.valueOf(LuaEnvironment.numberText(key.todouble())), out);
            } else {
                throw new LuaError("Cannot serialise table: table key must be a number or string");
            }
            out.write(':');
            encode(element, out, depth);
        });
        out.write('}');
    }

    /** The array length when every key is a positive integer (0 for an empty table), -1 otherwise. */
    private static int arrayLength(LuaTable table) {
        int max = 0;
        int items = 0;
        LuaValue key = LuaValue.NIL;
        while (!(key = table.next(key).arg1()).isnil()) {
            double k = key.type() == LuaValue.TNUMBER ? key.todouble() : -1;
            if (k < 1 || k != Math.floor(k)) {
                return -1;
            }
            max = Math.max(max, (int) k);
            items++;
        }
        if (max > items * SPARSE_RATIO && max > SPARSE_SAFE) {
            throw new LuaError("Cannot serialise table: excessively sparse array");
        }
        return max;
    }

    private static void string(LuaString string, ByteArrayOutputStream out) {
        out.write('"');
        for (int i = 0; i < string.m_length; i++) {
            int b = string.m_bytes[string.m_offset + i] & 0xff;
            switch (b) {
                case '"' -> write(out, "\\\"");
                case '\\' -> write(out, "\\\\");
                case '/' -> write(out, "\\/");
                case '\b' -> write(out, "\\b");
                case '\f' -> write(out, "\\f");
                case '\n' -> write(out, "\\n");
                case '\r' -> write(out, "\\r");
                case '\t' -> write(out, "\\t");
                default -> {
                    if (b < 0x20 || b == 0x7f) {
                        write(out, String.format("\\u%04x", b));
                    } else {
                        out.write(b);
                    }
                }
            }
        }
        out.write('"');
    }

    private static void write(ByteArrayOutputStream out, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        out.write(bytes, 0, bytes.length);
    }

    static LuaValue decode(byte[] json) {
        try (JsonParser parser = JSON.createParser(json)) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                throw new LuaError("Expected value but found T_END at character 1");
            }
            LuaValue value = value(parser, token, 1);
            if (parser.nextToken() != null) {
                throw new LuaError("Expected the end but found invalid token at character "
                        + (parser.currentTokenLocation().getCharOffset() + 1));
            }
            return value;
        } catch (IOException e) {
            String message = e.getMessage() == null ? "invalid JSON" : e.getMessage().lines().findFirst().orElse("");
            throw new LuaError("Expected value but found invalid token: " + message);
        }
    }

    private static LuaValue value(JsonParser parser, JsonToken token, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new LuaError("Found too many nested data structures (" + depth + ") at character "
                    + (parser.currentTokenLocation().getCharOffset() + 1));
        }
        switch (token) {
            case START_ARRAY -> {
                LuaTable array = new LuaTable();
                int i = 0;
                JsonToken next;
                while ((next = parser.nextToken()) != JsonToken.END_ARRAY) {
                    array.rawset(++i, value(parser, next, depth + 1));
                }
                return array;
            }
            case START_OBJECT -> {
                LuaTable object = new LuaTable();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    LuaValue key = LuaValue.valueOf(parser.currentName().getBytes(StandardCharsets.UTF_8));
                    LuaReplies.replace(object, key, value(parser, parser.nextToken(), depth + 1));
                }
                return object;
            }
            case VALUE_STRING -> {
                return LuaValue.valueOf(parser.getText().getBytes(StandardCharsets.UTF_8));
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return LuaValue.valueOf(parser.getDoubleValue());
            }
            case VALUE_TRUE -> {
                return LuaValue.TRUE;
            }
            case VALUE_FALSE -> {
                return LuaValue.FALSE;
            }
            case VALUE_NULL -> {
                return NULL;
            }
            default -> throw new LuaError("Expected value but found invalid token at character "
                    + (parser.currentTokenLocation().getCharOffset() + 1));
        }
    }
}
