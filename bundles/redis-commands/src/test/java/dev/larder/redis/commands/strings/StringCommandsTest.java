package dev.larder.redis.commands.strings;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.larder.redis.commands.CommandHarness;
import org.junit.jupiter.api.Test;

class StringCommandsTest {

    private final CommandHarness redis = new CommandHarness(new StringCommands());

    @Test
    void setOptionsFollowRedisSevenRules() {
        assertEquals("+OK", redis.call("SET", "k", "v", "NX"));
        assertEquals("$nil", redis.call("SET", "k", "w", "NX"));
        assertEquals("$v", redis.call("SET", "k", "w", "XX", "GET"));
        assertEquals("-ERR syntax error", redis.call("SET", "k", "v", "NX", "XX"));
        assertEquals("-ERR invalid expire time in 'set' command", redis.call("SET", "k", "v", "EX", "0"));
        assertEquals("+OK", redis.call("SET", "k", "v", "PX", "1500"));
        redis.advanceMillis(1500);
        assertEquals("$nil", redis.call("GET", "k"));
    }

    @Test
    void countersRefuseWhatIsNotAnIntegerAndOverflow() {
        assertEquals(":1", redis.call("INCR", "n"));
        assertEquals(":-4", redis.call("DECRBY", "n", "5"));
        redis.call("SET", "n", "9223372036854775807");
        assertEquals("-ERR increment or decrement would overflow", redis.call("INCR", "n"));
        redis.call("SET", "t", "12abc");
        assertEquals("-ERR value is not an integer or out of range", redis.call("INCR", "t"));
        assertEquals("$10.5", redis.call("INCRBYFLOAT", "f", "10.5"));
        assertEquals("$5010.5", redis.call("INCRBYFLOAT", "f", "5e3"));
    }

    @Test
    void rangesClampAsRedisDoes() {
        redis.call("SET", "s", "Hello World");
        assertEquals("$World", redis.call("GETRANGE", "s", "-5", "-1"));
        assertEquals("$", redis.call("GETRANGE", "s", "5", "3"));
        assertEquals(":11", redis.call("SETRANGE", "s", "6", "Redis"));
        assertEquals("$Hello Redis", redis.call("GET", "s"));
        assertEquals(":14", redis.call("SETRANGE", "pad", "10", "abcd"));
        assertEquals("$\0\0\0\0\0\0\0\0\0\0abcd", redis.call("GET", "pad"));
    }

    @Test
    void lcsAnswersRedisDocumentedExamples() {
        redis.call("MSET", "key1", "ohmytext", "key2", "mynewtext");
        assertEquals("$mytext", redis.call("LCS", "key1", "key2"));
        assertEquals(":6", redis.call("LCS", "key1", "key2", "LEN"));
        assertEquals("*[$matches, *[*[*[:4, :7], *[:5, :8]], *[*[:2, :3], *[:0, :1]]], $len, :6]",
                redis.call("LCS", "key1", "key2", "IDX"));
        assertEquals("*[$matches, *[*[*[:4, :7], *[:5, :8], :4]], $len, :6]",
                redis.call("LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"));
        assertEquals("-ERR If you want both the length and indexes, please just use IDX.",
                redis.call("LCS", "key1", "key2", "IDX", "LEN"));
        assertEquals("$", redis.call("LCS", "key1", "missing"));
    }
}
