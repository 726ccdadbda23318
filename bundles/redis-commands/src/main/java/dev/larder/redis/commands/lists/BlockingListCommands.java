package dev.larder.redis.commands.lists;

import static dev.larder.redis.api.CommandFlag.NOSCRIPT;
import static dev.larder.redis.api.CommandFlag.BLOCKING;
import static dev.larder.redis.api.CommandFlag.DENYOOM;
import static dev.larder.redis.api.CommandFlag.WRITE;
import static dev.larder.redis.api.CommandSpec.command;

import dev.larder.redis.api.CommandContext;
import dev.larder.redis.api.CommandFamily;
import dev.larder.redis.api.RedisCommand;
import dev.larder.redis.api.RedisException;
import dev.larder.redis.api.Reply;
import dev.larder.redis.api.types.ListValue;
import dev.larder.redis.commands.BlockingTimeout;
import dev.larder.redis.commands.TypedValues;
import java.util.Arrays;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/** BLPOP, BRPOP, BLMOVE, BRPOPLPUSH and BLMPOP: the list commands that wait for an element. */
@Component
public class BlockingListCommands implements CommandFamily {

    @Override
    public List<RedisCommand> commands() {
        return List.of(
                RedisCommand.of(command("blpop", -3).flags(WRITE, NOSCRIPT, BLOCKING).keys(1, -2, 1).categories("list").build(),
                        (c, argv, r) -> pop(c, argv, r, true)),
                RedisCommand.of(command("brpop", -3).flags(WRITE, NOSCRIPT, BLOCKING).keys(1, -2, 1).categories("list").build(),
                        (c, argv, r) -> pop(c, argv, r, false)),
                RedisCommand.of(command("blmove", 6).flags(WRITE, DENYOOM, NOSCRIPT, BLOCKING).keys(1, 2, 1).categories("list").build(),
                        (c, argv, r) -> move(c, argv, r, ListCommands.side(argv[3]), ListCommands.side(argv[4]), argv[5])),
                RedisCommand.of(command("brpoplpush", 4).flags(WRITE, DENYOOM, NOSCRIPT, BLOCKING).keys(1, 2, 1).categories("list").build(),
                        (c, argv, r) -> move(c, argv, r, false, true, argv[3])),
                RedisCommand.of(command("blmpop", -5).flags(WRITE, BLOCKING).keys(3, 3, 1).categories("list").build(),
                        argv -> RedisCommand.numkeys(argv, 2), BlockingListCommands::blmpop));
    }

    /** BLPOP and BRPOP key [key ...] timeout: [key, element] from the first non-empty list. */
    private static void pop(CommandContext c, byte[][] argv, Reply r, boolean left) throws RedisException {
        long timeout = BlockingTimeout.seconds(argv[argv.length - 1]);
        List<byte[]> keys = Arrays.asList(argv).subList(1, argv.length - 1);
        CommandContext.Attempt attempt = (context, reply) -> {
            for (byte[] key : keys) {
                ListValue list = TypedValues.list(context.keyspace(), key);
                if (list != null) {
                    reply.array(2);
                    reply.bulk(key);
                    reply.bulk(left ? list.removeFirst() : list.removeLast());
                    context.keyspace().modified(key);
                    return true;
                }
            }
            return false;
        };
        if (!attempt.attempt(c, r)) {
            c.block(keys, timeout, BlockingTimeout.retry(attempt), Reply::nilArray);
        }
    }

    /** BLMOVE and BRPOPLPUSH: the element moved, once the source has one. */
    private static void move(CommandContext c, byte[][] argv, Reply r, boolean fromLeft, boolean toLeft, byte[] timeoutArgument)
            throws RedisException {
        long timeout = BlockingTimeout.seconds(timeoutArgument);
        CommandContext.Attempt attempt = (context, reply) -> {
            byte[] element = ListCommands.move(context, argv[1], argv[2], fromLeft, toLeft);
            if (element == null) {
                return false;
            }
            reply.bulk(element);
            return true;
        };
        if (!attempt.attempt(c, r)) {
            // a source of another type by now is passed over; a destination of another type is the client's answer, as in Redis
            c.block(List.of(argv[1]), timeout, (context, reply) -> {
                if (context.keyspace().get(argv[1]) instanceof ListValue) {
                    try {
                        return attempt.attempt(context, reply);
                    } catch (RedisException wrongDestination) {
                        reply.error(wrongDestination.getMessage());
                        return true;
                    }
                }
                return false;
            }, Reply::nilArray);
        }
    }

    /** BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count] */
    private static void blmpop(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        ListCommands.MultiPop pop = ListCommands.MultiPop.parse(argv, 2);
        long timeout = BlockingTimeout.seconds(argv[1]);
        if (!pop.pop(c, r)) {
            c.block(pop.keys(), timeout, BlockingTimeout.retry(pop::pop), Reply::nilArray);
        }
    }
}
