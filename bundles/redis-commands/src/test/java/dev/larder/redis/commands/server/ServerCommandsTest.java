package dev.larder.redis.commands.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larder.redis.commands.CommandHarness;
import dev.larder.redis.commands.strings.StringCommands;
import org.junit.jupiter.api.Test;

class ServerCommandsTest {

    private final CommandHarness redis = new CommandHarness(new ServerCommands(), new StringCommands());

    @Test
    void debugObjectDescribesTheValueAsRedisDoes() {
        redis.call("SET", "s", "hello");
        redis.call("SET", "n", "12345");
        String string = redis.call("DEBUG", "OBJECT", "s");
        assertTrue(string.matches("\\+Value at:0x[0-9a-f]+ refcount:1 encoding:embstr serializedlength:6 lru:\\d+ lru_seconds_idle:0"), string);
        String number = redis.call("DEBUG", "OBJECT", "n");
        assertTrue(number.contains(" encoding:int serializedlength:3 "), number);
        assertEquals("-ERR no such key", redis.call("DEBUG", "OBJECT", "missing"));
        assertEquals("-ERR unknown subcommand 'RELOAD'. Try DEBUG HELP.", redis.call("DEBUG", "RELOAD"));
    }

    @Test
    void debugSleepWaitsAndTimeAnswersSecondsAndMicroseconds() {
        long began = System.nanoTime();
        assertEquals("+OK", redis.call("DEBUG", "SLEEP", "0.05"));
        assertTrue(System.nanoTime() - began >= 50_000_000L);
        assertEquals("+OK", redis.call("DEBUG", "SLEEP", "not a number"));
        assertTrue(redis.call("TIME").matches("\\*\\[\\$\\d{10}, \\$\\d{1,6}\\]"));
    }
}
