package dev.larder.redis.engine.internal;

import static dev.larder.redis.api.CommandFlag.LOADING;
import static dev.larder.redis.api.CommandFlag.STALE;
import static dev.larder.redis.api.CommandSpec.command;

import dev.larder.redis.api.Arguments;
import dev.larder.redis.api.CommandContext;
import dev.larder.redis.api.CommandFamily;
import dev.larder.redis.api.CommandFlag;
import dev.larder.redis.api.CommandSpec;
import dev.larder.redis.api.GlobPattern;
import dev.larder.redis.api.RedisCommand;
import dev.larder.redis.api.RedisCompatibility;
import dev.larder.redis.api.RedisException;
import dev.larder.redis.api.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * COMMAND and its subcommands, answered from the metadata every command declares. The engine registers
 * this family itself: it describes the engine's own registry.
 */
final class EngineCommands implements CommandFamily {

    private final RedisEngine engine;

    EngineCommands(RedisEngine engine) {
        this.engine = engine;
    }

    @Override
    public List<RedisCommand> commands() {
        return List.of(
                RedisCommand.of(command("command", -1).flags(LOADING, STALE).categories("connection").build(), this::commandCommand),
                RedisCommand.of(command("shutdown", -1).flags(CommandFlag.ADMIN, CommandFlag.NOSCRIPT, LOADING, STALE, CommandFlag.NO_MULTI)
                        .categories("admin", "dangerous").build(), this::shutdown));
    }

    private void commandCommand(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        CommandRegistry registry = engine.registry();
        if (argv.length == 1) {
            List<RedisCommand> all = new ArrayList<>(registry.all());
            r.array(all.size());
            all.forEach(command -> info(r, command.spec()));
            return;
        }
        if (Arguments.is(argv[1], "COUNT") && argv.length == 2) {
            r.integer(registry.all().size());
        } else if (Arguments.is(argv[1], "LIST") && argv.length == 2) {
            r.array(registry.all().size());
            registry.all().forEach(command -> r.bulk(command.spec().name()));
        } else if (Arguments.is(argv[1], "INFO")) {
            if (argv.length == 2) {
                List<RedisCommand> all = new ArrayList<>(registry.all());
                r.array(all.size());
                all.forEach(command -> info(r, command.spec()));
                return;
            }
            r.array(argv.length - 2);
            for (int i = 2; i < argv.length; i++) {
                RedisCommand command = registry.lookup(argv[i]);
                if (command == null) {
                    r.nilArray();
                } else {
                    info(r, command.spec());
                }
            }
        } else if (Arguments.is(argv[1], "DOCS")) {
            CommandDocsReply.reply(r, registry.all(), registry::lookup, Arrays.asList(argv).subList(2, argv.length));
        } else if (Arguments.is(argv[1], "GETKEYS") && argv.length >= 3) {
            getKeys(Arrays.copyOfRange(argv, 2, argv.length), r);
        } else {
            throw new RedisException("ERR unknown subcommand or wrong number of arguments for '"
                    + Arguments.text(argv[1]) + "'. Try COMMAND HELP.");
        }
    }

    /**
     * SHUTDOWN [NOSAVE | SAVE] [NOW] [FORCE] | SHUTDOWN ABORT. Every variant stops the server the same
     * way: the storage grid is the persistence, so there is no snapshot to save or skip.
     */
    private void shutdown(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        boolean save = false;
        boolean noSave = false;
        for (int i = 1; i < argv.length; i++) {
            if (Arguments.is(argv[i], "ABORT") && argv.length == 2) {
                throw new RedisException("ERR No shutdown in progress.");
            } else if (Arguments.is(argv[i], "SAVE") && !noSave) {
                save = true;
            } else if (Arguments.is(argv[i], "NOSAVE") && !save) {
                noSave = true;
            } else if (!Arguments.is(argv[i], "NOW") && !Arguments.is(argv[i], "FORCE")) {
                throw RedisException.syntax();
            }
        }
        c.client().closeAfterReply();
        engine.shutdownServer();
    }

    private void getKeys(byte[][] call, Reply r) throws RedisException {
        RedisCommand command = engine.registry().lookup(call[0]);
        if (command == null) {
            throw new RedisException("ERR Invalid command specified");
        }
        if (!command.spec().acceptsArgumentCount(call.length)) {
            throw new RedisException("ERR Invalid number of arguments specified for command");
        }
        int[] positions = command.keyPositions(call);
        if (positions.length == 0) {
            throw new RedisException("ERR The command has no key arguments");
        }
        r.array(positions.length);
        for (int position : positions) {
            r.bulk(call[position]);
        }
    }

    /** The ten fields of COMMAND INFO, as Redis 7 lays them out. */
    private static void info(Reply r, CommandSpec spec) {
        r.array(10);
        r.bulk(spec.name());
        r.integer(spec.arity());
        r.set(spec.flags().size());
        for (CommandFlag flag : spec.flags()) {
            r.simple(flag.redisName());
        }
        r.integer(spec.firstKey());
        r.integer(spec.lastKey());
        r.integer(spec.keyStep());
        r.set(spec.aclCategories().size());
        spec.aclCategories().forEach(category -> r.simple("@" + category));
        r.array(0);
        r.array(0);
        r.array(0);
    }
}
