package dev.larder.redis.commands.hashes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.larder.redis.commands.CommandHarness;
import dev.larder.redis.commands.keys.KeyCommands;
import dev.larder.redis.commands.strings.StringCommands;
import org.junit.jupiter.api.Test;

/**
 * Hash field times to live as Redis 7.4 and 8 document them (the redis-server the differential tests
 * run is 7.0, which has none): per-field answers -2 (no field), -1 (no time to live), 0 (condition
 * not met), 1 (set), 2 (deleted by a time in the past).
 */
class FieldExpiryCommandsTest {

    private final CommandHarness redis = new CommandHarness(new HashCommands(), new KeyCommands(), new StringCommands());

    @Test
    void hexpireSetsPerFieldTimesWithConditions() {
        redis.call("HSET", "h", "a", "1", "b", "2", "c", "3");
        assertEquals("*[:1, :1, :-2]", redis.call("HEXPIRE", "h", "100", "FIELDS", "3", "a", "b", "nosuch"));
        assertEquals("*[:0]", redis.call("HEXPIRE", "h", "200", "NX", "FIELDS", "1", "a"));
        assertEquals("*[:1]", redis.call("HEXPIRE", "h", "200", "GT", "FIELDS", "1", "a"));
        assertEquals("*[:0]", redis.call("HEXPIRE", "h", "50", "GT", "FIELDS", "1", "a"));
        assertEquals("*[:1]", redis.call("HEXPIRE", "h", "50", "LT", "FIELDS", "1", "c"));
        assertEquals("*[:1]", redis.call("HEXPIRE", "h", "200", "XX", "FIELDS", "1", "a"));
        redis.call("HSET", "h", "d", "4");
        assertEquals("*[:0]", redis.call("HEXPIRE", "h", "50", "XX", "FIELDS", "1", "d"));
        redis.call("HDEL", "h", "d");
        assertEquals("*[:200, :100, :50, :-2]", redis.call("HTTL", "h", "FIELDS", "4", "a", "b", "c", "nosuch"));
        assertEquals("*[:200000]", redis.call("HPTTL", "h", "FIELDS", "1", "a"));
        assertEquals("*[:" + (1_700_000_000L + 200) + "]", redis.call("HEXPIRETIME", "h", "FIELDS", "1", "a"));
        assertEquals("*[:2]", redis.call("HPEXPIREAT", "h", "1000", "FIELDS", "1", "b"));
        assertEquals("$nil", redis.call("HGET", "h", "b"));
        assertEquals("*[:-2, :-2]", redis.call("HTTL", "nosuch", "FIELDS", "2", "a", "b"));
    }

    @Test
    void expiredFieldsGoAndTheLastTakesTheKey() {
        redis.call("HSET", "h", "a", "1", "b", "2");
        redis.call("HPEXPIRE", "h", "1000", "FIELDS", "1", "a");
        redis.advanceMillis(999);
        assertEquals(":2", redis.call("HLEN", "h"));
        redis.advanceMillis(1);
        assertEquals(":1", redis.call("HLEN", "h"));
        assertEquals("*[$b, $2]", redis.call("HGETALL", "h"));
        redis.call("HPEXPIRE", "h", "10", "FIELDS", "1", "b");
        redis.advanceMillis(10);
        assertEquals(":0", redis.call("HLEN", "h"));
        assertEquals(":0", redis.call("EXISTS", "h"));
    }

    @Test
    void hpersistAndHsetDropATimeToLive() {
        redis.call("HSET", "h", "a", "1", "b", "2");
        redis.call("HEXPIRE", "h", "100", "FIELDS", "2", "a", "b");
        assertEquals("*[:1, :-1, :-2]", redis.call("HPERSIST", "h", "FIELDS", "3", "a", "a", "nosuch"));
        redis.call("HSET", "h", "b", "new");
        assertEquals("*[:-1, :-1]", redis.call("HTTL", "h", "FIELDS", "2", "a", "b"));
    }

    @Test
    void hgetdelHgetexAndHsetex() {
        redis.call("HSET", "h", "a", "1", "b", "2", "c", "3");
        assertEquals("*[$1, $nil]", redis.call("HGETDEL", "h", "FIELDS", "2", "a", "nosuch"));
        assertEquals(":2", redis.call("HLEN", "h"));
        assertEquals("*[$2]", redis.call("HGETEX", "h", "PX", "500", "FIELDS", "1", "b"));
        assertEquals("*[:500]", redis.call("HPTTL", "h", "FIELDS", "1", "b"));
        assertEquals("*[$2]", redis.call("HGETEX", "h", "PERSIST", "FIELDS", "1", "b"));
        assertEquals("*[:-1]", redis.call("HPTTL", "h", "FIELDS", "1", "b"));
        assertEquals(":0", redis.call("HSETEX", "h", "FNX", "FIELDS", "1", "b", "x"));
        assertEquals(":1", redis.call("HSETEX", "h", "FXX", "EX", "10", "FIELDS", "2", "b", "x", "c", "y"));
        assertEquals("*[:10, :10]", redis.call("HTTL", "h", "FIELDS", "2", "b", "c"));
        assertEquals(":1", redis.call("HSETEX", "h", "KEEPTTL", "FIELDS", "1", "b", "z"));
        assertEquals("*[:10]", redis.call("HTTL", "h", "FIELDS", "1", "b"));
        assertEquals("*[$z, $y]", redis.call("HGETDEL", "h", "FIELDS", "2", "b", "c"));
        assertEquals(":0", redis.call("EXISTS", "h"));
    }

    @Test
    void fieldsArgumentsAreChecked() {
        redis.call("HSET", "h", "a", "1");
        assertEquals("-ERR Mandatory argument FIELDS is missing or not at the right position",
                redis.call("HEXPIRE", "h", "10", "NX", "a", "1"));
        assertEquals("-ERR The `numfields` parameter must match the number of arguments",
                redis.call("HEXPIRE", "h", "10", "FIELDS", "2", "a"));
        assertEquals("-ERR Number of fields must be a positive integer", redis.call("HTTL", "h", "FIELDS", "0", "a"));
        assertEquals("-ERR unknown argument: BAD", redis.call("HEXPIRE", "h", "10", "BAD", "FIELDS", "1", "a"));
        assertEquals("-ERR invalid expire time in 'hexpire' command", redis.call("HEXPIRE", "h", "-1", "FIELDS", "1", "a"));
        redis.call("SET", "s", "x");
        assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value", redis.call("HTTL", "s", "FIELDS", "1", "a"));
    }
}
