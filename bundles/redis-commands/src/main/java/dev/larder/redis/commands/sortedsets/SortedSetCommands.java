package dev.larder.redis.commands.sortedsets;

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
import dev.larder.redis.api.types.LexRange;
import dev.larder.redis.api.types.ScoreRange;
import dev.larder.redis.api.types.ScoreIndex;
import dev.larder.redis.api.types.SortedSetValue;
import dev.larder.redis.commands.CollectionScan;
import dev.larder.redis.commands.RandomPicks;
import dev.larder.redis.commands.TypedValues;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/** Sorted sets: Redis's t_zset.c, without the blocking pops. */
@Component
public class SortedSetCommands implements CommandFamily {

    @Override
    public List<RedisCommand> commands() {
        List<RedisCommand> commands = new ArrayList<>(List.of(
                RedisCommand.of(command("zadd", -4).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).categories("sortedset")
                        .docs(SortedSetDocs.ZADD).build(),
                        SortedSetCommands::zadd),
                RedisCommand.of(command("zincrby", 4).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).categories("sortedset").build(), (c, argv, r) -> {
                    double increment = Arguments.toDouble(argv[2]);
                    SortedSetValue zset = TypedValues.sortedSet(c.keyspace(), argv[1]);
                    Double current = zset == null ? null : zset.score(argv[3]);
                    double score = (current == null ? 0 : current) + increment;
                    if (Double.isNaN(score)) {
                        throw new RedisException("ERR resulting score is not a number (NaN)");
                    }
                    put(c, argv[1], zset, argv[3], score);
                    r.doubleValue(score);
                }),
                RedisCommand.of(command("zrem", -3).flags(WRITE, FAST).keys(1, 1, 1).categories("sortedset").build(), (c, argv, r) -> {
                    SortedSetValue zset = TypedValues.sortedSet(c.keyspace(), argv[1]);
                    long removed = 0;
                    if (zset != null) {
                        for (int i = 2; i < argv.length; i++) {
                            removed += zset.remove(argv[i]) ? 1 : 0;
                        }
                        c.keyspace().modified(argv[1]);
                    }
                    r.integer(removed);
                }),
                RedisCommand.of(command("zcard", 2).flags(READONLY, FAST).keys(1, 1, 1).categories("sortedset").build(), (c, argv, r) -> {
                    SortedSetValue zset = TypedValues.sortedSet(c.keyspace(), argv[1]);
                    r.integer(zset == null ? 0 : zset.size());
                }),
                RedisCommand.of(command("zscore", 3).flags(READONLY, FAST).keys(1, 1, 1).categories("sortedset").build(), (c, argv, r) -> {
                    SortedSetValue zset = TypedValues.sortedSet(c.keyspace(), argv[1]);
                    doubleOrNil(r, zset == null ? null : zset.score(argv[2]));
                }),
                RedisCommand.of(command("zmscore", -3).flags(READONLY, FAST).keys(1, 1, 1).categories("sortedset").build(), (c, argv, r) -> {
                    SortedSetValue zset = TypedValues.sortedSet(c.keyspace(), argv[1]);
                    r.array(argv.length - 2);
                    for (int i = 2; i < argv.length; i++) {
                        doubleOrNil(r, zset == null ? null : zset.score(argv[i]));
                    }
                }),
                RedisCommand.of(command("zrank", 3).flags(READONLY, FAST).keys(1, 1, 1).categories("sortedset").build(),
                        (c, argv, r) -> rank(c, argv, r, false)),
                RedisCommand.of(command("zrevrank", 3).flags(READONLY, FAST).keys(1, 1, 1).categories("sortedset").build(),
                        (c, argv, r) -> rank(c, argv, r, true)),
                RedisCommand.of(command("zcount", 4).flags(READONLY, FAST).keys(1, 1, 1).categories("sortedset").build(), (c, argv, r) -> {
                    ScoreRange range = Ranges.score(argv[2], argv[3]);
                    SortedSetValue zset = TypedValues.sortedSet(c.keyspace(), argv[1]);
                    ScoreIndex.Entry first = zset == null ? null : zset.firstIn(range);
                    r.integer(first == null ? 0 : zset.rank(zset.lastIn(range)) - zset.rank(first) + 1);
                }),
                RedisCommand.of(command("zlexcount", 4).flags(READONLY, FAST).keys(1, 1, 1).categories("sortedset").build(), (c, argv, r) -> {
                    LexRange range = Ranges.lex(argv[2], argv[3]);
                    SortedSetValue zset = TypedValues.sortedSet(c.keyspace(), argv[1]);
                    r.integer(zset == null ? 0 : zset.countIn(range));
                }),
                range("zrange", -4, null, false),
                range("zrangebyscore", -4, RangeQuery.Kind.SCORE, false),
                range("zrevrangebyscore", -4, RangeQuery.Kind.SCORE, true),
                range("zrangebylex", -4, RangeQuery.Kind.LEX, false),
                range("zrevrangebylex", -4, RangeQuery.Kind.LEX, true),
                range("zrevrange", -4, RangeQuery.Kind.RANK, true),
                RedisCommand.of(command("zrangestore", -5).flags(WRITE, DENYOOM).keys(1, 2, 1).categories("sortedset").build(), (c, argv, r) -> {
                    RangeQuery query = RangeQuery.parse(argv, 3, null, false, true);
                    SortedSetValue source = TypedValues.sortedSet(c.keyspace(), argv[2]);
                    r.integer(store(c, argv[1], source == null ? List.of() : query.run(source)));
                }),
                RedisCommand.of(command("zremrangebyrank", 4).flags(WRITE).keys(1, 1, 1).categories("sortedset").build(), (c, argv, r) -> {
                    long start = Arguments.toLong(argv[2]);
                    long stop = Arguments.toLong(argv[3]);
                    removeRange(c, argv[1], r, zset -> rankRange(zset, start, stop, false));
                }),
                RedisCommand.of(command("zremrangebyscore", 4).flags(WRITE).keys(1, 1, 1).categories("sortedset").build(), (c, argv, r) -> {
                    ScoreRange range = Ranges.score(argv[2], argv[3]);
                    removeRange(c, argv[1], r, zset -> {
                        List<ScoreIndex.Entry> nodes = new ArrayList<>();
                        for (ScoreIndex.Entry node = zset.firstIn(range); node != null && range.belowMax(node.score()); node = node.next()) {
                            nodes.add(node);
                        }
                        return nodes;
                    });
                }),
                RedisCommand.of(command("zremrangebylex", 4).flags(WRITE).keys(1, 1, 1).categories("sortedset").build(), (c, argv, r) -> {
                    LexRange range = Ranges.lex(argv[2], argv[3]);
                    removeRange(c, argv[1], r, zset -> {
                        List<ScoreIndex.Entry> nodes = new ArrayList<>();
                        for (ScoreIndex.Entry node = zset.firstIn(range); node != null && range.belowMax(node.member()); node = node.next()) {
                            nodes.add(node);
                        }
                        return nodes;
                    });
                }),
                RedisCommand.of(command("zpopmin", -2).flags(WRITE, FAST).keys(1, 1, 1).categories("sortedset").build(),
                        (c, argv, r) -> zpop(c, argv, r, true)),
                RedisCommand.of(command("zpopmax", -2).flags(WRITE, FAST).keys(1, 1, 1).categories("sortedset").build(),
                        (c, argv, r) -> zpop(c, argv, r, false)),
                RedisCommand.of(command("zmpop", -4).flags(WRITE).keys(2, 2, 1).categories("sortedset").build(),
                        argv -> RedisCommand.numkeys(argv, 1), (c, argv, r) -> {
                            if (!MultiPop.parse(argv, 1).pop(c, r)) {
                                r.nilArray();
                            }
                        }),
                RedisCommand.of(command("zrandmember", -2).flags(READONLY).keys(1, 1, 1).categories("sortedset").build(),
                        SortedSetCommands::zrandmember),
                RedisCommand.of(command("zscan", -3).flags(READONLY).keys(1, 1, 1).categories("sortedset").build(), (c, argv, r) -> {
                    CollectionScan scan = CollectionScan.parse(argv, false);
                    SortedSetValue zset = TypedValues.sortedSet(c.keyspace(), argv[1]);
                    scan.reply(r, true, (cursor, found) -> zset == null ? 0 : zset.scan(cursor, (member, score) -> {
                        found.add(member.bytes());
                        found.add(Arguments.formatDouble(score).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    }));
                })));
        commands.addAll(SetOperations.commands());
        return commands;
    }

    static void doubleOrNil(Reply r, Double value) {
        if (value == null) {
            r.nil();
        } else {
            r.doubleValue(value);
        }
    }

    /** Sets one member's score, creating the sorted set when {@code zset} is null. */
    private static void put(CommandContext c, byte[] key, SortedSetValue zset, byte[] member, double score) {
        if (zset == null) {
            zset = new SortedSetValue();
            zset.put(member, score);
            c.keyspace().set(key, zset);
        } else {
            zset.put(member, score);
            c.keyspace().modified(key);
        }
    }

    /** ZADD key [NX | XX] [GT | LT] [CH] [INCR] score member [score member ...] */
    public static void zadd(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        boolean nx = false;
        boolean xx = false;
        boolean gt = false;
        boolean lt = false;
        boolean ch = false;
        boolean incr = false;
        int at = 2;
        flags:
        for (; at < argv.length; at++) {
            switch (Arguments.text(argv[at]).toLowerCase(java.util.Locale.ROOT)) {
                case "nx" -> nx = true;
                case "xx" -> xx = true;
                case "gt" -> gt = true;
                case "lt" -> lt = true;
                case "ch" -> ch = true;
                case "incr" -> incr = true;
                default -> {
                    break flags;
                }
            }
        }
        int elements = argv.length - at;
        if (elements % 2 != 0 || elements == 0) {
            throw RedisException.syntax();
        }
        if (nx && xx) {
            throw new RedisException("ERR XX and NX options at the same time are not compatible");
        }
        if (gt && nx || lt && nx || gt && lt) {
            throw new RedisException("ERR GT, LT, and/or NX options at the same time are not compatible");
        }
        if (incr && elements > 2) {
            throw new RedisException("ERR INCR option supports a single increment-element pair");
        }
        double[] scores = new double[elements / 2];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = Arguments.toDouble(argv[at + i * 2]);
        }
        SortedSetValue zset = TypedValues.sortedSet(c.keyspace(), argv[1]);
        if (zset == null && xx) {
            if (incr) {
                r.nil();
            } else {
                r.integer(0);
            }
            return;
        }
        boolean created = zset == null;
        if (created) {
            zset = new SortedSetValue();
        }
        long added = 0;
        long updated = 0;
        Double incremented = null;
        for (int i = 0; i < scores.length; i++) {
            byte[] member = argv[at + i * 2 + 1];
            Double current = zset.score(member);
            double score = scores[i];
            if (current == null) {
                if (xx) {
                    continue;
                }
                zset.put(member, score);
                added++;
                incremented = score;
                continue;
            }
            if (nx) {
                continue;
            }
            if (incr) {
                score += current;
                if (Double.isNaN(score)) {
                    throw new RedisException("ERR resulting score is not a number (NaN)");
                }
            }
            if (gt && score <= current || lt && score >= current) {
                continue;
            }
            incremented = score;
            if (score != current) {
                zset.put(member, score);
                updated++;
            }
        }
        if (created) {
            if (!zset.isEmpty()) {
                c.keyspace().set(argv[1], zset);
            }
        } else if (added + updated > 0) {
            c.keyspace().modified(argv[1]);
        }
        if (incr) {
            doubleOrNil(r, incremented);
        } else {
            r.integer(ch ? added + updated : added);
        }
    }

    private static void rank(CommandContext c, byte[][] argv, Reply r, boolean reverse) throws RedisException {
        SortedSetValue zset = TypedValues.sortedSet(c.keyspace(), argv[1]);
        long rank = zset == null ? -1 : zset.rank(argv[2]);
        if (rank < 0) {
            r.nil();
        } else {
            r.integer(reverse ? zset.size() - 1 - rank : rank);
        }
    }

    private static RedisCommand range(String name, int arity, RangeQuery.Kind kind, boolean reverse) {
        return RedisCommand.of(command(name, arity).flags(READONLY).keys(1, 1, 1).categories("sortedset").build(), (c, argv, r) -> {
            RangeQuery query = RangeQuery.parse(argv, 2, kind, reverse, false);
            SortedSetValue zset = TypedValues.sortedSet(c.keyspace(), argv[1]);
            reply(c, r, zset == null ? List.of() : query.run(zset), query.withScores());
        });
    }

    /** Members, with their scores when asked: RESP3 pairs them in arrays, RESP2 flattens them. */
    static void reply(CommandContext c, Reply r, List<ScoreIndex.Entry> nodes, boolean withScores) {
        boolean pairs = withScores && c.client().protocol() == 3;
        r.array(withScores && !pairs ? nodes.size() * 2 : nodes.size());
        for (ScoreIndex.Entry node : nodes) {
            if (pairs) {
                r.array(2);
            }
            r.bulk(node.member().bytes());
            if (withScores) {
                r.doubleValue(node.score());
            }
        }
    }

    /** Stores the members as a new sorted set (an empty result removes the key); returns how many. */
    static long store(CommandContext c, byte[] key, List<ScoreIndex.Entry> nodes) {
        if (nodes.isEmpty()) {
            c.keyspace().remove(key);
            return 0;
        }
        SortedSetValue result = new SortedSetValue();
        for (ScoreIndex.Entry node : nodes) {
            result.put(node.member().bytes(), node.score());
        }
        c.keyspace().set(key, result);
        return result.size();
    }

    /** The members from rank {@code start} to {@code stop} (clamped as ZRANGE clamps), lowest or, reversed, highest first. */
    static List<ScoreIndex.Entry> rankRange(SortedSetValue zset, long start, long stop, boolean reverse) {
        List<ScoreIndex.Entry> nodes = new ArrayList<>();
        long[] range = Arguments.indexRange(start, stop, zset.size());
        if (range == null) {
            return nodes;
        }
        ScoreIndex.Entry node = zset.byRank(reverse ? zset.size() - 1 - range[0] : range[0]);
        for (long i = range[0]; i <= range[1] && node != null; i++) {
            nodes.add(node);
            node = reverse ? node.previous() : node.next();
        }
        return nodes;
    }

    private interface Finder {
        List<ScoreIndex.Entry> find(SortedSetValue zset);
    }

    private static void removeRange(CommandContext c, byte[] key, Reply r, Finder finder) throws RedisException {
        SortedSetValue zset = TypedValues.sortedSet(c.keyspace(), key);
        if (zset == null) {
            r.integer(0);
            return;
        }
        List<ScoreIndex.Entry> nodes = finder.find(zset);
        for (ScoreIndex.Entry node : nodes) {
            zset.remove(node.member());
        }
        if (!nodes.isEmpty()) {
            c.keyspace().modified(key);
        }
        r.integer(nodes.size());
    }

    /** Pops up to {@code count} members from the low or high end. */
    static List<ScoreIndex.Entry> pop(SortedSetValue zset, long count, boolean min) {
        List<ScoreIndex.Entry> popped = new ArrayList<>();
        while (popped.size() < count && !zset.isEmpty()) {
            ScoreIndex.Entry node = min ? zset.first() : zset.last();
            zset.remove(node.member());
            popped.add(node);
        }
        return popped;
    }

    /** ZPOPMIN and ZPOPMAX key [count]: RESP3 nests the pairs when a count is given. */
    private static void zpop(CommandContext c, byte[][] argv, Reply r, boolean min) throws RedisException {
        if (argv.length > 3) {
            throw RedisException.syntax();
        }
        long count = 1;
        if (argv.length == 3) {
            count = Arguments.nonNegative(argv[2], "ERR value is out of range, must be positive");
        }
        SortedSetValue zset = TypedValues.sortedSet(c.keyspace(), argv[1]);
        if (zset == null || count == 0) {
            r.array(0);
            return;
        }
        List<ScoreIndex.Entry> popped = pop(zset, count, min);
        c.keyspace().modified(argv[1]);
        if (argv.length == 3) {
            reply(c, r, popped, true);
        } else {
            r.array(2);
            r.bulk(popped.get(0).member().bytes());
            r.doubleValue(popped.get(0).score());
        }
    }

    /** The arguments ZMPOP and BZMPOP share: numkeys key ... MIN|MAX [COUNT count]. */
    record MultiPop(List<byte[]> keys, boolean min, long count) {

        static MultiPop parse(byte[][] argv, int numkeysAt) throws RedisException {
            long numkeys = Arguments.positive(argv[numkeysAt], "ERR numkeys should be greater than 0");
            long sideAt = numkeysAt + numkeys + 1;
            if (sideAt >= argv.length) {
                throw RedisException.syntax();
            }
            boolean min;
            if (Arguments.is(argv[(int) sideAt], "MIN")) {
                min = true;
            } else if (Arguments.is(argv[(int) sideAt], "MAX")) {
                min = false;
            } else {
                throw RedisException.syntax();
            }
            long count = -1;
            for (int i = (int) sideAt + 1; i < argv.length; i++) {
                if (count == -1 && Arguments.is(argv[i], "COUNT") && i + 1 < argv.length) {
                    count = Arguments.positive(argv[++i], "ERR count should be greater than 0");
                } else {
                    throw RedisException.syntax();
                }
            }
            return new MultiPop(java.util.Arrays.asList(argv).subList(numkeysAt + 1, (int) sideAt), min, count == -1 ? 1 : count);
        }

        /** Pops from the first non-empty sorted set and replies [key, [[member, score], ...]]; false when all are empty. */
        boolean pop(CommandContext c, Reply r) throws RedisException {
            for (byte[] key : keys) {
                SortedSetValue zset = TypedValues.sortedSet(c.keyspace(), key);
                if (zset == null) {
                    continue;
                }
                List<ScoreIndex.Entry> popped = SortedSetCommands.pop(zset, count, min);
                c.keyspace().modified(key);
                r.array(2);
                r.bulk(key);
                r.array(popped.size());
                for (ScoreIndex.Entry node : popped) {
                    r.array(2);
                    r.bulk(node.member().bytes());
                    r.doubleValue(node.score());
                }
                return true;
            }
            return false;
        }
    }

    /** ZRANDMEMBER key [count [WITHSCORES]] */
    private static void zrandmember(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        if (argv.length > 4 || argv.length == 4 && !Arguments.is(argv[3], "WITHSCORES")) {
            throw RedisException.syntax();
        }
        boolean withScores = argv.length == 4;
        if (argv.length == 2) {
            SortedSetValue zset = TypedValues.sortedSet(c.keyspace(), argv[1]);
            Bytes member = zset == null ? null : zset.randomMember(RandomPicks.random());
            if (member == null) {
                r.nil();
            } else {
                r.bulk(member.bytes());
            }
            return;
        }
        long count = RandomPicks.count(argv[2], withScores);
        SortedSetValue zset = TypedValues.sortedSet(c.keyspace(), argv[1]);
        List<Bytes> picked = zset == null ? List.of() : RandomPicks.pick(count, zset.size(), zset::randomMember, action -> {
            for (ScoreIndex.Entry node = zset.first(); node != null; node = node.next()) {
                action.accept(node.member());
            }
        });
        RandomPicks.reply(c, r, picked, withScores, member -> r.doubleValue(zset.score(member)));
    }
}
