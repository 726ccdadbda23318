package dev.larder.redis.commands.lists;

import static dev.larder.redis.api.CommandFlag.DENYOOM;
import static dev.larder.redis.api.CommandFlag.FAST;
import static dev.larder.redis.api.CommandFlag.READONLY;
import static dev.larder.redis.api.CommandFlag.WRITE;
import static dev.larder.redis.api.CommandSpec.command;

import dev.larder.redis.api.Arguments;
import dev.larder.redis.api.CommandContext;
import dev.larder.redis.api.CommandFamily;
import dev.larder.redis.api.RedisCommand;
import dev.larder.redis.api.RedisException;
import dev.larder.redis.api.Reply;
import dev.larder.redis.api.types.ListValue;
import dev.larder.redis.commands.TypedValues;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/** Lists: Redis's t_list.c, without the blocking commands. */
@Component
public class ListCommands implements CommandFamily {

    @Override
    public List<RedisCommand> commands() {
        return List.of(
                RedisCommand.of(command("lpush", -3).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).categories("list")
                        .docs(ListDocs.LPUSH).build(),
                        (c, argv, r) -> push(c, argv, r, true, false)),
                RedisCommand.of(command("rpush", -3).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).categories("list").build(),
                        (c, argv, r) -> push(c, argv, r, false, false)),
                RedisCommand.of(command("lpushx", -3).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).categories("list").build(),
                        (c, argv, r) -> push(c, argv, r, true, true)),
                RedisCommand.of(command("rpushx", -3).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).categories("list").build(),
                        (c, argv, r) -> push(c, argv, r, false, true)),
                RedisCommand.of(command("lpop", -2).flags(WRITE, FAST).keys(1, 1, 1).categories("list").build(),
                        (c, argv, r) -> pop(c, argv, r, true)),
                RedisCommand.of(command("rpop", -2).flags(WRITE, FAST).keys(1, 1, 1).categories("list").build(),
                        (c, argv, r) -> pop(c, argv, r, false)),
                RedisCommand.of(command("llen", 2).flags(READONLY, FAST).keys(1, 1, 1).categories("list").build(), (c, argv, r) -> {
                    ListValue list = TypedValues.list(c.keyspace(), argv[1]);
                    r.integer(list == null ? 0 : list.size());
                }),
                RedisCommand.of(command("lindex", 3).flags(READONLY).keys(1, 1, 1).categories("list").build(), (c, argv, r) -> {
                    long index = Arguments.toLong(argv[2]);
                    ListValue list = TypedValues.list(c.keyspace(), argv[1]);
                    int at = list == null ? -1 : position(index, list.size());
                    if (at < 0) {
                        r.nil();
                    } else {
                        r.bulk(list.get(at));
                    }
                }),
                RedisCommand.of(command("lset", 4).flags(WRITE, DENYOOM).keys(1, 1, 1).categories("list").build(), (c, argv, r) -> {
                    long index = Arguments.toLong(argv[2]);
                    ListValue list = TypedValues.list(c.keyspace(), argv[1]);
                    if (list == null) {
                        throw RedisException.noSuchKey();
                    }
                    int at = position(index, list.size());
                    if (at < 0) {
                        throw new RedisException("ERR index out of range");
                    }
                    list.set(at, argv[3]);
                    c.keyspace().modified(argv[1]);
                    r.ok();
                }),
                RedisCommand.of(command("lrange", 4).flags(READONLY).keys(1, 1, 1).categories("list").build(), (c, argv, r) -> {
                    long start = Arguments.toLong(argv[2]);
                    long stop = Arguments.toLong(argv[3]);
                    ListValue list = TypedValues.list(c.keyspace(), argv[1]);
                    int[] span = list == null ? null : span(start, stop, list.size());
                    if (span == null) {
                        r.array(0);
                        return;
                    }
                    r.array(span[1] - span[0] + 1);
                    for (int i = span[0]; i <= span[1]; i++) {
                        r.bulk(list.get(i));
                    }
                }),
                RedisCommand.of(command("ltrim", 4).flags(WRITE).keys(1, 1, 1).categories("list").build(), ListCommands::ltrim),
                RedisCommand.of(command("lrem", 4).flags(WRITE).keys(1, 1, 1).categories("list").build(), ListCommands::lrem),
                RedisCommand.of(command("linsert", 5).flags(WRITE, DENYOOM).keys(1, 1, 1).categories("list").build(), ListCommands::linsert),
                RedisCommand.of(command("lpos", -3).flags(READONLY).keys(1, 1, 1).categories("list").build(), ListCommands::lpos),
                RedisCommand.of(command("lmove", 5).flags(WRITE, DENYOOM).keys(1, 2, 1).categories("list").build(), (c, argv, r) -> {
                    boolean fromLeft = side(argv[3]);
                    boolean toLeft = side(argv[4]);
                    move(c, r, argv[1], argv[2], fromLeft, toLeft);
                }),
                RedisCommand.of(command("rpoplpush", 3).flags(WRITE, DENYOOM).keys(1, 2, 1).categories("list").build(),
                        (c, argv, r) -> move(c, r, argv[1], argv[2], false, true)),
                RedisCommand.of(command("lmpop", -4).flags(WRITE).keys(2, 2, 1).categories("list").build(),
                        argv -> RedisCommand.numkeys(argv, 1), ListCommands::lmpop));
    }

    /** LEFT or RIGHT; true for LEFT. */
    public static boolean side(byte[] argument) throws RedisException {
        if (Arguments.is(argument, "LEFT")) {
            return true;
        }
        if (Arguments.is(argument, "RIGHT")) {
            return false;
        }
        throw RedisException.syntax();
    }

    /** An index (negative from the end) as a position in the list, or -1 when outside it. */
    private static int position(long index, int size) {
        if (index < 0) {
            index += size;
        }
        return index < 0 || index >= size ? -1 : (int) index;
    }

    /** Start and stop as LRANGE and LTRIM read them, clamped into the list; null when nothing is in the range. */
    private static int[] span(long start, long stop, int size) {
        long[] range = Arguments.indexRange(start, stop, size);
        return range == null ? null : new int[] {(int) range[0], (int) range[1]};
    }

    private static void push(CommandContext c, byte[][] argv, Reply r, boolean left, boolean onlyExisting) throws RedisException {
        ListValue list = TypedValues.list(c.keyspace(), argv[1]);
        if (list == null && onlyExisting) {
            r.integer(0);
            return;
        }
        boolean created = list == null;
        if (created) {
            list = new ListValue();
        }
        for (int i = 2; i < argv.length; i++) {
            if (left) {
                list.addFirst(argv[i]);
            } else {
                list.addLast(argv[i]);
            }
        }
        if (created) {
            c.keyspace().set(argv[1], list);
        } else {
            c.keyspace().modified(argv[1]);
        }
        r.integer(list.size());
    }

    /** LPOP and RPOP key [count] */
    private static void pop(CommandContext c, byte[][] argv, Reply r, boolean left) throws RedisException {
        if (argv.length > 3) {
            throw RedisException.wrongArity(left ? "lpop" : "rpop");
        }
        long count = -1;
        if (argv.length == 3) {
            count = Arguments.nonNegative(argv[2], "ERR value is out of range, must be positive");
        }
        ListValue list = TypedValues.list(c.keyspace(), argv[1]);
        if (list == null) {
            if (count < 0) {
                r.nil();
            } else {
                r.nilArray();
            }
            return;
        }
        if (count < 0) {
            r.bulk(left ? list.removeFirst() : list.removeLast());
        } else {
            int popped = (int) Math.min(count, list.size());
            r.array(popped);
            for (int i = 0; i < popped; i++) {
                r.bulk(left ? list.removeFirst() : list.removeLast());
            }
        }
        c.keyspace().modified(argv[1]);
    }

    private static void ltrim(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        long start = Arguments.toLong(argv[2]);
        long stop = Arguments.toLong(argv[3]);
        ListValue list = TypedValues.list(c.keyspace(), argv[1]);
        if (list != null) {
            int[] span = span(start, stop, list.size());
            int fromTail = span == null ? 0 : list.size() - 1 - span[1];
            int fromHead = span == null ? list.size() : span[0];
            for (int i = 0; i < fromHead; i++) {
                list.removeFirst();
            }
            for (int i = 0; i < fromTail; i++) {
                list.removeLast();
            }
            c.keyspace().modified(argv[1]);
        }
        r.ok();
    }

    /** LREM key count element: from the head for a positive count, from the tail for a negative one, all for 0. */
    private static void lrem(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        long count = Arguments.toLong(argv[2]);
        ListValue list = TypedValues.list(c.keyspace(), argv[1]);
        long removed = 0;
        if (list != null) {
            long limit = count == 0 ? Long.MAX_VALUE : Math.abs(count);
            if (count >= 0) {
                for (int i = 0; i < list.size() && removed < limit; ) {
                    if (Arrays.equals(list.get(i), argv[3])) {
                        list.remove(i);
                        removed++;
                    } else {
                        i++;
                    }
                }
            } else {
                for (int i = list.size() - 1; i >= 0 && removed < limit; i--) {
                    if (Arrays.equals(list.get(i), argv[3])) {
                        list.remove(i);
                        removed++;
                    }
                }
            }
            if (removed > 0) {
                c.keyspace().modified(argv[1]);
            }
        }
        r.integer(removed);
    }

    /** LINSERT key BEFORE|AFTER pivot element */
    private static void linsert(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        boolean after;
        if (Arguments.is(argv[2], "AFTER")) {
            after = true;
        } else if (Arguments.is(argv[2], "BEFORE")) {
            after = false;
        } else {
            throw RedisException.syntax();
        }
        ListValue list = TypedValues.list(c.keyspace(), argv[1]);
        if (list == null) {
            r.integer(0);
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            if (Arrays.equals(list.get(i), argv[3])) {
                list.insert(after ? i + 1 : i, argv[4]);
                c.keyspace().modified(argv[1]);
                r.integer(list.size());
                return;
            }
        }
        r.integer(-1);
    }

    /** LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len] */
    private static void lpos(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        long rank = 1;
        long count = -1;
        long maxLength = 0;
        for (int i = 3; i < argv.length; i++) {
            boolean more = i + 1 < argv.length;
            if (Arguments.is(argv[i], "RANK") && more) {
                rank = Arguments.toLong(argv[++i]);
                if (rank == Long.MIN_VALUE) {
                    throw new RedisException("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
                }
                if (rank == 0) {
                    throw new RedisException("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
                            + "or use negative to start from the end of the list");
                }
            } else if (Arguments.is(argv[i], "COUNT") && more) {
                count = Arguments.nonNegative(argv[++i], "ERR COUNT can't be negative");
            } else if (Arguments.is(argv[i], "MAXLEN") && more) {
                maxLength = Arguments.nonNegative(argv[++i], "ERR MAXLEN can't be negative");
            } else {
                throw RedisException.syntax();
            }
        }
        ListValue list = TypedValues.list(c.keyspace(), argv[1]);
        List<Long> matches = new ArrayList<>();
        if (list != null) {
            long wanted = count == 0 ? Long.MAX_VALUE : Math.max(1, count);
            long skip = Math.abs(rank) - 1;
            int size = list.size();
            long compared = 0;
            for (int step = 0; step < size && matches.size() < wanted && (maxLength == 0 || compared < maxLength); step++) {
                int i = rank > 0 ? step : size - 1 - step;
                compared++;
                if (Arrays.equals(list.get(i), argv[2])) {
                    if (skip > 0) {
                        skip--;
                    } else {
                        matches.add((long) i);
                    }
                }
            }
        }
        if (count < 0) {
            if (matches.isEmpty()) {
                r.nil();
            } else {
                r.integer(matches.get(0));
            }
            return;
        }
        r.array(matches.size());
        matches.forEach(r::integer);
    }

    /** LMOVE and RPOPLPUSH: one element from the source's end to the destination's; null when the source is empty. */
    public static byte[] move(CommandContext c, byte[] sourceKey, byte[] destinationKey, boolean fromLeft, boolean toLeft)
            throws RedisException {
        ListValue source = TypedValues.list(c.keyspace(), sourceKey);
        if (source == null) {
            return null;
        }
        ListValue destination = TypedValues.list(c.keyspace(), destinationKey);
        byte[] element = fromLeft ? source.removeFirst() : source.removeLast();
        boolean created = destination == null;
        if (created) {
            destination = new ListValue();
        }
        if (toLeft) {
            destination.addFirst(element);
        } else {
            destination.addLast(element);
        }
        c.keyspace().modified(sourceKey);
        if (created) {
            c.keyspace().set(destinationKey, destination);
        } else {
            c.keyspace().modified(destinationKey);
        }
        return element;
    }

    private static void move(CommandContext c, Reply r, byte[] sourceKey, byte[] destinationKey, boolean fromLeft, boolean toLeft)
            throws RedisException {
        byte[] element = move(c, sourceKey, destinationKey, fromLeft, toLeft);
        if (element == null) {
            r.nil();
        } else {
            r.bulk(element);
        }
    }

    /** The arguments LMPOP and BLMPOP share: numkeys key ... LEFT|RIGHT [COUNT count], from {@code numkeysAt}. */
    public record MultiPop(List<byte[]> keys, boolean left, long count) {

        public static MultiPop parse(byte[][] argv, int numkeysAt) throws RedisException {
            long numkeys = Arguments.positive(argv[numkeysAt], "ERR numkeys should be greater than 0");
            long sideAt = numkeysAt + numkeys + 1;
            if (sideAt >= argv.length) {
                throw RedisException.syntax();
            }
            boolean left = side(argv[(int) sideAt]);
            long count = -1;
            for (int i = (int) sideAt + 1; i < argv.length; i++) {
                if (count == -1 && Arguments.is(argv[i], "COUNT") && i + 1 < argv.length) {
                    count = Arguments.positive(argv[++i], "ERR count should be greater than 0");
                } else {
                    throw RedisException.syntax();
                }
            }
            return new MultiPop(Arrays.asList(argv).subList(numkeysAt + 1, (int) sideAt), left, count == -1 ? 1 : count);
        }

        /** Pops from the first non-empty list and replies [key, [elements]]; returns false (nothing replied) when all are empty. */
        public boolean pop(CommandContext c, Reply r) throws RedisException {
            for (byte[] key : keys) {
                ListValue list = TypedValues.list(c.keyspace(), key);
                if (list == null) {
                    continue;
                }
                int popped = (int) Math.min(count, list.size());
                r.array(2);
                r.bulk(key);
                r.array(popped);
                for (int i = 0; i < popped; i++) {
                    r.bulk(left ? list.removeFirst() : list.removeLast());
                }
                c.keyspace().modified(key);
                return true;
            }
            return false;
        }
    }

    private static void lmpop(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        if (!MultiPop.parse(argv, 1).pop(c, r)) {
            r.nilArray();
        }
    }
}
