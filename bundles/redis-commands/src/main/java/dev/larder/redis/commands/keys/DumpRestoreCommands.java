package dev.larder.redis.commands.keys;

import static dev.larder.redis.api.CommandFlag.DENYOOM;
import static dev.larder.redis.api.CommandFlag.READONLY;
import static dev.larder.redis.api.CommandFlag.WRITE;
import static dev.larder.redis.api.CommandSpec.command;

import dev.larder.redis.api.Arguments;
import dev.larder.redis.api.CommandContext;
import dev.larder.redis.api.Keyspace;
import dev.larder.redis.api.RedisCommand;
import dev.larder.redis.api.RedisException;
import dev.larder.redis.api.RedisValue;
import dev.larder.redis.api.Reply;
import dev.larder.redis.api.StringValue;
import dev.larder.redis.api.rdb.DumpPayload;
import java.util.List;

/** DUMP and RESTORE in Redis's serialization format ({@link DumpPayload}). */
final class DumpRestoreCommands {

    private DumpRestoreCommands() {
    }

    static List<RedisCommand> commands() {
        return List.of(
                RedisCommand.of(command("dump", 2).flags(READONLY).keys(1, 1, 1).categories("keyspace").build(), (c, argv, r) -> {
                    RedisValue value = c.keyspace().get(argv[1]);
                    if (value == null) {
                        r.nil();
                    } else if (value instanceof StringValue string) {
                        r.bulk(DumpPayload.dumpString(string.bytes()));
                    } else {
                        throw new RedisException("ERR DUMP is not supported yet for values of type " + value.typeName());
                    }
                }),
                RedisCommand.of(command("restore", -4).flags(WRITE, DENYOOM).keys(1, 1, 1).categories("keyspace", "dangerous").build(),
                        DumpRestoreCommands::restore));
    }

    /** RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency], checked in Redis's order. */
    private static void restore(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        boolean replace = false;
        boolean absoluteTtl = false;
        long idleSeconds = -1;
        long frequency = -1;
        for (int j = 4; j < argv.length; j++) {
            boolean more = j + 1 < argv.length;
            if (Arguments.is(argv[j], "REPLACE")) {
                replace = true;
            } else if (Arguments.is(argv[j], "ABSTTL")) {
                absoluteTtl = true;
            } else if (Arguments.is(argv[j], "IDLETIME") && more && frequency == -1) {
                idleSeconds = Arguments.toLong(argv[++j]);
                if (idleSeconds < 0) {
                    throw new RedisException("ERR Invalid IDLETIME value, must be >= 0");
                }
            } else if (Arguments.is(argv[j], "FREQ") && more && idleSeconds == -1) {
                frequency = Arguments.toLong(argv[++j]);
                if (frequency < 0 || frequency > 255) {
                    throw new RedisException("ERR Invalid FREQ value, must be >= 0 and <= 255");
                }
            } else {
                throw RedisException.syntax();
            }
        }
        Keyspace keyspace = c.keyspace();
        if (!replace && keyspace.exists(argv[1])) {
            throw new RedisException("BUSYKEY Target key name already exists.");
        }
        long ttl = Arguments.toLong(argv[2]);
        if (ttl < 0) {
            throw new RedisException("ERR Invalid TTL value, must be >= 0");
        }
        byte[] value;
        try {
            DumpPayload.verify(argv[3]);
            value = DumpPayload.readString(argv[3]);
        } catch (DumpPayload.BadPayload e) {
            throw new RedisException(e.redisError());
        }
        if (replace) {
            keyspace.remove(argv[1]);
        }
        long expireAt = ttl == 0 ? Keyspace.NO_EXPIRY : absoluteTtl ? ttl : c.nowMillis() + ttl;
        if (expireAt == Keyspace.NO_EXPIRY || expireAt > c.nowMillis()) {
            keyspace.set(argv[1], new StringValue(value), expireAt);
        }
        r.ok();
    }
}
