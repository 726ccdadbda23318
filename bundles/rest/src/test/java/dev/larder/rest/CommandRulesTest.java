package dev.larder.rest;

import static dev.larder.redis.api.CommandFlag.BLOCKING;
import static dev.larder.redis.api.CommandFlag.READONLY;
import static dev.larder.redis.api.CommandFlag.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.larder.databases.Access;
import dev.larder.redis.api.CommandSpec;
import dev.larder.redis.api.RedisCommand;
import dev.larder.redis.engine.ClientConnection;
import dev.larder.redis.engine.ClientLimits;
import dev.larder.redis.engine.CommandEngine;
import dev.larder.redis.engine.EngineSession;
import java.lang.annotation.Annotation;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What REST refuses before a request runs: commands that need a connection, and keys and values over the limits. */
class CommandRulesTest {

    /** A registry of a few commands with their real specs; the rules only look commands up. */
    private static final Map<String, RedisCommand> COMMANDS = Map.of(
            "set", command(CommandSpec.command("set", -3).flags(WRITE).keys(1, 1, 1).build()),
            "mget", command(CommandSpec.command("mget", -2).flags(READONLY).keys(1, -1, 1).build()),
            "blpop", command(CommandSpec.command("blpop", -3).flags(WRITE, BLOCKING).keys(1, -2, 1).build()),
            "xread", command(CommandSpec.command("xread", -4).flags(READONLY, BLOCKING).build()),
            "watch", command(CommandSpec.command("watch", -2).keys(1, -1, 1).build()));

    private static RedisCommand command(CommandSpec spec) {
        return RedisCommand.of(spec, (context, argv, reply) -> reply.ok());
    }

    private static final CommandEngine ENGINE = new CommandEngine() {
        @Override
        public EngineSession open(InetAddress peer, String remoteAddress, String localAddress, ClientConnection connection) {
            throw new UnsupportedOperationException();
        }

        @Override
        public EngineSession open(Access access, String remoteAddress, String localAddress, ClientConnection connection) {
            throw new UnsupportedOperationException();
        }

        @Override
        public RedisCommand command(byte[] name) {
            return COMMANDS.get(new String(name, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT));
        }

        @Override
        public void countTraffic(long bytesIn, long bytesOut) {
        }

        @Override
        public ClientLimits clientLimits() {
            return ClientLimits.REDIS_DEFAULTS;
        }
    };

    /** Small limits: keys of 8 bytes, values of 16. */
    private static final RestSettings LIMITS = new RestSettings() {
        @Override public Class<? extends Annotation> annotationType() { return RestSettings.class; }
        @Override public String pathPrefix() { return ""; }
        @Override public int maxRequestBytes() { return 1024; }
        @Override public int maxKeyBytes() { return 8; }
        @Override public int maxValueBytes() { return 16; }
        @Override public int maxPipelineCommands() { return 10; }
        @Override public int heartbeatSeconds() { return 5; }
    };

    private static byte[][] argv(String... arguments) {
        byte[][] argv = new byte[arguments.length][];
        for (int i = 0; i < arguments.length; i++) {
            argv[i] = arguments[i].getBytes(StandardCharsets.UTF_8);
        }
        return argv;
    }

    private final CommandRules rules = new CommandRules(ENGINE, LIMITS);

    @Test
    void commandsThatNeedAConnectionAreRefused() throws RestException {
        assertNull(rules.vet(argv("SET", "k", "v")));
        assertNull(rules.vet(argv("NOSUCH", "x")));
        assertEquals("ERR Command is not available: 'blpop' (blocking commands need a connection)", rules.vet(argv("BLPOP", "k", "0")));
        assertEquals("ERR Command is not available: 'watch' (a request has no connection to watch keys on)", rules.vet(argv("watch", "k")));
        assertNull(rules.vet(argv("XREAD", "COUNT", "1", "STREAMS", "s", "0")));
        assertNull(rules.vet(argv("XREAD", "STREAMS", "BLOCK", "0")), "BLOCK after STREAMS is a stream's name");
        assertEquals("ERR Command is not available: 'xread' (blocking commands need a connection)",
                rules.vet(argv("XREAD", "BLOCK", "0", "STREAMS", "s", "$")));
    }

    @Test
    void keysAndValuesOverTheLimitsRefuseTheRequest() throws RestException {
        assertNull(rules.vet(argv("MGET", "12345678", "abc")));
        RestException key = assertThrows(RestException.class, () -> rules.vet(argv("MGET", "abc", "123456789")));
        assertEquals(400, key.status());
        assertEquals("ERR max key size exceeded. Limit: 8 bytes", key.getMessage());
        assertNull(rules.vet(argv("SET", "k", "1234567890123456")));
        RestException value = assertThrows(RestException.class, () -> rules.vet(argv("SET", "k", "12345678901234567")));
        assertEquals("ERR max value size exceeded. Limit: 16 bytes", value.getMessage());
    }
}
