package dev.larder.redis.commands.sortedsets;

import static dev.larder.redis.api.CommandFlag.NOSCRIPT;
import static dev.larder.redis.api.CommandFlag.BLOCKING;
import static dev.larder.redis.api.CommandFlag.FAST;
import static dev.larder.redis.api.CommandFlag.WRITE;
import static dev.larder.redis.api.CommandSpec.command;

import dev.larder.redis.api.CommandContext;
import dev.larder.redis.api.CommandFamily;
import dev.larder.redis.api.RedisCommand;
import dev.larder.redis.api.RedisException;
import dev.larder.redis.api.Reply;
import dev.larder.redis.api.types.ScoreIndex;
import dev.larder.redis.api.types.SortedSetValue;
import dev.larder.redis.commands.BlockingTimeout;
import dev.larder.redis.commands.TypedValues;
import java.util.Arrays;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/** BZPOPMIN, BZPOPMAX and BZMPOP: the sorted-set pops that wait for a member. */
@Component
public class BlockingSortedSetCommands implements CommandFamily {

    @Override
    public List<RedisCommand> commands() {
        return List.of(
                RedisCommand.of(command("bzpopmin", -3).flags(WRITE, NOSCRIPT, FAST, BLOCKING).keys(1, -2, 1).categories("sortedset").build(),
                        (c, argv, r) -> pop(c, argv, r, true)),
                RedisCommand.of(command("bzpopmax", -3).flags(WRITE, NOSCRIPT, FAST, BLOCKING).keys(1, -2, 1).categories("sortedset").build(),
                        (c, argv, r) -> pop(c, argv, r, false)),
                RedisCommand.of(command("bzmpop", -5).flags(WRITE, BLOCKING).keys(3, 3, 1).categories("sortedset").build(),
                        argv -> RedisCommand.numkeys(argv, 2), BlockingSortedSetCommands::bzmpop));
    }

    /** BZPOPMIN and BZPOPMAX key [key ...] timeout: [key, member, score] from the first non-empty sorted set. */
    private static void pop(CommandContext c, byte[][] argv, Reply r, boolean min) throws RedisException {
        long timeout = BlockingTimeout.seconds(argv[argv.length - 1]);
        List<byte[]> keys = Arrays.asList(argv).subList(1, argv.length - 1);
        CommandContext.Attempt attempt = (context, reply) -> {
            for (byte[] key : keys) {
                SortedSetValue zset = TypedValues.sortedSet(context.keyspace(), key);
                if (zset != null) {
                    ScoreIndex.Entry popped = SortedSetCommands.pop(zset, 1, min).get(0);
                    context.keyspace().modified(key);
                    reply.array(3);
                    reply.bulk(key);
                    reply.bulk(popped.member().bytes());
                    reply.doubleValue(popped.score());
                    return true;
                }
            }
            return false;
        };
        if (!attempt.attempt(c, r)) {
            c.block(keys, timeout, BlockingTimeout.retry(attempt), Reply::nilArray);
        }
    }

    /** BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count] */
    private static void bzmpop(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        SortedSetCommands.MultiPop pop = SortedSetCommands.MultiPop.parse(argv, 2);
        long timeout = BlockingTimeout.seconds(argv[1]);
        if (!pop.pop(c, r)) {
            c.block(pop.keys(), timeout, BlockingTimeout.retry(pop::pop), Reply::nilArray);
        }
    }
}
