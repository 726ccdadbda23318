package dev.larder.redis.commands.server;

import static dev.larder.redis.api.CommandFlag.ADMIN;
import static dev.larder.redis.api.CommandFlag.FAST;
import static dev.larder.redis.api.CommandFlag.LOADING;
import static dev.larder.redis.api.CommandFlag.NOSCRIPT;
import static dev.larder.redis.api.CommandFlag.STALE;
import static dev.larder.redis.api.CommandSpec.command;

import dev.larder.redis.api.Arguments;
import dev.larder.redis.api.CommandContext;
import dev.larder.redis.api.CommandFamily;
import dev.larder.redis.api.RedisCommand;
import dev.larder.redis.api.RedisException;
import dev.larder.redis.api.RedisValue;
import dev.larder.redis.api.Reply;
import dev.larder.redis.api.StringValue;
import dev.larder.redis.api.rdb.DumpPayload;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.osgi.service.component.annotations.Component;

/** Server commands that need nothing of the engine's internals: TIME, DEBUG. */
@Component
public class ServerCommands implements CommandFamily {

    @Override
    public List<RedisCommand> commands() {
        return List.of(
                RedisCommand.of(command("time", 1).flags(FAST, LOADING, STALE).build(), (c, argv, r) -> {
                    Instant now = Instant.now();
                    r.array(2);
                    r.bulk(Long.toString(now.getEpochSecond()));
                    r.bulk(Long.toString(now.getNano() / 1000));
                }),
                RedisCommand.of(command("debug", -2).flags(ADMIN, NOSCRIPT, LOADING, STALE).categories("admin", "dangerous").build(),
                        ServerCommands::debug));
    }

    /** DEBUG SLEEP seconds | OBJECT key | HELP: the parts that make sense without Redis's allocator and RDB files. */
    private static void debug(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        String sub = Arguments.text(argv[1]).toLowerCase(Locale.ROOT);
        if (sub.equals("sleep") && argv.length == 3) {
            double seconds;
            try {
                seconds = Double.parseDouble(Arguments.text(argv[2]));
            } catch (NumberFormatException e) {
                seconds = 0; // Redis reads it with strtod: no number is no sleep
            }
            try {
                Thread.sleep((long) (Math.max(0, seconds) * 1000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            r.ok();
        } else if (sub.equals("object") && argv.length == 3) {
            RedisValue value = c.keyspace().get(argv[2]);
            if (value == null) {
                throw new RedisException("ERR no such key");
            }
            StringValue string = value instanceof StringValue s ? s : null;
            long idleSeconds = c.keyspace().idleMillis(argv[2]) / 1000;
            r.simple("Value at:0x" + Integer.toHexString(System.identityHashCode(value))
                    + " refcount:" + (string != null && string.isSharedInteger() ? Integer.MAX_VALUE : 1)
                    + " encoding:" + value.encoding()
                    + " serializedlength:" + (string != null ? DumpPayload.serializedLength(string.bytes()) : 0)
                    + " lru:" + ((c.nowMillis() / 1000 - idleSeconds) & 0xFFFFFF) + " lru_seconds_idle:" + idleSeconds);
        } else if (sub.equals("help") && argv.length == 2) {
            r.help("DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                    "OBJECT <key>",
                    "    Show low-level info about the key and associated value.",
                    "SLEEP <seconds>",
                    "    Stop the server for <seconds>. Decimals allowed.",
                    "HELP",
                    "    Print this help.");
        } else {
            throw RedisException.unknownSubcommand("DEBUG", argv[1]);
        }
    }
}
