package dev.larder.redis.commands.sets;

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
import dev.larder.redis.api.types.Bytes;
import dev.larder.redis.api.types.SetValue;
import dev.larder.redis.commands.CollectionScan;
import dev.larder.redis.commands.RandomPicks;
import dev.larder.redis.commands.TypedValues;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/** Sets: Redis's t_set.c. */
@Component
public class SetCommands implements CommandFamily {

    private enum Operation { INTER, UNION, DIFF }

    @Override
    public List<RedisCommand> commands() {
        return List.of(
                RedisCommand.of(command("sadd", -3).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).categories("set").build(), (c, argv, r) -> {
                    SetValue set = TypedValues.set(c.keyspace(), argv[1]);
                    boolean created = set == null;
                    if (created) {
                        set = new SetValue();
                    }
                    long added = 0;
                    for (int i = 2; i < argv.length; i++) {
                        added += set.add(argv[i]) ? 1 : 0;
                    }
                    if (created) {
                        c.keyspace().set(argv[1], set);
                    } else if (added > 0) {
                        c.keyspace().modified(argv[1]);
                    }
                    r.integer(added);
                }),
                RedisCommand.of(command("srem", -3).flags(WRITE, FAST).keys(1, 1, 1).categories("set").build(), (c, argv, r) -> {
                    SetValue set = TypedValues.set(c.keyspace(), argv[1]);
                    long removed = 0;
                    if (set != null) {
                        for (int i = 2; i < argv.length && !set.isEmpty(); i++) {
                            removed += set.remove(argv[i]) ? 1 : 0;
                        }
                        c.keyspace().modified(argv[1]);
                    }
                    r.integer(removed);
                }),
                RedisCommand.of(command("scard", 2).flags(READONLY, FAST).keys(1, 1, 1).categories("set").build(), (c, argv, r) -> {
                    SetValue set = TypedValues.set(c.keyspace(), argv[1]);
                    r.integer(set == null ? 0 : set.size());
                }),
                RedisCommand.of(command("sismember", 3).flags(READONLY, FAST).keys(1, 1, 1).categories("set").build(), (c, argv, r) -> {
                    SetValue set = TypedValues.set(c.keyspace(), argv[1]);
                    r.integer(set != null && set.contains(argv[2]) ? 1 : 0);
                }),
                RedisCommand.of(command("smismember", -3).flags(READONLY, FAST).keys(1, 1, 1).categories("set").build(), (c, argv, r) -> {
                    SetValue set = TypedValues.set(c.keyspace(), argv[1]);
                    r.array(argv.length - 2);
                    for (int i = 2; i < argv.length; i++) {
                        r.integer(set != null && set.contains(argv[i]) ? 1 : 0);
                    }
                }),
                RedisCommand.of(command("smembers", 2).flags(READONLY).keys(1, 1, 1).categories("set").build(), (c, argv, r) -> {
                    SetValue set = TypedValues.set(c.keyspace(), argv[1]);
                    r.set(set == null ? 0 : set.size());
                    if (set != null) {
                        set.forEach(member -> r.bulk(member.bytes()));
                    }
                }),
                RedisCommand.of(command("srandmember", -2).flags(READONLY).keys(1, 1, 1).categories("set").build(), SetCommands::srandmember),
                RedisCommand.of(command("spop", -2).flags(WRITE, FAST).keys(1, 1, 1).categories("set").build(), SetCommands::spop),
                RedisCommand.of(command("smove", 4).flags(WRITE, FAST).keys(1, 2, 1).categories("set").build(), SetCommands::smove),
                RedisCommand.of(command("sinter", -2).flags(READONLY).keys(1, -1, 1).categories("set").build(),
                        (c, argv, r) -> reply(r, combine(c, argv, 1, Operation.INTER))),
                RedisCommand.of(command("sunion", -2).flags(READONLY).keys(1, -1, 1).categories("set").build(),
                        (c, argv, r) -> reply(r, combine(c, argv, 1, Operation.UNION))),
                RedisCommand.of(command("sdiff", -2).flags(READONLY).keys(1, -1, 1).categories("set").build(),
                        (c, argv, r) -> reply(r, combine(c, argv, 1, Operation.DIFF))),
                RedisCommand.of(command("sinterstore", -3).flags(WRITE, DENYOOM).keys(1, -1, 1).categories("set").build(),
                        (c, argv, r) -> store(c, argv, r, Operation.INTER)),
                RedisCommand.of(command("sunionstore", -3).flags(WRITE, DENYOOM).keys(1, -1, 1).categories("set").build(),
                        (c, argv, r) -> store(c, argv, r, Operation.UNION)),
                RedisCommand.of(command("sdiffstore", -3).flags(WRITE, DENYOOM).keys(1, -1, 1).categories("set").build(),
                        (c, argv, r) -> store(c, argv, r, Operation.DIFF)),
                RedisCommand.of(command("sintercard", -3).flags(READONLY).keys(1, 1, 1).categories("set").build(),
                        argv -> RedisCommand.numkeys(argv, 1), SetCommands::sintercard),
                RedisCommand.of(command("sscan", -3).flags(READONLY).keys(1, 1, 1).categories("set").build(), (c, argv, r) -> {
                    CollectionScan scan = CollectionScan.parse(argv, false);
                    SetValue set = TypedValues.set(c.keyspace(), argv[1]);
                    scan.reply(r, false, (cursor, found) -> set == null ? 0 : set.scan(cursor, member -> found.add(member.bytes())));
                }));
    }

    private static void reply(Reply r, Set<Bytes> members) {
        r.set(members.size());
        members.forEach(member -> r.bulk(member.bytes()));
    }

    /** The sets at the keys from {@code first} on, every key's type checked first; a missing key is an empty set. */
    private static List<SetValue> sets(CommandContext c, byte[][] argv, int first, int last) throws RedisException {
        List<SetValue> sets = new ArrayList<>();
        for (int i = first; i <= last; i++) {
            sets.add(TypedValues.set(c.keyspace(), argv[i]));
        }
        return sets;
    }

    private static Set<Bytes> combine(CommandContext c, byte[][] argv, int first, Operation operation) throws RedisException {
        return combine(sets(c, argv, first, argv.length - 1), operation, Long.MAX_VALUE);
    }

    private static Set<Bytes> combine(List<SetValue> sets, Operation operation, long limit) {
        Set<Bytes> result = new LinkedHashSet<>();
        switch (operation) {
            case INTER -> {
                if (sets.contains(null)) {
                    return result;
                }
                List<SetValue> bySize = new ArrayList<>(sets);
                bySize.sort(Comparator.comparingInt(SetValue::size));
                bySize.get(0).forEach(member -> {
                    if (result.size() < limit && bySize.stream().allMatch(set -> set.contains(member))) {
                        result.add(member);
                    }
                });
            }
            case UNION -> sets.stream().filter(set -> set != null).forEach(set -> set.forEach(result::add));
            case DIFF -> {
                if (sets.get(0) == null) {
                    return result;
                }
                sets.get(0).forEach(member -> {
                    for (int i = 1; i < sets.size(); i++) {
                        if (sets.get(i) != null && sets.get(i).contains(member)) {
                            return;
                        }
                    }
                    result.add(member);
                });
            }
        }
        return result;
    }

    /** SINTERSTORE, SUNIONSTORE, SDIFFSTORE destination key ...: an empty result removes the destination. */
    private static void store(CommandContext c, byte[][] argv, Reply r, Operation operation) throws RedisException {
        Set<Bytes> members = combine(c, argv, 2, operation);
        if (members.isEmpty()) {
            c.keyspace().remove(argv[1]);
            r.integer(0);
            return;
        }
        SetValue result = new SetValue();
        members.forEach(member -> result.add(member.bytes()));
        c.keyspace().set(argv[1], result);
        r.integer(result.size());
    }

    /** SINTERCARD numkeys key ... [LIMIT limit] */
    private static void sintercard(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        long numkeys = Arguments.positive(argv[1], "ERR numkeys should be greater than 0");
        if (numkeys > argv.length - 2) {
            throw new RedisException("ERR Number of keys can't be greater than number of args");
        }
        long limit = 0;
        for (int i = 2 + (int) numkeys; i < argv.length; i++) {
            if (Arguments.is(argv[i], "LIMIT") && i + 1 < argv.length) {
                limit = Arguments.nonNegative(argv[++i], "ERR LIMIT can't be negative");
            } else {
                throw RedisException.syntax();
            }
        }
        List<SetValue> sets = sets(c, argv, 2, 1 + (int) numkeys);
        r.integer(combine(sets, Operation.INTER, limit == 0 ? Long.MAX_VALUE : limit).size());
    }

    private static void srandmember(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        if (argv.length > 3) {
            throw RedisException.syntax();
        }
        if (argv.length == 2) {
            SetValue set = TypedValues.set(c.keyspace(), argv[1]);
            Bytes member = set == null ? null : set.randomMember(RandomPicks.random());
            if (member == null) {
                r.nil();
            } else {
                r.bulk(member.bytes());
            }
            return;
        }
        long count = RandomPicks.count(argv[2], false);
        SetValue set = TypedValues.set(c.keyspace(), argv[1]);
        List<Bytes> picked = set == null ? List.of() : RandomPicks.pick(count, set.size(), set::randomMember, set::forEach);
        RandomPicks.reply(c, r, picked, false, null);
    }

    private static void spop(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        if (argv.length > 3) {
            throw RedisException.syntax();
        }
        if (argv.length == 2) {
            SetValue set = TypedValues.set(c.keyspace(), argv[1]);
            if (set == null) {
                r.nil();
                return;
            }
            Bytes member = set.randomMember(RandomPicks.random());
            set.remove(member.bytes());
            c.keyspace().modified(argv[1]);
            r.bulk(member.bytes());
            return;
        }
        long count = Arguments.toLong(argv[2]);
        if (count < 0) {
            throw new RedisException("ERR value is out of range, must be positive");
        }
        SetValue set = TypedValues.set(c.keyspace(), argv[1]);
        if (set == null || count == 0) {
            r.set(0);
            return;
        }
        List<Bytes> picked = RandomPicks.pick(count, set.size(), set::randomMember, set::forEach);
        for (Bytes member : picked) {
            set.remove(member.bytes());
        }
        c.keyspace().modified(argv[1]);
        r.set(picked.size());
        picked.forEach(member -> r.bulk(member.bytes()));
    }

    private static void smove(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        SetValue source = TypedValues.set(c.keyspace(), argv[1]);
        if (source == null) {
            r.integer(0);
            return;
        }
        SetValue destination = TypedValues.set(c.keyspace(), argv[2]);
        if (Arrays.equals(argv[1], argv[2])) {
            r.integer(source.contains(argv[3]) ? 1 : 0);
            return;
        }
        if (!source.remove(argv[3])) {
            r.integer(0);
            return;
        }
        c.keyspace().modified(argv[1]);
        if (destination == null) {
            destination = new SetValue();
            destination.add(argv[3]);
            c.keyspace().set(argv[2], destination);
        } else if (destination.add(argv[3])) {
            c.keyspace().modified(argv[2]);
        }
        r.integer(1);
    }
}
