package dev.larder.redis.commands.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larder.redis.api.ClientSession;
import dev.larder.redis.commands.CommandHarness;
import org.junit.jupiter.api.Test;

class ConnectionCommandsTest {

    private final CommandHarness redis = new CommandHarness(new ConnectionCommands());

    @Test
    void helloSwitchesProtocolNamesTheClientAndAuthenticates() {
        assertEquals("-NOPROTO unsupported protocol version", redis.call("HELLO", "4"));
        assertEquals("-ERR Protocol version is not an integer or out of range", redis.call("HELLO", "x"));
        String hello = redis.call("HELLO", "3", "SETNAME", "worker-1");
        assertTrue(hello.startsWith("*[$server, $redis, $version, $7.0.15, $proto, :3, $id, :7"), hello);
        assertEquals(3, redis.client.protocol);
        assertEquals("worker-1", redis.client.name);

        redis.client.authenticated = false;
        assertTrue(redis.call("HELLO", "2").startsWith("-NOAUTH HELLO must be called with the client already authenticated"));
        assertEquals("-WRONGPASS invalid username-password pair or user is disabled.",
                redis.call("HELLO", "2", "AUTH", "default", "wrong"));
        assertTrue(redis.call("HELLO", "2", "AUTH", "default", CommandHarness.TOKEN).startsWith("*[$server"));
        assertTrue(redis.client.authenticated);
    }

    @Test
    void authResetSelectAndQuit() {
        assertEquals("-WRONGPASS invalid username-password pair or user is disabled.", redis.call("AUTH", "nope"));
        assertEquals("+OK", redis.call("AUTH", CommandHarness.TOKEN));
        assertEquals("-ERR syntax error", redis.call("AUTH", "a", "b", "c"));
        assertEquals("+OK", redis.call("SELECT", "5"));
        assertEquals("-ERR DB index is out of range", redis.call("SELECT", "16"));
        assertEquals("+RESET", redis.call("RESET"));
        assertEquals(0, redis.client.database);
        assertEquals(false, redis.client.authenticated);
        assertEquals("+OK", redis.call("QUIT"));
        assertTrue(redis.client.closeAfterReply);
    }

    @Test
    void clientSubcommandsAsRedisWordsThem() {
        assertEquals(":7", redis.call("CLIENT", "ID"));
        assertEquals("$nil", redis.call("CLIENT", "GETNAME"));
        assertEquals("-ERR Client names cannot contain spaces, newlines or special characters.",
                redis.call("CLIENT", "SETNAME", "has space"));
        assertEquals("+OK", redis.call("CLIENT", "SETNAME", "app"));
        assertTrue(redis.call("CLIENT", "LIST").matches("\\$id=7 addr=127\\.0\\.0\\.1:50000 .* name=app age=5 .* user=default .*\\n"));
        assertEquals("", redis.call("CLIENT", "REPLY", "OFF"));
        assertEquals(ClientSession.ReplyMode.OFF, redis.client.replyMode);
        assertEquals("+OK", redis.call("CLIENT", "REPLY", "ON"));
        assertEquals("-ERR syntax error", redis.call("CLIENT", "REPLY", "MAYBE"));
        assertEquals("-ERR unknown subcommand 'NOSUCH'. Try CLIENT HELP.", redis.call("CLIENT", "NOSUCH"));
        assertEquals("$hi", redis.call("ECHO", "hi"));
        assertEquals("+PONG", redis.call("PING"));
    }
}
