package dev.larder.redis.engine.internal;

import static dev.larder.redis.api.CommandFlag.ALLOW_BUSY;
import static dev.larder.redis.api.CommandFlag.FAST;
import static dev.larder.redis.api.CommandFlag.LOADING;
import static dev.larder.redis.api.CommandFlag.NOSCRIPT;
import static dev.larder.redis.api.CommandFlag.SKIP_SLOWLOG;
import static dev.larder.redis.api.CommandFlag.STALE;
import static dev.larder.redis.api.CommandSpec.command;

import dev.larder.redis.api.CommandFamily;
import dev.larder.redis.api.CommandSpec;
import dev.larder.redis.api.RedisCommand;
import dev.larder.redis.api.RedisException;
import dev.larder.redis.api.types.Bytes;
import java.util.List;
import java.util.Set;

/** MULTI, EXEC, DISCARD, WATCH and UNWATCH (Redis's multi.c): they work on the engine's session state. */
final class TransactionCommands implements CommandFamily {

    /** What runs at once between MULTI and EXEC instead of being queued. */
    private static final Set<String> RUN_AT_ONCE = Set.of("exec", "discard", "multi", "watch", "quit", "reset");

    private final RedisEngine engine;

    TransactionCommands(RedisEngine engine) {
        this.engine = engine;
    }

    static boolean runsAtOnce(CommandSpec spec) {
        return RUN_AT_ONCE.contains(spec.name());
    }

    @Override
    public List<RedisCommand> commands() {
        return List.of(
                RedisCommand.of(command("multi", 1).flags(NOSCRIPT, LOADING, STALE, FAST, ALLOW_BUSY).categories("transaction").build(),
                        (c, argv, r) -> {
                            Session session = (Session) c;
                            if (session.transaction() != null) {
                                throw new RedisException("ERR MULTI calls can not be nested");
                            }
                            session.beginTransaction();
                            r.ok();
                        }),
                RedisCommand.of(command("exec", 1).flags(NOSCRIPT, LOADING, STALE, SKIP_SLOWLOG).categories("transaction").build(),
                        (c, argv, r) -> engine.exec((Session) c, r)),
                RedisCommand.of(command("discard", 1).flags(NOSCRIPT, LOADING, STALE, FAST, ALLOW_BUSY).categories("transaction")
                        .build(), (c, argv, r) -> {
                            Session session = (Session) c;
                            if (session.endTransaction() == null) {
                                throw new RedisException("ERR DISCARD without MULTI");
                            }
                            session.unwatchAll(false);
                            r.ok();
                        }),
                RedisCommand.of(command("watch", -2).flags(NOSCRIPT, LOADING, STALE, FAST, ALLOW_BUSY).keys(1, -1, 1)
                        .categories("transaction").build(), (c, argv, r) -> {
                            Session session = (Session) c;
                            if (session.transaction() != null) {
                                throw new RedisException("ERR WATCH inside MULTI is not allowed");
                            }
                            for (int i = 1; i < argv.length; i++) {
                                c.keyspace().exists(argv[i]); // a key expired already goes now, and is not a change later
                                session.watch(new DatabaseKey(session.tenant(), session.database(), new Bytes(argv[i])));
                            }
                            r.ok();
                        }),
                RedisCommand.of(command("unwatch", 1).flags(NOSCRIPT, LOADING, STALE, FAST, ALLOW_BUSY).categories("transaction")
                        .build(), (c, argv, r) -> {
                            ((Session) c).unwatchAll(false);
                            r.ok();
                        }));
    }
}
