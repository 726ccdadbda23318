package dev.larder.rest;

import dev.larder.redis.api.Arguments;
import dev.larder.redis.api.CommandFlag;
import dev.larder.redis.api.RedisCommand;
import dev.larder.redis.engine.CommandEngine;
import java.util.Map;

/** What REST does not run (commands that need a connection) and the size limits, checked before a request runs anything. */
final class CommandRules {

    /** Commands that hold state between requests or need a connection of their own, and what to use instead. */
    private static final Map<String, String> NOT_OVER_REST = Map.ofEntries(
            Map.entry("multi", "send the commands to /multi-exec"),
            Map.entry("exec", "send the commands to /multi-exec"),
            Map.entry("discard", "send the commands to /multi-exec"),
            Map.entry("watch", "a request has no connection to watch keys on"),
            Map.entry("unwatch", "a request has no connection to watch keys on"),
            Map.entry("subscribe", "use /subscribe/<channel>"),
            Map.entry("psubscribe", "use /psubscribe/<pattern>"),
            Map.entry("ssubscribe", "use /subscribe/<channel>"),
            Map.entry("unsubscribe", "close the /subscribe stream"),
            Map.entry("punsubscribe", "close the /psubscribe stream"),
            Map.entry("sunsubscribe", "close the /subscribe stream"),
            Map.entry("monitor", "use /monitor"),
            Map.entry("auth", "send the token as Authorization: Bearer <token>"),
            Map.entry("hello", "a request has no connection"),
            Map.entry("select", "a request has no connection"),
            Map.entry("client", "a request has no connection"),
            Map.entry("quit", "a request has no connection"),
            Map.entry("reset", "a request has no connection"),
            Map.entry("readonly", "cluster commands are not available"),
            Map.entry("readwrite", "cluster commands are not available"),
            Map.entry("asking", "cluster commands are not available"),
            Map.entry("cluster", "cluster commands are not available"));

    private final CommandEngine engine;
    private final int maxKeyBytes;
    private final int maxValueBytes;

    CommandRules(CommandEngine engine, RestSettings settings) {
        this.engine = engine;
        this.maxKeyBytes = settings.maxKeyBytes();
        this.maxValueBytes = settings.maxValueBytes();
    }

    /**
     * Checks a command before anything of its request runs: a key or value over the limits refuses the
     * whole request; a command REST does not run is answered with the error this returns (null: it runs;
     * unknown commands are the engine's to answer).
     */
    String vet(byte[][] argv) throws RestException {
        RedisCommand command = engine.command(argv[0]);
        checkSizes(command, argv);
        if (command == null) {
            return null;
        }
        String name = command.spec().name();
        String instead = NOT_OVER_REST.get(name);
        if (instead == null && command.spec().has(CommandFlag.BLOCKING) && blocks(name, argv)) {
            instead = "blocking commands need a connection";
        }
        return instead == null ? null : "ERR Command is not available: '" + name + "' (" + instead + ")";
    }

    /** XREAD and XREADGROUP block only with BLOCK; the other blocking commands always may. */
    private static boolean blocks(String name, byte[][] argv) {
        if (!name.equals("xread") && !name.equals("xreadgroup")) {
            return true;
        }
        for (int i = 1; i < argv.length; i++) {
            if (Arguments.is(argv[i], "STREAMS")) {
                return false;
            }
            if (Arguments.is(argv[i], "BLOCK")) {
                return true;
            }
        }
        return false;
    }

    private void checkSizes(RedisCommand command, byte[][] argv) throws RestException {
        for (byte[] argument : argv) {
            if (argument.length > maxValueBytes) {
                throw new RestException(400, "ERR max value size exceeded. Limit: " + maxValueBytes + " bytes");
            }
        }
        if (command == null || !command.spec().acceptsArgumentCount(argv.length)) {
            return;
        }
        int[] keys;
        try {
            keys = command.keyPositions(argv);
        } catch (RuntimeException malformed) {
            return; // the command's own syntax error answers it
        }
        for (int position : keys) {
            if (position < argv.length && argv[position].length > maxKeyBytes) {
                throw new RestException(400, "ERR max key size exceeded. Limit: " + maxKeyBytes + " bytes");
            }
        }
    }
}
