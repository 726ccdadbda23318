package dev.larder.redis.scripting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;

/** The script environment without a server: libraries against what redis-server 7.0 returns, and the sandbox. */
class LuaEnvironmentTest {

    private final SandboxGlobals environment = LuaEnvironment.create(RedisLib.runtime());

    private LuaValue run(String script) {
        return LuaEnvironment.instantiate(LuaEnvironment.compile(script.getBytes(StandardCharsets.UTF_8), "user_script"), environment)
                .call();
    }

    private String text(String script) {
        return run(script).tojstring();
    }

    @Test
    void librariesAnswerAsRedisLibrariesDo() {
        // each expected value is what redis-server 7.0.15 returned for the same script
        assertEquals("0000ffff 255 -2147483648 6 FFFF -16", text("return bit.tohex(65535)..' '..bit.band(-1,255)..' '"
                + "..bit.lshift(1,31)..' '..bit.bxor(5,3)..' '..bit.tohex(-1,-4)..' '..bit.arshift(-256,4)"));
        assertEquals("[1,2,3,\"a\\/b\"]", text("return cjson.encode({1,2,3,'a/b'})"));
        assertEquals("[1,2.5,\"a\",null,true,{\"k\":{}}]", text("return cjson.encode(cjson.decode('[1,2.5,\"a\",null,true,{\"k\":[]}]'))"));
        // a repeated key keeps its last value and that value's type (LuaJ alone would keep the number)
        assertEquals("string 10.00", text("local t = cjson.decode('{\"v\":1.5,\"v\":\"10.00\"}') return type(t.v) .. ' ' .. t.v"));
        assertEquals("string 7", text("local t = cmsgpack.unpack('\\130\\161v\\203\\063\\248\\000\\000\\000\\000\\000\\000\\161v\\1617') "
                + "return type(t.v) .. ' ' .. t.v"));
        assertEquals(18, run("return struct.size('>iIhd')").toint());
        assertEquals("258 -5 7", text("local a, b, n = struct.unpack('>I2i4', struct.pack('>I2i4', 258, -5)) return a..' '..b..' '..n"));
        assertEquals("\u0093\u0001\u0002\u00a1a", new String(LuaReplies.bytes(run("return cmsgpack.pack({1,2,'a'})").checkstring()),
                StandardCharsets.ISO_8859_1));
        assertEquals("1e+15 0.1 inf 9.007199254741e+15", text("return tostring(1e15)..' '..tostring(0.1)..' '..tostring(1/0)..' '"
                + "..tostring(2^53)"));
        assertEquals(" 2.50|3|x|0.1|ff", text("return string.format('%5.2f|%d|%s|%g|%x', 2.5, 3, 'x', 0.1, 255)"));
        assertEquals("da39a3ee5e6b4b0d3255bfef95601890afd80709", text("return redis.sha1hex('')"));
        assertEquals("31Lua 5.1", text("return table.getn({1,2,3}) .. math.mod(7,3) .. _VERSION"));
    }

    @Test
    void scriptsCannotReachTheHostOrChangeTheirEnvironment() {
        for (String escape : new String[] {"return os.time()", "return io.open('/etc/passwd')", "return require('os')",
                "return debug.getinfo(1)", "return dofile('/etc/passwd')", "return loadfile('/etc/passwd')", "print('x')",
                "return package.loaded", "x = 1", "string.rep = nil", "redis.call = nil", "setmetatable(_G, nil)"}) {
            assertThrows(LuaError.class, () -> run(escape), escape);
        }
        assertTrue(run("return loadstring(string.dump(function() return 1 end))").isnil(), "bytecode is never loaded");
        assertEquals(2, run("return loadstring('return 1 + 1')()").toint());
    }
}
