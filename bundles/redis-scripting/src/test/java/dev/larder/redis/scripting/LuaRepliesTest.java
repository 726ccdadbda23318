package dev.larder.redis.scripting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/** Script results written as replies; the cases are what LuaConversionFuzzTest found. */
class LuaRepliesTest {

    /** The reply written for a script's result, on a thread with the stack of the engine's script threads (4 MB). */
    private static String written(LuaValue result, int resp) throws InterruptedException {
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread thread = new Thread(null, () -> {
            try {
                LuaConversionFuzzTest.Checked reply = new LuaConversionFuzzTest.Checked();
                LuaReplies.write(result, reply, resp);
                outcome.set(reply.complete());
            } catch (Throwable e) {
                outcome.set(e);
            }
        }, "reply", 4L * 1024 * 1024);
        thread.start();
        thread.join();
        assertTrue(outcome.get() instanceof String, () -> String.valueOf(outcome.get()));
        return (String) outcome.get();
    }

    /** {@code local t = {} t.map = {k = t} return t}: a thousand map levels overflowed the stack mid-reply. */
    @Test
    void selfReferencingMapsAndSetsEndAtTheStackLimit() throws InterruptedException {
        LuaTable map = new LuaTable();
        LuaTable inMap = new LuaTable();
        map.rawset("map", inMap);
        inMap.rawset("k", map);
        assertTrue(written(map, 3).contains("-ERR reached lua stack limit"));
        LuaTable set = new LuaTable();
        LuaTable inSet = new LuaTable();
        set.rawset("set", inSet);
        inSet.rawset(set, LuaValue.TRUE);
        assertTrue(written(set, 3).contains("-ERR reached lua stack limit"));
        LuaTable array = new LuaTable();
        array.rawset(1, array);
        String nested = written(array, 2);
        assertTrue(nested.endsWith("[-ERR reached lua stack limit" + "]".repeat(1001)), nested.substring(nested.length() - 60));
    }

    /** {@code return {err = "\xe2"}}: LuaJ's tojstring threw ArrayIndexOutOfBoundsException on the cut UTF-8. */
    @Test
    void errorAndStatusTextsOfAnyBytes() throws InterruptedException {
        LuaTable error = new LuaTable();
        error.rawset(LuaReplies.ERR, LuaString.valueOf(new byte[] {'E', 'R', 'R', ' ', (byte) 0xe2}));
        assertEquals("-ERR \ufffd", written(error, 2));
        LuaTable status = new LuaTable();
        status.rawset(LuaReplies.OK, LuaString.valueOf(new byte[] {(byte) 0xc3}));
        assertEquals("+\ufffd", written(status, 3));
        LuaValue statusReply = RedisLib.common().get("status_reply").call(LuaString.valueOf(new byte[] {'a', (byte) 0xe2, (byte) 0x82}));
        assertEquals("+a\ufffd", written(statusReply, 2));
    }
}
