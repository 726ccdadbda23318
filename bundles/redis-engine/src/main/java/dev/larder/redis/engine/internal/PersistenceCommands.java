package dev.larder.redis.engine.internal;

import static dev.larder.redis.api.CommandFlag.ADMIN;
import static dev.larder.redis.api.CommandFlag.FAST;
import static dev.larder.redis.api.CommandFlag.LOADING;
import static dev.larder.redis.api.CommandFlag.NOSCRIPT;
import static dev.larder.redis.api.CommandFlag.NO_MULTI;
import static dev.larder.redis.api.CommandFlag.STALE;
import static dev.larder.redis.api.CommandSpec.command;

import dev.larder.redis.api.Arguments;
import dev.larder.redis.api.CommandContext;
import dev.larder.redis.api.CommandFamily;
import dev.larder.redis.api.CommandSpec;
import dev.larder.redis.api.RedisCommand;
import dev.larder.redis.api.RedisException;
import dev.larder.redis.api.Reply;
import java.util.List;

/**
 * SAVE, BGSAVE, LASTSAVE and ROLE. Redis's snapshot is Larder's grid write: the changes of every shard go
 * to the change log, fsynced, then to the storage grid, whose WAL is fsynced (what the grid writer does
 * once a minute). LASTSAVE is when the last grid write ended.
 */
final class PersistenceCommands implements CommandFamily {

    private final RedisEngine engine;

    PersistenceCommands(RedisEngine engine) {
        this.engine = engine;
    }

    @Override
    public List<RedisCommand> commands() {
        CommandSpec save = command("save", 1).flags(ADMIN, NOSCRIPT, NO_MULTI).categories("admin", "dangerous").build();
        return List.of(
                // SAVE waits for the grid write off the network thread, as a script runs
                new RedisCommand() {
                    @Override
                    public CommandSpec spec() {
                        return save;
                    }

                    @Override
                    public boolean mayRunLong() {
                        return true;
                    }

                    @Override
                    public void execute(CommandContext context, byte[][] argv, Reply reply) throws RedisException {
                        engine.saveNow();
                        reply.ok();
                    }
                },
                RedisCommand.of(command("bgsave", -1).flags(ADMIN, NOSCRIPT).categories("admin", "dangerous").build(), this::bgsave),
                RedisCommand.of(command("lastsave", 1).flags(LOADING, STALE, FAST).categories("admin", "dangerous").build(),
                        (c, argv, r) -> r.integer(engine.writeBehind().lastGridWriteMillis / 1000)),
                RedisCommand.of(command("role", 1).flags(NOSCRIPT, LOADING, STALE, FAST).categories("admin", "dangerous").build(),
                        (c, argv, r) -> {
                            r.array(3);
                            r.bulk("master");
                            r.integer(0);
                            r.array(0);
                        }));
    }

    /** BGSAVE [SCHEDULE]: a grid write now, answered at once. */
    private void bgsave(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        if (argv.length > 2 || argv.length == 2 && !Arguments.is(argv[1], "SCHEDULE")) {
            throw RedisException.syntax();
        }
        if (!engine.saveInBackground()) {
            if (argv.length == 2) {
                r.simple("Background saving scheduled");
                return;
            }
            throw new RedisException("ERR Background save already in progress");
        }
        r.simple("Background saving started");
    }
}
