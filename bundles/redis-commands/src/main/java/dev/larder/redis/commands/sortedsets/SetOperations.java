package dev.larder.redis.commands.sortedsets;

import static dev.larder.redis.api.CommandFlag.DENYOOM;
import static dev.larder.redis.api.CommandFlag.READONLY;
import static dev.larder.redis.api.CommandFlag.WRITE;
import static dev.larder.redis.api.CommandSpec.command;

import dev.larder.redis.api.Arguments;
import dev.larder.redis.api.CommandContext;
import dev.larder.redis.api.RedisCommand;
import dev.larder.redis.api.RedisException;
import dev.larder.redis.api.RedisValue;
import dev.larder.redis.api.types.Bytes;
import dev.larder.redis.api.types.SetValue;
import dev.larder.redis.api.types.ScoreIndex;
import dev.larder.redis.api.types.SortedSetValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD, as Redis's zunionInterDiffGenericCommand:
 * inputs may be sorted sets or plain sets (every member scoring 1), with WEIGHTS and AGGREGATE.
 */
final class SetOperations {

    private enum Operation { UNION, INTER, DIFF }

    private enum Aggregate { SUM, MIN, MAX }

    private SetOperations() {
    }

    static List<RedisCommand> commands() {
        return List.of(
                read("zunion", Operation.UNION), read("zinter", Operation.INTER), read("zdiff", Operation.DIFF),
                store("zunionstore", Operation.UNION), store("zinterstore", Operation.INTER), store("zdiffstore", Operation.DIFF),
                RedisCommand.of(command("zintercard", -3).flags(READONLY).keys(2, 2, 1).categories("sortedset").build(),
                        argv -> RedisCommand.numkeys(argv, 1), (c, argv, r) -> r.integer(run(c, argv, 1, Operation.INTER, "zintercard",
                                false, true).size())));
    }

    private static RedisCommand read(String name, Operation operation) {
        return RedisCommand.of(command(name, -3).flags(READONLY).keys(2, 2, 1).categories("sortedset").build(),
                argv -> RedisCommand.numkeys(argv, 1), (c, argv, r) -> {
                    boolean[] withScores = {false};
                    List<ScoreIndex.Entry> result = sorted(run(c, argv, 1, operation, name, true, false, withScores));
                    SortedSetCommands.reply(c, r, result, withScores[0]);
                });
    }

    private static RedisCommand store(String name, Operation operation) {
        return RedisCommand.of(command(name, -4).flags(WRITE, DENYOOM).keys(1, 1, 1).categories("sortedset").build(),
                argv -> RedisCommand.numkeys(argv, 2, 1),
                (c, argv, r) -> r.integer(SortedSetCommands.store(c, argv[1], sorted(run(c, argv, 2, operation, name, false, false)))));
    }

    private static Map<Bytes, Double> run(CommandContext c, byte[][] argv, int numkeysAt, Operation operation, String name,
            boolean withScoresAllowed, boolean cardinalityOnly) throws RedisException {
        return run(c, argv, numkeysAt, operation, name, withScoresAllowed, cardinalityOnly, new boolean[1]);
    }

    /** The resulting members and scores; {@code withScores[0]} says whether WITHSCORES was given. */
    private static Map<Bytes, Double> run(CommandContext c, byte[][] argv, int numkeysAt, Operation operation, String name,
            boolean withScoresAllowed, boolean cardinalityOnly, boolean[] withScores) throws RedisException {
        long count = Arguments.toLong(argv[numkeysAt]);
        if (count < 1) {
            throw new RedisException("ERR at least 1 input key is needed for '" + name + "' command");
        }
        if (count > argv.length - numkeysAt - 1) {
            throw RedisException.syntax();
        }
        int inputs = (int) count;
        List<RedisValue> sources = new ArrayList<>();
        for (int i = 0; i < inputs; i++) {
            RedisValue value = c.keyspace().get(argv[numkeysAt + 1 + i]);
            if (value != null && !(value instanceof SortedSetValue) && !(value instanceof SetValue)) {
                throw RedisException.wrongType();
            }
            sources.add(value);
        }
        double[] weights = new double[inputs];
        java.util.Arrays.fill(weights, 1);
        Aggregate aggregate = Aggregate.SUM;
        long limit = 0;
        int j = numkeysAt + 1 + inputs;
        while (j < argv.length) {
            int remaining = argv.length - j;
            String option = Arguments.text(argv[j]).toLowerCase(Locale.ROOT);
            if (operation != Operation.DIFF && !cardinalityOnly && remaining >= inputs + 1 && option.equals("weights")) {
                j++;
                for (int i = 0; i < inputs; i++, j++) {
                    try {
                        weights[i] = Arguments.toDouble(argv[j]);
                    } catch (RedisException e) {
                        throw new RedisException("ERR weight value is not a float");
                    }
                }
            } else if (operation != Operation.DIFF && !cardinalityOnly && remaining >= 2 && option.equals("aggregate")) {
                try {
                    aggregate = Aggregate.valueOf(Arguments.text(argv[j + 1]).toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw RedisException.syntax();
                }
                j += 2;
            } else if (withScoresAllowed && option.equals("withscores")) {
                withScores[0] = true;
                j++;
            } else if (cardinalityOnly && remaining >= 2 && option.equals("limit")) {
                limit = Arguments.nonNegative(argv[j + 1], "ERR LIMIT can't be negative");
                j += 2;
            } else {
                throw RedisException.syntax();
            }
        }
        List<Map<Bytes, Double>> sets = new ArrayList<>();
        for (int i = 0; i < inputs; i++) {
            sets.add(scores(sources.get(i), weights[i]));
        }
        Map<Bytes, Double> result = new LinkedHashMap<>();
        Aggregate how = aggregate;
        switch (operation) {
            case UNION -> {
                for (Map<Bytes, Double> set : sets) {
                    set.forEach((member, score) -> result.merge(member, score, (a, b) -> combine(how, a, b)));
                }
            }
            case INTER -> {
                int smallest = 0;
                for (int i = 1; i < inputs; i++) {
                    if (sets.get(i).size() < sets.get(smallest).size()) {
                        smallest = i;
                    }
                }
                for (Map.Entry<Bytes, Double> entry : sets.get(smallest).entrySet()) {
                    if (cardinalityOnly && limit > 0 && result.size() >= limit) {
                        break;
                    }
                    Double score = null;
                    boolean everywhere = true;
                    for (Map<Bytes, Double> set : sets) {
                        Double other = set.get(entry.getKey());
                        if (other == null) {
                            everywhere = false;
                            break;
                        }
                        score = score == null ? other : combine(aggregate, score, other);
                    }
                    if (everywhere) {
                        result.put(entry.getKey(), score);
                    }
                }
            }
            case DIFF -> sets.get(0).forEach((member, score) -> {
                for (int i = 1; i < inputs; i++) {
                    if (sets.get(i).containsKey(member)) {
                        return;
                    }
                }
                result.put(member, score);
            });
        }
        return result;
    }

    /** A source's members with weighted scores (a plain set's score 1); an infinity times 0 is 0, as in Redis. */
    private static Map<Bytes, Double> scores(RedisValue source, double weight) {
        Map<Bytes, Double> scores = new HashMap<>();
        if (source instanceof SortedSetValue zset) {
            for (ScoreIndex.Entry node = zset.first(); node != null; node = node.next()) {
                scores.put(node.member(), weighted(node.score(), weight));
            }
        } else if (source instanceof SetValue set) {
            set.forEach(member -> scores.put(member, weighted(1, weight)));
        }
        return scores;
    }

    private static double weighted(double score, double weight) {
        double result = score * weight;
        return Double.isNaN(result) ? 0 : result;
    }

    private static double combine(Aggregate aggregate, double a, double b) {
        return switch (aggregate) {
            case SUM -> {
                double sum = a + b;
                yield Double.isNaN(sum) ? 0 : sum;
            }
            case MIN -> Math.min(a, b);
            case MAX -> Math.max(a, b);
        };
    }

    /** The result in sorted-set order: by score, then by member bytes. */
    private static List<ScoreIndex.Entry> sorted(Map<Bytes, Double> members) {
        SortedSetValue ordered = new SortedSetValue();
        members.forEach((member, score) -> ordered.put(member.bytes(), score));
        List<ScoreIndex.Entry> nodes = new ArrayList<>(members.size());
        for (ScoreIndex.Entry node = ordered.first(); node != null; node = node.next()) {
            nodes.add(node);
        }
        return nodes;
    }
}
